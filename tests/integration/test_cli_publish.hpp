#pragma once
// What the publish-due suites (test_cli_publish_*.cpp) share: a sandbox that also serves a
// folder as the dir media host, a looppost home with logged-in accounts, small media made with
// ffmpeg, and readers for the sandbox's ledger (posts, uploads, request log) and looppost's queue.

#include "harness.hpp"

#include <algorithm>
#include <ctime>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace publish_test {

namespace fs = std::filesystem;
using harness::Home;
using harness::RunResult;
using harness::Sandbox;
using nlohmann::json;

inline constexpr const char* k_creator_info = "/v2/post/publish/creator_info/query/";
inline constexpr const char* k_video_init = "/v2/post/publish/video/init/";
inline constexpr const char* k_inbox_init = "/v2/post/publish/inbox/video/init/";
inline constexpr const char* k_content_init = "/v2/post/publish/content/init/";
inline constexpr const char* k_status = "/v2/post/publish/status/fetch/";
inline constexpr const char* k_upload = "/upload/";

inline bool is_init_path(const std::string& path) {
    return path == k_video_init || path == k_inbox_init || path == k_content_init;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

inline std::size_t lines_in(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

/// A sandbox with --serve-dir, a home with the sandbox's app and `users` logged in (the first is
/// the default account), and media: clip.mp4 (360×640, 2 s), a.jpg (800×600), b.jpg (640×640).
struct World {
    harness::TempDir www; // the dir media host's folder, served by the sandbox under /media/
    Sandbox sbx{std::vector<std::string>{"--serve-dir", www.path().string()}};
    Home home{&sbx};
    fs::path media;

    explicit World(const std::vector<std::string>& users = {"alice"}) {
        harness::set_app(home);
        for (const auto& user : users) {
            auto login = harness::qr_login(home, sbx, user);
            REQUIRE_MESSAGE(login.exit_code == 0, login.err);
        }
        media = home.path() / "in";
        fs::create_directories(media);
        harness::ffmpeg({"-f", "lavfi", "-i", "testsrc=size=360x640:rate=30", "-t", "2", "-c:v",
                         "libx264", "-pix_fmt", "yuv420p", (media / "clip.mp4").string()});
        harness::ffmpeg({"-f", "lavfi", "-i", "testsrc=size=800x600", "-frames:v", "1",
                         (media / "a.jpg").string()});
        harness::ffmpeg({"-f", "lavfi", "-i", "smptebars=size=640x640", "-frames:v", "1",
                         (media / "b.jpg").string()});
        // Status answers come at once; a run waits a little for them at most.
        set("poll_seconds", "5");
    }

    fs::path in(const std::string& name) const { return media / name; }

    /// A copy of clip.mp4 padded to exactly `bytes` bytes (a distinct file per size).
    fs::path video_of_size(std::uint64_t bytes) const {
        fs::path p = media / ("clip-" + std::to_string(bytes) + ".mp4");
        if (!fs::exists(p)) {
            harness::pad_mp4(in("clip.mp4"), p, bytes);
        }
        return p;
    }

    RunResult run(const std::vector<std::string>& args, const std::string& input = {},
                  const harness::Env& extra = {}) const {
        return home.looppost(args, input, extra);
    }

    json ok(const std::vector<std::string>& args, const std::string& input = {}) const {
        auto r = run(args, input);
        REQUIRE_MESSAGE(r.exit_code == 0, (r.err + r.out));
        return r.json();
    }

    void set(const std::string& key, const std::string& value) const {
        auto r = run({"config", "set", key, value});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }

    /// looppost's own limits and the sandbox's rate limits and caps out of the way (for suites
    /// that publish many posts in a minute).
    void unlimited() const {
        for (const char* key : {"limit_inits_per_minute", "limit_creator_info_per_minute",
                                "limit_status_per_minute", "limit_direct_posts_per_day",
                                "limit_inbox_shares_per_day"}) {
            set(key, "1000000");
        }
        sbx.post("config", {{"rate_limit_multiplier", 0}, {"caps", false}});
    }

    std::string media_base() const {
        return "http://127.0.0.1:" + std::to_string(sbx.port()) + "/media/";
    }

    /// The bucket "photos" of `s3` (region eu-central-1, prefix lp/, path style) as the media
    /// host, its public URL verified at the sandbox.
    void use_s3_host(const harness::S3Server& s3, const std::string& key_id,
                     const std::string& secret) const {
        sbx.post("config", {{"verified_url_prefixes", json::array({s3.url() + "/photos/"})}});
        auto set = run({"media", "set", "s3", "--endpoint", s3.url(), "--bucket", "photos",
                        "--region", "eu-central-1", "--access-key-id", key_id,
                        "--public-base-url", s3.url() + "/photos/", "--prefix", "lp/",
                        "--path-style", "--secret-access-key-stdin"},
                       secret);
        REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    }

    void use_dir_host() const {
        auto r = run({"media", "set", "dir", "--path", www.path().string(), "--public-base-url",
                      media_base()});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }

    /// Enqueues and returns the post (its JSON). `extra` are more enqueue options.
    json enqueue(const std::vector<std::string>& args) const {
        std::vector<std::string> full{"enqueue"};
        full.insert(full.end(), args.begin(), args.end());
        full.push_back("--json");
        return ok(full);
    }

    std::int64_t enqueue_video(const fs::path& file, const std::string& caption,
                               const std::string& mode = "inbox", const std::string& privacy = "",
                               const std::string& account = "") const {
        std::vector<std::string> args{"--video", file.string(), "--caption", caption, "--mode",
                                      mode};
        if (!privacy.empty()) {
            args.insert(args.end(), {"--privacy", privacy});
        }
        if (!account.empty()) {
            args.insert(args.begin(), {"--account", account});
        }
        return enqueue(args)["id"].get<std::int64_t>();
    }

    RunResult publish(const std::vector<std::string>& extra = {},
                      const harness::Env& env = {}) const {
        std::vector<std::string> args{"publish-due"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args, "", env);
    }

    json post(std::int64_t id) const { return ok({"queue", "show", std::to_string(id), "--json"}); }

    json queue() const { return ok({"queue", "list", "--json", "--state", "all", "--limit", "1000"}); }

    json state() const { return sbx.get("state"); }

    fs::path db() const { return home.path() / "data" / "looppost.db"; }
};

/// The sandbox's ledger post with this publish id, or null.
inline json ledger_post(const json& state, const std::string& publish_id) {
    for (const auto& p : state["posts"]) {
        if (p["publish_id"] == publish_id) {
            return p;
        }
    }
    return nullptr;
}

/// The upload task of this publish id, or null.
inline json ledger_upload(const json& state, const std::string& publish_id) {
    for (const auto& u : state["uploads"]) {
        if (u["publish_id"] == publish_id) {
            return u;
        }
    }
    return nullptr;
}

/// How many logged requests, from index `from` on, went to `path` (any when empty) and reached
/// the endpoint's answer (status != 0 counts dropped-after too: every logged request counts).
inline std::size_t requests_to(const json& state, const std::string& path, std::size_t from = 0) {
    std::size_t n = 0;
    const auto& log = state["requests"];
    for (std::size_t i = from; i < log.size(); ++i) {
        if (path.empty() || log[i]["path"] == path) {
            ++n;
        }
    }
    return n;
}

inline std::size_t init_requests(const json& state, std::size_t from = 0) {
    std::size_t n = 0;
    const auto& log = state["requests"];
    for (std::size_t i = from; i < log.size(); ++i) {
        if (is_init_path(log[i]["path"].get<std::string>())) {
            ++n;
        }
    }
    return n;
}

inline std::int64_t total_requests(const json& state) {
    std::int64_t n = 0;
    for (const auto& [path, count] : state["request_counts"].items()) {
        n += count.get<std::int64_t>();
    }
    return n;
}

/// A terminal state for publish-due: nothing more to do without a human.
inline bool settled(const std::string& s) {
    return s == "published" || s == "in_inbox" || s == "failed" || s == "needs_attention" ||
           s == "cancelled";
}

/// Whether a needs_attention / failed post carries a reason a human can read.
inline bool has_reason(const json& post) {
    return post.contains("error") && post["error"].is_object() &&
           post["error"].contains("message") && post["error"]["message"].is_string() &&
           !post["error"]["message"].get<std::string>().empty();
}

/// Seconds from now until a "YYYY-MM-DDTHH:MM:SSZ" time (negative when it is past).
inline long long seconds_until(const std::string& utc) {
    std::tm tm{};
    if (strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
        return 0;
    }
    return static_cast<long long>(timegm(&tm)) - static_cast<long long>(std::time(nullptr));
}

/// A faketime offset that puts looppost's clock just past a deferred post's next attempt.
inline std::string offset_past(const json& post) {
    long long secs = 600;
    if (post.contains("next_attempt_at") && post["next_attempt_at"].is_string()) {
        secs = std::max(1LL, seconds_until(post["next_attempt_at"]) + 2);
    }
    return "+" + std::to_string(secs);
}

inline std::string show(const json& j) {
    return j.dump();
}

} // namespace publish_test
