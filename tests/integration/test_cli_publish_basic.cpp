// looppost publish-due against the sandbox, the ordinary runs: videos in one chunk and in many
// (at the 64,000,000-byte limit and just past it), inbox and direct; carousels through the dir
// host and through a real S3 server; creator_info no longer allowing the queued settings (I4);
// exit codes and silence (DESIGN §3); --dry-run; quota --json.

#include "test_cli_publish.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <map>
#include <sstream>

using namespace publish_test;

namespace {

/// Publishes `file` as one post and checks what the sandbox received: the post's bytes (sha256),
/// the chunk plan (`one_chunk` or several with the remainder in the last), every chunk once.
void publish_one_video(World& w, const fs::path& file, const std::string& mode, bool one_chunk) {
    const std::uint64_t size = fs::file_size(file);
    const std::string caption = fmt::format("{} video of {} bytes #test", mode, size);
    const std::int64_t id =
        w.enqueue_video(file, caption, mode, mode == "direct" ? "private" : "");
    const std::size_t log_before = w.state()["requests"].size();

    auto r = w.publish();
    const json post = w.post(id);
    INFO("publish-due: exit ", r.exit_code, "\nstderr: ", r.err, "\npost: ", show(post));
    const json state = w.state();
    REQUIRE(post["publish_id"].is_string());
    const std::string publish_id = post["publish_id"];
    const json sent = ledger_post(state, publish_id);
    REQUIRE(sent.is_object());
    const json upload = ledger_upload(state, publish_id);
    REQUIRE(upload.is_object());
    CHECK(sent["source"] == "FILE_UPLOAD");
    CHECK(sent["video_size"] == size);
    CHECK(sent["uploaded_bytes"] == size);
    CHECK(sent["sha256"] == harness::sha256_of(file));
    CHECK(upload["complete"] == true);
    CHECK(upload["puts_refused"] == 0);
    CHECK(upload["chunks_received"] == upload["total_chunk_count"]);
    if (one_chunk) {
        CHECK(upload["total_chunk_count"] == 1);
        CHECK(upload["chunk_size"] == size);
    } else {
        const auto chunks = upload["total_chunk_count"].get<std::int64_t>();
        const auto chunk = upload["chunk_size"].get<std::int64_t>();
        CHECK(chunks > 1);
        CHECK(chunk <= 64'000'000);
        CHECK(chunks == static_cast<std::int64_t>(size) / chunk); // rounded down, rest in the last
    }
    CHECK(requests_to(state, k_upload, log_before) ==
          upload["total_chunk_count"].get<std::size_t>());
    CHECK(init_requests(state, log_before) == 1);
    CHECK(r.out.empty());

    if (mode == "inbox") {
        CHECK(r.exit_code == 0);
        CHECK(post["state"] == "in_inbox");
        CHECK(sent["mode"] == "inbox");
        CHECK(sent["status"] == "SEND_TO_USER_INBOX");
        CHECK(requests_to(state, k_inbox_init, log_before) == 1);
        CHECK(lines_in(r.err) == 1);
        CHECK(contains(r.err, fmt::format("looppost: post {} (alice) is in your TikTok inbox", id)));
        CHECK(contains(r.err, "Caption: " + caption));
    } else {
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty()); // published: nothing a human must do
        CHECK(post["state"] == "published");
        CHECK(sent["mode"] == "direct");
        CHECK(sent["status"] == "PUBLISH_COMPLETE");
        CHECK(sent["privacy_level"] == "SELF_ONLY");
        CHECK(sent["title"] == caption);
        CHECK(requests_to(state, k_video_init, log_before) == 1);
        CHECK(requests_to(state, k_creator_info, log_before) >= 1);
    }
    CHECK(post["error"].is_null());
}

} // namespace

TEST_CASE("publish-due sends a small video whole: inbox lands with its caption, direct is silent") {
    World w;
    publish_one_video(w, w.in("clip.mp4"), "inbox", true);
    publish_one_video(w, w.video_of_size(6'000'000), "direct", true);
    // Nothing left to do: the next run is silent and sends nothing.
    const auto before = total_requests(w.state());
    auto again = w.publish();
    CHECK(again.exit_code == 0);
    CHECK(again.out.empty());
    CHECK(again.err.empty());
    CHECK(total_requests(w.state()) == before);
}

TEST_CASE("publish-due sends 70,000,123 bytes in chunks with the remainder in the last one") {
    World w;
    publish_one_video(w, w.video_of_size(70'000'123), "inbox", false);
}

