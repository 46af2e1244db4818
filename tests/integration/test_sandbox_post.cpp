// looppost-sandbox's Content Posting family against reference §4: creator_info (§4.2) with its
// privacy options per account kind and audit state (§4.14), the creator's settings, the 200 that
// means "cannot post now", the scope check and the 20-a-minute window (§4.13); video and inbox
// init with the Media Transfer Guide's chunk rules and the PUT upload (§4.3–4.5), photo posts
// really pulled from --serve-dir (§4.7), status/fetch (§4.8), fail reasons (§4.9), cancel (§4.10),
// caps and rate limits (§4.13). Every request goes to 127.0.0.1; every loop is bounded.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <string>
#include <thread>

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

// ---- Publishing ----

namespace {

constexpr const char* k_all_scopes = "user.info.basic,video.publish,video.upload";
constexpr const char* k_video_init = "/v2/post/publish/video/init/";
constexpr const char* k_inbox_init = "/v2/post/publish/inbox/video/init/";
constexpr const char* k_content_init = "/v2/post/publish/content/init/";
constexpr const char* k_status = "/v2/post/publish/status/fetch/";
constexpr const char* k_cancel = "/v2/post/publish/cancel/";

Answer call(const harness::Sandbox& sbx, const char* path, const std::string& token,
            const json& body) {
    httplib::Client client("127.0.0.1", sbx.port());
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    const auto res = client.Post(path, {{"Authorization", "Bearer " + token}}, body.dump(),
                                 "application/json; charset=UTF-8");
    REQUIRE(res);
    return {res->status, json::parse(res->body)};
}

json file_source(std::int64_t size, std::int64_t chunk, std::int64_t count) {
    return {{"source", "FILE_UPLOAD"},
            {"video_size", size},
            {"chunk_size", chunk},
            {"total_chunk_count", count}};
}

json direct_video(const std::string& privacy, const json& source) {
    return {{"post_info", {{"title", "a #test"}, {"privacy_level", privacy}}},
            {"source_info", source}};
}

struct PutAnswer {
    int status = 0;
    std::string range;
};

PutAnswer put(const harness::Sandbox& sbx, const std::string& upload_url, std::int64_t first,
              std::int64_t total, const std::string& bytes, const std::string& type = "video/mp4") {
    const std::string prefix = sbx.base_url();
    REQUIRE(upload_url.rfind(prefix + "/upload/?", 0) == 0);
    httplib::Client client("127.0.0.1", sbx.port());
    client.set_read_timeout(60);
    client.set_write_timeout(60);
    const std::string range = fmt::format(
        "bytes {}-{}/{}", first, first + static_cast<std::int64_t>(bytes.size()) - 1, total);
    const auto res =
        client.Put(upload_url.substr(prefix.size()), {{"Content-Range", range}}, bytes, type);
    REQUIRE(res);
    return {res->status, res->get_header_value("Content-Range")};
}

std::string sha256(const std::string& bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    std::string hex;
    for (unsigned char b : digest) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

// Deterministic bytes that differ from chunk to chunk.
std::string video_bytes(std::size_t size) {
    std::string bytes(size, '\0');
    std::uint32_t x = 12345;
    for (std::size_t i = 0; i < size; i += 4096) {
        x = x * 1103515245u + 12345u;
        bytes[i] = static_cast<char>(x >> 16);
    }
    return bytes;
}

json status_of(const harness::Sandbox& sbx, const std::string& token, const std::string& id) {
    const Answer answer = call(sbx, k_status, token, {{"publish_id", id}});
    REQUIRE(answer.status == 200);
    CHECK(answer.body["error"]["code"] == "ok");
    return answer.body["data"];
}

json post_in_ledger(const harness::Sandbox& sbx, const std::string& publish_id) {
    const json state = sbx.get("state");
    for (const auto& post : state["posts"]) {
        if (post["publish_id"] == publish_id) {
            return post;
        }
    }
    FAIL("the post is not in the ledger");
    return {};
}

void no_rate_limits(const harness::Sandbox& sbx) {
    sbx.post("config", {{"rate_limit_multiplier", 0}});
}

} // namespace

TEST_CASE("the sandbox's video init checks chunk plans by the Media Transfer Guide") {
    harness::Sandbox sbx;
    no_rate_limits(sbx);
    const std::string token = token_for(sbx, "alice");
    struct Plan {
        std::int64_t size, chunk, count;
        const char* message; // nullptr: accepted
    };
    for (const Plan& plan : std::initializer_list<Plan>{
             {1000, 1000, 1, nullptr},
             {4'999'999, 4'999'999, 1, nullptr},
             {50'000'123, 10'000'000, 5, nullptr},
             {64'000'000, 64'000'000, 1, nullptr},
             {128'000'000, 64'000'000, 2, nullptr},
             {4'000'000, 1'000'000, 4, "The chunk size is invalid"}, // < 5 MB goes whole
             {4'000'000, 4'000'000, 2, "The total chunk count is invalid"},
             {50'000'123, 10'000'000, 6, "The total chunk count is invalid"}, // rounds down
             {50'000'123, 4'000'000, 12, "The chunk size is invalid"},        // < 5 MB chunks
             {100'000'000, 100'000'000, 1, "The chunk size is invalid"},      // > 64 MB whole
             {15'000'000, 10'000'000, 1, "The chunk size is invalid"},        // single != size
             {64'000'001, 64'000'001, 1, "The chunk size is invalid"},
             {4'000'000'001, 10'000'000, 400, "The video size is invalid"},
             {6'000'000'000, 5'000'000, 1200, "The video size is invalid"},
             {0, 0, 0, "The video size is invalid"},
             {4'000'000'000, 5'000'000, 800, nullptr}, // the largest file, the most chunks
         }) {
        CAPTURE(plan.size);
        CAPTURE(plan.chunk);
        CAPTURE(plan.count);
        const Answer answer =
            call(sbx, k_video_init, token,
                 direct_video("SELF_ONLY", file_source(plan.size, plan.chunk, plan.count)));
        if (plan.message == nullptr) {
            CHECK(answer.status == 200);
            CHECK(answer.body["error"]["code"] == "ok");
        } else {
            CHECK(answer.status == 400);
            CHECK(answer.body["error"]["code"] == "invalid_params");
            CHECK(answer.body["error"]["message"] == plan.message);
        }
    }
}

TEST_CASE("the sandbox takes a small video in one PUT and answers the publish id and upload url") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    const std::string bytes = video_bytes(4'000'000);
    const Answer init = call(sbx, k_video_init, token,
                             direct_video("SELF_ONLY", file_source(4'000'000, 4'000'000, 1)));
    REQUIRE(init.status == 200);
    const std::string id = init.body["data"]["publish_id"];
    const std::string url = init.body["data"]["upload_url"];
    CHECK(id.rfind("v_pub_file~", 0) == 0);
    CHECK(id.size() <= 64);
    CHECK(url.size() <= 256);
    CHECK(url.find("upload_id=") != std::string::npos);
    CHECK(url.find("upload_token=") != std::string::npos);
    CHECK(status_of(sbx, token, id)["status"] == "PROCESSING_UPLOAD");

    CHECK(put(sbx, url, 0, 4'000'000, bytes, "text/plain").status == 400);
    CHECK(put(sbx, url + "x", 0, 4'000'000, bytes).status == 404); // wrong upload_token
    const PutAnswer done = put(sbx, url, 0, 4'000'000, bytes, "video/quicktime");
    CHECK(done.status == 201);
    CHECK(done.range == "bytes 0-3999999/4000000");

    const json status = status_of(sbx, token, id);
    CHECK(status["status"] == "PUBLISH_COMPLETE");
    CHECK(status["uploaded_bytes"] == 4'000'000);
    CHECK(status["publicaly_available_post_id"] == json::array()); // SELF_ONLY: never public
    const json post = post_in_ledger(sbx, id);
    CHECK(post["sha256"] == sha256(bytes));
    CHECK(post["mode"] == "direct");
    CHECK(post["media_type"] == "VIDEO");
    CHECK(post["user"] == "alice");
    CHECK(post["privacy_level"] == "SELF_ONLY");
    CHECK(post["title"] == "a #test");
    CHECK(sbx.get("state")["uploads"][0]["received_bytes"] == 4'000'000);
}

TEST_CASE("the sandbox takes the reference's 50,000,123-byte example in five chunks, in order") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    constexpr std::int64_t k_size = 50'000'123;
    constexpr std::int64_t k_chunk = 10'000'000;
    const std::string bytes = video_bytes(k_size);
    const Answer init =
        call(sbx, k_video_init, token, direct_video("SELF_ONLY", file_source(k_size, k_chunk, 5)));
    REQUIRE(init.status == 200);
    const std::string url = init.body["data"]["upload_url"];
    const std::string id = init.body["data"]["publish_id"];

    // Out of order: the second chunk first.
    const PutAnswer early = put(sbx, url, k_chunk, k_size, bytes.substr(k_chunk, k_chunk));
    CHECK(early.status == 416);
    CHECK(early.range == "bytes */50000123");
    // A chunk of the wrong size.
    CHECK(put(sbx, url, 0, k_size, bytes.substr(0, 6'000'000)).status == 416);

    for (std::int64_t i = 0; i < 4; ++i) {
        CAPTURE(i);
        const PutAnswer answer =
            put(sbx, url, i * k_chunk, k_size, bytes.substr(i * k_chunk, k_chunk));
        CHECK(answer.status == 206);
        CHECK(answer.range == fmt::format("bytes 0-{}/{}", (i + 1) * k_chunk - 1, k_size));
        if (i == 0) {
            CHECK(status_of(sbx, token, id)["uploaded_bytes"] == k_chunk);
            // The same chunk again (its answer lost): 416 with the progress to resume from.
            const PutAnswer again = put(sbx, url, 0, k_size, bytes.substr(0, k_chunk));
            CHECK(again.status == 416);
            CHECK(again.range == "bytes 0-9999999/50000123");
        }
    }
    const PutAnswer last = put(sbx, url, 4 * k_chunk, k_size, bytes.substr(4 * k_chunk));
    CHECK(last.status == 201);
    CHECK(last.range == "bytes 0-50000122/50000123");
    CHECK(put(sbx, url, 4 * k_chunk, k_size, bytes.substr(4 * k_chunk)).status == 416);

    CHECK(status_of(sbx, token, id)["status"] == "PUBLISH_COMPLETE");
    CHECK(post_in_ledger(sbx, id)["sha256"] == sha256(bytes));
    const json upload = sbx.get("state")["uploads"][0];
    CHECK(upload["chunks_received"] == 5);
    CHECK(upload["complete"] == true);
    CHECK(upload["sha256"] == sha256(bytes));
}

TEST_CASE("the sandbox takes exactly 64,000,000 bytes as a single chunk") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    const std::string bytes = video_bytes(64'000'000);
    const Answer init = call(sbx, k_video_init, token,
                             direct_video("SELF_ONLY", file_source(64'000'000, 64'000'000, 1)));
    REQUIRE(init.status == 200);
    const PutAnswer done = put(sbx, init.body["data"]["upload_url"], 0, 64'000'000, bytes);
    CHECK(done.status == 201);
    CHECK(post_in_ledger(sbx, init.body["data"]["publish_id"])["sha256"] == sha256(bytes));
}

TEST_CASE("the sandbox's upload_url expires after an hour and unknown uploads are 404") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    const Answer init =
        call(sbx, k_video_init, token, direct_video("SELF_ONLY", file_source(1000, 1000, 1)));
    REQUIRE(init.status == 200);
    sbx.post("clock/advance", {{"seconds", 3601}});
    CHECK(put(sbx, init.body["data"]["upload_url"], 0, 1000, video_bytes(1000)).status == 403);
    CHECK(
        put(sbx, sbx.base_url() + "/upload/?upload_id=1&upload_token=x", 0, 1000, video_bytes(1000))
            .status == 404);
}

