// looppost export against a home built with looppost-sandbox: two accounts, queued, published and
// carousel posts, snapshots over two days, slots, settings and an S3 media host. The document
// validates against man/export.schema.json (with python3-jsonschema), holds the data and none of
// the secrets, --output and --with-media write what they say and nothing else, and the key file
// is never needed.

#include "test_cli_publish.hpp"

#include <cstdlib>
#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

using namespace publish_test;

namespace {

constexpr std::int64_t k_day = 86400;
const std::string k_s3_secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXPORTKEY";
const std::string k_client_secret = "sbx_client_secret"; // harness::set_app's

std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        auto end = dirs.find(':', start);
        if (end == std::string::npos)
            end = dirs.size();
        fs::path p = fs::path(dirs.substr(start, end - start)) / name;
        if (::access(p.c_str(), X_OK) == 0)
            return p.string();
        start = end + 1;
    }
    FAIL(name << " is not on PATH: the export tests need python3 with jsonschema "
                 "(scripts/install-deps.sh installs python3-jsonschema)");
    return {};
}

/// The schema's complaints about the document in `doc_file` (empty: it validates).
std::string schema_errors(const fs::path& doc_file) {
    const std::string script = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
for e in sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str):
    print("/".join(str(p) for p in e.absolute_path), e.message)
)";
    fs::path schema = fs::path(LOOPPOST_SOURCE_DIR) / "man" / "export.schema.json";
    auto r = harness::run_program(find_program("python3"),
                                  {"-c", script, schema.string(), doc_file.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.out;
}

std::string write_temp(const fs::path& dir, const std::string& name, const std::string& text) {
    fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

json seeded(const std::string& name, std::int64_t count, std::int64_t start) {
    return {{"username", name}, {"videos", {{"count", count}, {"start", start}, {"every", 3600}}}};
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        for (int s : {18, 12, 6, 0})
            out += table[(v >> s) & 63];
    }
    return out; // a prefix is enough to find the encoding
}

/// Every sealed value in the database: tokens, the client secret, the S3 secret, upload URLs.
std::vector<std::string> sealed_blobs(const fs::path& db_file) {
    SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY);
    std::vector<std::string> out;
    for (const char* sql : {"SELECT access_token FROM accounts",
                            "SELECT refresh_token FROM accounts", "SELECT client_secret FROM app",
                            "SELECT secret_key FROM media_host", "SELECT upload_url FROM posts"}) {
        SQLite::Statement q(db, sql);
        while (q.executeStep()) {
            if (!q.getColumn(0).isNull() && q.getColumn(0).getBytes() > 0)
                out.emplace_back(static_cast<const char*>(q.getColumn(0).getBlob()),
                                 static_cast<std::size_t>(q.getColumn(0).getBytes()));
        }
    }
    return out;
}

/// A home with alice and bob logged in, published and queued posts (a video and a carousel),
/// snapshots on two days, slots, settings, and an S3 media host set last.
struct ExportWorld : World {
    std::vector<std::string> captions;
    std::int64_t published = 0, carousel = 0, queued = 0;

