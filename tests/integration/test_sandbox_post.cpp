// looppost-sandbox's Content Posting family against reference §4: creator_info (§4.2) with its
// privacy options per account kind and audit state (§4.14), the creator's settings, the 200 that
// means "cannot post now", the scope check and the 20-a-minute window (§4.13). Every request goes
// to 127.0.0.1; every loop is bounded.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;

constexpr const char* k_creator_info = "/v2/post/publish/creator_info/query/";

struct Answer {
    int status = 0;
    json body;
};

Answer creator_info(const harness::Sandbox& sbx, const std::string& token) {
    httplib::Client client("127.0.0.1", sbx.port());
    client.set_connection_timeout(5);
    client.set_read_timeout(10);
    const auto res = client.Post(k_creator_info, {{"Authorization", "Bearer " + token}}, "{}",
                                 "application/json; charset=UTF-8");
    REQUIRE(res);
    return {res->status, json::parse(res->body)};
}

std::string token_for(const harness::Sandbox& sbx, const std::string& user,
                      const std::string& scope = "user.info.basic,video.publish") {
    sbx.post("config", {{"consent_user", user}});
    return harness::sandbox_login(sbx, scope)["access_token"];
}

const json k_public_options = {"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"};
const json k_private_options = {"FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"};

} // namespace

TEST_CASE("the sandbox's creator_info shows an audited app a public creator's settings") {
    harness::Sandbox sbx;
    sbx.post("config", {{"audited", true},
                        {"users",
                         {{{"username", "alice"}, {"display_name", "Alice Example"}},
                          {{"username", "bob"},
                           {"display_name", "Bob"},
                           {"private", false},
                           {"comment_disabled", true},
                           {"stitch_disabled", true},
                           {"max_video_post_duration_sec", 300}}}}});
    const Answer answer = creator_info(sbx, token_for(sbx, "bob"));
    REQUIRE(answer.status == 200);
    CHECK(answer.body["error"]["code"] == "ok");
    CHECK(answer.body["error"]["log_id"].is_string());
    const json& data = answer.body["data"];
    CHECK(data["creator_username"] == "bob");
    CHECK(data["creator_nickname"] == "Bob");
    CHECK(data["creator_avatar_url"].get<std::string>().rfind("https://", 0) == 0);
    CHECK(data["privacy_level_options"] == k_public_options);
    CHECK(data["comment_disabled"] == true);
    CHECK(data["duet_disabled"] == false);
    CHECK(data["stitch_disabled"] == true);
    CHECK(data["max_video_post_duration_sec"] == 300);
}

TEST_CASE("the sandbox's creator_info shows a private creator followers and no duet or stitch") {
    harness::Sandbox sbx;
    sbx.post("config", {{"audited", true}}); // alice follows the profile's account_private: true
    const Answer answer = creator_info(sbx, token_for(sbx, "alice"));
    REQUIRE(answer.status == 200);
    const json& data = answer.body["data"];
    CHECK(data["creator_nickname"] == "Alice");
    CHECK(data["privacy_level_options"] == k_private_options);
    CHECK(data["comment_disabled"] == false);
    CHECK(data["duet_disabled"] == true);
    CHECK(data["stitch_disabled"] == true);
    CHECK(data["max_video_post_duration_sec"] == 600);

    sbx.post("config", {{"account_private", false}}); // read fresh on every call
    CHECK(creator_info(sbx, token_for(sbx, "alice")).body["data"]["privacy_level_options"] ==
          k_public_options);
}

TEST_CASE("the sandbox's creator_info offers an unaudited app only SELF_ONLY") {
    harness::Sandbox sbx; // the built-in profile is unaudited
    sbx.post("config", {{"account_private", false}});
    const Answer answer = creator_info(sbx, token_for(sbx, "bob"));
    REQUIRE(answer.status == 200);
    CHECK(answer.body["data"]["privacy_level_options"] == json{"SELF_ONLY"});
    CHECK(answer.body["data"]["duet_disabled"] == false);
}

