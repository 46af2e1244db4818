// looppost-sandbox's video calls against reference §5: /v2/video/list/ (fields, cursor paging,
// newest first, at most 20 a page) and /v2/video/query/ (at most 20 ids, the user's own only), the
// video.list scope and the 600-a-minute window per endpoint (§5.5), seeded videos whose counts grow
// with the sandbox clock, and public posts that become videos after moderation. Every request goes
// to 127.0.0.1; every loop is bounded.

#include "harness.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

using nlohmann::json;

constexpr const char* k_list = "/v2/video/list/";
constexpr const char* k_query = "/v2/video/query/";
constexpr std::int64_t k_day = 86400;
constexpr const char* k_all_fields =
    "id,create_time,cover_image_url,share_url,video_description,duration,height,width,title,"
    "embed_html,embed_link,like_count,comment_count,share_count,view_count";

struct Answer {
    int status = 0;
    json body;
};

Answer call(const harness::Sandbox& sbx, const std::string& path, const std::string& token,
            const json& body) {
    httplib::Client client("127.0.0.1", sbx.port());
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    const auto res = client.Post(path, {{"Authorization", "Bearer " + token}}, body.dump(),
                                 "application/json; charset=UTF-8");
    REQUIRE(res);
    return {res->status, json::parse(res->body)};
}

Answer list(const harness::Sandbox& sbx, const std::string& token, const json& body,
            const std::string& fields = "id,create_time") {
    return call(sbx, std::string(k_list) + "?fields=" + fields, token, body);
}

Answer query(const harness::Sandbox& sbx, const std::string& token, const json& ids,
             const std::string& fields = "id,view_count") {
    return call(sbx, std::string(k_query) + "?fields=" + fields, token,
                {{"filters", {{"video_ids", ids}}}});
}

std::string token_for(const harness::Sandbox& sbx, const std::string& user,
                      const std::string& scope = "user.info.basic,video.list") {
    sbx.post("config", {{"consent_user", user}});
    return harness::sandbox_login(sbx, scope)["access_token"];
}

std::int64_t sandbox_now(const harness::Sandbox& sbx) {
    return sbx.get("state")["now"].get<std::int64_t>();
}

json seeded_user(const std::string& name, std::int64_t count, std::int64_t start,
                 std::int64_t every = k_day) {
    return {{"username", name}, {"videos", {{"count", count}, {"start", start}, {"every", every}}}};
}

// Every video of the user, page by page; checks the paging contract on the way.
std::vector<json> all_videos(const harness::Sandbox& sbx, const std::string& token, int max_count,
                             int* pages = nullptr) {
    std::vector<json> out;
    json body = {{"max_count", max_count}};
    for (int page = 1; page <= 200; ++page) {
        const Answer answer = list(sbx, token, body);
        REQUIRE(answer.status == 200);
        const json& data = answer.body["data"];
        REQUIRE(data["videos"].is_array());
        CHECK(data["videos"].size() <= static_cast<std::size_t>(max_count));
        for (const auto& video : data["videos"]) {
            out.push_back(video);
        }
        if (pages != nullptr) {
            *pages = page;
        }
        if (!data["has_more"].get<bool>()) {
            return out;
        }
        CHECK(data["videos"].size() == static_cast<std::size_t>(max_count));
        REQUIRE(data["cursor"].is_number_integer());
        body["cursor"] = data["cursor"];
    }
    FAIL("the paging did not end");
    return out;
}

} // namespace

TEST_CASE("video/list pages a seeded user's public videos newest first, 20 at most a page") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    sbx.post("config",
             {{"users", {seeded_user("alice", 45, now - 50 * k_day), {{"username", "bob"}}}}});
    const std::string token = token_for(sbx, "alice");

    int pages = 0;
    const std::vector<json> videos = all_videos(sbx, token, 20, &pages);
    CHECK(pages == 3);
    REQUIRE(videos.size() == 45);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < videos.size(); ++i) {
        CAPTURE(i);
        // Ids exceed 2^53: strings of digits (reference §5.4).
        REQUIRE(videos[i]["id"].is_string());
        const std::string id = videos[i]["id"];
        CHECK(id.size() == 19);
        CHECK(id.find_first_not_of("0123456789") == std::string::npos);
        CHECK(std::stoull(id) > (1ULL << 53));
        ids.insert(id);
        if (i > 0) {
            CHECK(videos[i]["create_time"] < videos[i - 1]["create_time"]);
        }
    }
    CHECK(ids.size() == 45);
    CHECK(videos.front()["create_time"] == now - 50 * k_day + 44 * k_day);
    CHECK(videos.back()["create_time"] == now - 50 * k_day);

    // Any timestamp works as a cursor: the videos posted before it.
    const Answer before = list(sbx, token, {{"cursor", (now - 50 * k_day + 2 * k_day) * 1000}});
    REQUIRE(before.status == 200);
    CHECK(before.body["data"]["videos"].size() == 2);
    CHECK_FALSE(before.body["data"]["has_more"].get<bool>());

    // The default page is 10; a cursor of 0 is the first page.
    const Answer first = list(sbx, token, {{"cursor", 0}});
    CHECK(first.body["data"]["videos"].size() == 10);
    CHECK(first.body["data"]["videos"][0] == videos[0]);
    CHECK(first.body["data"]["has_more"] == true);

    // Bob has none.
    const Answer none = list(sbx, token_for(sbx, "bob"), json::object());
    REQUIRE(none.status == 200);
    CHECK(none.body["data"]["videos"] == json::array());
    CHECK(none.body["data"]["has_more"] == false);
    CHECK(none.body["data"]["cursor"].is_number_integer());
}