    ExportWorld() : World({"alice", "bob"}) {
        auto now = sbx.get("state")["now"].get<std::int64_t>();
        sbx.post(
            "config",
            {{"audited", true},
             {"account_private", false},
             {"moderation_seconds", 0},
             {"access_token_ttl", 30 * k_day},
             {"refresh_token_ttl", 60 * k_day},
             {"users", {seeded("alice", 3, now - 5 * 3600), seeded("bob", 2, now - 4 * 3600)}}});
        use_dir_host();
        published = enqueue_video(in("clip.mp4"), "public clip #export", "direct", "public");
        carousel = enqueue({"--photo", in("a.jpg").string(), in("b.jpg").string(), "--title",
                            "two photos", "--caption", "a carousel to export"})["id"];
        REQUIRE_MESSAGE(publish().exit_code == 0, "publish-due failed");
        REQUIRE(post(published)["state"] == "published");
        REQUIRE(post(carousel)["state"] == "in_inbox");
        queued = enqueue({"--video", video_of_size(150'000).string(), "--caption",
                          "later for bob \"quoted\"\nsecond line", "--at", "+3d", "--account",
                          "bob"})["id"];
        enqueue(
            {"--photo", in("b.jpg").string(), "--caption", "queued photo of alice", "--at", "+2d"});
        captions = {"public clip #export", "a carousel to export",
                    "later for bob \"quoted\"\nsecond line", "queued photo of alice"};
        REQUIRE(run({"slots", "add", "--account", "alice", "mon,wed,fri 18:00"}).exit_code == 0);
        REQUIRE(run({"account", "set", "alice", "--time-zone", "Europe/Berlin"}).exit_code == 0);
        set("jobs", "2");
        // Two days of snapshots (both clocks move: looppost's under faketime).
        auto first = run({"snapshot-stats"});
        REQUIRE_MESSAGE(first.exit_code == 0, first.err);
        sbx.post("clock/advance", {{"seconds", 2 * k_day}});
        auto second = harness::later(home, "+2d", {"snapshot-stats"});
        REQUIRE_MESSAGE(second.exit_code == 0, second.err);
        auto s3 = run({"media", "set", "s3", "--endpoint", "https://s3.example.com", "--bucket",
                       "photos", "--region", "eu-west-1", "--access-key-id", "AKIDEXPORT",
                       "--public-base-url", "https://cdn.example.com/p/", "--prefix", "tt/",
                       "--path-style", "--secret-access-key-stdin"},
                      k_s3_secret + "\n");
        REQUIRE_MESSAGE(s3.exit_code == 0, s3.err);
    }

    std::int64_t db_count(const std::string& sql) const {
        SQLite::Database d(db().string(), SQLite::OPEN_READONLY);
        return d.execAndGet(sql).getInt64();
    }
};

json by_name(const json& list, const std::string& key, const json& value) {
    for (const auto& item : list) {
        if (item[key] == value)
            return item;
    }
    FAIL("no " << key << " = " << value.dump());
    return {};
}

} // namespace