TEST_CASE("publish-due sends exactly 64,000,000 bytes as one chunk and 64,000,001 in several") {
    World w;
    publish_one_video(w, w.video_of_size(64'000'000), "inbox", true);
    publish_one_video(w, w.video_of_size(64'000'001), "direct", false);
}

TEST_CASE("a public direct post is published with TikTok's post id as a string") {
    World w;
    w.sbx.post("config", {{"audited", true}, {"account_private", false}});
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "public #hello", "direct", "public");
    auto r = w.publish();
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.empty());
    const json post = w.post(id);
    INFO(show(post));
    CHECK(post["state"] == "published");
    const json sent = ledger_post(w.state(), post["publish_id"]);
    REQUIRE(sent.is_object());
    CHECK(sent["privacy_level"] == "PUBLIC_TO_EVERYONE");
    REQUIRE(sent["publicaly_available_post_id"].size() == 1);
    REQUIRE(post["post_ids"].is_array());
    REQUIRE(post["post_ids"].size() == 1);
    CHECK(post["post_ids"][0] == std::to_string(sent["publicaly_available_post_id"][0].get<std::int64_t>()));
}

TEST_CASE("a carousel goes through the dir host: pulled by the sandbox, then deleted") {
    World w;
    w.use_dir_host();
    const json queued = w.enqueue({"--photo", w.in("a.jpg").string(), w.in("b.jpg").string(),
                                   "--title", "two photos", "--caption", "a #carousel",
                                   "--cover-index", "1"});
    const std::int64_t id = queued["id"];
    auto r = w.publish();
    const json post = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(post));
    CHECK(r.exit_code == 0);
    CHECK(post["state"] == "in_inbox");
    CHECK(contains(r.err, fmt::format("post {} (alice) is in your TikTok inbox", id)));
    const json state = w.state();
    REQUIRE(post["publish_id"].is_string());
    const json sent = ledger_post(state, post["publish_id"]);
    REQUIRE(sent.is_object());
    CHECK(sent["media_type"] == "PHOTO");
    CHECK(sent["mode"] == "inbox");
    CHECK(sent["status"] == "SEND_TO_USER_INBOX");
    CHECK(sent["title"] == "two photos");
    CHECK(sent["description"] == "a #carousel");
    CHECK(sent["photo_cover_index"] == 1);
    REQUIRE(sent["photos"].size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const std::string url = sent["photos"][i]["url"];
        CHECK(url.rfind(w.media_base(), 0) == 0);
        CHECK(sent["photos"][i]["sha256"] == queued["media"][i]["sha256"]);
        CHECK(std::find(state["pulled_urls"].begin(), state["pulled_urls"].end(), url) !=
              state["pulled_urls"].end());
    }
    CHECK(requests_to(state, k_content_init) == 1);
    // TikTok no longer needs the copies: the folder is empty again.
    std::vector<fs::path> left;
    for (const auto& e : fs::recursive_directory_iterator(w.www.path())) {
        if (e.is_regular_file())
            left.push_back(e.path());
    }
    CHECK(left.empty());
}

TEST_CASE("a direct carousel goes through a real S3 server: signed, pulled, then deleted") {
    const std::string key_id = "S3RVER";
    const std::string secret = "s3cr3t/Key+ForThePublishTest0123456789abcd";
    harness::S3Server s3("photos", "eu-central-1", key_id, secret);
    World w;
    w.use_s3_host(s3, key_id, secret);
    const json queued =
        w.enqueue({"--photo", w.in("b.jpg").string(), w.in("a.jpg").string(), "--mode", "direct",
                   "--privacy", "private", "--caption", "s3 #carousel", "--allow-comments"});
    const std::int64_t id = queued["id"];
    auto r = w.publish();
    const json post = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(post), "\ns3 log: ", s3.log().dump());
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(post["state"] == "published");
    REQUIRE(post["publish_id"].is_string());
    const json sent = ledger_post(w.state(), post["publish_id"]);
    REQUIRE(sent.is_object());
    CHECK(sent["mode"] == "direct");
    CHECK(sent["status"] == "PUBLISH_COMPLETE");
    CHECK(sent["privacy_level"] == "SELF_ONLY");
    CHECK(sent["description"] == "s3 #carousel");
    REQUIRE(sent["photos"].size() == 2);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < 2; ++i) {
        const std::string url = sent["photos"][i]["url"];
        CHECK(url.rfind(s3.url() + "/photos/lp/", 0) == 0);
        CHECK(sent["photos"][i]["sha256"] == queued["media"][i]["sha256"]);
        paths.push_back(url.substr(s3.url().size()));
    }
    // Every signed request checks out with AWS's library; the objects were put, then deleted.
    std::size_t puts = 0, deletes = 0, pulls = 0;
    for (const auto& req : s3.log()) {
        pulls += req["method"] == "GET" && req["status"] == 200 ? 1 : 0;
        if (req["signed"] == true) {
            CHECK(req["signature_ok"] == true);
            CHECK(req["payload_ok"] == true);
            CHECK(req["error"].is_null());
        }
        puts += req["method"] == "PUT" ? 1 : 0;
        deletes += req["method"] == "DELETE" ? 1 : 0;
    }
    CHECK(puts == 2);
    CHECK(deletes == 2);
    CHECK(pulls >= 2); // the sandbox fetched each photo from the bucket
    for (const auto& p : paths) {
        CHECK(s3.get_status(p) == 404);
    }
}