TEST_CASE("video/list answers exactly the fields asked for and refuses unknown ones") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    sbx.post("config", {{"users", {seeded_user("alice", 3, now - 3 * k_day)}}});
    const std::string token = token_for(sbx, "alice");

    const Answer some = list(sbx, token, json::object(), "id,view_count,title");
    REQUIRE(some.status == 200);
    for (const auto& video : some.body["data"]["videos"]) {
        std::set<std::string> keys;
        for (const auto& [key, value] : video.items()) {
            keys.insert(key);
        }
        CHECK(keys == std::set<std::string>{"id", "view_count", "title"});
        CHECK(video["view_count"].is_number_integer());
    }

    const Answer all = list(sbx, token, {{"max_count", 1}}, k_all_fields);
    REQUIRE(all.status == 200);
    const json video = all.body["data"]["videos"][0];
    const std::string id = video["id"];
    CHECK(video.size() == 15);
    CHECK(video["share_url"] == "https://www.tiktok.com/@alice/video/" + id);
    CHECK(video["title"].is_string());
    CHECK(video["video_description"].is_string());
    CHECK(video["duration"].is_number_integer());
    CHECK(video["width"] == 1080);
    CHECK(video["height"] == 1920);
    CHECK(video["embed_link"].get<std::string>().find(id) != std::string::npos);
    CHECK(video["cover_image_url"].get<std::string>().rfind("https://", 0) == 0);
    for (const char* count : {"view_count", "like_count", "comment_count", "share_count"}) {
        CAPTURE(count);
        CHECK(video[count].is_number_integer());
    }

    for (const char* fields : {"id,is_aigc", "nope", ""}) {
        CAPTURE(fields);
        const Answer bad = list(sbx, token, json::object(), fields);
        CHECK(bad.status == 400);
        CHECK(bad.body["error"]["code"] == "invalid_params");
        CHECK(bad.body["data"] == json::object());
    }
    const Answer no_fields = call(sbx, k_list, token, json::object());
    CHECK(no_fields.status == 400);
    CHECK(no_fields.body["error"]["code"] == "invalid_params");
}

TEST_CASE("video/list refuses a page over 20, a bad cursor and a body that is not an object") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    for (const json& body :
         {json{{"max_count", 21}}, json{{"max_count", 0}}, json{{"max_count", "5"}},
          json{{"cursor", -1}}, json{{"cursor", "1700000000000"}}, json::array()}) {
        CAPTURE(body.dump());
        const Answer bad = list(sbx, token, body);
        CHECK(bad.status == 400);
        CHECK(bad.body["error"]["code"] == "invalid_params");
    }
    CHECK(list(sbx, token, {{"max_count", 20}}).status == 200);
}

TEST_CASE("the video calls need a valid token with video.list") {
    harness::Sandbox sbx;
    const std::string unscoped = token_for(sbx, "alice", "user.info.basic");
    for (const std::string& path : {std::string(k_list), std::string(k_query)}) {
        CAPTURE(path);
        const Answer refused =
            call(sbx, path + "?fields=id", unscoped, {{"filters", {{"video_ids", {"1"}}}}});
        CHECK(refused.status == 401);
        CHECK(refused.body["error"]["code"] == "scope_not_authorized");
        const Answer unknown = call(sbx, path + "?fields=id", "act.nope", json::object());
        CHECK(unknown.status == 401);
        CHECK(unknown.body["error"]["code"] == "access_token_invalid");
    }
}