TEST_CASE("export: the whole home as one document that validates, with the data and no secret") {
    ExportWorld w;
    auto r = w.run({"export"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const json doc = r.json();
    auto file = write_temp(w.home.path(), "export.json", r.out);
    CHECK_MESSAGE(schema_errors(file).empty(), schema_errors(file));

    // The schema is strict: a token slipped into an account, or a field of the wrong type, fails.
    json leaky = doc;
    leaky["accounts"][0]["access_token"] = "act.x";
    CHECK_FALSE(schema_errors(write_temp(w.home.path(), "leaky.json", leaky.dump())).empty());
    json wrong = doc;
    wrong["videos"][0]["id"] = 7412345678901234567LL;
    CHECK_FALSE(schema_errors(write_temp(w.home.path(), "wrong.json", wrong.dump())).empty());

    // No secret: tokens the sandbox handed out, the client secret, the S3 secret, sealed bytes.
    const json state = w.state();
    REQUIRE(state["tokens"].size() >= 2);
    std::vector<std::string> secrets = {k_client_secret, k_s3_secret};
    for (const auto& t : state["tokens"]) {
        secrets.push_back(t["access_token"]);
        secrets.push_back(t["refresh_token"]);
    }
    for (const auto& s : secrets) {
        INFO("secret: ", s);
        CHECK_FALSE(contains(r.out, s));
    }
    auto blobs = sealed_blobs(w.db());
    REQUIRE(blobs.size() >= 6); // 2 × 2 tokens, the client secret, the S3 secret
    for (const auto& b : blobs) {
        REQUIRE(b.size() >= 24);
        CHECK_FALSE(contains(r.out, b));
        CHECK_FALSE(contains(r.out, hex(b).substr(0, 32)));
        CHECK_FALSE(contains(r.out, base64(b).substr(0, 24)));
    }

    // The data.
    CHECK(doc["format"] == "looppost-export");
    CHECK(doc["version"] == 1);
    CHECK(doc["account"].is_null());
    CHECK(doc["app"]["client_key"] == "sbx_client_key");
    CHECK(doc["media_host"]["kind"] == "s3");
    CHECK(doc["media_host"]["access_key_id"] == "AKIDEXPORT");
    CHECK(doc["media_host"]["path_style"] == true);
    CHECK(doc["settings"]["jobs"] == "2");
    REQUIRE(doc["accounts"].size() == 2);
    const json alice = by_name(doc["accounts"], "name", "alice");
    CHECK(alice["time_zone"] == "Europe/Berlin");
    CHECK(alice["refresh_expires_at"].is_string());
    REQUIRE(alice["slots"].size() == 1);
    CHECK(alice["slots"][0]["time"] == "18:00");
    CHECK(by_name(doc["accounts"], "name", "bob")["slots"].empty());

    REQUIRE(doc["posts"].size() == 4);
    for (const auto& caption : w.captions)
        CHECK(by_name(doc["posts"], "caption", caption)["events"].size() >= 1);
    const json pub = by_name(doc["posts"], "id", w.published);
    CHECK(pub["state"] == "published");
    CHECK(pub["publish_id"].is_string());
    std::vector<std::string> kinds;
    for (const auto& e : pub["events"])
        kinds.push_back(e["kind"]);
    CHECK(kinds.front() == "enqueued");
    CHECK(std::find(kinds.begin(), kinds.end(), "published") != kinds.end());
    CHECK(by_name(doc["posts"], "id", w.carousel)["media"].size() == 2);
    CHECK(by_name(doc["posts"], "id", w.queued)["account"] == "bob");

    CHECK(static_cast<std::int64_t>(doc["media"].size()) ==
          w.db_count("SELECT count(*) FROM media"));
    // Published and inbox posts released their local copies; queued ones keep theirs.
    std::size_t present = 0;
    for (const auto& m : doc["media"])
        present += m["present"].get<bool>() ? 1 : 0;
    CHECK(present == 2);

    // Videos: TikTok's ids as strings, every snapshot with the stored values.
    REQUIRE(static_cast<std::int64_t>(doc["videos"].size()) ==
            w.db_count("SELECT count(*) FROM videos"));
    CHECK(doc["videos"].size() >= 6); // 3 + 2 seeded, and the published post
    SQLite::Database db(w.db().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT video_id, day, views, likes FROM snapshots");
    std::size_t rows = 0;
    while (q.executeStep()) {
        ++rows;
        const json v = by_name(doc["videos"], "id", q.getColumn(0).getString());
        CHECK(v["id"].is_string());
        const json snap = by_name(v["snapshots"], "day", q.getColumn(1).getString());
        CHECK(snap["views"] == q.getColumn(2).getInt64());
        CHECK(snap["likes"] == q.getColumn(3).getInt64());
    }
    CHECK(rows >= 12); // two days
    CHECK(by_name(doc["videos"], "post_id", w.published)["snapshots"].size() == 2);
    CHECK(static_cast<std::int64_t>(doc["account_snapshots"].size()) ==
          w.db_count("SELECT count(*) FROM account_snapshots"));

    // The account-level trail: logins and the refresh two days later, no post events.
    std::vector<std::string> events;
    for (const auto& e : doc["events"])
        events.push_back(e["kind"]);
    CHECK(std::count(events.begin(), events.end(), "auth.login") == 2);
    CHECK(std::find(events.begin(), events.end(), "auth.refresh") != events.end());
    CHECK(std::find(events.begin(), events.end(), "enqueued") == events.end());

    // --account limits it to one account's own data.
    auto bob = w.run({"export", "--account", "bob"});
    REQUIRE_MESSAGE(bob.exit_code == 0, bob.err);
    const json b = bob.json();
    CHECK(b["account"] == "bob");
    REQUIRE(b["accounts"].size() == 1);
    REQUIRE(b["posts"].size() == 1);
    CHECK(b["posts"][0]["caption"] == w.captions[2]);
    for (const auto& v : b["videos"])
        CHECK(v["account"] == "bob");
    CHECK(schema_errors(write_temp(w.home.path(), "bob.json", bob.out)).empty());
    CHECK(w.run({"export", "--account", "carol"}).exit_code == 2);
}

TEST_CASE("export --output and --with-media write exactly what they say, or nothing") {
    ExportWorld w;
    harness::TempDir out;
    const fs::path file = out.path() / "me.json";
    const fs::path media = out.path() / "media";
    auto r = w.run({"export", "--output", file.string(), "--with-media", media.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.empty());
    REQUIRE(fs::is_regular_file(file));
    CHECK((fs::status(file).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    CHECK((fs::status(media).permissions() & fs::perms::all) == fs::perms::owner_all);
    CHECK(schema_errors(file).empty());
    const json doc = json::parse(harness::read_file(file));
    std::size_t named = 0;
    for (const auto& m : doc["media"]) {
        if (m["file"].is_string()) {
            ++named;
            CHECK(m["present"] == true);
            CHECK(fs::is_regular_file(media / m["file"].get<std::string>()));
        }
    }
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(media)) {
        ++files;
        INFO("file: ", e.path().string());
        CHECK(harness::sha256_of(e.path()) == e.path().stem().string());
    }
    CHECK(files == 2);
    CHECK(named == files);
    // Leftover temp files of the atomic write: none.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(out.path()))
        ++entries;
    CHECK(entries == 2);

    // A folder that is not empty is refused before anything is written.
    const fs::path full = out.path() / "full";
    fs::create_directory(full);
    std::ofstream(full / "keep.txt") << "mine";
    const fs::path other = out.path() / "other.json";
    auto refused = w.run({"export", "--output", other.string(), "--with-media", full.string()});
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.err, "is not empty"));
    CHECK(lines_in(refused.err) == 1);
    CHECK(refused.out.empty());
    CHECK_FALSE(fs::exists(other));
    CHECK(std::distance(fs::directory_iterator(full), fs::directory_iterator()) == 1);

    // An --output in a folder that does not exist: refused, and no media folder made.
    const fs::path fresh = out.path() / "fresh";
    auto nowhere = w.run({"export", "--output", (out.path() / "no" / "x.json").string(),
                          "--with-media", fresh.string(), "--json"});
    CHECK(nowhere.exit_code == 2);
    CHECK(nowhere.json()["error"]["code"] == "usage");
    CHECK_FALSE(fs::exists(fresh));

    // The media folder may hold the document itself.
    const fs::path backup = out.path() / "backup";
    auto both = w.run(
        {"export", "--with-media", backup.string(), "--output", (backup / "export.json").string()});
    REQUIRE_MESSAGE(both.exit_code == 0, both.err);
    CHECK(fs::is_regular_file(backup / "export.json"));
}

TEST_CASE("export needs no key: it works with the key file gone, and does not make one") {
    World w({"alice"});
    REQUIRE(w.enqueue_video(w.in("clip.mp4"), "no key needed") > 0);
    const fs::path key = w.home.path() / "config" / "key";
    REQUIRE(fs::exists(key));
    fs::remove(key);
    auto r = w.run({"export"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK_FALSE(fs::exists(key));
    const json doc = r.json();
    REQUIRE(doc["posts"].size() == 1);
    CHECK(doc["posts"][0]["caption"] == "no key needed");
    CHECK(doc["accounts"][0]["name"] == "alice");
    CHECK(schema_errors(write_temp(w.home.path(), "export.json", r.out)).empty());
}
