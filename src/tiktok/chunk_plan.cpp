#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/tiktok/chunk_plan.hpp>

namespace looppost::tiktok {

std::uint64_t ChunkPlan::first(std::uint64_t i) const {
    return i * chunk_size;
}

std::uint64_t ChunkPlan::length(std::uint64_t i) const {
    if (i + 1 < chunk_count) {
        return chunk_size;
    }
    return video_size - first(i); // the last chunk takes the remainder (reference §4.5)
}

ChunkPlan plan_chunks(std::uint64_t video_size) {
    if (video_size == 0) {
        throw Error(Exit::bad_input, "the video is empty (0 bytes); TikTok needs at least 1 byte");
    }
    if (video_size > k_max_video) {
        throw Error(Exit::bad_input,
                    fmt::format("the video is {} bytes; TikTok takes at most {} bytes (4 GB)",
                                video_size, k_max_video));
    }
    if (video_size <= k_max_single) {
        // Whole: required under 5 MB, and chunk_size must then equal video_size.
        return ChunkPlan{video_size, video_size, 1};
    }
    // Over 64,000,000 the count is at least 6, so every chunk is ≥ 10 MB and the last one
    // (chunk + remainder < 2 chunks) stays far under 128 MB; 4 GB gives 400 chunks.
    return ChunkPlan{video_size, k_chunk, video_size / k_chunk};
}

std::string content_range(const ChunkPlan& plan, std::uint64_t i) {
    std::uint64_t first = plan.first(i);
    return fmt::format("bytes {}-{}/{}", first, first + plan.length(i) - 1, plan.video_size);
}

} // namespace looppost::tiktok
