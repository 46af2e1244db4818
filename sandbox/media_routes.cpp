// --serve-dir: the sandbox as the "dir" media host's web server. Files are served under /media/
// with single byte ranges (what TikTok's puller and `looppost media test` use); there is no
// directory listing and no way out of the folder.

#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"
#include "unique_fd.hpp"

#include <array>
#include <charconv>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <sys/stat.h>

namespace sandbox {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_read_chunk = 64 * 1024;

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t length = 0;
};

std::string mime_type(const fs::path& path) {
    static const std::array<std::pair<const char*, const char*>, 9> k_types{{
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".png", "image/png"},
        {".webp", "image/webp"},
        {".gif", "image/gif"},
        {".mp4", "video/mp4"},
        {".mov", "video/quicktime"},
        {".json", "application/json"},
        {".txt", "text/plain"},
    }};
    std::string ext = path.extension().string();
    for (auto& c : ext) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const auto& [suffix, type] : k_types) {
        if (ext == suffix) {
            return type;
        }
    }
    return "application/octet-stream";
}

bool parse_number(std::string_view text, std::uint64_t& out) {
    const auto* end = text.data() + text.size();
    return !text.empty() && std::from_chars(text.data(), end, out).ptr == end;
}

// One range of "bytes=A-B", "bytes=A-" or "bytes=-N". Anything else (several ranges, other units,
// bad syntax) is ignored as RFC 9110 allows, and the whole file is sent. Throws ApiError 416 for a
// range that lies outside the file.
std::optional<ByteRange> parse_range(const std::string& header, std::uint64_t size) {
    constexpr std::string_view k_unit = "bytes=";
    if (header.rfind(k_unit, 0) != 0 || header.find(',') != std::string::npos) {
        return std::nullopt;
    }
    const std::string_view spec = std::string_view(header).substr(k_unit.size());
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    const bool has_first = parse_number(spec.substr(0, dash), first);
    const bool has_last = parse_number(spec.substr(dash + 1), last);
    if ((!has_first && dash != 0) || (!has_last && dash + 1 != spec.size()) ||
        (!has_first && !has_last) || (has_first && has_last && last < first)) {
        return std::nullopt;
    }
    if (!has_first) { // suffix: the last N bytes
        if (last == 0 || size == 0) {
            throw ApiError(416, "range_not_satisfiable", "The range is outside the file.");
        }
        const std::uint64_t length = std::min(last, size);
        return ByteRange{size - length, length};
    }
    if (first >= size) {
        throw ApiError(416, "range_not_satisfiable", "The range is outside the file.");
    }
    const std::uint64_t end = has_last ? std::min(last, size - 1) : size - 1;
    return ByteRange{first, end - first + 1};
}

// The file under `root` that `relative` names, or an ApiError: 403 for a way out of the folder
// (".." or a symlink pointing elsewhere), 404 for anything that is not a regular file.
fs::path resolve(const fs::path& root, const std::string& relative) {
    std::string_view rest = relative;
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (segment == "..") {
            throw ApiError(403, "forbidden", "The path leaves the media folder.");
        }
        if (segment.empty() || segment == "." || segment.find('\0') != std::string_view::npos) {
            throw ApiError(404, "not_found", "No such file.");
        }
        if (slash == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(slash + 1);
    }
    std::error_code ec;
    const fs::path full = fs::weakly_canonical(root / relative, ec);
    const auto [root_end, ignored] =
        std::mismatch(root.begin(), root.end(), full.begin(), full.end());
    if (ec || root_end != root.end()) {
        throw ApiError(403, "forbidden", "The path leaves the media folder.");
    }
    if (!fs::is_regular_file(full, ec)) {
        throw ApiError(404, "not_found", "No such file.");
    }
    return full;
}

void serve_file(Exchange& ex, Services& services, const fs::path& root) {
    const fs::path file = resolve(root, ex.req.matches[1].str());
    auto fd = std::make_shared<UniqueFd>(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat info {};
    if (!fd->valid() || ::fstat(fd->get(), &info) != 0) {
        throw ApiError(404, "not_found", "No such file.");
    }
    const auto size = static_cast<std::uint64_t>(info.st_size);

    std::optional<ByteRange> range;
    try {
        range = parse_range(ex.req.get_header_value("Range"), size);
    } catch (const ApiError&) {
        ex.res.status = 416;
        ex.res.set_header("Content-Range", fmt::format("bytes */{}", size));
        return;
    }
    if (ex.req.method == "GET") {
        services.state.record_pull(
            fmt::format("http://{}{}", ex.req.get_header_value("Host"), ex.req.target));
    }

    const ByteRange span = range.value_or(ByteRange{0, size});
    ex.res.status = range ? 206 : 200;
    ex.res.set_header("Accept-Ranges", "bytes");
    if (range) {
        ex.res.set_header("Content-Range", fmt::format("bytes {}-{}/{}", span.first,
                                                       span.first + span.length - 1, size));
    }
    if (span.length == 0) {
        ex.res.set_content("", mime_type(file));
        return;
    }
    // Streamed from disk: media files may be far larger than anything worth holding in memory.
    ex.res.set_content_provider(
        span.length, mime_type(file),
        [fd, first = span.first](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
            std::array<char, k_read_chunk> buffer;
            const ssize_t n = ::pread(fd->get(), buffer.data(), std::min(length, buffer.size()),
                                      static_cast<off_t>(first + offset));
            return n > 0 && sink.write(buffer.data(), static_cast<std::size_t>(n));
        });
}

} // namespace

void register_media_routes(Router& router, Services& services, const fs::path& dir) {
    router.get("/media/(.*)", [&services, root = fs::canonical(dir)](Exchange& ex) {
        serve_file(ex, services, root);
    });
}

} // namespace sandbox