TEST_CASE("creator_info no longer offering the queued privacy: needs attention, no init (I4)") {
    World w;
    w.sbx.post("config", {{"audited", true}, {"account_private", false}});
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "for everyone", "direct", "public");
    // The creator made the account private: PUBLIC_TO_EVERYONE is no longer offered.
    w.sbx.post("config", {{"account_private", true}});
    const auto before = w.state();
    auto r = w.publish();
    const json post = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(post));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(post["state"] == "needs_attention");
    CHECK(has_reason(post));
    CHECK(post["privacy"] == "PUBLIC_TO_EVERYONE"); // never substituted
    CHECK(lines_in(r.err) == 1);
    CHECK(contains(r.err, fmt::format("looppost: post {} (alice) needs attention: ", id)));
    const json state = w.state();
    CHECK(init_requests(state) == 0);
    CHECK(state["posts"].empty());
    CHECK(requests_to(state, k_creator_info) > requests_to(before, k_creator_info));

    // A later run leaves it alone: a human decides.
    auto again = w.publish();
    CHECK(again.exit_code == 0);
    CHECK(again.err.empty());
    CHECK(init_requests(w.state()) == 0);
}

TEST_CASE("creator_info turning comments off for a post that allows them: needs attention (I4)") {
    World w;
    const std::int64_t id = w.enqueue(
        {"--video", w.in("clip.mp4").string(), "--mode", "direct", "--privacy", "private",
         "--allow-comments", "--caption", "comments please"})["id"];
    w.sbx.post("config", {{"users", json::array({{{"username", "alice"},
                                                  {"display_name", "Alice"},
                                                  {"comment_disabled", true}}})}});
    auto r = w.publish();
    const json post = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(post));
    CHECK(r.exit_code == 1);
    CHECK(post["state"] == "needs_attention");
    CHECK(post["options"]["allow_comments"] == true);
    CHECK(contains(r.err, fmt::format("looppost: post {} (alice) needs attention: ", id)));
    CHECK(init_requests(w.state()) == 0);
}

TEST_CASE("nothing due: exit 0, no output, no request") {
    World w;
    w.enqueue({"--video", w.in("clip.mp4").string(), "--at", "+2h", "--caption", "later"});
    const auto before = total_requests(w.state());
    auto r = w.publish();
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    CHECK(total_requests(w.state()) == before);
    auto json_run = w.publish({"--json"});
    CHECK(json_run.exit_code == 0);
    CHECK(json_run.json()["dry_run"] == false);
    CHECK(json_run.json()["posts"].empty());
}

TEST_CASE("looppost's daily direct limit reached: the second post is deferred, exit 75, silent") {
    World w;
    w.set("limit_direct_posts_per_day", "1");
    const std::int64_t first = w.enqueue_video(w.in("clip.mp4"), "one", "direct", "private");
    const std::int64_t second = w.enqueue_video(w.in("clip.mp4"), "two", "direct", "private");
    auto r = w.publish();
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 75);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    CHECK(w.post(first)["state"] == "published");
    const json deferred = w.post(second);
    INFO(show(deferred));
    CHECK(deferred["state"] == "deferred");
    CHECK(deferred["publish_id"].is_null());
    CHECK(requests_to(w.state(), k_video_init) == 1); // never a call TikTok would refuse
    CHECK(deferred["error"]["code"] == "quota");
    CHECK(seconds_until(deferred["next_attempt_at"]) > 23 * 3600); // when the day's window frees
    // Until then it is not due: the next run has nothing to do and calls nobody.
    const auto before = total_requests(w.state());
    auto again = w.publish();
    CHECK(again.exit_code == 0);
    CHECK(again.err.empty());
    CHECK(total_requests(w.state()) == before);
    // A day later it goes out.
    auto next_day = harness::later(w.home, offset_past(deferred), {"publish-due"});
    CHECK(next_day.exit_code == 0);
    CHECK(w.post(second)["state"] == "published");
}