TEST_CASE("the sandbox's direct post checks privacy against the creator's options") {
    harness::Sandbox sbx;
    no_rate_limits(sbx);
    sbx.post("config", {{"audited", true}}); // alice is private
    const std::string token = token_for(sbx, "alice");
    const json source = file_source(1000, 1000, 1);
    const Answer mismatch =
        call(sbx, k_video_init, token, direct_video("PUBLIC_TO_EVERYONE", source));
    CHECK(mismatch.status == 403);
    CHECK(mismatch.body["error"]["code"] == "privacy_level_option_mismatch");
    const Answer missing =
        call(sbx, k_video_init, token, {{"post_info", json::object()}, {"source_info", source}});
    CHECK(missing.status == 403);
    CHECK(missing.body["error"]["code"] == "privacy_level_option_mismatch");
    CHECK(call(sbx, k_video_init, token, direct_video("FOLLOWER_OF_CREATOR", source)).status ==
          200);

    json branded = direct_video("SELF_ONLY", source);
    branded["post_info"]["brand_content_toggle"] = true;
    CHECK(call(sbx, k_video_init, token, branded).status == 400);

    json long_title = direct_video("SELF_ONLY", source);
    std::string emoji;
    for (int i = 0; i < 1100; ++i) {
        emoji += "\xF0\x9F\x98\x80"; // U+1F600: two UTF-16 code units
    }
    long_title["post_info"]["title"] = emoji; // 2200 units
    CHECK(call(sbx, k_video_init, token, long_title).status == 200);
    long_title["post_info"]["title"] = emoji + "a";
    const Answer too_long = call(sbx, k_video_init, token, long_title);
    CHECK(too_long.status == 400);
    CHECK(too_long.body["error"]["code"] == "invalid_params");
}

