#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/tiktok/chunk_plan.hpp>

using namespace looppost;
using namespace looppost::tiktok;

namespace {

// The rules of reference §4.5 that every plan must keep.
void check_rules(const ChunkPlan& p) {
    CAPTURE(p.video_size);
    REQUIRE(p.chunk_count >= 1);
    CHECK(p.chunk_count <= k_max_chunks);
    CHECK(p.chunk_count == p.video_size / p.chunk_size); // rounded down
    if (p.chunk_count == 1) {
        CHECK(p.chunk_size == p.video_size);
        CHECK(p.video_size <= k_max_single);
    }
    std::uint64_t next = 0;
    for (std::uint64_t i = 0; i < p.chunk_count; ++i) {
        CHECK(p.first(i) == next); // in order, no gap, no overlap
        if (p.chunk_count > 1) {
            CHECK(p.length(i) >= k_min_chunk);
            if (i + 1 < p.chunk_count) {
                CHECK(p.length(i) <= k_max_single);
            } else {
                CHECK(p.length(i) <= k_max_last_chunk);
            }
        }
        next += p.length(i);
    }
    CHECK(next == p.video_size); // covers the file exactly
}

} // namespace

TEST_CASE("chunk plan: small files go whole with chunk_size equal to the size") {
    for (std::uint64_t size :
         {1ULL, 4'999'999ULL, 5'000'000ULL, 10'000'001ULL, 19'999'999ULL, 64'000'000ULL}) {
        auto p = plan_chunks(size);
        CHECK(p.chunk_count == 1);
        CHECK(p.chunk_size == size);
        CHECK(p.first(0) == 0);
        CHECK(p.length(0) == size);
        check_rules(p);
    }
    CHECK(content_range(plan_chunks(1), 0) == "bytes 0-0/1");
    CHECK(content_range(plan_chunks(64'000'000), 0) == "bytes 0-63999999/64000000");
}

TEST_CASE("chunk plan: one byte over 64,000,000 gives six chunks, the last 14,000,001 bytes") {
    auto p = plan_chunks(64'000'001);
    CHECK(p.chunk_size == 10'000'000);
    CHECK(p.chunk_count == 6);
    CHECK(p.length(0) == 10'000'000);
    CHECK(p.length(5) == 14'000'001);
    CHECK(content_range(p, 0) == "bytes 0-9999999/64000001");
    CHECK(content_range(p, 5) == "bytes 50000000-64000000/64000001");
    check_rules(p);
}

TEST_CASE("chunk plan: the reference's worked example of 50,000,123 bytes in 10,000,000 chunks") {
    // plan_chunks sends this size whole; the arithmetic of a split plan is checked directly.
    ChunkPlan p{50'000'123, 10'000'000, 5};
    CHECK(p.length(0) == 10'000'000);
    CHECK(p.length(3) == 10'000'000);
    CHECK(p.first(4) == 40'000'000);
    CHECK(p.length(4) == 10'000'123);
    CHECK(content_range(p, 4) == "bytes 40000000-50000122/50000123");
    check_rules(p);
    CHECK(plan_chunks(50'000'123).chunk_count == 1);
}

TEST_CASE("chunk plan: 4,000,000,000 bytes is 400 chunks; more is refused, so is nothing") {
    auto p = plan_chunks(4'000'000'000);
    CHECK(p.chunk_count == 400);
    CHECK(p.length(399) == 10'000'000);
    CHECK(content_range(p, 399) == "bytes 3990000000-3999999999/4000000000");
    check_rules(p);
    CHECK_THROWS_AS(plan_chunks(4'000'000'001), Error);
    CHECK_THROWS_AS(plan_chunks(0), Error);
    try {
        plan_chunks(4'000'000'001);
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::bad_input);
    }
}

TEST_CASE("chunk plan: every size keeps the rules") {
    for (std::uint64_t size : {64'000'002ULL, 69'999'999ULL, 70'000'000ULL, 99'999'999ULL,
                               128'000'000ULL, 1'073'741'824ULL, 3'999'999'999ULL}) {
        check_rules(plan_chunks(size));
    }
    for (std::uint64_t size = 64'000'000; size < 4'000'000'000; size += 37'777'777) {
        check_rules(plan_chunks(size));
    }
}
