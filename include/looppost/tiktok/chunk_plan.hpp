#pragma once
// How a video's bytes are cut into FILE_UPLOAD chunks (reference §4.5). The init request
// announces the plan (video_size, chunk_size, total_chunk_count) and every PUT must follow it
// exactly, so both are computed here, once.

#include <cstdint>
#include <string>

namespace looppost::tiktok {

/// TikTok's chunk rules, in decimal bytes: "MB" is read as 1,000,000 (the reference's safest
/// choice, since whether TikTok means MB or MiB is unconfirmed).
inline constexpr std::uint64_t k_min_chunk = 5'000'000;        ///< every chunk but a single one
inline constexpr std::uint64_t k_max_single = 64'000'000;      ///< above this: multi-chunk
inline constexpr std::uint64_t k_chunk = 10'000'000;           ///< our chunk size when split
inline constexpr std::uint64_t k_max_last_chunk = 128'000'000; ///< the last may be larger
inline constexpr std::uint64_t k_max_video = 4'000'000'000;    ///< 4 GB, decimal (DESIGN §1.4)
inline constexpr std::uint64_t k_max_chunks = 1000;

/// A video cut into `chunk_count` chunks of `chunk_size` bytes, the remainder added to the last
/// (TikTok rounds the count down: reference §4.5). A single chunk has chunk_size == video_size.
struct ChunkPlan {
    std::uint64_t video_size = 0;
    std::uint64_t chunk_size = 0;
    std::uint64_t chunk_count = 0;

    /// Offset of chunk `i` (0-based; i < chunk_count).
    std::uint64_t first(std::uint64_t i) const;
    /// Bytes in chunk `i`: chunk_size, except the last, which also takes the remainder.
    std::uint64_t length(std::uint64_t i) const;
};

/// The plan for a video of `video_size` bytes: one chunk when ≤ 64,000,000 bytes (a file under
/// 5 MB must go whole, and a single chunk must have chunk_size == video_size, the pitfall that
/// broke other tools), otherwise 10,000,000-byte chunks, floor(size / chunk) of them, the last
/// one ≤ 20,000,000 bytes. Throws Error(bad_input) for an empty video or one over 4 GB.
ChunkPlan plan_chunks(std::uint64_t video_size);

/// The Content-Range header value of chunk `i`: "bytes FIRST-LAST/TOTAL", inclusive, 0-based.
std::string content_range(const ChunkPlan& plan, std::uint64_t i);

} // namespace looppost::tiktok