TEST_CASE("the sandbox refuses an unaudited app's direct post to a public account") {
    harness::Sandbox sbx;
    sbx.post("config", {{"account_private", false}});
    const std::string token = token_for(sbx, "alice");
    const Answer answer =
        call(sbx, k_video_init, token, direct_video("SELF_ONLY", file_source(1000, 1000, 1)));
    CHECK(answer.status == 403);
    CHECK(answer.body["error"]["code"] == "unaudited_client_can_only_post_to_private_accounts");
}

TEST_CASE("the sandbox caps direct posts per user per day and honours cannot_post") {
    harness::Sandbox sbx;
    no_rate_limits(sbx);
    sbx.post("config", {{"daily_post_cap", 3}});
    std::string token = token_for(sbx, "alice");
    const json body = direct_video("SELF_ONLY", file_source(1000, 1000, 1));
    for (int i = 0; i < 3; ++i) {
        REQUIRE(call(sbx, k_video_init, token, body).status == 200);
    }
    const Answer capped = call(sbx, k_video_init, token, body);
    CHECK(capped.status == 403);
    CHECK(capped.body["error"]["code"] == "spam_risk_too_many_posts");
    CHECK(call(sbx, k_video_init, token_for(sbx, "bob"), body).status == 200); // per user
    sbx.post("clock/advance", {{"seconds", 86401}});
    token = token_for(sbx, "alice"); // the old one expired with the day
    CHECK(call(sbx, k_video_init, token, body).status == 200);

    sbx.post("config",
             {{"users",
               {{{"username", "alice"}, {"cannot_post", "spam_risk_user_banned_from_posting"}}}}});
    const Answer banned = call(sbx, k_video_init, token, body);
    CHECK(banned.status == 403);
    CHECK(banned.body["error"]["code"] == "spam_risk_user_banned_from_posting");
}