TEST_CASE("a seeded video is listed once the sandbox clock reaches its create time") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    // Two videos in the past, three in the days to come.
    sbx.post("config", {{"access_token_ttl", 30 * k_day},
                        {"users", {seeded_user("alice", 5, now - 2 * k_day + 60)}}});
    const std::string token = token_for(sbx, "alice");
    CHECK(all_videos(sbx, token, 20).size() == 2);
    sbx.post("clock/advance", {{"seconds", k_day}});
    CHECK(all_videos(sbx, token, 20).size() == 3);
    sbx.post("clock/advance", {{"seconds", 10 * k_day}});
    CHECK(all_videos(sbx, token, 20).size() == 5);
}

TEST_CASE("video counts grow day by day with the sandbox clock and never shrink") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    sbx.post("config", {{"rate_limit_multiplier", 0},
                        {"access_token_ttl", 30 * k_day}, // the clock moves ten days
                        {"users", {seeded_user("alice", 4, now - 3600, 600)}}});
    const std::string token = token_for(sbx, "alice");
    const std::vector<json> videos = all_videos(sbx, token, 20);
    REQUIRE(videos.size() == 4);
    json ids = json::array();
    for (const auto& video : videos) {
        ids.push_back(video["id"]);
    }
    const std::string fields = "id,view_count,like_count,comment_count,share_count";
    json previous = query(sbx, token, ids, fields).body["data"]["videos"];
    REQUIRE(previous.size() == 4);
    for (int day = 1; day <= 10; ++day) {
        CAPTURE(day);
        sbx.post("clock/advance", {{"seconds", k_day}});
        const json current = query(sbx, token, ids, fields).body["data"]["videos"];
        REQUIRE(current.size() == 4);
        for (std::size_t i = 0; i < current.size(); ++i) {
            CHECK(current[i]["id"] == previous[i]["id"]);
            CHECK(current[i]["view_count"] > previous[i]["view_count"]);
            for (const char* count : {"like_count", "comment_count", "share_count"}) {
                CHECK(current[i][count] >= previous[i][count]);
                CHECK(current[i][count] <= current[i]["view_count"]);
            }
        }
        previous = current;
    }
    // The same video at the same time: the same numbers.
    CHECK(query(sbx, token, ids, fields).body["data"]["videos"] == previous);
}

TEST_CASE("a user's follower and like counts grow each sandbox day and hold within one") {
    harness::Sandbox sbx;
    sbx.post("config", {{"access_token_ttl", 30 * k_day}, // the clock moves five days
                        {"users", {{{"username", "alice"}}, {{"username", "bob"}}}}});
    const auto counts = [&](const std::string& token) {
        httplib::Client client("127.0.0.1", sbx.port());
        client.set_read_timeout(30);
        const auto res =
            client.Get("/v2/user/info/?fields=follower_count,likes_count,following_count",
                       {{"Authorization", "Bearer " + token}});
        REQUIRE(res);
        REQUIRE(res->status == 200);
        return json::parse(res->body)["data"]["user"];
    };
    const std::string scopes = "user.info.basic,user.info.stats";
    const std::string alice = token_for(sbx, "alice", scopes);
    const std::string bob = token_for(sbx, "bob", scopes);
    json previous = counts(alice);
    CHECK(previous["follower_count"] >= 100);
    CHECK(counts(bob) != previous); // a function of the user
    for (int day = 1; day <= 5; ++day) {
        CAPTURE(day);
        sbx.post("clock/advance", {{"seconds", k_day / 2}});
        CHECK(counts(alice) == previous); // half a day: not a whole day yet
        sbx.post("clock/advance", {{"seconds", k_day / 2}});
        const json current = counts(alice);
        CHECK(current["follower_count"].get<std::int64_t>() >=
              previous["follower_count"].get<std::int64_t>() + 5);
        CHECK(current["likes_count"].get<std::int64_t>() >=
              previous["likes_count"].get<std::int64_t>() + 50);
        CHECK(current["following_count"] == previous["following_count"]);
        previous = current;
    }
    CHECK(counts(alice) == previous); // the same time: the same numbers
}

