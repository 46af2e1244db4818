#pragma once
// Videos for TikTok (reference §4.11, the Media Transfer Guide): probed with libavformat and
// checked against TikTok's rules. libavformat is loaded with dlopen on first use (DESIGN §10).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace looppost::media {

/// What a video is, as its container states it.
struct VideoFacts {
    /// "mp4", "mov", "webm", or what was found ("matroska", "avi", …).
    std::string container;
    /// "h264", "hevc", "vp8", "vp9", or what was found ("mpeg4", "av1", …).
    std::string codec;
    double fps = 0;
    int width = 0, height = 0;
    std::int64_t duration_ms = 0;
    std::uint64_t bytes = 0;
    /// video/mp4, video/quicktime, video/webm (others: video/x-matroska, video/x-msvideo, …).
    std::string mime;
};

/// TikTok's video limits; max_duration_s may be lowered to the creator's
/// max_video_post_duration_sec.
struct VideoLimits {
    std::int64_t max_duration_s = 600;
    std::uint64_t max_bytes = 4'000'000'000;
};

/// Probes with libavformat from the container's headers; packets are read (and a few frames
/// decoded) only when the headers lack the size or frame rate. Missing or unreadable →
/// Error(no_input); a directory, empty file, non-video, or no video stream → Error(bad_input)
/// naming the file. Safe to call from several threads at once.
VideoFacts probe_video(const std::filesystem::path& file);

/// One broken rule: what was measured against which rule, and, when re-encoding fixes it, the
/// ffmpeg command line that would (the same combined command on every problem it fixes).
struct VideoProblem {
    std::string message;
    std::optional<std::string> ffmpeg;
};

/// Every rule of TikTok's Media Transfer Guide that `v` breaks: container MP4/MOV/WebM,
/// codec H.264/H.265/VP8/VP9, 23–60 fps, both sides 360–4096 px, duration ≤ max_duration_s,
/// size ≤ max_bytes. Empty when `v` is fine. `file` names the video in messages and commands.
std::vector<VideoProblem> video_problems(const VideoFacts& v, const std::filesystem::path& file,
                                         const VideoLimits& limits = {});

/// Whether libavformat has been loaded into this process (tests of the lazy loading).
bool avformat_loaded();

} // namespace looppost::media