TEST_CASE("the sandbox's inbox init takes source_info only and caps pending shares at five") {
    harness::Sandbox sbx;
    no_rate_limits(sbx);
    const std::string publish_only = token_for(sbx, "alice");
    const json body = {{"source_info", file_source(1000, 1000, 1)},
                       {"post_info", {{"privacy_level", "PUBLIC_TO_EVERYONE"}}}}; // ignored
    CHECK(call(sbx, k_inbox_init, publish_only, body).status == 401); // needs video.upload
    const std::string token = token_for(sbx, "alice", k_all_scopes);
    std::string first;
    for (int i = 0; i < 5; ++i) {
        const Answer answer = call(sbx, k_inbox_init, token, body);
        REQUIRE(answer.status == 200);
        if (i == 0) {
            first = answer.body["data"]["publish_id"];
            CHECK(first.rfind("v_inbox_file~", 0) == 0);
            CHECK(put(sbx, answer.body["data"]["upload_url"], 0, 1000, video_bytes(1000)).status ==
                  201);
        }
    }
    const Answer capped = call(sbx, k_inbox_init, token, body);
    CHECK(capped.status == 403);
    CHECK(capped.body["error"]["code"] == "spam_risk_too_many_pending_share");
    CHECK(status_of(sbx, token, first)["status"] == "SEND_TO_USER_INBOX");
    const json post = post_in_ledger(sbx, first);
    CHECK(post["mode"] == "inbox");
    CHECK(post["post_info"].is_null());
    CHECK(post["privacy_level"].is_null());
}