TEST_CASE("TikTok's daily cap reached (creator_info says so): deferred, exit 75, silent") {
    World w;
    w.sbx.post("config", {{"caps", true}, {"daily_post_cap", 1}});
    const std::int64_t first = w.enqueue_video(w.in("clip.mp4"), "one", "direct", "private");
    const std::int64_t second = w.enqueue_video(w.in("clip.mp4"), "two", "direct", "private");
    auto r = w.publish();
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 75);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    CHECK(w.post(first)["state"] == "published");
    CHECK(w.post(second)["state"] == "deferred");
    CHECK(w.state()["posts"].size() == 1);
}

TEST_CASE("an account whose authorization was revoked: exit 77 and the login line") {
    World w;
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "revoked", "inbox");
    std::string access;
    const json tokens = w.state()["tokens"];
    for (const auto& t : tokens)
        access = t["access_token"];
    httplib::Client c("127.0.0.1", w.sbx.port());
    auto res = c.Post("/v2/oauth/revoke/", httplib::Params{{"client_key", "sbx_client_key"},
                                                           {"client_secret", "sbx_client_secret"},
                                                           {"token", access}});
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    auto r = w.publish();
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 77);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "looppost: account alice needs a new login: looppost auth login --name alice"));
    CHECK(lines_in(r.err) == 1);
    const json post = w.post(id);
    CHECK((post["state"] == "queued" || post["state"] == "deferred"));
    // The revoked token may be tried once (TikTok answers 401): nothing was created.
    const json state = w.state();
    CHECK(state["posts"].empty());
    CHECK(init_requests(state) <= 1);
    for (const auto& req : state["requests"]) {
        if (is_init_path(req["path"]))
            CHECK(req["status"] == 401);
    }
    // Reported once: the next run says it again (the login is still needed), and still posts nothing.
    auto again = w.publish();
    CHECK(again.exit_code == 77);
    CHECK(w.state()["posts"].empty());
}

TEST_CASE("a carousel without a media host: exit 78 and the config line, the post waits") {
    World w;
    const std::int64_t id =
        w.enqueue({"--photo", w.in("a.jpg").string(), "--caption", "no host"})["id"];
    auto r = w.publish();
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 78);
    CHECK(r.out.empty());
    CHECK(lines_in(r.err) == 1);
    CHECK(r.err.rfind("looppost: ", 0) == 0);
    CHECK(contains(r.err, "looppost media set"));
    const json post = w.post(id);
    CHECK((post["state"] == "queued" || post["state"] == "deferred"));
    CHECK(init_requests(w.state()) == 0);
}

TEST_CASE("notify_command runs once per printed line with the event in its environment") {
    World w;
    w.sbx.post("config", {{"audited", true}, {"account_private", false}});
    const fs::path calls = w.home.path() / "calls";
    fs::create_directories(calls);
    const fs::path script = w.home.path() / "notify.sh";
    std::ofstream(script) << "#!/bin/sh\nf=$(mktemp \"" << calls.string()
                          << "/call.XXXXXX\")\nenv | grep '^LOOPPOST_' > \"$f\"\n";
    fs::permissions(script, fs::perms::owner_all);
    w.set("notify_command", script.string());

    const std::int64_t inbox = w.enqueue_video(w.in("clip.mp4"), "paste me #fyp", "inbox");
    const std::int64_t direct =
        w.enqueue_video(w.in("clip.mp4"), "public one", "direct", "public");
    const std::int64_t fine = w.enqueue_video(w.in("clip.mp4"), "fine", "direct", "private");
    w.sbx.post("config", {{"account_private", true}}); // `direct` needs attention now
    auto r = w.publish();
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 1);
    CHECK(lines_in(r.err) == 2);
    CHECK(w.post(fine)["state"] == "published");

    std::map<std::string, std::map<std::string, std::string>> by_event;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(calls)) {
        ++n;
        std::map<std::string, std::string> env;
        std::istringstream in(harness::read_file(e.path()));
        for (std::string line; std::getline(in, line);) {
            const auto eq = line.find('=');
            if (eq != std::string::npos)
                env[line.substr(0, eq)] = line.substr(eq + 1);
        }
        by_event[env["LOOPPOST_EVENT"]] = env;
    }
    CHECK(n == 2);
    REQUIRE(by_event.count("in_inbox") == 1);
    REQUIRE(by_event.count("needs_attention") == 1);
    auto& landed = by_event["in_inbox"];
    CHECK(landed["LOOPPOST_POST_ID"] == std::to_string(inbox));
    CHECK(landed["LOOPPOST_ACCOUNT"] == "alice");
    CHECK(landed["LOOPPOST_CAPTION"] == "paste me #fyp");
    CHECK(contains(r.err, "looppost: " + landed["LOOPPOST_MESSAGE"]));
    auto& attention = by_event["needs_attention"];
    CHECK(attention["LOOPPOST_POST_ID"] == std::to_string(direct));
    CHECK(attention["LOOPPOST_ACCOUNT"] == "alice");
    CHECK(contains(r.err, "looppost: " + attention["LOOPPOST_MESSAGE"]));
}

