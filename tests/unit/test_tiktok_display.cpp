#include "tiktok_support.hpp"

#include <deque>
#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/tiktok/api.hpp>
#include <nlohmann/json.hpp>

using namespace looppost;
using nlohmann::json;
using namespace std::chrono;

namespace {

using namespace tiktok_test;

struct FakeHttp : net::HttpClient {
    std::deque<net::Result> script;
    std::vector<net::Request> seen;
    net::Result send(const net::Request& r) override {
        seen.push_back(r);
        REQUIRE_FALSE(script.empty());
        auto out = script.front();
        script.pop_front();
        return out;
    }
};


struct Fixture {
    FakeHttp http;
    FakeClock clock;
    ZeroRandom random;
    tiktok::Api api{http, clock, random, "https://api.test",
                    net::RetryPolicy{3, milliseconds(10), milliseconds(100)}};
    vault::Secret token{"act.SECRET"};
};

// A 19-digit id, beyond 2^53: a double would round it to ...4560.
constexpr const char* k_big_id = "7412345678901234567";

json full_video() {
    return {{"id", k_big_id},
            {"create_time", 1'764'000'000},
            {"title", "a title"},
            {"video_description", "a caption #fyp"},
            {"duration", 31},
            {"share_url", "https://www.tiktok.com/@alice/video/7412345678901234567"},
            {"view_count", 5'000'000'000LL}, // int64: beyond int32
            {"like_count", 120},
            {"comment_count", 7},
            {"share_count", 3}};
}

} // namespace

TEST_CASE("tiktok video/list posts the fields, cursor and max_count and reads a page") {
    Fixture f;
    f.http.script = {ok({{"videos", {full_video(), {{"id", "7000000000000000001"}}}},
                         {"cursor", 1'763'999'000'000LL},
                         {"has_more", true}})};
    auto page = f.api.video_list(f.token, tiktok::snapshot_video_fields(), 1'765'000'000'000LL, 20);
    REQUIRE(page);
    REQUIRE(f.http.seen.size() == 1);
    const auto& req = f.http.seen[0];
    CHECK(req.method == "POST");
    CHECK(req.url == "https://api.test/v2/video/list/?fields=id,create_time,title,"
                     "video_description,duration,share_url,view_count,like_count,comment_count,"
                     "share_count");
    CHECK(header(req, "Authorization") == "Bearer act.SECRET");
    CHECK(header(req, "Content-Type") == "application/json; charset=UTF-8");
    CHECK(req.retry.has_value()); // a query: safe to repeat
    CHECK_FALSE(req.at_most_once);
    CHECK(json::parse(req.body) == json{{"cursor", 1'765'000'000'000LL}, {"max_count", 20}});

    CHECK(page->has_more);
    CHECK(page->cursor == 1'763'999'000'000LL);
    REQUIRE(page->videos.size() == 2);
    const auto& v = page->videos[0];
    CHECK(v.id == k_big_id);
    CHECK(v.create_time == 1'764'000'000);
    CHECK(v.title == "a title");
    CHECK(v.video_description == "a caption #fyp");
    CHECK(v.duration == 31);
    CHECK(v.share_url == "https://www.tiktok.com/@alice/video/7412345678901234567");
    CHECK(v.view_count == 5'000'000'000LL);
    CHECK(v.like_count == 120);
    CHECK(v.comment_count == 7);
    CHECK(v.share_count == 3);
    // Only what was asked for comes back: the rest is absent, not zero.
    const auto& bare = page->videos[1];
    CHECK(bare.id == "7000000000000000001");
    CHECK_FALSE(bare.create_time);
    CHECK_FALSE(bare.title);
    CHECK_FALSE(bare.view_count);
    CHECK_FALSE(bare.like_count);
}

TEST_CASE("tiktok video/list's first page sends no cursor and an empty list ends the paging") {
    Fixture f;
    f.http.script = {ok({{"videos", json::array()}, {"cursor", 0}, {"has_more", false}})};
    auto page = f.api.video_list(f.token, {"id"}, std::nullopt, 10);
    REQUIRE(page);
    CHECK(json::parse(f.http.seen[0].body) == json{{"max_count", 10}});
    CHECK(f.http.seen[0].url == "https://api.test/v2/video/list/?fields=id");
    CHECK(page->videos.empty());
    CHECK_FALSE(page->has_more);

    f.http.script = {ok(json::object())}; // no list at all: no videos either
    auto none = f.api.video_list(f.token, {"id"}, std::nullopt, 10);
    REQUIRE(none);
    CHECK(none->videos.empty());
    CHECK_FALSE(none->has_more);
}

TEST_CASE("tiktok video ids keep every digit, sent as strings or as numbers") {
    Fixture f;
    f.http.script = {ok({{"videos",
                          {{{"id", json::parse("7412345678901234567")}}, // a bare uint64 number
                           {{"id", json::parse("-5")}},
                           {{"title", "no id"}},
                           {{"id", 1.5}},
                           {{"id", ""}}}},
                         {"has_more", false}})};
    auto page = f.api.video_list(f.token, {"id", "title"}, std::nullopt, 20);
    REQUIRE(page);
    // The unusable ones are left out; the page is still read.
    REQUIRE(page->videos.size() == 2);
    CHECK(page->videos[0].id == k_big_id);
    CHECK(page->videos[1].id == "-5");
}

TEST_CASE("tiktok video/list refuses a page size TikTok would refuse, before sending it") {
    Fixture f;
    CHECK_THROWS_AS(f.api.video_list(f.token, {"id"}, std::nullopt, 21), Fatal);
    CHECK_THROWS_AS(f.api.video_list(f.token, {"id"}, std::nullopt, 0), Fatal);
    CHECK(f.http.seen.empty());
}

TEST_CASE("tiktok video/list retries 429, 5xx and dropped answers, then reads the page") {
    Fixture f;
    f.http.script = {error(429, "rate_limit_exceeded"), error(500, "internal_error"), dropped(),
                     ok({{"videos", {full_video()}}, {"cursor", 1}, {"has_more", false}})};
    tiktok::Api api{f.http, f.clock, f.random, "https://api.test",
                    net::RetryPolicy{4, milliseconds(10), milliseconds(100)}};
    auto page = api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE(page);
    CHECK(f.http.seen.size() == 4);
    CHECK(page->videos.size() == 1);
    CHECK(f.clock.t > core::TimePoint{}); // it waited between attempts
}

TEST_CASE("tiktok video/list maps TikTok's refusals to a Failure with code and log id") {
    Fixture f;
    f.http.script = {error(401, "scope_not_authorized", "The user did not authorize the scope")};
    auto r = f.api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == tiktok::Failure::Kind::api);
    CHECK(r.error().http_status == 401);
    CHECK(r.error().code == "scope_not_authorized");
    CHECK(r.error().log_id == "L2");
    CHECK(f.http.seen.size() == 1); // a 401 is not retried

    // Retries run out: the last answer is the Failure.
    f.http.script = {error(429, "rate_limit_exceeded"), error(429, "rate_limit_exceeded"),
                     error(429, "rate_limit_exceeded")};
    auto limited = f.api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE_FALSE(limited);
    CHECK(limited.error().code == "rate_limit_exceeded");
    CHECK(limited.error().http_status == 429);

    // The OAuth shape where the envelope belongs: not what TikTok documents.
    f.http.script = {answer(401, R"({"error":"invalid_token","error_description":"x"})")};
    auto odd = f.api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE_FALSE(odd);
    CHECK(odd.error().kind == tiktok::Failure::Kind::protocol);

    f.http.script = {answer(200, "<html>")};
    auto garbage = f.api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().kind == tiktok::Failure::Kind::protocol);
}

TEST_CASE("tiktok video/list needs a cursor to go on and a list of videos") {
    Fixture f;
    f.http.script = {ok({{"videos", {full_video()}}, {"has_more", true}})};
    auto r = f.api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == tiktok::Failure::Kind::protocol);

    f.http.script = {ok({{"videos", "nope"}, {"has_more", false}})};
    auto r2 = f.api.video_list(f.token, {"id"}, std::nullopt, 20);
    REQUIRE_FALSE(r2);
    CHECK(r2.error().kind == tiktok::Failure::Kind::protocol);
}

TEST_CASE("tiktok video/query posts the ids as strings and reads the videos") {
    Fixture f;
    f.http.script = {ok({{"videos", {full_video()}}})};
    auto r = f.api.video_query(f.token, {"id", "view_count"}, {k_big_id, "7000000000000000001"});
    REQUIRE(r);
    REQUIRE(f.http.seen.size() == 1);
    const auto& req = f.http.seen[0];
    CHECK(req.method == "POST");
    CHECK(req.url == "https://api.test/v2/video/query/?fields=id,view_count");
    CHECK(header(req, "Authorization") == "Bearer act.SECRET");
    CHECK(req.retry.has_value());
    CHECK(json::parse(req.body) ==
          json{{"filters", {{"video_ids", {k_big_id, "7000000000000000001"}}}}});
    // TikTok leaves out the ids that are not the user's.
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].id == k_big_id);
    CHECK((*r)[0].view_count == 5'000'000'000LL);
}

TEST_CASE("tiktok video/query takes 1 to 20 ids and retries like any query") {
    Fixture f;
    CHECK_THROWS_AS(f.api.video_query(f.token, {"id"}, {}), Fatal);
    CHECK_THROWS_AS(f.api.video_query(f.token, {"id"}, std::vector<std::string>(21, "1")), Fatal);
    CHECK(f.http.seen.empty());

    f.http.script = {error(503, "internal_error"), ok({{"videos", json::array()}})};
    auto r = f.api.video_query(f.token, {"id"}, std::vector<std::string>(20, "1"));
    REQUIRE(r);
    CHECK(r->empty());
    CHECK(f.http.seen.size() == 2);

    f.http.script = {error(400, "invalid_params", "The field nope is invalid.")};
    auto bad = f.api.video_query(f.token, {"nope"}, {"1"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == "invalid_params");
    CHECK(bad.error().message == "The field nope is invalid.");
}