TEST_CASE("the sandbox allows six inits a minute per token across the init endpoints") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice", k_all_scopes);
    const json direct = direct_video("SELF_ONLY", file_source(1000, 1000, 1));
    const json inbox = {{"source_info", file_source(1000, 1000, 1)}};
    for (int i = 0; i < 6; ++i) {
        CAPTURE(i);
        REQUIRE(
            call(sbx, i % 2 ? k_inbox_init : k_video_init, token, i % 2 ? inbox : direct).status ==
            200);
    }
    const Answer refused = call(sbx, k_video_init, token, direct);
    CHECK(refused.status == 429);
    CHECK(refused.body["error"]["code"] == "rate_limit_exceeded");
    sbx.post("clock/advance", {{"seconds", 61}});
    CHECK(call(sbx, k_video_init, token, direct).status == 200);
}

namespace {

// A folder with the images of the photo tests, made by ffmpeg.
struct Photos {
    harness::TempDir dir;
    Photos() {
        const std::string d = dir.path().string();
        const auto make = [&](const std::string& size, const std::string& name) {
            const auto result = harness::run_program(
                "/bin/sh",
                {"-c", fmt::format("ffmpeg -loglevel error -y -f lavfi -i testsrc=size={} "
                                   "-frames:v 1 '{}/{}'",
                                   size, d, name)});
            REQUIRE(result.exit_code == 0);
        };
        make("640x480", "good.jpg");
        make("1200x1600", "big.jpg");
        make("640x480", "x.png");
        make("480x640", "w.webp");
    }
};

json photo_body(const std::string& mode, const std::vector<std::string>& urls,
                const std::string& privacy = "SELF_ONLY") {
    json post_info = {{"title", "cats"}, {"description", "a #photo post"}};
    if (mode == "DIRECT_POST") {
        post_info["privacy_level"] = privacy;
        post_info["disable_comment"] = true;
    }
    return {{"media_type", "PHOTO"},
            {"post_mode", mode},
            {"post_info", post_info},
            {"source_info",
             {{"source", "PULL_FROM_URL"}, {"photo_cover_index", 0}, {"photo_images", urls}}}};
}

std::string file_bytes(const std::filesystem::path& path) {
    return harness::read_file(path);
}

} // namespace