TEST_CASE("--dry-run sends nothing, changes nothing and lists the request bodies under --json") {
    World w;
    w.use_dir_host();
    const std::int64_t inbox = w.enqueue_video(w.in("clip.mp4"), "dry inbox", "inbox");
    const std::int64_t direct = w.enqueue_video(w.in("clip.mp4"), "dry direct", "direct", "private");
    const std::int64_t photo = w.enqueue({"--photo", w.in("a.jpg").string(),
                                          w.in("b.jpg").string(), "--caption", "dry photos"})["id"];
    (void)w.queue(); // the last connection to close checkpoints the WAL into the file
    const std::string db_before = harness::sha256_of(w.db());
    const auto requests_before = total_requests(w.state());

    auto r = w.publish({"--dry-run", "--json"});
    INFO("stdout: ", r.out, "\nstderr: ", r.err);
    CHECK(r.exit_code == 0);
    const json doc = r.json();
    CHECK(doc["dry_run"] == true);
    REQUIRE(doc["posts"].size() == 3);
    std::map<std::int64_t, json> by_id;
    for (const auto& p : doc["posts"])
        by_id[p["id"].get<std::int64_t>()] = p;
    auto request_to = [](const json& p, const std::string& path) -> json {
        for (const auto& req : p["requests"]) {
            const std::string at = req["path"];
            if (at.size() >= path.size() && at.compare(at.size() - path.size(), path.size(), path) == 0)
                return req["body"].is_string() ? json::parse(req["body"].get<std::string>())
                                               : req["body"];
        }
        return nullptr;
    };
    REQUIRE(by_id.count(inbox) == 1);
    CHECK(by_id[inbox]["kind"] == "video");
    CHECK(by_id[inbox]["mode"] == "inbox");
    CHECK(by_id[inbox]["account"] == "alice");
    const json inbox_body = request_to(by_id[inbox], k_inbox_init);
    REQUIRE(inbox_body.is_object());
    CHECK(inbox_body["source_info"]["source"] == "FILE_UPLOAD");
    CHECK(inbox_body["source_info"]["video_size"] == fs::file_size(w.in("clip.mp4")));
    CHECK(inbox_body["source_info"]["total_chunk_count"] == 1);
    REQUIRE(by_id.count(direct) == 1);
    const json direct_body = request_to(by_id[direct], k_video_init);
    REQUIRE(direct_body.is_object());
    CHECK(direct_body["post_info"]["privacy_level"] == "SELF_ONLY");
    CHECK(direct_body["post_info"]["title"] == "dry direct");
    REQUIRE(by_id.count(photo) == 1);
    CHECK(by_id[photo]["kind"] == "photo");
    const json photo_body = request_to(by_id[photo], k_content_init);
    REQUIRE(photo_body.is_object());
    CHECK(photo_body["media_type"] == "PHOTO");
    CHECK(photo_body["post_mode"] == "MEDIA_UPLOAD");
    CHECK(photo_body["source_info"]["photo_images"].size() == 2);

    auto human = w.publish({"--dry-run"});
    CHECK(human.exit_code == 0);

    CHECK(total_requests(w.state()) == requests_before);
    (void)w.queue();
    CHECK(harness::sha256_of(w.db()) == db_before);
    for (std::int64_t id : {inbox, direct, photo})
        CHECK(w.post(id)["state"] == "queued");
    CHECK(fs::is_empty(w.www.path()));
}

