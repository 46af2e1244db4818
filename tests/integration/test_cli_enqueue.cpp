// looppost enqueue, queue and slots against a real store and the sandbox: single and bulk
// enqueues, idempotency, time forms, slots, media normalisation and the media store, every bad
// input named with its exit code and nothing written, and the direct-post checks.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <looppost/store/db.hpp>
#include <looppost/util/digest.hpp>
#include <sys/stat.h>

namespace fs = std::filesystem;
using harness::Home;
using harness::RunResult;
using harness::Sandbox;
using nlohmann::json;

namespace {

void ffmpeg(const std::vector<std::string>& args) {
    std::vector<std::string> full{"-v", "error", "-y"};
    full.insert(full.end(), args.begin(), args.end());
    auto r = harness::run_program("/usr/bin/ffmpeg", full);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

/// A logged-in account "alice" and a folder of media made for the test.
struct World {
    Sandbox sbx;
    Home home{&sbx};
    fs::path media;

    World() {
        harness::set_app(home);
        auto login = harness::qr_login(home, sbx, "alice");
        REQUIRE_MESSAGE(login.exit_code == 0, login.err);
        media = home.path() / "in";
        fs::create_directories(media);
        ffmpeg({"-f", "lavfi", "-i", "testsrc=size=360x640:rate=30", "-t", "2", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", (media / "clip.mp4").string()});
        ffmpeg({"-f", "lavfi", "-i", "testsrc=size=800x600", "-frames:v", "1",
                (media / "a.jpg").string()});
        ffmpeg({"-f", "lavfi", "-i", "smptebars=size=640x640", "-frames:v", "1",
                (media / "b.jpg").string()});
        ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=2000x1500", "-frames:v", "1",
                (media / "c.png").string()});
    }

    fs::path in(const std::string& name) const { return media / name; }

    RunResult run(const std::vector<std::string>& args, const std::string& input = {}) const {
        return home.looppost(args, input);
    }

    json ok(const std::vector<std::string>& args, const std::string& input = {}) const {
        auto r = run(args, input);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return r.json();
    }

    json posts(const std::string& state = "all") const {
        return ok({"queue", "list", "--json", "--state", state, "--limit", "1000"});
    }

    fs::path store() const { return home.path() / "data" / "media"; }

    /// Every file in the media store (the work folder aside).
    std::vector<fs::path> stored_files() const {
        std::vector<fs::path> out;
        if (!fs::exists(store()))
            return out;
        for (const auto& e : fs::recursive_directory_iterator(store())) {
            if (e.is_regular_file() && e.path().parent_path().filename() != ".tmp")
                out.push_back(e.path());
        }
        return out;
    }
};

std::size_t lines_in(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

} // namespace

TEST_CASE("enqueue stores a video once: the same command again returns the same post") {
    World w;
    auto first =
        w.ok({"enqueue", "--video", w.in("clip.mp4"), "--caption", "hello #world", "--json"});
    CHECK(first["existing"] == false);
    CHECK(first["kind"] == "video");
    CHECK(first["mode"] == "inbox");
    CHECK(first["state"] == "queued");
    CHECK(first["caption"] == "hello #world");
    CHECK(first["privacy"].is_null());
    CHECK(first["options"]["allow_comments"] == false);
    REQUIRE(first["media"].size() == 1);
    const auto& m = first["media"][0];
    CHECK(m["mime"] == "video/mp4");
    CHECK(m["width"] == 360);
    CHECK(m["height"] == 640);
    CHECK(m["duration_ms"] == 2000);
    CHECK(m["sha256"] == looppost::util::sha256_file(w.in("clip.mp4")));

    auto again = w.run({"enqueue", "--video", w.in("clip.mp4"), "--caption", "hello #world"});
    CHECK(again.exit_code == 0);
    CHECK(again.out == first["id"].dump() + "\n");
    CHECK(again.err.find("is this same post") != std::string::npos);
    CHECK(w.posts().size() == 1);

    // An unchanged original is hard-linked into the store; the caller may delete its file.
    auto stored = w.stored_files();
    REQUIRE(stored.size() == 1);
    struct stat st {};
    REQUIRE(::stat(stored[0].c_str(), &st) == 0);
    CHECK(st.st_nlink == 2);
    fs::remove(w.in("clip.mp4"));
    CHECK(looppost::util::sha256_file(stored[0]) == m["sha256"]);

    // The same media with another caption is another post; --key queues a repeat on purpose.
    auto other = w.ok({"enqueue", "--video", stored[0], "--caption", "second", "--json"});
    CHECK(other["existing"] == false);
    auto keyed =
        w.ok({"enqueue", "--video", stored[0], "--caption", "second", "--key", "k-2", "--json"});
    CHECK(keyed["existing"] == false);
    CHECK(keyed["key"] == "k-2");
    auto keyed_again = w.ok({"enqueue", "--video", stored[0], "--key", "k-2", "--json"});
    CHECK(keyed_again["existing"] == true);
    CHECK(keyed_again["id"] == keyed["id"]);
    CHECK(w.stored_files().size() == 1); // identical media are stored once
}

TEST_CASE("a carousel keeps its order, turns a PNG into a JPEG of at most 1080 px and says so") {
    World w;
    auto r = w.run({"enqueue", "--photo", w.in("a.jpg"), w.in("c.png"), w.in("b.jpg"), "--title",
                    "three", "--caption", "a carousel", "--cover-index", "2", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto p = r.json();
    CHECK(p["kind"] == "photo");
    CHECK(p["title"] == "three");
    CHECK(p["options"]["cover_index"] == 2);
    REQUIRE(p["media"].size() == 3);
    CHECK(p["media"][0]["sha256"] == looppost::util::sha256_file(w.in("a.jpg")));
    CHECK(p["media"][2]["sha256"] == looppost::util::sha256_file(w.in("b.jpg")));
    const auto& png = p["media"][1];
    CHECK(png["mime"] == "image/jpeg");
    CHECK(png["width"] == 1440);
    CHECK(png["height"] == 1080);
    CHECK(png["sha256"] != looppost::util::sha256_file(w.in("c.png")));

    // Without --json the changes are told on stderr.
    auto human = w.run({"enqueue", "--photo", w.in("c.png"), "--caption", "png alone"});
    REQUIRE_MESSAGE(human.exit_code == 0, human.err);
    CHECK(human.err.find("converted PNG to JPEG") != std::string::npos);
    CHECK(human.err.find("scaled 2000×1500 to 1440×1080") != std::string::npos);

    // --no-fix refuses instead of fixing, and names the file.
    auto refused = w.run({"enqueue", "--photo", w.in("c.png"), "--caption", "strict", "--no-fix"});
    CHECK(refused.exit_code == 65);
    CHECK(refused.err.find("c.png") != std::string::npos);
    CHECK(refused.err.find("--no-fix") != std::string::npos);
}

TEST_CASE("every bad input is one clear line with exit 65 or 66, and nothing is written") {
    World w;
    write(w.in("empty.jpg"), "");
    write(w.in("text.jpg"), "this is not a picture\n");
    std::string jpeg = harness::read_file(w.in("a.jpg"));
    write(w.in("cut.jpg"), jpeg.substr(0, jpeg.size() / 2));
    fs::create_directories(w.in("folder"));
    std::vector<std::string> many{"enqueue", "--photo"};
    for (int i = 0; i < 36; ++i)
        many.push_back(w.in("a.jpg"));
    write(w.in("bad-utf8.txt"), "caf\xc3");
    // 2199 units and an emoji (2 units): one over TikTok's 2200.
    std::string long_caption = std::string(2199, 'x') + "\xF0\x9F\x98\x80";
    auto set_zone = w.run({"account", "set", "alice", "--time-zone", "Europe/Berlin"});
    REQUIRE(set_zone.exit_code == 0);
    write(w.in("not-object.jsonl"),
          "{\"photo\": [\"a.jpg\"]}\n[\"a.jpg\"]\n{\"photo\": \"b.jpg\", \"captoin\": \"x\"}\n");
    write(w.in("unclosed.csv"), "photo,caption\na.jpg,\"never closed\nb.jpg,x\n");

    struct Case {
        std::vector<std::string> args;
        int exit;
        std::string says;
    };
    std::string video = w.in("clip.mp4");
    std::vector<Case> cases = {
        {{"enqueue", "--photo", w.in("missing.jpg")}, 66, "does not exist"},
        {{"enqueue", "--photo", w.in("folder")}, 65, "is a directory"},
        {{"enqueue", "--photo", w.in("empty.jpg")}, 65, "is empty"},
        {{"enqueue", "--photo", w.in("text.jpg")}, 65, "text.jpg"},
        {{"enqueue", "--photo", w.in("cut.jpg")}, 65, "cut.jpg"},
        {many, 65, "36 photos"},
        {{"enqueue", "--caption", "no media"}, 65, "no media"},
        {{"enqueue", "--photo"}, 65, "no media"},
        {{"enqueue", "--video", video, "--photo", w.in("a.jpg")}, 65, "not both"},
        {{"enqueue", "--video", video, "--caption", long_caption}, 65, "2201 UTF-16 units"},
        {{"enqueue", "--video", video, "--caption-file", w.in("bad-utf8.txt")}, 65, "UTF-8"},
        {{"enqueue", "--video", video, "--at", "2027-03-28 02:30"}, 65, "does not exist"},
        {{"enqueue", "--video", video, "--at", "2026-10-25 02:30"}, 65, "happens twice"},
        {{"enqueue", "--video", video, "--at", "2026-02-30 10:00"}, 65, "not a valid time"},
        {{"account", "set", "alice", "--time-zone", "Mars/Base"}, 65, "unknown time zone"},
        {{"enqueue", "--video", video, "--account", "nobody"}, 65, "no account named \"nobody\""},
        {{"enqueue", "--video", video, "--mode", "direct"}, 65, "needs --privacy"},
        {{"enqueue", "--video", video, "--mode", "direct", "--privacy", "everyone"},
         65,
         "not one TikTok has"},
        {{"enqueue", "--video", video, "--mode", "direct", "--privacy", "private",
          "--brand-content"},
         65,
         "cannot be private"},
        {{"enqueue", "--photo", w.in("a.jpg"), "--allow-duet"}, 65, "does not apply to photos"},
        {{"enqueue", "--from", w.in("not-object.jsonl")}, 65, "line 2: expected a JSON object"},
        {{"enqueue", "--from", w.in("unclosed.csv")}, 65, "line 2: unclosed quote"},
        {{"enqueue", "--from", w.in("absent.jsonl")}, 66, "absent.jsonl"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.says);
        auto r = w.run(c.args);
        CHECK(r.exit_code == c.exit);
        CHECK(r.err.find(c.says) != std::string::npos);
        CHECK(r.out.empty());
        if (c.args[0] == "enqueue" && c.args[1] != "--from")
            CHECK_MESSAGE(lines_in(r.err) == 1, r.err);
    }
    // The JSONL error names every bad line, not only the first.
    auto jsonl = w.run({"enqueue", "--from", w.in("not-object.jsonl")});
    CHECK(jsonl.err.find("line 3: unknown field \"captoin\" (did you mean \"caption\"?)") !=
          std::string::npos);
    // Under --json the error object carries the lines.
    auto as_json = w.run({"enqueue", "--from", w.in("not-object.jsonl"), "--json"});
    CHECK(as_json.json()["error"]["code"] == "bad_input");
    CHECK(as_json.json()["error"]["lines"].size() == 2);

    CHECK(w.posts().empty());
    CHECK(w.stored_files().empty());
}

TEST_CASE("bulk JSONL is all or nothing, and running the same file again adds nothing") {
    World w;
    fs::path dir = w.home.path() / "batch";
    fs::create_directories(dir / "pics");
    fs::copy_file(w.in("a.jpg"), dir / "pics" / "a.jpg");
    fs::copy_file(w.in("b.jpg"), dir / "pics" / "b.jpg");
    REQUIRE(w.run({"slots", "add", "--account", "alice", "daily 18:00"}).exit_code == 0);
    std::string good = R"({"photo": ["pics/a.jpg", "pics/b.jpg"], "caption": "one", "at": "+2h"}
{"video": ")" + w.in("clip.mp4").string() +
                       R"(", "caption": "two", "at": "next-slot"}

{"photo": "pics/b.jpg", "title": "three", "at": "next-slot", "allow_comments": true}
)";
    write(dir / "posts.jsonl", good);
    // One bad line among good ones: nothing is written, the bad line is named.
    write(dir / "bad.jsonl", good + R"({"photo": ["pics/missing.jpg"], "caption": "four"})" + "\n");
    auto bad = w.run({"enqueue", "--from", dir / "bad.jsonl"});
    CHECK(bad.exit_code == 66);
    CHECK(bad.err.find("line 5: photo") != std::string::npos);
    CHECK(bad.err.find("1 of 4 posts is bad; nothing was enqueued") != std::string::npos);
    CHECK(w.posts().empty());

    auto doc = w.ok({"enqueue", "--from", dir / "posts.jsonl", "--json"});
    CHECK(doc["created"] == 3);
    CHECK(doc["existing"] == 0);
    REQUIRE(doc["posts"].size() == 3);
    CHECK(doc["posts"][2]["options"]["allow_comments"] == true);
    // The two next-slot posts take consecutive daily slots.
    auto due = [&](int i) { return doc["posts"][i]["due_at"].get<std::string>(); };
    CHECK(due(1).substr(11) == due(2).substr(11));
    CHECK(due(1) < due(2));

    // Hours later (looppost's clock moved on), "+2h" and "next-slot" still name the same posts.
    auto rerun = harness::later(w.home, "+5h",
                                {"enqueue", "--from", (dir / "posts.jsonl").string(), "--json"});
    REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
    CHECK(rerun.json()["created"] == 0);
    CHECK(rerun.json()["existing"] == 3);
    CHECK(w.posts().size() == 3);
}

TEST_CASE("bulk CSV reads quotes, a BOM, multi-line captions and photo lists beside the file") {
    World w;
    fs::path dir = w.home.path() / "sheet";
    fs::create_directories(dir);
    fs::copy_file(w.in("a.jpg"), dir / "a.jpg");
    fs::copy_file(w.in("c.png"), dir / "c.png");
    write(dir / "posts.csv", "\xEF\xBB\xBFphoto,caption,title,allow_comments,at\r\n"
                             "a.jpg|c.png,\"line one\r\nline \"\"two\"\"\",Title,yes,\r\n"
                             "c.png,plain,,no,2030-01-02T03:04:05Z\r\n");
    // Run from another folder: relative paths follow the CSV file, not the working directory.
    auto r =
        harness::run_program("/bin/sh",
                             {"-c", std::string("cd / && ") + LOOPPOST_BIN +
                                        " enqueue --json --from " + (dir / "posts.csv").string()},
                             w.home.env());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = r.json();
    REQUIRE(doc["posts"].size() == 2);
    CHECK(doc["posts"][0]["caption"] == "line one\r\nline \"two\"");
    CHECK(doc["posts"][0]["media"].size() == 2);
    CHECK(doc["posts"][0]["options"]["allow_comments"] == true);
    CHECK(doc["posts"][1]["due_at"] == "2030-01-02T03:04:05Z");
    CHECK(doc["posts"][1]["title"].is_null());
    // The PNG is normalised once though two posts use it.
    CHECK(doc["posts"][0]["media"][1]["sha256"] == doc["posts"][1]["media"][0]["sha256"]);
}

TEST_CASE("--at takes ISO 8601, local times in the account's zone, relative times and now") {
    World w;
    REQUIRE(w.run({"account", "set", "alice", "--time-zone", "America/New_York"}).exit_code == 0);
    auto at = [&](const std::string& when, const std::string& caption) {
        auto r = harness::later(w.home, "@2026-11-23 12:00:00",
                                {"enqueue", "--video", w.in("clip.mp4").string(), "--caption",
                                 caption, "--at", when, "--json"},
                                {{"TZ", "UTC"}});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return r.json()["due_at"].get<std::string>();
    };
    CHECK(at("2026-12-01T18:00+01:00", "iso") == "2026-12-01T17:00:00Z");
    CHECK(at("2026-12-01 18:00", "local") == "2026-12-01T23:00:00Z");
    CHECK(at("2026-07-01 18:00", "summer") == "2026-07-01T22:00:00Z");
    CHECK(at("+90m", "relative") == "2026-11-23T13:30:00Z");
    CHECK(at("+1d", "a day") == "2026-11-24T12:00:00Z");
    CHECK(at("now", "now") == "2026-11-23T12:00:00Z");
    // Without --at a post is due now.
    auto r = harness::later(w.home, "@2026-11-23 12:00:00",
                            {"enqueue", "--photo", w.in("a.jpg").string(), "--json"});
    CHECK(r.json()["due_at"] == "2026-11-23T12:00:00Z");
    // The skipped hour of New York's spring, explained with a time that works.
    auto gap = w.run({"enqueue", "--video", w.in("clip.mp4"), "--at", "2027-03-14 02:30"});
    CHECK(gap.exit_code == 65);
    CHECK(gap.err.find("does not exist in America/New_York") != std::string::npos);
    CHECK(gap.err.find("\"2027-03-14 03:30\"") != std::string::npos);
}

TEST_CASE("slots are kept per account, and --next-slot fills them after the last queued post") {
    World w;
    REQUIRE(w.run({"account", "set", "alice", "--time-zone", "Europe/Berlin"}).exit_code == 0);
    auto added = w.run({"slots", "add", "--account", "alice", "mon,wed,fri 18:00", "--json"});
    REQUIRE_MESSAGE(added.exit_code == 0, added.err);
    CHECK(added.json()[0]["days"] == "mon,wed,fri");
    CHECK(added.json()[0]["time"] == "18:00");
    auto listed = w.ok({"slots", "list", "--json"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["account"] == "alice");

    // Monday 2026-11-23 10:00 UTC: the slots fall on Mon 18:00, Wed 18:00, Fri 18:00 Berlin.
    std::vector<std::string> due;
    for (const char* caption : {"first", "second", "third"}) {
        auto r = harness::later(w.home, "@2026-11-23 10:00:00",
                                {"enqueue", "--video", w.in("clip.mp4").string(), "--caption",
                                 caption, "--next-slot", "--json"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        due.push_back(r.json()["due_at"]);
    }
    CHECK(due == std::vector<std::string>{"2026-11-23T17:00:00Z", "2026-11-25T17:00:00Z",
                                          "2026-11-27T17:00:00Z"});
    // The same command again is the same post, not a fourth slot.
    auto again = harness::later(w.home, "@2026-11-23 11:00:00",
                                {"enqueue", "--video", w.in("clip.mp4").string(), "--caption",
                                 "first", "--next-slot", "--json"});
    CHECK(again.json()["existing"] == true);
    CHECK(again.json()["due_at"] == "2026-11-23T17:00:00Z");

    auto id = listed[0]["id"].get<std::int64_t>();
    CHECK(w.run({"slots", "remove", std::to_string(id)}).exit_code == 0);
    CHECK(w.ok({"slots", "list", "--json"}).empty());
    auto none = w.run({"enqueue", "--video", w.in("clip.mp4"), "--caption", "x", "--next-slot"});
    CHECK(none.exit_code == 78);
    CHECK(none.err.find("has no posting slots") != std::string::npos);
    CHECK(w.run({"slots", "add", "--account", "alice", "someday 25:00"}).exit_code == 65);
    CHECK(w.run({"slots", "remove", "999"}).exit_code == 65);
}

TEST_CASE("queue lists, shows, edits, reschedules, cancels and retries posts") {
    World w;
    auto v = w.ok({"enqueue", "--video", w.in("clip.mp4"), "--caption", "video", "--at",
                   "2030-01-01T10:00Z", "--json"});
    auto p = w.ok({"enqueue", "--photo", w.in("b.jpg"), "--caption", "photo", "--at",
                   "2030-01-02T10:00Z", "--json"});
    auto vid = std::to_string(v["id"].get<int>());
    auto pid = std::to_string(p["id"].get<int>());

    auto list = w.ok({"queue", "--json"});
    REQUIRE(list.size() == 2);
    CHECK(list[0]["id"] == v["id"]); // soonest first
    CHECK(w.ok({"queue", "list", "--json", "--due-before", "2030-01-02T00:00Z"}).size() == 1);
    CHECK(w.ok({"queue", "list", "--json", "--state", "failed"}).empty());
    auto table = w.run({"queue"});
    CHECK(table.out.find("CAPTION") != std::string::npos);
    CHECK(table.out.find("photo×1") != std::string::npos);
    CHECK(w.run({"queue", "--state", "wating"}).exit_code == 2);

    auto edited =
        w.ok({"queue", "edit", vid, "--caption", "new words", "--allow-comments", "--json"});
    CHECK(edited["caption"] == "new words");
    CHECK(edited["options"]["allow_comments"] == true);
    CHECK(edited["key"] == v["key"]); // the key stays: re-running the script adds nothing
    auto off = w.ok({"queue", "edit", vid, "--no-allow-comments", "--json"});
    CHECK(off["options"]["allow_comments"] == false);
    CHECK(w.run({"queue", "edit", vid, "--mode", "direct"}).exit_code == 65);
    CHECK(w.run({"queue", "edit", pid, "--allow-duet"}).exit_code == 65);
    CHECK(w.run({"queue", "edit", "999", "--caption", "x"}).exit_code == 65);

    auto moved = w.ok({"queue", "reschedule", vid, "--at", "2031-05-05T05:05Z", "--json"});
    CHECK(moved["due_at"] == "2031-05-05T05:05:00Z");

    auto shown = w.ok({"queue", "show", vid, "--json"});
    std::vector<std::string> kinds;
    for (const auto& e : shown["events"])
        kinds.push_back(e["kind"]);
    CHECK(kinds == std::vector<std::string>{"enqueued", "edited", "edited", "edited"});
    CHECK(w.run({"queue", "show", vid}).out.find("new words") != std::string::npos);

    // A failed post can be retried; a queued one cannot.
    CHECK(w.run({"queue", "retry", vid}).exit_code == 65);
    {
        auto db = looppost::store::Db::open(w.home.path() / "data" / "looppost.db");
        db->post_set_state(v["id"].get<int>(), {"queued"}, "failed");
    }
    auto retried = w.run({"queue", "retry", vid});
    CHECK(retried.exit_code == 0);
    CHECK(retried.out.find("queued again") != std::string::npos);
    CHECK(w.ok({"queue", "show", vid, "--json"})["state"] == "queued");

    // Cancelling releases media no other post needs.
    CHECK(w.stored_files().size() == 2);
    auto cancelled = w.ok({"queue", "cancel", pid, "--json"});
    CHECK(cancelled["state"] == "cancelled");
    CHECK(w.stored_files().size() == 1);
    CHECK(w.ok({"queue", "--json"}).size() == 1);
    CHECK(w.ok({"queue", "--json", "--state", "cancelled"}).size() == 1);
    CHECK(w.run({"queue", "edit", pid, "--caption", "late"}).exit_code == 65);
}

TEST_CASE("direct posts are checked against what TikTok lets the creator do right now") {
    World w;
    w.sbx.post("config", {{"audited", true}, {"account_private", false}});
    std::string video = w.in("clip.mp4");
    auto ok = w.run({"enqueue", "--video", video, "--mode", "direct", "--privacy", "public",
                     "--allow-comments", "--json"});
    REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(ok.json()["privacy"] == "PUBLIC_TO_EVERYONE");
    CHECK(ok.json()["mode"] == "direct");

    w.sbx.post("config", {{"audited", false}});
    auto unaudited =
        w.run({"enqueue", "--video", video, "--mode", "direct", "--privacy", "friends"});
    CHECK(unaudited.exit_code == 65);
    CHECK(unaudited.err.find("TikTok offers: SELF_ONLY") != std::string::npos);

    w.sbx.post("config", {{"audited", true},
                          {"account_private", false},
                          {"users", json::array({{{"username", "alice"},
                                                  {"display_name", "Alice"},
                                                  {"comment_disabled", true},
                                                  {"max_video_post_duration_sec", 1}}})}});
    auto comments = w.run({"enqueue", "--photo", w.in("a.jpg"), "--mode", "direct", "--privacy",
                           "public", "--allow-comments"});
    CHECK(comments.exit_code == 65);
    CHECK(comments.err.find("turned comments off") != std::string::npos);
    auto too_long = w.run({"enqueue", "--video", video, "--mode", "direct", "--privacy", "public",
                           "--caption", "long"});
    CHECK(too_long.exit_code == 65);
    CHECK(too_long.err.find("at most 1 s") != std::string::npos);
    // Inbox posts need no creator_info: TikTok lets the creator finish them in the app.
    CHECK(w.run({"enqueue", "--video", video, "--caption", "inbox"}).exit_code == 0);
}

TEST_CASE("on a terminal a direct post shows the creator and TikTok's declaration first") {
    World w;
    w.sbx.post("config", {{"audited", true}, {"account_private", false}});
    auto on_tty = [&](const std::string& args) {
        return std::make_unique<harness::Process>(
            "/usr/bin/script",
            std::vector<std::string>{"-qec", std::string(LOOPPOST_BIN) + " " + args, "/dev/null"},
            w.home.env());
    };
    std::string base = "enqueue --video " + w.in("clip.mp4").string() +
                       " --mode direct --privacy public --brand-content --caption ";
    auto no = on_tty(base + "declined");
    no->wait_for_prompt("Queue it? [y/N]");
    no->write_stdin("n\n");
    auto r1 = no->finish(std::chrono::seconds(30));
    CHECK(r1.exit_code == 1);
    CHECK(r1.out.find("Alice (@alice)") != std::string::npos);
    CHECK(r1.out.find("Branded Content Policy") != std::string::npos);
    CHECK(r1.out.find("Paid partnership") != std::string::npos);
    CHECK(w.posts().empty());

    auto yes = on_tty(base + "accepted");
    yes->wait_for_prompt("Queue it? [y/N]");
    yes->write_stdin("y\n");
    auto r2 = yes->finish(std::chrono::seconds(30));
    CHECK_MESSAGE(r2.exit_code == 0, r2.out);
    CHECK(w.posts().size() == 1);
    // --yes accepts without asking (still shown).
    auto given = on_tty(base + "given --yes");
    auto r3 = given->finish(std::chrono::seconds(30));
    CHECK_MESSAGE(r3.exit_code == 0, r3.out);
    CHECK(r3.out.find("Music Usage Confirmation") != std::string::npos);
}

TEST_CASE("--dry-run shows the normalised post and what would be stored, and stores nothing") {
    World w;
    auto r =
        w.run({"enqueue", "--photo", w.in("c.png"), "--caption", "try", "--dry-run", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = r.json();
    CHECK(doc["dry_run"] == true);
    CHECK(doc["id"].is_null());
    CHECK(doc["media"][0]["mime"] == "image/jpeg");
    CHECK(doc["media"][0]["changes"][0] == "converted PNG to JPEG");
    CHECK(w.posts().empty());
    CHECK(w.stored_files().empty());
    auto human = w.run({"enqueue", "--photo", w.in("c.png"), "--dry-run"});
    CHECK(human.out.find("would queue: inbox photo post for alice") != std::string::npos);
}

TEST_CASE("queue list loads neither libcurl nor the media libraries; enqueue loads what it uses") {
    World w;
    REQUIRE(w.run({"enqueue", "--photo", w.in("a.jpg")}).exit_code == 0);
    auto list = w.home.looppost({"queue", "list"}, "", {{"LD_DEBUG", "libs"}});
    CHECK(list.exit_code == 0);
    for (const char* lib : {"libcurl", "libvips", "libavformat"})
        CHECK_MESSAGE(list.err.find(lib) == std::string::npos, lib);
    auto photo = w.home.looppost({"enqueue", "--photo", w.in("b.jpg")}, "", {{"LD_DEBUG", "libs"}});
    CHECK(photo.exit_code == 0);
    CHECK(photo.err.find("libvips") != std::string::npos);
    CHECK(photo.err.find("libavformat") == std::string::npos); // (libvips itself maps libcurl)
    auto video =
        w.home.looppost({"enqueue", "--video", w.in("clip.mp4")}, "", {{"LD_DEBUG", "libs"}});
    CHECK(video.exit_code == 0);
    CHECK(video.err.find("libavformat") != std::string::npos);
    CHECK(video.err.find("libvips") == std::string::npos);
}

TEST_CASE("a key names a post of one account: another account may use the same key") {
    World w;
    auto bob = harness::qr_login(w.home, w.sbx, "bob");
    REQUIRE_MESSAGE(bob.exit_code == 0, bob.err);
    auto a = w.ok({"enqueue", "--video", w.in("clip.mp4"), "--key", "launch", "--json"});
    auto b = w.ok(
        {"--account", "bob", "enqueue", "--video", w.in("clip.mp4"), "--key", "launch", "--json"});
    CHECK(b["existing"] == false);
    CHECK(b["account"] == "bob");
    CHECK(b["id"] != a["id"]);
    auto again =
        w.run({"--account", "bob", "enqueue", "--video", w.in("clip.mp4"), "--key", "launch"});
    CHECK(again.exit_code == 0);
    CHECK(again.err.find("already has the key \"launch\"") != std::string::npos);
    CHECK(w.posts().size() == 2);
}

TEST_CASE("queue edit checks a direct post against creator_info as enqueue does") {
    World w;
    w.sbx.post("config", {{"audited", false}});
    auto inbox = w.ok({"enqueue", "--video", w.in("clip.mp4"), "--caption", "later", "--json"});
    auto id = std::to_string(inbox["id"].get<int>());
    auto refused = w.run({"queue", "edit", id, "--mode", "direct", "--privacy", "public"});
    CHECK(refused.exit_code == 65);
    CHECK(refused.err.find("TikTok offers: SELF_ONLY") != std::string::npos);
    CHECK(w.ok({"queue", "show", id, "--json"})["mode"] == "inbox");
    auto allowed =
        w.ok({"queue", "edit", id, "--mode", "direct", "--privacy", "private", "--json"});
    CHECK(allowed["mode"] == "direct");
    CHECK(allowed["privacy"] == "SELF_ONLY");
}