TEST_CASE("the sandbox pulls photo posts from verified URLs and checks the images") {
    Photos photos;
    harness::Sandbox sbx({"--serve-dir", photos.dir.path().string()});
    no_rate_limits(sbx);
    const std::string token = token_for(sbx, "alice", k_all_scopes);
    const std::string media = sbx.base_url() + "/media/";

    const Answer direct = call(sbx, k_content_init, token,
                               photo_body("DIRECT_POST", {media + "good.jpg", media + "w.webp"}));
    REQUIRE(direct.status == 200);
    const std::string direct_id = direct.body["data"]["publish_id"];
    CHECK(direct_id.rfind("p_pub_url~", 0) == 0);
    CHECK(!direct.body["data"].contains("upload_url"));
    const json done = status_of(sbx, token, direct_id);
    CHECK(done["status"] == "PUBLISH_COMPLETE");
    CHECK(done["downloaded_bytes"].get<std::int64_t>() > 0);
    const json post = post_in_ledger(sbx, direct_id);
    CHECK(post["media_type"] == "PHOTO");
    CHECK(post["description"] == "a #photo post");
    CHECK(post["toggles"]["disable_comment"] == true);
    REQUIRE(post["photos"].size() == 2);
    CHECK(post["photos"][0]["url"] == media + "good.jpg");
    CHECK(post["photos"][0]["sha256"] == sha256(file_bytes(photos.dir.path() / "good.jpg")));
    CHECK(post["photos"][0]["width"] == 640);
    CHECK(post["photos"][1]["width"] == 480);
    CHECK(post["photos"][1]["height"] == 640);

    const Answer inbox =
        call(sbx, k_content_init, token, photo_body("MEDIA_UPLOAD", {media + "good.jpg"}));
    REQUIRE(inbox.status == 200);
    CHECK(status_of(sbx, token, inbox.body["data"]["publish_id"])["status"] ==
          "SEND_TO_USER_INBOX");

    for (const auto& [file, reason] : std::initializer_list<std::pair<std::string, std::string>>{
             {"big.jpg", "picture_size_check_failed"},
             {"x.png", "file_format_check_failed"},
             {"missing.jpg", "photo_pull_failed"}}) {
        CAPTURE(file);
        const Answer answer = call(sbx, k_content_init, token,
                                   photo_body("DIRECT_POST", {media + "good.jpg", media + file}));
        REQUIRE(answer.status == 200);
        const json failed = status_of(sbx, token, answer.body["data"]["publish_id"]);
        CHECK(failed["status"] == "FAILED");
        CHECK(failed["fail_reason"] == reason);
    }

    const Answer unverified = call(sbx, k_content_init, token,
                                   photo_body("DIRECT_POST", {"https://elsewhere.example/a.jpg"}));
    CHECK(unverified.status == 403);
    CHECK(unverified.body["error"]["code"] == "url_ownership_unverified");

    json no_photos = photo_body("DIRECT_POST", {});
    CHECK(call(sbx, k_content_init, token, no_photos).status == 400);
    json long_title = photo_body("DIRECT_POST", {media + "good.jpg"});
    long_title["post_info"]["title"] = std::string(91, 'a');
    CHECK(call(sbx, k_content_init, token, long_title).status == 400);
}

TEST_CASE("the sandbox fails a photo pull that meets a redirect") {
    Photos photos;
    harness::Sandbox sbx({"--serve-dir", photos.dir.path().string()});
    httplib::Server redirector;
    redirector.Get("/moved.jpg", [&](const httplib::Request&, httplib::Response& res) {
        res.set_redirect(sbx.base_url() + "/media/good.jpg");
    });
    const int port = redirector.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread serving([&] { redirector.listen_after_bind(); });
    const std::string prefix = fmt::format("http://127.0.0.1:{}/", port);
    sbx.post("config", {{"verified_url_prefixes", json::array({prefix})}});
    const std::string token = token_for(sbx, "alice");
    const Answer answer =
        call(sbx, k_content_init, token, photo_body("DIRECT_POST", {prefix + "moved.jpg"}));
    REQUIRE(answer.status == 200);
    const json failed = status_of(sbx, token, answer.body["data"]["publish_id"]);
    CHECK(failed["status"] == "FAILED");
    CHECK(failed["fail_reason"] == "photo_pull_failed");
    redirector.stop();
    serving.join();
}

TEST_CASE("the sandbox's status and cancel are only for the publish id's own user") {
    harness::Sandbox sbx;
    const std::string alice = token_for(sbx, "alice");
    const std::string bob = token_for(sbx, "bob");
    const Answer init =
        call(sbx, k_video_init, alice, direct_video("SELF_ONLY", file_source(1000, 1000, 1)));
    REQUIRE(init.status == 200);
    const json id = init.body["data"]["publish_id"];
    const Answer foreign = call(sbx, k_status, bob, {{"publish_id", id}});
    CHECK(foreign.status == 400);
    CHECK(foreign.body["error"]["code"] == "token_not_authorized_for_specified_publish_id");
    const Answer unknown = call(sbx, k_status, alice, {{"publish_id", "v_pub_file~v2-1.1"}});
    CHECK(unknown.status == 400);
    CHECK(unknown.body["error"]["code"] == "invalid_publish_id");
    CHECK(call(sbx, k_cancel, bob, {{"publish_id", id}}).body["error"]["code"] ==
          "token_not_authorized_for_specified_publish_id");
    const Answer not_pull = call(sbx, k_cancel, alice, {{"publish_id", id}});
    CHECK(not_pull.status == 400);
    CHECK(not_pull.body["error"]["code"] == "publish_not_cancellable");
}

