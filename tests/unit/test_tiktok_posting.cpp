#include "tiktok_support.hpp"
#include "unit_support.hpp"

#include <deque>
#include <doctest/doctest.h>
#include <fstream>
#include <looppost/core/errors.hpp>
#include <looppost/core/log.hpp>
#include <looppost/net/file_body.hpp>
#include <looppost/tiktok/api.hpp>
#include <nlohmann/json.hpp>

using namespace looppost;
using nlohmann::json;
using namespace std::chrono;

namespace {

using namespace tiktok_test;

// What the fake saw of one request: streamed bodies are read out through a small fixed buffer.
struct Seen {
    net::Request request;
    std::string body;
};

struct FakeHttp : net::HttpClient {
    std::deque<net::Result> script;
    std::vector<Seen> seen;
    net::Result send(const net::Request& r) override {
        Seen s{r, r.body};
        if (r.body_source != nullptr) {
            s.body.clear();
            char buf[7];
            while (std::size_t n = r.body_source->read(buf, sizeof buf)) {
                s.body.append(buf, n);
            }
            s.request.body_source = nullptr;
        }
        seen.push_back(std::move(s));
        REQUIRE_FALSE(script.empty());
        auto out = script.front();
        script.pop_front();
        return out;
    }
};


// An in-memory body of `n` bytes.
struct StringBody : net::BodySource {
    std::string data;
    std::size_t pos = 0;
    explicit StringBody(std::string d) : data(std::move(d)) {}
    std::int64_t size() const override { return static_cast<std::int64_t>(data.size()); }
    std::size_t read(char* buf, std::size_t max) override {
        std::size_t n = std::min(max, data.size() - pos);
        std::copy_n(data.data() + pos, n, buf);
        pos += n;
        return n;
    }
    void rewind() override { pos = 0; }
};

struct Fixture {
    FakeHttp http;
    FakeClock clock;
    ZeroRandom random;
    tiktok::Api api{http, clock, random, "https://api.test",
                    net::RetryPolicy{3, milliseconds(10), milliseconds(100)}};
    vault::Secret token{"act.SECRET"};
};

tiktok::PostInfo sample_info() {
    tiktok::PostInfo p;
    p.title = "caption #fyp";
    p.privacy_level = "SELF_ONLY";
    p.disable_comment = true;
    p.video_cover_timestamp_ms = 1000;
    p.is_aigc = true;
    return p;
}

} // namespace

TEST_CASE("tiktok direct video init sends post_info and FILE_UPLOAD source_info, once") {
    Fixture f;
    f.http.script = {ok({{"publish_id", "v_pub_file~v2-1.1"},
                         {"upload_url", "https://up.test/video/?upload_id=1&upload_token=T"}})};
    auto info = sample_info();
    auto plan = tiktok::plan_chunks(64'000'001);
    auto r = f.api.init_video(f.token, &info, plan);
    REQUIRE(r);
    CHECK(r->publish_id == "v_pub_file~v2-1.1");
    CHECK(r->upload_url == "https://up.test/video/?upload_id=1&upload_token=T");
    REQUIRE(f.http.seen.size() == 1);
    const auto& req = f.http.seen[0].request;
    CHECK(req.method == "POST");
    CHECK(req.url == "https://api.test/v2/post/publish/video/init/");
    CHECK(req.at_most_once);
    CHECK_FALSE(req.retry.has_value());
    CHECK(header(req, "Authorization") == "Bearer act.SECRET");
    CHECK(header(req, "Content-Type") == "application/json; charset=UTF-8");
    json body = json::parse(f.http.seen[0].body);
    CHECK(body == json{{"post_info",
                        {{"title", "caption #fyp"},
                         {"privacy_level", "SELF_ONLY"},
                         {"disable_comment", true},
                         {"disable_duet", false},
                         {"disable_stitch", false},
                         {"video_cover_timestamp_ms", 1000},
                         {"brand_content_toggle", false},
                         {"brand_organic_toggle", false},
                         {"is_aigc", true}}},
                       {"source_info",
                        {{"source", "FILE_UPLOAD"},
                         {"video_size", 64'000'001},
                         {"chunk_size", 10'000'000},
                         {"total_chunk_count", 6}}}});
}

TEST_CASE("tiktok inbox video init sends source_info only, to the inbox endpoint") {
    Fixture f;
    f.http.script = {ok({{"publish_id", "v_inbox_file~1"}, {"upload_url", "https://up.test/"}})};
    auto r = f.api.init_video(f.token, nullptr, tiktok::plan_chunks(1234));
    REQUIRE(r);
    const auto& req = f.http.seen[0].request;
    CHECK(req.url == "https://api.test/v2/post/publish/inbox/video/init/");
    CHECK(req.at_most_once);
    CHECK_FALSE(req.retry.has_value());
    CHECK(json::parse(f.http.seen[0].body) == json{{"source_info",
                                                    {{"source", "FILE_UPLOAD"},
                                                     {"video_size", 1234},
                                                     {"chunk_size", 1234},
                                                     {"total_chunk_count", 1}}}});
}