TEST_CASE("video/query answers the user's own videos among at most 20 ids") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    sbx.post("config", {{"users",
                         {seeded_user("alice", 30, now - 40 * k_day),
                          seeded_user("bob", 2, now - 5 * k_day)}}});
    const std::string alice = token_for(sbx, "alice");
    const std::string bob = token_for(sbx, "bob");
    const std::vector<json> alices = all_videos(sbx, alice, 20);
    const std::vector<json> bobs = all_videos(sbx, bob, 20);
    REQUIRE(alices.size() == 30);
    REQUIRE(bobs.size() == 2);

    const Answer mixed = query(
        sbx, alice, {alices[3]["id"], bobs[0]["id"], "7999999999999999999", "x", alices[0]["id"]},
        "id,create_time");
    REQUIRE(mixed.status == 200);
    const json& found = mixed.body["data"]["videos"];
    REQUIRE(found.size() == 2); // bob's, the unknown and the malformed id are left out
    CHECK(found[0] == alices[3]);
    CHECK(found[1] == alices[0]);

    json twenty = json::array();
    for (int i = 0; i < 20; ++i) {
        twenty.push_back(alices[i]["id"]);
    }
    const Answer full = query(sbx, alice, twenty);
    REQUIRE(full.status == 200);
    CHECK(full.body["data"]["videos"].size() == 20);
    twenty.push_back(alices[20]["id"]);
    const Answer over = query(sbx, alice, twenty);
    CHECK(over.status == 400);
    CHECK(over.body["error"]["code"] == "invalid_params");

    for (const json& body : {json::object(), json{{"filters", {{"video_ids", json::array()}}}},
                             json{{"filters", {{"video_ids", {7412345678901234567ULL}}}}}}) {
        CAPTURE(body.dump());
        const Answer bad = call(sbx, std::string(k_query) + "?fields=id", alice, body);
        CHECK(bad.status == 400);
        CHECK(bad.body["error"]["code"] == "invalid_params");
    }
    CHECK(query(sbx, alice, {alices[0]["id"]}, "id,nope").status == 400);
}

TEST_CASE("the video calls allow 600 calls a minute per token and endpoint") {
    harness::Sandbox sbx;
    sbx.post("config", {{"rate_limit_multiplier", 0.01}}); // 600 × 0.01 = 6 a minute
    const std::string token = token_for(sbx, "alice");
    for (int i = 1; i <= 6; ++i) {
        CAPTURE(i);
        REQUIRE(list(sbx, token, json::object()).status == 200);
    }
    const Answer refused = list(sbx, token, json::object());
    CHECK(refused.status == 429);
    CHECK(refused.body["error"]["code"] == "rate_limit_exceeded");
    CHECK(query(sbx, token, {"1"}).status == 200); // another endpoint, another window
    CHECK(list(sbx, token_for(sbx, "bob"), json::object()).status == 200); // another token
    sbx.post("clock/advance", {{"seconds", 61}});
    CHECK(list(sbx, token, json::object()).status == 200);
}

TEST_CASE("a public post becomes a video after moderation and a private one never does") {
    harness::Sandbox sbx;
    sbx.post("config", {{"audited", true},
                        {"account_private", false},
                        {"moderation_seconds", 30},
                        {"access_token_ttl", 30 * k_day},
                        {"rate_limit_multiplier", 0}});
    const std::string token =
        token_for(sbx, "alice", "user.info.basic,video.publish,video.upload,video.list");
    const auto publish = [&](const std::string& privacy, const std::string& caption) {
        const json init_body = {{"post_info", {{"title", caption}, {"privacy_level", privacy}}},
                                {"source_info",
                                 {{"source", "FILE_UPLOAD"},
                                  {"video_size", 1000},
                                  {"chunk_size", 1000},
                                  {"total_chunk_count", 1}}}};
        const Answer init = call(sbx, "/v2/post/publish/video/init/", token, init_body);
        REQUIRE(init.status == 200);
        const std::string url = init.body["data"]["upload_url"];
        httplib::Client client("127.0.0.1", sbx.port());
        client.set_read_timeout(30);
        const auto put =
            client.Put(url.substr(sbx.base_url().size()), {{"Content-Range", "bytes 0-999/1000"}},
                       std::string(1000, 'v'), "video/mp4");
        REQUIRE(put);
        REQUIRE(put->status == 201);
        return init.body["data"]["publish_id"].get<std::string>();
    };
    const auto status = [&](const std::string& publish_id) {
        const Answer answer =
            call(sbx, "/v2/post/publish/status/fetch/", token, {{"publish_id", publish_id}});
        REQUIRE(answer.status == 200);
        return answer.body["data"];
    };

    const std::string caption = "morning light #sandbox";
    const std::string public_id = publish("PUBLIC_TO_EVERYONE", caption);
    const std::string private_id = publish("SELF_ONLY", "just for me");
    CHECK(status(public_id)["status"] == "PUBLISH_COMPLETE");
    CHECK(status(public_id)["publicaly_available_post_id"] == json::array());
    CHECK(all_videos(sbx, token, 20).empty()); // still in moderation

    sbx.post("clock/advance", {{"seconds", 31}});
    const json ids = status(public_id)["publicaly_available_post_id"];
    REQUIRE(ids.size() == 1);
    const std::string video_id = std::to_string(ids[0].get<std::uint64_t>());
    const Answer listed = list(sbx, token, json::object(), "id,title,video_description,view_count");
    REQUIRE(listed.status == 200);
    const json& videos = listed.body["data"]["videos"];
    REQUIRE(videos.size() == 1); // the SELF_ONLY post is not public
    CHECK(videos[0]["id"] == video_id);
    CHECK(videos[0]["title"] == caption);
    CHECK(videos[0]["video_description"] == caption);
    CHECK(status(private_id)["publicaly_available_post_id"] == json::array());

    const Answer queried = query(sbx, token, {video_id}, "id,view_count");
    REQUIRE(queried.body["data"]["videos"].size() == 1);
    const std::int64_t views_now = queried.body["data"]["videos"][0]["view_count"];
    sbx.post("clock/advance", {{"seconds", 2 * k_day}});
    CHECK(query(sbx, token, {video_id}, "id,view_count").body["data"]["videos"][0]["view_count"] >
          views_now);
}