TEST_CASE("quota --json shows the inits used and what remains after publishing") {
    World w;
    w.enqueue_video(w.in("clip.mp4"), "q1", "inbox");
    w.enqueue_video(w.in("clip.mp4"), "q2", "inbox");
    w.enqueue_video(w.in("clip.mp4"), "q3", "direct", "private");
    auto r = w.publish();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const json q = w.ok({"quota", "--json"});
    INFO(q.dump());
    REQUIRE(q["accounts"].size() == 1);
    const json& a = q["accounts"][0];
    CHECK(a["name"] == "alice");
    const json& limits = a["limits"];
    CHECK(limits["inits_per_minute"]["limit"] == 6);
    CHECK(limits["inits_per_minute"]["used"] == 3);
    CHECK(limits["inits_per_minute"]["remaining"] == 3);
    CHECK(limits["direct_posts_per_day"]["limit"] == 15);
    CHECK(limits["direct_posts_per_day"]["used"] == 1);
    CHECK(limits["direct_posts_per_day"]["remaining"] == 14);
    CHECK(limits["inbox_shares_per_day"]["used"] == 2);
    CHECK(limits["inbox_shares_per_day"]["remaining"] == 3);
    CHECK(limits["creator_info_per_minute"]["used"].get<int>() >= 1);
    CHECK(limits["status_per_minute"]["used"].get<int>() >= 3);
    for (const auto& [name, l] : limits.items()) {
        CHECK_MESSAGE(l["remaining"] == l["limit"].get<int>() - l["used"].get<int>(), name);
        CHECK_MESSAGE((l["resets_at"].is_null() || l["resets_at"].is_string()), name);
    }
    CHECK(a["holds"].is_array());
    // The same for the named account, and the text form names it.
    CHECK(w.ok({"quota", "alice", "--json"})["accounts"][0]["name"] == "alice");
    auto text = w.run({"quota"});
    CHECK(text.exit_code == 0);
    CHECK(contains(text.out, "alice"));
}

TEST_CASE("a post still processing stays publishing, silently, and the next run finishes it") {
    World w;
    w.sbx.post("config", {{"processing", "realistic"}});
    w.set("poll_seconds", "0");
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "slow", "direct", "private");
    auto first = w.publish();
    INFO("first run: ", first.err);
    CHECK(first.exit_code == 0);
    CHECK(first.err.empty());
    CHECK(first.out.empty());
    const json during = w.post(id);
    CHECK(during["state"] == "publishing");
    REQUIRE(during["publish_id"].is_string());
    w.sbx.post("clock/advance", {{"seconds", 30}});
    auto second = w.publish();
    INFO("second run: ", second.err);
    CHECK(second.exit_code == 0);
    CHECK(second.err.empty());
    const json after = w.post(id);
    CHECK(after["state"] == "published");
    CHECK(after["publish_id"] == during["publish_id"]);
    const json state = w.state();
    CHECK(init_requests(state) == 1);
    CHECK(requests_to(state, k_upload) == 1);
    CHECK(state["posts"].size() == 1);
}

TEST_CASE("a post TikTok fails: exit 1, one line with plain words, fail_reason and log id") {
    World w;
    w.use_dir_host();
    w.sbx.post("fail_next", {{"fail_reason", "spam_risk_text"}});
    const std::int64_t id = w.enqueue({"--photo", w.in("a.jpg").string(), w.in("b.jpg").string(),
                                       "--caption", "buy now buy now"})["id"];
    auto r = w.publish();
    const json post = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(post));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(post["state"] == "failed");
    REQUIRE(post["error"].is_object());
    CHECK(post["error"]["code"] == "spam_risk_text");
    CHECK(has_reason(post));
    CHECK(post["error"]["log_id"].is_string());
    CHECK(lines_in(r.err) == 1);
    CHECK(contains(r.err, fmt::format("looppost: post {} (alice) failed: ", id)));
    CHECK(contains(r.err, "(spam_risk_text; log id "));
    CHECK(fs::is_empty(w.www.path())); // a failed post's hosted copies are deleted too
    // Failed for good: a later run does not send it again.
    auto again = w.publish();
    CHECK(again.exit_code == 0);
    CHECK(init_requests(w.state()) == 1);
}