TEST_CASE("tiktok init is never retried: a dropped answer or a 5xx is an unknown outcome") {
    Fixture f;
    f.http.script = {dropped()};
    auto r = f.api.init_video(f.token, nullptr, tiktok::plan_chunks(10));
    REQUIRE_FALSE(r);
    CHECK(r.error().outcome_unknown());
    CHECK(f.http.seen.size() == 1);

    f.http.script = {error(500, "internal_error")};
    auto r2 = f.api.init_video(f.token, nullptr, tiktok::plan_chunks(10));
    REQUIRE_FALSE(r2);
    CHECK(r2.error().outcome_unknown());
    CHECK(f.http.seen.size() == 2);

    // "ok" without a publish_id: TikTok acted, we cannot tell on what.
    f.http.script = {ok({{"upload_url", "https://up.test/"}})};
    auto r3 = f.api.init_video(f.token, nullptr, tiktok::plan_chunks(10));
    REQUIRE_FALSE(r3);
    CHECK(r3.error().outcome_unknown());
}

TEST_CASE("tiktok init refusals keep TikTok's code, message and log id") {
    Fixture f;
    f.http.script = {
        error(403, "unaudited_client_can_only_post_to_private_accounts", "Please review")};
    auto info = sample_info();
    auto r = f.api.init_video(f.token, &info, tiktok::plan_chunks(10));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == tiktok::Failure::Kind::api);
    CHECK(r.error().code == "unaudited_client_can_only_post_to_private_accounts");
    CHECK(r.error().http_status == 403);
    CHECK(r.error().log_id == "L2");
    CHECK_FALSE(r.error().outcome_unknown());
}

TEST_CASE("tiktok chunk PUTs carry Content-Range per chunk and no Authorization") {
    Fixture f;
    tiktok::ChunkPlan plan{25, 10, 2}; // 10 bytes, then 15
    std::string video = "0123456789abcdefghijklmno";
    f.http.script = {answer(206, "", {{"Content-Range", "bytes 0-9/25"}}),
                     answer(201, "", {{"Content-Range", "bytes 0-24/25"}})};
    StringBody first(video.substr(0, 10));
    auto p0 = f.api.upload_chunk("https://up.test/?upload_token=T", "video/mp4", plan, 0, first);
    REQUIRE(p0);
    CHECK(p0->received == 10);
    CHECK_FALSE(p0->complete);
    StringBody second(video.substr(10));
    auto p1 = f.api.upload_chunk("https://up.test/?upload_token=T", "video/mp4", plan, 1, second);
    REQUIRE(p1);
    CHECK(p1->received == 25);
    CHECK(p1->complete);

    REQUIRE(f.http.seen.size() == 2);
    const auto& r0 = f.http.seen[0].request;
    CHECK(r0.method == "PUT");
    CHECK(r0.url == "https://up.test/?upload_token=T");
    CHECK(header(r0, "Content-Type") == "video/mp4");
    CHECK(header(r0, "Content-Length") == "10");
    CHECK(header(r0, "Content-Range") == "bytes 0-9/25");
    CHECK_FALSE(header(r0, "Authorization").has_value());
    CHECK(f.http.seen[0].body == video.substr(0, 10));
    const auto& r1 = f.http.seen[1].request;
    CHECK(header(r1, "Content-Length") == "15");
    CHECK(header(r1, "Content-Range") == "bytes 10-24/25");
    CHECK_FALSE(header(r1, "Authorization").has_value());
    CHECK(f.http.seen[1].body == video.substr(10));
}

TEST_CASE("tiktok chunk refused with 416 carries the server's progress to resume from") {
    Fixture f;
    tiktok::ChunkPlan plan{25, 10, 2};
    f.http.script = {answer(416, "", {{"Content-Range", "bytes 0-9/25"}})};
    StringBody body(std::string(10, 'x'));
    auto r = f.api.upload_chunk("https://up.test/", "video/mp4", plan, 0, body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == tiktok::upload_code::range_mismatch);
    CHECK(r.error().http_status == 416);
    REQUIRE(r.error().received.has_value());
    CHECK(*r.error().received == 10);
}

