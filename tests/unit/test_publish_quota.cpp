// The limits looppost counts itself (src/publish/quota.cpp): the Display API calls of
// snapshot-stats in their own per-minute window, held by a throttle of their own kind only, and
// shown by `looppost quota`.

#include "store_support.hpp"

#include <doctest/doctest.h>
#include <looppost/publish/publish.hpp>
#include <looppost/store/db.hpp>

using namespace looppost;
using test::Fresh;

namespace {

constexpr std::int64_t k_now = 1'800'000'000;

std::optional<std::pair<std::int64_t, std::string>>
take(Fresh& f, std::int64_t account, const store::QuotaUse& use, std::int64_t at) {
    std::optional<std::pair<std::int64_t, std::string>> r;
    f.db->transaction([&] { r = f.db->quota_take(account, {use}, at); });
    return r;
}

} // namespace

TEST_CASE("quota: Display API calls count per account per minute, TikTok's 600 by default") {
    publish::Limits limits;
    CHECK(limits.display().kind == "display");
    CHECK(limits.display().limit == 600);
    CHECK(limits.display().window == 60);

    Fresh f;
    limits.display_per_minute = 3;
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(take(f, f.alice, limits.display(), k_now + i));
    auto r = take(f, f.alice, limits.display(), k_now + 10);
    REQUIRE(r);
    CHECK(r->first == k_now + 60); // the first call leaves the window
    CHECK_FALSE(take(f, f.bob, limits.display(), k_now + 10));
    CHECK_FALSE(take(f, f.alice, limits.display(), k_now + 60));
    // Publishing's limits are apart: no init was counted.
    CHECK(f.db->quota_used(f.alice, "init", k_now - 60).first == 0);

    auto report = publish::quota_report(*f.db, *f.db->account_by_id(f.alice), limits, k_now + 61);
    auto line = std::find_if(report.lines.begin(), report.lines.end(),
                             [](const auto& l) { return l.name == "display_per_minute"; });
    REQUIRE(line != report.lines.end());
    CHECK(line->limit == 3);
    CHECK(line->used == 2); // k_now + 2 and + 60: the minute before k_now + 61
    CHECK(line->resets_at == k_now + 62);
}

TEST_CASE("quota: a throttle on the Display API holds those calls only, an app cap none") {
    Fresh f;
    publish::Limits limits;
    f.db->transaction([&] { f.db->quota_hold({std::nullopt, "app", k_now + 3600, "app cap"}); });
    CHECK_FALSE(take(f, f.alice, limits.display(), k_now));
    f.db->transaction([&] {
        f.db->quota_hold({f.alice, "display", k_now + 60, "TikTok is throttling"});
    });
    auto r = take(f, f.alice, limits.display(), k_now + 1);
    REQUIRE(r);
    CHECK(r->first == k_now + 60);
    CHECK(r->second == "TikTok is throttling");
    CHECK_FALSE(take(f, f.alice, limits.creator_info()[0], k_now + 1));
    CHECK_FALSE(take(f, f.alice, limits.display(), k_now + 60));
}
