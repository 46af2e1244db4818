// What the publish-due suites need from looppost-sandbox beyond its own suites: creator_info
// telling a capped creator "cannot post now" (reference §4.2, §4.13), the unaudited app's daily
// cap of posting users (§4.13, §4.14), and fault rules that let the first requests through (a
// fault on the third chunk of an upload).

#include "harness.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>

namespace {

using nlohmann::json;

struct Answer {
    int status = 0;
    json body;
};

Answer call(const harness::Sandbox& sbx, const std::string& path, const std::string& token,
            const json& body) {
    httplib::Client client("127.0.0.1", sbx.port());
    client.set_read_timeout(10);
    const auto res = client.Post(path, {{"Authorization", "Bearer " + token}}, body.dump(),
                                 "application/json; charset=UTF-8");
    REQUIRE(res);
    return {res->status, json::parse(res->body)};
}

std::string token_for(const harness::Sandbox& sbx, const std::string& user) {
    sbx.post("config", {{"consent_user", user}});
    return harness::sandbox_login(sbx, "user.info.basic,video.publish,video.upload")["access_token"];
}

const json k_direct = {{"post_info", {{"title", "t"}, {"privacy_level", "SELF_ONLY"}}},
                       {"source_info",
                        {{"source", "FILE_UPLOAD"},
                         {"video_size", 1000},
                         {"chunk_size", 1000},
                         {"total_chunk_count", 1}}}};

constexpr const char* k_creator_info = "/v2/post/publish/creator_info/query/";
constexpr const char* k_video_init = "/v2/post/publish/video/init/";
constexpr const char* k_inbox_init = "/v2/post/publish/inbox/video/init/";

} // namespace

TEST_CASE("the sandbox's creator_info says cannot post (HTTP 200) once the daily cap is reached") {
    harness::Sandbox sbx;
    sbx.post("config", {{"rate_limit_multiplier", 0}, {"daily_post_cap", 2}});
    const std::string token = token_for(sbx, "alice");
    for (int i = 0; i < 2; ++i) {
        CHECK(call(sbx, k_creator_info, token, json::object()).body["error"]["code"] == "ok");
        REQUIRE(call(sbx, k_video_init, token, k_direct).status == 200);
    }
    const Answer capped = call(sbx, k_creator_info, token, json::object());
    CHECK(capped.status == 200);
    CHECK(capped.body["error"]["code"] == "spam_risk_too_many_posts");
    CHECK(call(sbx, k_video_init, token, k_direct).body["error"]["code"] ==
          "spam_risk_too_many_posts");
    // Another creator, and the same one with caps off, may post.
    CHECK(call(sbx, k_creator_info, token_for(sbx, "bob"), json::object()).body["error"]["code"] ==
          "ok");
    sbx.post("config", {{"caps", false}});
    CHECK(call(sbx, k_creator_info, token, json::object()).body["error"]["code"] == "ok");
    // A day later the cap is free again.
    sbx.post("config", {{"caps", true}});
    sbx.post("clock/advance", {{"seconds", 86401}});
    CHECK(call(sbx, k_creator_info, token_for(sbx, "alice"), json::object())
              .body["error"]["code"] == "ok");
}

TEST_CASE("the sandbox lets an unaudited app's direct posts come from five users a day") {
    harness::Sandbox sbx;
    json users = json::array();
    for (int i = 1; i <= 6; ++i)
        users.push_back({{"username", fmt::format("user{}", i)}});
    sbx.post("config", {{"rate_limit_multiplier", 0}, {"users", users}});
    std::vector<std::string> tokens;
    for (int i = 1; i <= 6; ++i)
        tokens.push_back(token_for(sbx, fmt::format("user{}", i)));
    for (int i = 0; i < 5; ++i)
        REQUIRE(call(sbx, k_video_init, tokens[i], k_direct).status == 200);
    CHECK(call(sbx, k_video_init, tokens[0], k_direct).status == 200); // already a posting user
    const Answer sixth = call(sbx, k_video_init, tokens[5], k_direct);
    CHECK(sixth.status == 403);
    CHECK(sixth.body["error"]["code"] == "reached_active_user_cap");
    const Answer info = call(sbx, k_creator_info, tokens[5], json::object());
    CHECK(info.status == 200);
    CHECK(info.body["error"]["code"] == "reached_active_user_cap");
    // Inbox uploads need no audit; an audited app has no such cap.
    const json inbox = {{"source_info", k_direct["source_info"]}};
    CHECK(call(sbx, k_inbox_init, tokens[5], inbox).status == 200);
    sbx.post("config", {{"audited", true}});
    CHECK(call(sbx, k_video_init, tokens[5], k_direct).status == 200);
}

TEST_CASE("the sandbox's skip key lets the first matching requests through") {
    harness::Sandbox sbx;
    sbx.post("faults", {{"path_prefix", "/v2/user/"},
                        {"kind", "status"},
                        {"http_status", 503},
                        {"skip", 2},
                        {"times", 1}});
    const std::string probe =
        "GET /v2/user/info/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    CHECK(harness::raw_exchange(sbx.port(), probe).rfind("HTTP/1.1 401", 0) == 0);
    CHECK(harness::raw_exchange(sbx.port(), probe).rfind("HTTP/1.1 401", 0) == 0);
    CHECK(harness::raw_exchange(sbx.port(), probe).rfind("HTTP/1.1 503", 0) == 0);
    CHECK(harness::raw_exchange(sbx.port(), probe).rfind("HTTP/1.1 401", 0) == 0);
    const json rules = sbx.get("faults")["rules"];
    CHECK(rules[0]["fired"] == 1);
    CHECK(rules[0]["skip"] == 0);
}