TEST_CASE("tiktok chunk 403, 404 and 5xx failures are named; a retry policy resends the chunk") {
    Fixture f;
    tiktok::ChunkPlan plan{25, 25, 1};
    StringBody body(std::string(25, 'y'));
    f.http.script = {answer(403, "")};
    auto expired = f.api.upload_chunk("https://up.test/", "video/mp4", plan, 0, body);
    REQUIRE_FALSE(expired);
    CHECK(expired.error().code == tiktok::upload_code::url_expired);

    f.http.script = {answer(404, "")};
    body.rewind();
    auto missing = f.api.upload_chunk("https://up.test/", "video/mp4", plan, 0, body);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == tiktok::upload_code::not_found);

    f.http.script = {answer(502, "bad gateway")};
    body.rewind();
    auto failing = f.api.upload_chunk("https://up.test/", "video/mp4", plan, 0, body);
    REQUIRE_FALSE(failing);
    CHECK(failing.error().code == tiktok::upload_code::server_error);
    CHECK(failing.error().outcome_unknown());

    // With a policy: the same range again, the body rewound to its first byte.
    f.http.seen.clear();
    f.http.script = {answer(503, ""), answer(201, "", {{"Content-Range", "bytes 0-24/25"}})};
    body.rewind();
    auto retried = f.api.upload_chunk("https://up.test/", "video/mp4", plan, 0, body,
                                      net::RetryPolicy{3, milliseconds(1), milliseconds(2)});
    REQUIRE(retried);
    CHECK(retried->complete);
    REQUIRE(f.http.seen.size() == 2);
    CHECK(f.http.seen[1].body == std::string(25, 'y'));
    CHECK(header(f.http.seen[1].request, "Content-Range") == "bytes 0-24/25");
}

TEST_CASE("tiktok chunk body that does not match the plan is refused before sending") {
    Fixture f;
    tiktok::ChunkPlan plan{25, 10, 2};
    StringBody wrong(std::string(9, 'z'));
    CHECK_THROWS_AS(f.api.upload_chunk("https://up.test/", "video/mp4", plan, 0, wrong), Fatal);
    CHECK(f.http.seen.empty());
}

TEST_CASE("tiktok direct photo init sends every post_info field") {
    Fixture f;
    f.http.script = {ok({{"publish_id", "p_pub_url~v2.1"}})};
    tiktok::PhotoPost p;
    p.mode = tiktok::PhotoPost::Mode::direct;
    p.title = "funny cat";
    p.description = "a #funny photo";
    p.privacy_level = "PUBLIC_TO_EVERYONE";
    p.disable_comment = true;
    p.auto_add_music = true;
    p.photo_cover_index = 1;
    p.photo_images = {"https://m.test/1.jpg", "https://m.test/2.webp"};
    auto r = f.api.init_photos(f.token, p);
    REQUIRE(r);
    CHECK(*r == "p_pub_url~v2.1");
    const auto& req = f.http.seen[0].request;
    CHECK(req.url == "https://api.test/v2/post/publish/content/init/");
    CHECK(req.at_most_once);
    CHECK_FALSE(req.retry.has_value());
    CHECK(json::parse(f.http.seen[0].body) ==
          json{{"media_type", "PHOTO"},
               {"post_mode", "DIRECT_POST"},
               {"post_info",
                {{"title", "funny cat"},
                 {"description", "a #funny photo"},
                 {"privacy_level", "PUBLIC_TO_EVERYONE"},
                 {"disable_comment", true},
                 {"auto_add_music", true},
                 {"brand_content_toggle", false},
                 {"brand_organic_toggle", false}}},
               {"source_info",
                {{"source", "PULL_FROM_URL"},
                 {"photo_cover_index", 1},
                 {"photo_images", {"https://m.test/1.jpg", "https://m.test/2.webp"}}}}});
}

TEST_CASE("tiktok inbox photo init (MEDIA_UPLOAD) has no direct-only fields") {
    Fixture f;
    f.http.script = {ok({{"publish_id", "p_inbox_url~1"}})};
    tiktok::PhotoPost p;
    p.mode = tiktok::PhotoPost::Mode::inbox;
    p.title = "t";
    p.description = "d";
    p.privacy_level = "PUBLIC_TO_EVERYONE"; // ignored for the inbox
    p.disable_comment = true;
    p.auto_add_music = true;
    p.photo_images = {"https://m.test/1.jpg"};
    REQUIRE(f.api.init_photos(f.token, p));
    json body = json::parse(f.http.seen[0].body);
    CHECK(body["post_mode"] == "MEDIA_UPLOAD");
    CHECK(body["post_info"] == json{{"title", "t"}, {"description", "d"}});
    CHECK(body["source_info"]["photo_cover_index"] == 0);
}

TEST_CASE("tiktok photo init that loses its answer is an unknown outcome, sent once") {
    Fixture f;
    f.http.script = {dropped()};
    tiktok::PhotoPost p;
    p.photo_images = {"https://m.test/1.jpg"};
    auto r = f.api.init_photos(f.token, p);
    REQUIRE_FALSE(r);
    CHECK(r.error().outcome_unknown());
    CHECK(f.http.seen.size() == 1);
}

