// PUT /upload/?upload_id=…&upload_token=… (reference §4.5): the upload_url of a FILE_UPLOAD init.
// Chunks come in order, one at a time, each exactly its planned size; the body is streamed to an
// unlinked temp file and hashed on the way (bounded memory), and the sha256 of the whole video
// goes to the ledger. Every answer carries "Content-Range: bytes 0-LAST/TOTAL" with LAST the
// index of the last byte received (or "bytes */TOTAL" before the first byte).

#include "posts.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

#include <charconv>
#include <fmt/format.h>
#include <regex>
#include <unistd.h>

namespace sandbox {
namespace {

struct RangeHeader {
    std::int64_t first = 0;
    std::int64_t last = 0;
    std::int64_t total = 0;
};

bool parse_int(const std::string& text, std::int64_t& out) {
    const auto* end = text.data() + text.size();
    return !text.empty() && std::from_chars(text.data(), end, out).ptr == end && out >= 0;
}

std::optional<RangeHeader> parse_content_range(const std::string& header) {
    static const std::regex k_pattern(R"(bytes (\d+)-(\d+)/(\d+))");
    std::smatch match;
    if (!std::regex_match(header, match, k_pattern)) {
        return std::nullopt;
    }
    RangeHeader range;
    if (!parse_int(match[1], range.first) || !parse_int(match[2], range.last) ||
        !parse_int(match[3], range.total) || range.last < range.first ||
        range.last >= range.total) {
        return std::nullopt;
    }
    return range;
}

void set_progress(httplib::Response& res, std::int64_t received, std::int64_t total) {
    res.headers.erase("Content-Range");
    res.set_header("Content-Range", received == 0
                                        ? fmt::format("bytes */{}", total)
                                        : fmt::format("bytes 0-{}/{}", received - 1, total));
}

// What a PUT may write, taken under the lock (the task is marked busy meanwhile).
struct Slot {
    std::int64_t offset = 0;
    std::int64_t length = 0;
    std::int64_t total = 0;
    std::shared_ptr<UniqueFd> file;
    crypto_hash_sha256_state hash{};
};

UploadTask& find_task(Ledger& ledger, const std::string& id, const std::string& token) {
    for (auto& task : ledger.uploads) {
        if (task.upload_id == id && !id.empty()) {
            if (task.upload_token != token) {
                break;
            }
            return task;
        }
    }
    throw ApiError(404, "not_found", "No such upload task.");
}

void put_chunk(Services& services, Exchange& ex) {
    const std::string id = ex.req.get_param_value("upload_id");
    const std::string token = ex.req.get_param_value("upload_token");
    const std::string type = ex.req.get_header_value("Content-Type");
    const std::optional<RangeHeader> range =
        parse_content_range(ex.req.get_header_value("Content-Range"));
    std::int64_t content_length = -1;
    const bool has_length = ex.req.has_header("Content-Length") &&
                            parse_int(ex.req.get_header_value("Content-Length"), content_length);
    const std::int64_t now = services.clock.now_seconds();

    Slot slot = services.state.with([&](Ledger& ledger) {
        UploadTask& task = find_task(ledger, id, token);
        set_progress(ex.res, task.received, task.video_size);
        if (now >= task.expires_at) {
            throw ApiError(403, "upload_url_expired", "The upload_url has expired.");
        }
        if (type != "video/mp4" && type != "video/quicktime" && type != "video/webm") {
            throw ApiError(400, "invalid_params",
                           "The Content-Type must be video/mp4, video/quicktime or video/webm.");
        }
        if (!range) {
            throw ApiError(400, "invalid_params",
                           "The Content-Range must read bytes FIRST-LAST/TOTAL.");
        }
        if (!has_length || content_length != range->last - range->first + 1) {
            throw ApiError(400, "invalid_params",
                           "The Content-Length does not match the Content-Range.");
        }
        const std::int64_t expected = task.complete() ? 0 : task.planned_size(task.chunks_received);
        if (task.busy || task.complete() || range->total != task.video_size ||
            range->first != task.received || content_length != expected) {
            ++task.puts_refused;
            throw ApiError(416, "range_not_satisfiable",
                           "The Content-Range does not match the upload progress.");
        }
        task.busy = true;
        return Slot{task.received, content_length, task.video_size, task.file, *task.hash};
    });

    // Streamed outside the lock: a chunk may be 128 MB.
    std::int64_t written = 0;
    bool write_failed = false;
    ex.body_read = true;
    const bool read_ok = (*ex.content_reader)([&](const char* data, std::size_t length) {
        if (written + static_cast<std::int64_t>(length) > slot.length) {
            write_failed = true;
            return false;
        }
        std::size_t done = 0;
        while (done < length) {
            const ssize_t n = ::pwrite(slot.file->get(), data + done, length - done,
                                       static_cast<off_t>(slot.offset + written));
            if (n <= 0) {
                write_failed = true;
                return false;
            }
            done += static_cast<std::size_t>(n);
            written += n;
        }
        crypto_hash_sha256_update(&slot.hash, reinterpret_cast<const unsigned char*>(data), length);
        return true;
    });
    const bool accepted = read_ok && !write_failed && written == slot.length;

    const std::int64_t received = services.state.with([&](Ledger& ledger) {
        UploadTask& task = find_task(ledger, id, token);
        task.busy = false;
        if (!accepted) {
            ++task.puts_refused;
            return task.received;
        }
        task.received += written;
        ++task.chunks_received;
        *task.hash = slot.hash;
        std::optional<std::int64_t> complete_at;
        if (task.complete()) {
            task.sha256 = sha256_hex(*task.hash);
            task.file.reset(); // the bytes are accounted for; the sandbox does not keep them
            complete_at = services.clock.now_seconds();
        }
        for (auto& post : ledger.posts) {
            if (post.publish_id == task.publish_id) {
                post.uploaded_bytes = task.received;
                if (complete_at) {
                    post.upload_complete_at = complete_at;
                    post.sha256 = task.sha256;
                }
            }
        }
        return task.received;
    });
    set_progress(ex.res, received, slot.total);
    if (!accepted) { // the next try writes over the partial chunk
        throw ApiError(400, "invalid_params", "The body does not match the Content-Length.");
    }
    ex.res.status = received == slot.total ? 201 : 206;
}

} // namespace

void register_upload_routes(Router& router, Services& services) {
    router.put_streaming("/upload/", [&services](Exchange& ex) { put_chunk(services, ex); });
}

} // namespace sandbox