TEST_CASE("a transient failure (internal) defers the post: exit 75, silent, sent again later") {
    World w;
    w.sbx.post("fail_next", {{"fail_reason", "internal"}});
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "transient", "inbox");
    auto r = w.publish();
    const json post = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(post));
    CHECK(r.exit_code == 75);
    CHECK(r.err.empty());
    CHECK(post["state"] == "deferred");
    CHECK(post["next_attempt_at"].is_string());
    auto later = harness::later(w.home, offset_past(post), {"publish-due"});
    INFO("later: ", later.err);
    CHECK(later.exit_code == 0);
    const json done = w.post(id);
    CHECK(done["state"] == "in_inbox");
    CHECK(init_requests(w.state()) == 2); // TikTok said the first one failed: a new one is safe
}

TEST_CASE("--limit, --account and paused accounts decide what a run takes") {
    World w({"alice", "bob"});
    const std::int64_t a1 = w.enqueue_video(w.in("clip.mp4"), "a1", "inbox", "", "alice");
    const std::int64_t a2 = w.enqueue_video(w.in("clip.mp4"), "a2", "inbox", "", "alice");
    const std::int64_t b1 = w.enqueue_video(w.in("clip.mp4"), "b1", "inbox", "", "bob");

    auto limited = w.publish({"--limit", "1", "--account", "alice"});
    CHECK(limited.exit_code == 0);
    CHECK(w.post(a1)["state"] == "in_inbox");
    CHECK(w.post(a2)["state"] == "queued");
    CHECK(w.post(b1)["state"] == "queued");

    REQUIRE(w.run({"account", "pause", "alice"}).exit_code == 0);
    auto paused = w.publish();
    CHECK(paused.exit_code == 0);
    CHECK(w.post(a2)["state"] == "queued"); // a paused account's posts wait
    CHECK(w.post(b1)["state"] == "in_inbox");
    REQUIRE(w.run({"account", "resume", "alice"}).exit_code == 0);
    auto resumed = w.publish();
    CHECK(resumed.exit_code == 0);
    CHECK(w.post(a2)["state"] == "in_inbox");
    CHECK(init_requests(w.state()) == 3);
}

TEST_CASE("queue retry of a post needing attention sends it again when the user says so") {
    World w;
    w.sbx.post("config", {{"audited", true}, {"account_private", false}});
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "retry me", "direct", "public");
    w.sbx.post("config", {{"account_private", true}});
    REQUIRE(w.publish().exit_code == 1);
    REQUIRE(w.post(id)["state"] == "needs_attention");
    w.sbx.post("config", {{"account_private", false}}); // the creator changed it back
    auto retry = w.run({"queue", "retry", std::to_string(id)});
    REQUIRE_MESSAGE(retry.exit_code == 0, retry.err);
    auto r = w.publish();
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(w.post(id)["state"] == "published");
    CHECK(init_requests(w.state()) == 1);
}

TEST_CASE("--json lists the posts the run touched, as they are after it, with their message") {
    World w;
    const std::int64_t inbox = w.enqueue_video(w.in("clip.mp4"), "json inbox", "inbox");
    const std::int64_t direct = w.enqueue_video(w.in("clip.mp4"), "json direct", "direct", "private");
    w.enqueue({"--video", w.in("clip.mp4").string(), "--at", "+1d", "--caption", "not yet"});
    auto r = w.publish({"--json"});
    INFO("stdout: ", r.out, "\nstderr: ", r.err);
    CHECK(r.exit_code == 0);
    const json doc = r.json();
    CHECK(doc["dry_run"] == false);
    REQUIRE(doc["posts"].size() == 2);
    for (const auto& p : doc["posts"]) {
        if (p["id"] == inbox) {
            CHECK(p["state"] == "in_inbox");
            CHECK(p["publish_id"].is_string());
            REQUIRE(p["message"].is_string());
            CHECK(contains(r.err, "looppost: " + p["message"].get<std::string>()));
        } else {
            CHECK(p["id"] == direct);
            CHECK(p["state"] == "published");
            CHECK(p["message"].is_null());
        }
    }
}

TEST_CASE("an access token TikTok no longer accepts is refreshed once and the post goes out") {
    World w;
    const std::int64_t id = w.enqueue_video(w.in("clip.mp4"), "after a day", "inbox");
    w.sbx.post("clock/advance", {{"seconds", 86400 + 60}}); // the access token expired at TikTok
    auto r = w.publish();
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.post(id)["state"] == "in_inbox");
    const json state = w.state();
    CHECK(state["refreshes"] == 1);
    CHECK(state["posts"].size() == 1);
}

