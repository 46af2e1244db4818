#include "av_api.hpp"
#include "source_file.hpp"

#include <array>
#include <cerrno>
#include <fmt/format.h>
#include <fstream>
#include <looppost/core/errors.hpp>
#include <looppost/media/video.hpp>
#include <memory>
#include <string_view>

namespace looppost::media {
namespace fs = std::filesystem;
using namespace detail;

namespace {

struct InputCloser {
    const AvApi* av;
    void operator()(AVFormatContext* ctx) const { av->format.close_input(&ctx); }
};
using Input = std::unique_ptr<AVFormatContext, InputCloser>;

/// Reads one EBML variable-length integer at `p`; its length in bytes is in `len` (0: invalid).
/// With `keep_marker` the length marker bit stays in (element IDs are written that way).
std::uint64_t read_vint(const unsigned char* p, const unsigned char* end, std::size_t& len,
                        bool keep_marker) {
    len = 0;
    if (p >= end || *p == 0) {
        return 0;
    }
    std::size_t n = 1;
    for (unsigned mask = 0x80; (*p & mask) == 0; mask >>= 1) {
        ++n;
    }
    if (p + n > end) {
        return 0;
    }
    std::uint64_t v = keep_marker ? *p : (*p & (0xFFu >> n));
    for (std::size_t i = 1; i < n; ++i) {
        v = (v << 8) | p[i];
    }
    len = n;
    return v;
}

/// The DocType of a Matroska file's EBML header ("webm", "matroska"), or "" when unreadable.
/// libavformat reads both with one demuxer and does not say which one a file is.
std::string ebml_doctype(const fs::path& file) {
    std::array<unsigned char, 512> buf{};
    std::ifstream in(file, std::ios::binary);
    in.read(reinterpret_cast<char*>(buf.data()), buf.size());
    const unsigned char* p = buf.data();
    const unsigned char* end = p + in.gcount();
    constexpr std::uint64_t k_ebml = 0x1A45DFA3;
    constexpr std::uint64_t k_doctype = 0x4282;
    std::size_t len = 0;
    if (read_vint(p, end, len, true) != k_ebml || len != 4) {
        return "";
    }
    p += len;
    std::uint64_t header_size = read_vint(p, end, len, false);
    if (len == 0) {
        return "";
    }
    p += len;
    if (header_size < static_cast<std::uint64_t>(end - p)) {
        end = p + header_size;
    }
    while (p < end) {
        std::uint64_t id = read_vint(p, end, len, true);
        if (len == 0) {
            return "";
        }
        p += len;
        std::uint64_t size = read_vint(p, end, len, false);
        if (len == 0 || size > static_cast<std::uint64_t>(end - p - len)) {
            return "";
        }
        p += len;
        if (id == k_doctype) {
            std::string type(reinterpret_cast<const char*>(p), size);
            return type.substr(0, type.find('\0'));
        }
        p += size;
    }
    return "";
}

std::string container_of(const AvApi& av, const AVFormatContext* ctx, const fs::path& file) {
    std::string_view name = ctx->iformat->name;
    if (name.starts_with("mov,mp4")) {
        // One demuxer for both; the major brand tells a QuickTime movie from an MP4.
        const AVDictionaryEntry* brand = av.util.dict_get(ctx->metadata, "major_brand", nullptr, 0);
        std::string_view b = brand != nullptr ? brand->value : "";
        if (b.starts_with("qt")) {
            return "mov";
        }
        if (b.starts_with("3g")) {
            return "3gp";
        }
        return "mp4";
    }
    if (name.starts_with("matroska")) {
        return ebml_doctype(file) == "webm" ? "webm" : "matroska";
    }
    return std::string(name.substr(0, name.find(',')));
}

std::string mime_of(std::string_view container) {
    if (container == "mp4") {
        return "video/mp4";
    }
    if (container == "mov") {
        return "video/quicktime";
    }
    if (container == "webm") {
        return "video/webm";
    }
    if (container == "matroska") {
        return "video/x-matroska";
    }
    if (container == "avi") {
        return "video/x-msvideo";
    }
    if (container == "3gp") {
        return "video/3gpp";
    }
    return "application/octet-stream";
}

/// Demuxers that read still images or text, which libavformat also opens.
bool is_still_or_text(std::string_view demuxer) {
    return demuxer == "image2" || demuxer.ends_with("_pipe") || demuxer == "tty" ||
           demuxer == "gif" || demuxer == "webp";
}

const AVStream* video_stream(const AVFormatContext* ctx) {
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
        const AVStream* s = ctx->streams[i];
        if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            (s->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) { // cover art is no video
            return s;
        }
    }
    return nullptr;
}

double fps_of(const AVStream* s) {
    for (AVRational r : {s->avg_frame_rate, s->r_frame_rate}) {
        if (r.num > 0 && r.den > 0) {
            return av_q2d(r);
        }
    }
    return 0;
}

bool complete(const AVStream* s) {
    return s != nullptr && s->codecpar->width > 0 && s->codecpar->height > 0 && fps_of(s) > 0;
}

} // namespace

bool avformat_loaded() {
    return av_api_loaded();
}

VideoFacts probe_video(const fs::path& file) {
    const std::uint64_t bytes = check_source(file, "video");
    const AvApi& av = av_api();
    AVFormatContext* raw = nullptr;
    if (int rc = av.format.open_input(&raw, file.c_str(), nullptr, nullptr); rc < 0) {
        Exit exit =
            rc == AVERROR(ENOENT) || rc == AVERROR(EACCES) ? Exit::no_input : Exit::bad_input;
        throw Error(exit, fmt::format("video {} cannot be read as a video: {}", quoted(file),
                                      av_error(rc)));
    }
    Input ctx(raw, InputCloser{&av});
    if (is_still_or_text(ctx->iformat->name)) {
        throw Error(Exit::bad_input, fmt::format("video {} is not a video ({} found)", quoted(file),
                                                 ctx->iformat->name));
    }
    const AVStream* s = video_stream(ctx.get());
    if (!complete(s)) {
        // Headers of some containers (MPEG-TS, raw streams) lack these: read packets for them.
        if (int rc = av.format.find_stream_info(ctx.get(), nullptr); rc < 0) {
            throw Error(Exit::bad_input, fmt::format("video {} cannot be read as a video: {}",
                                                     quoted(file), av_error(rc)));
        }
        s = video_stream(ctx.get());
    }
    if (s == nullptr) {
        throw Error(Exit::bad_input, fmt::format("video {} has no video stream", quoted(file)));
    }

    VideoFacts v;
    v.container = container_of(av, ctx.get(), file);
    v.codec = av.codec.get_name(s->codecpar->codec_id);
    v.fps = fps_of(s);
    v.width = s->codecpar->width;
    v.height = s->codecpar->height;
    if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0) {
        v.duration_ms = ctx->duration / (AV_TIME_BASE / 1000);
    } else if (s->duration != AV_NOPTS_VALUE && s->duration > 0) {
        v.duration_ms = static_cast<std::int64_t>(static_cast<double>(s->duration) *
                                                  av_q2d(s->time_base) * 1000.0);
    }
    v.bytes = bytes;
    v.mime = mime_of(v.container);
    return v;
}

} // namespace looppost::media