TEST_CASE("a published video pages apart from a seeded one of the same second") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    sbx.post("config", {{"audited", true},
                        {"account_private", false},
                        {"moderation_seconds", 0},
                        {"rate_limit_multiplier", 0},
                        {"users", {seeded_user("alice", 3, now - 2, 1)}}});
    const std::string token =
        token_for(sbx, "alice", "user.info.basic,video.publish,video.upload,video.list");
    for (int i = 0; i < 3; ++i) {
        const json init_body = {
            {"post_info",
             {{"title", fmt::format("post {}", i)}, {"privacy_level", "PUBLIC_TO_EVERYONE"}}},
            {"source_info",
             {{"source", "FILE_UPLOAD"},
              {"video_size", 100},
              {"chunk_size", 100},
              {"total_chunk_count", 1}}}};
        const Answer init = call(sbx, "/v2/post/publish/video/init/", token, init_body);
        REQUIRE(init.status == 200);
        const std::string url = init.body["data"]["upload_url"];
        httplib::Client client("127.0.0.1", sbx.port());
        const auto put =
            client.Put(url.substr(sbx.base_url().size()), {{"Content-Range", "bytes 0-99/100"}},
                       std::string(100, 'v'), "video/mp4");
        REQUIRE(put);
        REQUIRE(put->status == 201);
    }
    // Paging one at a time loses none and repeats none.
    const std::vector<json> videos = all_videos(sbx, token, 1);
    std::set<std::string> ids;
    for (const auto& video : videos) {
        ids.insert(video["id"].get<std::string>());
    }
    CHECK(videos.size() == 6);
    CHECK(ids.size() == 6);
}

TEST_CASE("a profile seeds a thousand videos for each of 50 users cheaply") {
    harness::Sandbox sbx;
    const std::int64_t now = sandbox_now(sbx);
    json users = json::array();
    for (int i = 0; i < 50; ++i) {
        users.push_back(seeded_user(fmt::format("creator{:02}", i), 1000, now - 1000 * k_day));
    }
    const auto started = std::chrono::steady_clock::now();
    sbx.post("config", {{"users", users}, {"rate_limit_multiplier", 0}});
    const std::string token = token_for(sbx, "creator49");
    int pages = 0;
    const std::vector<json> videos = all_videos(sbx, token, 20, &pages);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(videos.size() == 1000);
    CHECK(pages == 50);
    CHECK(std::set<json>(videos.begin(), videos.end()).size() == 1000);
    CHECK(elapsed < std::chrono::seconds(10));
    // Seeds are validated like the rest of the profile.
    httplib::Client client("127.0.0.1", sbx.port());
    for (const json& bad : {json{{"count", -1}, {"start", 0}}, json{{"count", 5}},
                            json{{"count", 1}, {"start", 0}, {"every", 0}},
                            json{{"count", 1}, {"start", 0}, {"often", 1}}, json(3)}) {
        CAPTURE(bad.dump());
        const auto res = client.Post(
            "/_sandbox/config", json{{"users", {{{"username", "alice"}, {"videos", bad}}}}}.dump(),
            "application/json");
        REQUIRE(res);
        CHECK(res->status == 400);
    }
    CHECK(sbx.get("state")["config"]["users"][0]["videos"] ==
          json{{"count", 1000}, {"start", now - 1000 * k_day}, {"every", k_day}});
}