TEST_CASE("the sandbox's realistic processing: downloads take time, cancel, moderation") {
    Photos photos;
    harness::Sandbox sbx({"--serve-dir", photos.dir.path().string()});
    sbx.post("config",
             {{"processing", "realistic"}, {"audited", true}, {"account_private", false}});
    const std::string token = token_for(sbx, "alice");
    const std::string good = sbx.base_url() + "/media/good.jpg";

    const Answer cancelled = call(sbx, k_content_init, token, photo_body("DIRECT_POST", {good}));
    REQUIRE(cancelled.status == 200);
    const json cancel_id = cancelled.body["data"]["publish_id"];
    CHECK(status_of(sbx, token, cancel_id)["status"] == "PROCESSING_DOWNLOAD");
    const Answer ok = call(sbx, k_cancel, token, {{"publish_id", cancel_id}});
    CHECK(ok.status == 200);
    CHECK(ok.body["error"]["code"] == "ok");
    const json after = status_of(sbx, token, cancel_id);
    CHECK(after["status"] == "FAILED");
    CHECK(after["fail_reason"] == "publish_cancelled");
    CHECK(call(sbx, k_cancel, token, {{"publish_id", cancel_id}}).body["error"]["code"] ==
          "publish_not_cancellable");

    const Answer public_post =
        call(sbx, k_content_init, token, photo_body("DIRECT_POST", {good}, "PUBLIC_TO_EVERYONE"));
    REQUIRE(public_post.status == 200);
    const json id = public_post.body["data"]["publish_id"];
    CHECK(status_of(sbx, token, id)["status"] == "PROCESSING_DOWNLOAD");
    sbx.post("clock/advance", {{"seconds", 6}});
    json status = status_of(sbx, token, id);
    CHECK(status["status"] == "PUBLISH_COMPLETE");
    CHECK(status["publicaly_available_post_id"] == json::array()); // still in moderation
    CHECK(call(sbx, k_cancel, token, {{"publish_id", id}}).body["error"]["code"] ==
          "publish_not_cancellable");
    sbx.post("clock/advance", {{"seconds", 31}});
    status = status_of(sbx, token, id);
    REQUIRE(status["publicaly_available_post_id"].size() == 1);
    CHECK(status["publicaly_available_post_id"][0].is_number_integer());

    // A video upload stays in PROCESSING_UPLOAD a few seconds after its last byte.
    const Answer video =
        call(sbx, k_video_init, token, direct_video("SELF_ONLY", file_source(1000, 1000, 1)));
    REQUIRE(video.status == 200);
    REQUIRE(put(sbx, video.body["data"]["upload_url"], 0, 1000, video_bytes(1000)).status == 201);
    CHECK(status_of(sbx, token, video.body["data"]["publish_id"])["status"] == "PROCESSING_UPLOAD");
    sbx.post("clock/advance", {{"seconds", 6}});
    CHECK(status_of(sbx, token, video.body["data"]["publish_id"])["status"] == "PUBLISH_COMPLETE");
}

TEST_CASE("the sandbox fails the next post on request with the given fail_reason") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    sbx.post("fail_next", {{"fail_reason", "spam_risk_text"}, {"user", "alice"}});
    CHECK(sbx.get("state")["fail_next"].size() == 1);
    const json body = direct_video("SELF_ONLY", file_source(1000, 1000, 1));
    const Answer failing = call(sbx, k_video_init, token, body);
    REQUIRE(failing.status == 200);
    REQUIRE(put(sbx, failing.body["data"]["upload_url"], 0, 1000, video_bytes(1000)).status == 201);
    const json status = status_of(sbx, token, failing.body["data"]["publish_id"]);
    CHECK(status["status"] == "FAILED");
    CHECK(status["fail_reason"] == "spam_risk_text");
    CHECK(sbx.get("state")["fail_next"].empty());

    sbx.post("config", {{"users", {{{"username", "alice"}, {"fail_reason", "internal"}}}}});
    const Answer always = call(sbx, k_video_init, token, body);
    REQUIRE(put(sbx, always.body["data"]["upload_url"], 0, 1000, video_bytes(1000)).status == 201);
    CHECK(status_of(sbx, token, always.body["data"]["publish_id"])["fail_reason"] == "internal");
}