TEST_CASE("tiktok status keeps 19-digit post ids exactly, from numbers and strings") {
    Fixture f;
    f.http.script = {answer(200,
                            R"({"data":{"status":"PUBLISH_COMPLETE",)"
                            R"("publicaly_available_post_id":[7234567890123456789,)"
                            R"(9223372036854775807, 18446744073709551615, "7000000000000000001"],)"
                            R"("uploaded_bytes":50000123},)"
                            R"("error":{"code":"ok","message":"","log_id":"x"}})")};
    auto s = f.api.status(f.token, "v_pub_file~1");
    REQUIRE(s);
    CHECK(s->status == "PUBLISH_COMPLETE");
    CHECK(s->post_ids == std::vector<std::string>{"7234567890123456789", "9223372036854775807",
                                                  "18446744073709551615", "7000000000000000001"});
    CHECK(s->uploaded_bytes == 50000123);
    CHECK_FALSE(s->downloaded_bytes.has_value());
    const auto& req = f.http.seen[0].request;
    CHECK(req.url == "https://api.test/v2/post/publish/status/fetch/");
    CHECK(req.retry.has_value());
    CHECK(json::parse(f.http.seen[0].body) == json{{"publish_id", "v_pub_file~1"}});
}

TEST_CASE("tiktok status FAILED comes with error code ok and a fail_reason") {
    Fixture f;
    f.http.script = {ok({{"status", "FAILED"},
                         {"fail_reason", "picture_size_check_failed"},
                         {"publicaly_available_post_id", json::array()},
                         {"downloaded_bytes", 10}})};
    auto s = f.api.status(f.token, "p_pub_url~1");
    REQUIRE(s);
    CHECK(s->status == "FAILED");
    CHECK(s->fail_reason == "picture_size_check_failed");
    CHECK(s->post_ids.empty());
    CHECK(s->downloaded_bytes == 10);
}

TEST_CASE("tiktok status accepts a bare post id and retries a 503") {
    Fixture f;
    f.http.script = {answer(503, ""), ok({{"status", "SEND_TO_USER_INBOX"},
                                          {"publicaly_available_post_id", "7111111111111111111"}})};
    auto s = f.api.status(f.token, "v_inbox_file~1");
    REQUIRE(s);
    CHECK(s->status == "SEND_TO_USER_INBOX");
    CHECK(s->post_ids == std::vector<std::string>{"7111111111111111111"});
    CHECK(f.http.seen.size() == 2);
}

TEST_CASE("tiktok cancel posts the publish id and reads the envelope") {
    Fixture f;
    f.http.script = {ok(json::object()), error(400, "publish_not_cancellable")};
    auto c = f.api.cancel(f.token, "p_pub_url~1");
    REQUIRE(c);
    CHECK(f.http.seen[0].request.url == "https://api.test/v2/post/publish/cancel/");
    CHECK(json::parse(f.http.seen[0].body) == json{{"publish_id", "p_pub_url~1"}});
    auto refused = f.api.cancel(f.token, "p_pub_url~1");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "publish_not_cancellable");
}

TEST_CASE("tiktok FileRange streams exactly its range of a file") {
    test::TempDir dir;
    auto file = dir.path() / "v.bin";
    std::string bytes;
    for (int i = 0; i < 1000; ++i) {
        bytes += static_cast<char>(i % 251);
    }
    std::ofstream(file, std::ios::binary) << bytes;

    net::FileRange range(file, 123, 456);
    CHECK(range.size() == 456);
    std::string got;
    char buf[64];
    while (std::size_t n = range.read(buf, sizeof buf)) {
        got.append(buf, n);
    }
    CHECK(got == bytes.substr(123, 456));
    CHECK(range.error() == 0);
    range.rewind();
    CHECK(range.read(buf, 3) == 3);
    CHECK(std::string(buf, 3) == bytes.substr(123, 3));

    net::FileRange tail(file, 990, 10);
    got.clear();
    while (std::size_t n = tail.read(buf, sizeof buf)) {
        got.append(buf, n);
    }
    CHECK(got == bytes.substr(990));

    CHECK_THROWS_AS(net::FileRange(file, 995, 10), Error);
    CHECK_THROWS_AS(net::FileRange(dir.path() / "missing.bin", 0, 1), Error);
}

TEST_CASE("tiktok upload URLs lose their upload_token in the log") {
    auto out = core::redact("http: PUT https://open-upload.tiktokapis.com/video/"
                            "?upload_id=67890&upload_token=Xza123\n  Content-Range: bytes 0-9/25");
    CHECK(out.find("Xza123") == std::string::npos);
    CHECK(out.find("upload_id=67890") != std::string::npos);
    CHECK(out.find("Content-Range: bytes 0-9/25") != std::string::npos);
}