TEST_CASE("TikTok failing to pull the photos: deferred, copies deleted, then sent again") {
    World w;
    w.use_dir_host();
    const std::int64_t id = w.enqueue({"--photo", w.in("a.jpg").string(), w.in("b.jpg").string(),
                                       "--caption", "pull me"})["id"];
    // The host answers TikTok's first download with an error: TikTok says photo_pull_failed.
    w.sbx.post("faults", {{"path_prefix", "/media/"}, {"kind", "status"}, {"http_status", 500},
                          {"times", 1}});
    auto r = w.publish();
    const json deferred = w.post(id);
    INFO("stderr: ", r.err, "\npost: ", show(deferred));
    CHECK(r.exit_code == 75);
    CHECK(r.err.empty());
    CHECK(deferred["state"] == "deferred");
    CHECK(deferred["error"]["code"] == "photo_pull_failed");
    CHECK(deferred["publish_id"].is_null()); // TikTok dropped that attempt
    CHECK(fs::is_empty(w.www.path()));
    auto later = harness::later(w.home, offset_past(deferred), {"publish-due"});
    INFO("later: ", later.err);
    CHECK(later.exit_code == 0);
    const json done = w.post(id);
    CHECK(done["state"] == "in_inbox");
    const json state = w.state();
    REQUIRE(state["posts"].size() == 2); // the failed attempt and the new one: one post in the end
    CHECK(state["posts"][0]["status"] == "FAILED");
    CHECK(state["posts"][0]["fail_reason"] == "photo_pull_failed");
    CHECK(state["posts"][1]["status"] == "SEND_TO_USER_INBOX");
    CHECK(state["posts"][1]["publish_id"] == done["publish_id"]);
    CHECK(fs::is_empty(w.www.path()));
}

TEST_CASE("TikTok unreachable (connection refused): exit 69, the post waits, nothing for a human") {
    World w;
    const std::int64_t inbox = w.enqueue_video(w.in("clip.mp4"), "unreachable inbox", "inbox");
    const std::int64_t direct =
        w.enqueue_video(w.in("clip.mp4"), "unreachable direct", "direct", "private");
    // A port nobody listens on: refused before anything is sent, so nothing is ambiguous.
    auto r = w.publish({}, {{"LOOPPOST_API_BASE", "http://127.0.0.1:9"}});
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 69);
    CHECK(!contains(r.err, "needs attention"));
    for (std::int64_t id : {inbox, direct}) {
        const json post = w.post(id);
        INFO(show(post));
        CHECK((post["state"] == "queued" || post["state"] == "deferred"));
    }
    CHECK(w.state()["posts"].empty());
}

TEST_CASE("a local copy that is gone or whose hard-linked original was rewritten: needs "
          "attention before any init") {
    World w;
    const fs::path original = w.video_of_size(30000);
    const json queued = w.enqueue({"--video", original.string(), "--caption", "rewritten"});
    const std::string sha = queued["media"][0]["sha256"];
    const fs::path copy = w.home.path() / "data" / "media" / sha.substr(0, 2) / (sha + ".mp4");
    REQUIRE(fs::exists(copy));
    REQUIRE(fs::hard_link_count(copy) > 1); // the unchanged original, linked
    {
        // Same size, other bytes: the padding at the end of the original, rewritten in place.
        std::fstream f(original, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-10, std::ios::end);
        f.write("rewritten!", 10);
    }
    auto r = w.publish();
    const json post = w.post(queued["id"]);
    INFO("stderr: ", r.err, "\npost: ", show(post));
    CHECK(r.exit_code == 1);
    CHECK(post["state"] == "needs_attention");
    CHECK(contains(r.err, "changed since it was enqueued"));
    CHECK(init_requests(w.state()) == 0);

    const json other = w.enqueue({"--video", w.video_of_size(31000).string(), "--caption", "gone"});
    const std::string other_sha = other["media"][0]["sha256"];
    fs::remove(w.home.path() / "data" / "media" / other_sha.substr(0, 2) / (other_sha + ".mp4"));
    auto gone = w.publish();
    INFO("stderr: ", gone.err);
    CHECK(gone.exit_code == 1);
    CHECK(w.post(other["id"])["state"] == "needs_attention");
    CHECK(contains(gone.err, "is missing or changed"));
    CHECK(init_requests(w.state()) == 0);
}