TEST_CASE("the sandbox's creator_info needs a valid token with video.publish") {
    harness::Sandbox sbx;
    const Answer unscoped = creator_info(sbx, token_for(sbx, "alice", "user.info.basic"));
    CHECK(unscoped.status == 401);
    CHECK(unscoped.body["error"]["code"] == "scope_not_authorized");
    CHECK(unscoped.body["data"] == json::object());

    const Answer unknown = creator_info(sbx, "act.nope");
    CHECK(unknown.status == 401);
    CHECK(unknown.body["error"]["code"] == "access_token_invalid");

    httplib::Client client("127.0.0.1", sbx.port());
    client.set_read_timeout(10);
    const auto bare = client.Post(k_creator_info, "", "application/json");
    REQUIRE(bare);
    CHECK(bare->status == 401);
    CHECK(json::parse(bare->body)["error"]["code"] == "access_token_invalid");
}

TEST_CASE("the sandbox's creator_info allows 20 calls a minute per token") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    for (int i = 1; i <= 20; ++i) {
        CAPTURE(i);
        REQUIRE(creator_info(sbx, token).status == 200);
    }
    const Answer refused = creator_info(sbx, token);
    CHECK(refused.status == 429);
    CHECK(refused.body["error"]["code"] == "rate_limit_exceeded");
    CHECK(creator_info(sbx, token_for(sbx, "bob")).status == 200); // the window is per token

    sbx.post("clock/advance", {{"seconds", 61}});
    CHECK(creator_info(sbx, token).status == 200);
}

TEST_CASE("the sandbox's creator_info window follows the rate-limit multiplier") {
    harness::Sandbox sbx;
    sbx.post("config", {{"rate_limit_multiplier", 0.1}}); // 20 × 0.1 = 2 a minute
    const std::string token = token_for(sbx, "alice");
    CHECK(creator_info(sbx, token).status == 200);
    CHECK(creator_info(sbx, token).status == 200);
    CHECK(creator_info(sbx, token).status == 429);

    sbx.post("config", {{"rate_limit_multiplier", 0}}); // no limit
    for (int i = 0; i < 25; ++i) {
        REQUIRE(creator_info(sbx, token).status == 200);
    }
}

TEST_CASE("the sandbox's creator_info answers cannot_post with HTTP 200 and that error code") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    for (const char* code : {"spam_risk_too_many_posts", "spam_risk_user_banned_from_posting",
                             "reached_active_user_cap"}) {
        CAPTURE(code);
        sbx.post("config", {{"users", {{{"username", "alice"}, {"cannot_post", code}}}}});
        const Answer answer = creator_info(sbx, token);
        CHECK(answer.status == 200);
        CHECK(answer.body["error"]["code"] == code);
        CHECK(!answer.body["error"]["message"].get<std::string>().empty());
        CHECK(answer.body["data"] == json::object());
    }
    sbx.post("config", {{"users", {{{"username", "alice"}, {"cannot_post", nullptr}}}}});
    CHECK(creator_info(sbx, token).body["error"]["code"] == "ok");
}

TEST_CASE("the sandbox's creator settings are validated and shown in its config") {
    harness::Sandbox sbx;
    const json shown = sbx.get("config")["users"][0];
    CHECK(shown["comment_disabled"] == false);
    CHECK(shown["duet_disabled"] == false);
    CHECK(shown["stitch_disabled"] == false);
    CHECK(shown["max_video_post_duration_sec"] == 600);
    CHECK(shown["cannot_post"].is_null());

    httplib::Client client("127.0.0.1", sbx.port());
    client.set_read_timeout(10);
    for (const json& user : {json{{"username", "a"}, {"cannot_post", "too_tired"}},
                             json{{"username", "a"}, {"max_video_post_duration_sec", 0}},
                             json{{"username", "a"}, {"max_video_post_duration_sec", 1.5}},
                             json{{"username", "a"}, {"duet_disabled", "yes"}},
                             json{{"username", "a"}, {"nickname", "A"}}}) {
        CAPTURE(user.dump());
        const auto res =
            client.Post("/_sandbox/config", json{{"users", {user}}}.dump(), "application/json");
        REQUIRE(res);
        CHECK(res->status == 400);
        CHECK(json::parse(res->body)["error"]["code"] == "invalid_params");
    }
    const json set = sbx.post("config", {{"users",
                                          {{{"username", "alice"},
                                            {"duet_disabled", true},
                                            {"max_video_post_duration_sec", 180},
                                            {"cannot_post", "reached_active_user_cap"}}}}});
    CHECK(set["config"]["users"][0]["duet_disabled"] == true);
    CHECK(set["config"]["users"][0]["max_video_post_duration_sec"] == 180);
    CHECK(set["config"]["users"][0]["cannot_post"] == "reached_active_user_cap");
}
