#include "source_file.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <looppost/media/video.hpp>
#include <string_view>

namespace looppost::media {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr double k_min_fps = 23;
constexpr double k_max_fps = 60;
constexpr int k_min_side = 360;
constexpr int k_max_side = 4096;

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

std::string container_name(std::string_view c) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> k_names{{
        {"mp4", "MP4"},
        {"mov", "MOV"},
        {"webm", "WebM"},
        {"matroska", "Matroska"},
        {"avi", "AVI"},
        {"3gp", "3GP"},
    }};
    for (const auto& [id, name] : k_names) {
        if (c == id) {
            return std::string(name);
        }
    }
    return std::string(c);
}

/// `arg` quoted for a POSIX shell.
std::string shell_quoted(const std::string& arg) {
    std::string out = "\"";
    for (char c : arg) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

/// Where a suggested command writes: beside the input, as .mp4 (or with "-tiktok" when that is
/// the input's own name).
fs::path output_for(const fs::path& file, std::string_view ext) {
    fs::path out = file;
    out.replace_extension(ext);
    if (out == file) {
        out = file.parent_path() / (file.stem().string() + "-tiktok" + std::string(ext));
    }
    return out;
}

/// The -vf scale filter that brings both sides into 360–4096 keeping the aspect ratio, or ""
/// when no size fits (a strip too long and thin).
std::string scale_filter(int w, int h) {
    const int short_side = std::min(w, h);
    const int long_side = std::max(w, h);
    if (short_side < k_min_side) {
        if (static_cast<double>(long_side) * k_min_side / short_side > k_max_side) {
            return "";
        }
        return w <= h ? fmt::format("scale={}:-2", k_min_side)
                      : fmt::format("scale=-2:{}", k_min_side);
    }
    if (static_cast<double>(short_side) * k_max_side / long_side < k_min_side) {
        return "";
    }
    return w >= h ? fmt::format("scale={}:-2", k_max_side) : fmt::format("scale=-2:{}", k_max_side);
}

std::string fps_text(double fps) {
    return fmt::format("{:g} fps", fps);
}

std::string duration_text(std::int64_t ms) {
    const std::int64_t s = (ms + 500) / 1000;
    return fmt::format("{}:{:02} ({} s)", s / 60, s % 60, s);
}

} // namespace

std::vector<VideoProblem> video_problems(const VideoFacts& v, const fs::path& file,
                                         const VideoLimits& limits) {
    const std::string name = fmt::format("video {}", quoted(file));
    const bool container_ok = one_of(v.container, {"mp4", "mov", "webm"});
    const bool codec_ok = one_of(v.codec, {"h264", "hevc", "vp8", "vp9"});
    const bool fps_ok = v.fps <= 0 || (v.fps >= k_min_fps && v.fps <= k_max_fps);
    const bool sides_ok =
        std::min(v.width, v.height) >= k_min_side && std::max(v.width, v.height) <= k_max_side;
    const std::string scale = sides_ok ? "" : scale_filter(v.width, v.height);
    const bool too_long = v.duration_ms > limits.max_duration_s * 1000;
    const bool too_big = v.bytes > limits.max_bytes;

    // One command for every fix re-encoding makes; trimming alone needs no re-encode.
    const bool reencode = !container_ok || !codec_ok || !fps_ok || !scale.empty() || too_big;
    std::string cmd = fmt::format("ffmpeg -i {}", shell_quoted(file.string()));
    if (too_long) {
        cmd += fmt::format(" -t {}", limits.max_duration_s);
    }
    if (reencode) {
        if (!fps_ok) {
            cmd += v.fps < k_min_fps ? " -r 30" : " -r 60";
        }
        if (!scale.empty()) {
            cmd += fmt::format(" -vf {}", scale);
        }
        cmd += fmt::format(" -c:v libx264 -crf {} -preset slow -c:a aac {}", too_big ? 23 : 18,
                           shell_quoted(output_for(file, ".mp4").string()));
    } else {
        cmd += fmt::format(" -c copy {}",
                           shell_quoted(output_for(file, file.extension().string()).string()));
    }
    const std::optional<std::string> fix =
        (reencode || too_long) ? std::optional(cmd) : std::nullopt;

    std::vector<VideoProblem> out;
    if (!container_ok) {
        out.push_back({fmt::format("{}: container {} is not accepted; TikTok takes MP4, MOV or "
                                   "WebM{}",
                                   name, container_name(v.container),
                                   v.container == "matroska" ? " (Matroska only as WebM)" : ""),
                       fix});
    }
    if (!codec_ok) {
        out.push_back({fmt::format("{}: codec {} is not accepted; TikTok takes H.264, H.265, VP8 "
                                   "or VP9",
                                   name, v.codec),
                       fix});
    }
    if (!fps_ok) {
        out.push_back({fmt::format("{}: {} is outside TikTok's {:g}–{:g} fps", name,
                                   fps_text(v.fps), k_min_fps, k_max_fps),
                       fix});
    }
    if (!sides_ok) {
        out.push_back(
            {fmt::format("{}: {}×{} is outside TikTok's {}–{} px per side{}", name, v.width,
                         v.height, k_min_side, k_max_side,
                         scale.empty() ? "; no size keeps this aspect ratio, crop it first" : ""),
             scale.empty() ? std::nullopt : fix});
    }
    if (too_long) {
        out.push_back({fmt::format("{}: lasts {}, over TikTok's {} s limit; trim it in the TikTok "
                                   "app or cut it",
                                   name, duration_text(v.duration_ms), limits.max_duration_s),
                       fix});
    }
    if (too_big) {
        out.push_back({fmt::format("{}: {} is over TikTok's {} limit; re-encode it smaller", name,
                                   size_text(v.bytes), size_text(limits.max_bytes)),
                       fix});
    }
    return out;
}

} // namespace looppost::media