TEST_CASE("the sandbox pulls a PULL_FROM_URL video from a verified prefix") {
    Photos photos;
    const std::string dir = photos.dir.path().string();
    REQUIRE(harness::run_program("/bin/sh", {"-c", fmt::format("ffmpeg -loglevel error -y -f lavfi "
                                                               "-i testsrc=size=320x240:rate=25 "
                                                               "-t 1 '{}/v.mp4'",
                                                               dir)})
                .exit_code == 0);
    harness::Sandbox sbx({"--serve-dir", dir});
    const std::string token = token_for(sbx, "alice", k_all_scopes);
    const std::string media = sbx.base_url() + "/media/";
    const json pull = {{"source", "PULL_FROM_URL"}, {"video_url", media + "v.mp4"}};

    const Answer direct = call(sbx, k_video_init, token, direct_video("SELF_ONLY", pull));
    REQUIRE(direct.status == 200);
    const std::string id = direct.body["data"]["publish_id"];
    CHECK(id.rfind("v_pub_url~", 0) == 0);
    CHECK(!direct.body["data"].contains("upload_url"));
    const json done = status_of(sbx, token, id);
    CHECK(done["status"] == "PUBLISH_COMPLETE");
    CHECK(post_in_ledger(sbx, id)["sha256"] == sha256(file_bytes(photos.dir.path() / "v.mp4")));

    const Answer inbox =
        call(sbx, k_inbox_init, token,
             {{"source_info", {{"source", "PULL_FROM_URL"}, {"video_url", media + "good.jpg"}}}});
    REQUIRE(inbox.status == 200);
    CHECK(inbox.body["data"]["publish_id"].get<std::string>().rfind("v_inbox_url~", 0) == 0);
    CHECK(status_of(sbx, token, inbox.body["data"]["publish_id"])["fail_reason"] ==
          "file_format_check_failed");

    const Answer unverified =
        call(sbx, k_video_init, token,
             direct_video("SELF_ONLY",
                          {{"source", "PULL_FROM_URL"}, {"video_url", "https://x.example/v.mp4"}}));
    CHECK(unverified.status == 403);
    CHECK(unverified.body["error"]["code"] == "url_ownership_unverified");
}

TEST_CASE("the sandbox allows 30 status calls a minute per token") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    const Answer init =
        call(sbx, k_video_init, token, direct_video("SELF_ONLY", file_source(1000, 1000, 1)));
    REQUIRE(init.status == 200);
    const json body = {{"publish_id", init.body["data"]["publish_id"]}};
    for (int i = 0; i < 30; ++i) {
        REQUIRE(call(sbx, k_status, token, body).status == 200);
    }
    const Answer refused = call(sbx, k_status, token, body);
    CHECK(refused.status == 429);
    CHECK(refused.body["error"]["code"] == "rate_limit_exceeded");
}

TEST_CASE("the sandbox answers a chunk resent after a lost answer with 416 and the progress") {
    harness::Sandbox sbx;
    const std::string token = token_for(sbx, "alice");
    const std::string bytes = video_bytes(10'000'000);
    const Answer init = call(sbx, k_video_init, token,
                             direct_video("SELF_ONLY", file_source(10'000'000, 5'000'000, 2)));
    REQUIRE(init.status == 200);
    const std::string url = init.body["data"]["upload_url"];
    sbx.post("faults",
             {{"path_prefix", "/upload/"}, {"kind", "drop"}, {"when", "after"}, {"times", 1}});
    {
        httplib::Client client("127.0.0.1", sbx.port());
        client.set_read_timeout(30);
        const auto lost = client.Put(url.substr(sbx.base_url().size()),
                                     {{"Content-Range", "bytes 0-4999999/10000000"}},
                                     bytes.substr(0, 5'000'000), "video/mp4");
        CHECK(!lost); // the chunk took effect, its answer never came
    }
    const PutAnswer again = put(sbx, url, 0, 10'000'000, bytes.substr(0, 5'000'000));
    CHECK(again.status == 416);
    CHECK(again.range == "bytes 0-4999999/10000000");
    CHECK(put(sbx, url, 5'000'000, 10'000'000, bytes.substr(5'000'000)).status == 201);
    CHECK(post_in_ledger(sbx, init.body["data"]["publish_id"])["sha256"] == sha256(bytes));
}
