#include "media_support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/queue/enqueue.hpp>
#include <looppost/queue/steer.hpp>
#include <looppost/store/db.hpp>
#include <set>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

using namespace looppost;
using namespace looppost::queue;
namespace fs = std::filesystem;

namespace {

// Monday 2026-11-23 12:00 UTC, and the daily 18:00 slots that follow it.
constexpr std::int64_t k_now = 1795435200;
constexpr std::int64_t k_mon_1800 = 1795456800;
constexpr std::int64_t k_tue_1800 = 1795543200;
constexpr std::int64_t k_wed_1000 = 1795600800;
constexpr std::int64_t k_wed_1800 = 1795629600;
constexpr std::int64_t k_thu_1800 = 1795716000;

fs::path make_still(const fs::path& dir, const std::string& name, const std::string& pattern) {
    fs::path out = dir / name;
    test::run("ffmpeg -v error -y -f lavfi -i " + pattern + "=size=640x480 -frames:v 1 " +
              test::q(out));
    return out;
}

/// Test media, made once: two JPEGs TikTok takes as they are, a PNG it does not, a 2 s video.
struct Fixtures {
    test::TempDir dir;
    fs::path jpg_a = make_still(dir.path(), "a.jpg", "testsrc2");
    fs::path jpg_b = make_still(dir.path(), "b.jpg", "smptebars");
    fs::path png = make_still(dir.path(), "c.png", "testsrc2");
    fs::path mp4 = [&] {
        fs::path out = dir.path() / "clip.mp4";
        test::run("ffmpeg -v error -y -f lavfi -i testsrc=size=360x640:rate=30:duration=2 "
                  "-c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
                  test::q(out));
        return out;
    }();
};

const Fixtures& fx() {
    static const Fixtures f;
    return f;
}

/// A database with one account (alice, UTC, both posting scopes) and an empty media store.
struct World {
    test::TempDir dir;
    std::unique_ptr<store::Db> db = store::Db::open(dir.path() / "looppost.db");
    media::LocalStore store{dir.path() / "media"};
    std::int64_t account_id = 0;

    World() {
        store::AccountRow a;
        a.name = "alice";
        a.open_id = "open-alice";
        a.scopes = {"user.info.basic", "video.upload", "video.publish"};
        a.time_zone = "UTC";
        account_id = db->account_insert(a);
    }

    fs::path media_dir() const { return dir.path() / "media"; }

    std::vector<Enqueued> run(const std::vector<PostInput>& inputs, EnqueueOptions options = {},
                              const EnqueueHooks& hooks = {}) {
        options.jobs = options.jobs == 0 ? 2 : options.jobs;
        // Lines with numbers are a bulk input, as `enqueue --from` makes them.
        options.bulk = options.bulk || inputs.size() != 1 || inputs.front().line != 0;
        return enqueue(*db, store, inputs, k_now, options, hooks);
    }
    Enqueued run_one(const PostInput& in, EnqueueOptions options = {},
                     const EnqueueHooks& hooks = {}) {
        auto out = run({in}, options, hooks);
        REQUIRE(out.size() == 1);
        return out.front();
    }
};

/// How many rows each queue table holds.
struct Counts {
    int posts = 0, media = 0, post_media = 0, media_origins = 0, events = 0;
    bool operator==(const Counts& o) const {
        return posts == o.posts && media == o.media && post_media == o.post_media &&
               media_origins == o.media_origins && events == o.events;
    }
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
    return os << "{posts " << c.posts << ", media " << c.media << ", post_media " << c.post_media
              << ", media_origins " << c.media_origins << ", events " << c.events << "}";
}

Counts counts(const World& w) {
    SQLite::Database raw(w.db->file().string(), SQLite::OPEN_READONLY);
    auto n = [&](const char* table) {
        return raw.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt();
    };
    return {n("posts"), n("media"), n("post_media"), n("media_origins"), n("events")};
}

/// Every regular file under `dir` (relative paths); empty when `dir` does not exist.
std::set<std::string> files_under(const fs::path& dir) {
    std::set<std::string> out;
    if (!fs::exists(dir))
        return out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file())
            out.insert(fs::relative(e.path(), dir).string());
    }
    return out;
}

PostInput photo_post(std::vector<fs::path> photos, const std::string& caption,
                     std::size_t line = 0) {
    PostInput in;
    in.line = line;
    in.photos = std::move(photos);
    in.caption = caption;
    return in;
}

PostInput video_post(const fs::path& video, const std::string& caption, std::size_t line = 0) {
    PostInput in;
    in.line = line;
    in.video = video;
    in.caption = caption;
    return in;
}

PostInput direct(PostInput in, const std::string& privacy = "public") {
    in.mode = "direct";
    in.privacy = privacy;
    return in;
}

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

/// The Error `f` throws; fails the test when it throws none.
Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error was thrown");
    return Error(Exit::ok, "");
}

tiktok::CreatorInfo creator(std::vector<std::string> privacy = {
                                "PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"}) {
    tiktok::CreatorInfo c;
    c.nickname = "Alice";
    c.username = "alice";
    c.privacy_level_options = std::move(privacy);
    c.max_video_post_duration_sec = 600;
    return c;
}

} // namespace

// --- single posts -----------------------------------------------------------------------------

TEST_CASE("queue: enqueueing one photo post stores the post, its media and an event") {
    World w;
    auto e = w.run_one(photo_post({fx().jpg_a, fx().jpg_b}, "two photos"));
    CHECK(e.id > 0);
    CHECK_FALSE(e.existing);
    CHECK(e.due_at == k_now);
    CHECK(e.key.size() == 64);
    REQUIRE(e.media.size() == 2);

    auto p = w.db->post(e.id);
    REQUIRE(p);
    CHECK(p->account == "alice");
    CHECK(p->kind == "photo");
    CHECK(p->mode == "inbox");
    CHECK(p->state == "queued");
    CHECK(p->caption == "two photos");
    CHECK(p->due_at == k_now);
    CHECK(p->at_text == "now");
    CHECK(p->key == e.key);
    CHECK(nlohmann::json::parse(p->options) == e.draft.options);
    REQUIRE(p->media.size() == 2);
    for (int i = 0; i < 2; ++i) {
        CAPTURE(i);
        const auto& m = p->media[static_cast<std::size_t>(i)];
        CHECK(m.position == i);
        CHECK(m.media.sha256 == e.media[static_cast<std::size_t>(i)].row.sha256);
        CHECK(m.media.id == e.media[static_cast<std::size_t>(i)].row.id);
        CHECK(m.media.kind == "photo");
        CHECK(m.media.mime == "image/jpeg");
        CHECK(m.media.width == 640);
        CHECK(m.media.height == 480);
        CHECK(w.store.has(m.media.sha256, m.media.mime));
    }
    // Unchanged JPEGs are stored as given.
    CHECK(e.media[0].row.sha256 == e.media[0].original_sha256);
    CHECK(e.media[0].changes.empty());

    auto events = w.db->post_events(e.id);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "enqueued");
    CHECK(events[0].account_id == w.account_id);
    CHECK(counts(w) == Counts{1, 2, 2, 2, 1});
}

TEST_CASE("queue: enqueueing a video stores what the probe found") {
    World w;
    auto e = w.run_one(video_post(fx().mp4, "a clip"));
    auto p = w.db->post(e.id);
    REQUIRE(p);
    CHECK(p->kind == "video");
    REQUIRE(p->media.size() == 1);
    const auto& m = p->media[0].media;
    CHECK(m.kind == "video");
    CHECK(m.mime == "video/mp4");
    CHECK(m.width == 360);
    CHECK(m.height == 640);
    REQUIRE(m.duration_ms);
    CHECK(*m.duration_ms >= 1900);
    CHECK(*m.duration_ms <= 2100);
    CHECK(m.sha256 == e.media[0].original_sha256);
    CHECK(w.store.has(m.sha256, m.mime));
}

TEST_CASE("queue: enqueueing the same post again finds it and writes nothing") {
    World w;
    auto in = photo_post({fx().jpg_a}, "again");
    in.at = "+2h";
    auto first = w.run_one(in);
    CHECK(first.due_at == k_now + 7200);
    auto rows = counts(w);
    auto files = test::snapshot(w.media_dir());

    auto second = w.run_one(in);
    CHECK(second.existing);
    CHECK(second.id == first.id);
    CHECK(second.key == first.key);
    CHECK(counts(w) == rows);
    CHECK(test::snapshot(w.media_dir()) == files);
}

TEST_CASE("queue: a post with an explicit key is found by that key") {
    World w;
    auto in = photo_post({fx().jpg_a}, "first text");
    in.key = "my-key";
    auto first = w.run_one(in);
    CHECK(first.key == "my-key");
    in.caption = "other text";
    auto second = w.run_one(in);
    CHECK(second.existing);
    CHECK(second.id == first.id);
    CHECK(w.db->post(first.id)->caption == "first text");
}

TEST_CASE("queue: a single post's problem is thrown as it is") {
    World w;
    auto e = error_of([&] { w.run_one(photo_post({w.dir.path() / "gone.jpg"}, "x")); });
    CHECK(e.exit() == Exit::no_input);
    CHECK(contains(e.what(),
                   "photo \"" + (w.dir.path() / "gone.jpg").string() + "\" does not exist"));
    CHECK(counts(w) == Counts{});
}

TEST_CASE("queue: an unknown account is refused with a did-you-mean") {
    World w;
    auto in = photo_post({fx().jpg_a}, "x");
    in.account = "alcie";
    auto e = error_of([&] { w.run_one(in); });
    CHECK(e.exit() == Exit::bad_input);
    CHECK(contains(e.what(), "no account named \"alcie\""));
    CHECK(contains(e.what(), "did you mean \"alice\"?"));
}

// --- bulk -------------------------------------------------------------------------------------

TEST_CASE("queue: a bulk with one bad line enqueues nothing and names the line") {
    World w;
    auto before = files_under(w.media_dir());
    std::vector<PostInput> lines = {
        photo_post({fx().jpg_a}, "one", 1),
        photo_post({w.dir.path() / "missing.jpg"}, "two", 2),
        photo_post({fx().png}, "three: converted, then thrown away", 3),
        video_post(fx().mp4, "four", 4),
    };
    try {
        w.run(lines);
        FAIL("the bulk was accepted");
    } catch (const BatchError& e) {
        CHECK(e.exit() == Exit::no_input);
        CHECK(contains(e.what(), "1 of 4 posts is bad; nothing was enqueued"));
        REQUIRE(e.lines().size() == 1);
        CHECK(e.lines()[0].rfind("line 2: ", 0) == 0);
        CHECK(contains(e.lines()[0], "missing.jpg\" does not exist"));
    }
    CHECK(counts(w) == Counts{});
    CHECK(files_under(w.media_dir()) == before);
    CHECK(files_under(w.media_dir()).empty());
}

TEST_CASE("queue: a bulk reports every bad line in line order, bad data before missing files") {
    World w;
    auto bad_privacy = photo_post({fx().jpg_a}, "x", 5);
    bad_privacy.privacy = "everyone";
    std::vector<PostInput> lines = {
        photo_post({fx().jpg_b}, "fine", 1),
        photo_post({w.dir.path() / "missing.jpg"}, "two", 3),
        bad_privacy,
        photo_post(std::vector<fs::path>(36, fx().jpg_a), "too many", 7),
    };
    try {
        w.run(lines);
        FAIL("the bulk was accepted");
    } catch (const BatchError& e) {
        CHECK(e.exit() == Exit::bad_input);
        CHECK(contains(e.what(), "3 of 4 posts are bad"));
        REQUIRE(e.lines().size() == 3);
        CHECK(e.lines()[0].rfind("line 3: ", 0) == 0);
        CHECK(e.lines()[1].rfind("line 5: privacy \"everyone\"", 0) == 0);
        CHECK(e.lines()[2].rfind("line 7: 36 photos", 0) == 0);
    }
    CHECK(counts(w) == Counts{});
}

TEST_CASE("queue: a bulk's list of problems stops at max_errors and says how many more") {
    World w;
    std::vector<PostInput> lines;
    for (std::size_t i = 1; i <= 5; ++i)
        lines.push_back(photo_post({w.dir.path() / "missing.jpg"}, "x" + std::to_string(i), i));
    EnqueueOptions o;
    o.max_errors = 2;
    try {
        w.run(lines, o);
        FAIL("the bulk was accepted");
    } catch (const BatchError& e) {
        REQUIRE(e.lines().size() == 3);
        CHECK(e.lines()[2] == "… and 3 more problems");
    }
}

TEST_CASE("queue: the same post twice in one bulk is stored once") {
    World w;
    auto out = w.run({photo_post({fx().jpg_a}, "twice", 1), photo_post({fx().jpg_a}, "twice", 2)});
    REQUIRE(out.size() == 2);
    CHECK_FALSE(out[0].existing);
    CHECK(out[1].existing);
    CHECK(out[0].id > 0);
    CHECK(out[1].id == out[0].id);
    CHECK(out[1].key == out[0].key);
    CHECK(counts(w) == Counts{1, 1, 1, 1, 1});
}

TEST_CASE("queue: photos shared between posts are stored once") {
    World w;
    auto out = w.run({photo_post({fx().jpg_a, fx().jpg_b}, "one", 1),
                      photo_post({fx().jpg_b, fx().jpg_a}, "two", 2)});
    REQUIRE(out.size() == 2);
    CHECK(out[0].id != out[1].id);
    CHECK(out[0].media[0].row.id == out[1].media[1].row.id);
    CHECK(out[0].media[1].row.id == out[1].media[0].row.id);
    CHECK(counts(w) == Counts{2, 2, 4, 2, 2});
    CHECK(files_under(w.media_dir()).size() == 2);

    // A later run with one of them again adds no media.
    w.run_one(photo_post({fx().jpg_a}, "three"));
    CHECK(counts(w) == Counts{3, 2, 5, 2, 3});
    CHECK(files_under(w.media_dir()).size() == 2);
}

// --- normalising ------------------------------------------------------------------------------

TEST_CASE("queue: a PNG is converted to JPEG, and the next enqueue reuses the result") {
    World w;
    auto first = w.run_one(photo_post({fx().png}, "png one"));
    REQUIRE(first.media.size() == 1);
    const auto& m = first.media[0];
    CHECK_FALSE(m.reused);
    CHECK_FALSE(m.changes.empty());
    CHECK(m.row.mime == "image/jpeg");
    CHECK(m.original_sha256 != m.row.sha256);
    CHECK(w.store.has(m.row.sha256, "image/jpeg"));
    CHECK(test::slurp(w.store.path_of(m.row.sha256, "image/jpeg")).substr(0, 2) == "\xFF\xD8");
    auto stored = w.db->post(first.id)->media.at(0).media;
    CHECK(stored.mime == "image/jpeg");
    CHECK(stored.sha256 == m.row.sha256);

    auto origin = w.db->media_origin(m.original_sha256);
    REQUIRE(origin);
    CHECK(origin->media.sha256 == m.row.sha256);
    CHECK_FALSE(origin->changes.empty());

    auto second = w.run_one(photo_post({fx().png}, "png two"));
    CHECK_FALSE(second.existing);
    REQUIRE(second.media.size() == 1);
    CHECK(second.media[0].reused);
    CHECK(second.media[0].row.sha256 == m.row.sha256);
    CHECK(second.media[0].row.id == m.row.id);
    CHECK(second.media[0].changes == m.changes);
    CHECK(counts(w) == Counts{2, 1, 2, 1, 2});
    CHECK(files_under(w.media_dir()).size() == 1);
}

TEST_CASE("queue: with fix off a PNG is refused, whether or not it was converted before") {
    World w;
    EnqueueOptions no_fix;
    no_fix.fix = false;
    auto e = error_of([&] { w.run_one(photo_post({fx().png}, "png"), no_fix); });
    CHECK(e.exit() == Exit::bad_input);
    CHECK(contains(e.what(), "c.png"));
    CHECK(counts(w) == Counts{});
    CHECK(files_under(w.media_dir()).empty());

    w.run_one(photo_post({fx().png}, "png, fixed"));
    e = error_of([&] { w.run_one(photo_post({fx().png}, "png again"), no_fix); });
    CHECK(e.exit() == Exit::bad_input);
    CHECK(contains(e.what(), "needs changes TikTok requires"));
    CHECK(contains(e.what(), "drop --no-fix"));
    CHECK(counts(w).posts == 1);

    // A JPEG that needs nothing passes with fix off.
    CHECK_NOTHROW(w.run_one(photo_post({fx().jpg_a}, "jpeg"), no_fix));
}

TEST_CASE("queue: an original whose stored copy was released is normalised again") {
    World w;
    auto first = w.run_one(photo_post({fx().png}, "png one"));
    cancel(*w.db, w.store, first.id);
    CHECK_FALSE(w.store.has(first.media[0].row.sha256, "image/jpeg"));
    auto again = w.run_one(photo_post({fx().png}, "png two"));
    CHECK_FALSE(again.media[0].reused);
    CHECK(w.store.has(again.media[0].row.sha256, "image/jpeg"));
}

TEST_CASE("queue: a dry run checks and converts but writes nothing") {
    World w;
    EnqueueOptions dry;
    dry.dry_run = true;
    auto in = photo_post({fx().png, fx().jpg_a}, "dry");
    in.at = "+1h";
    auto out = w.run({in, video_post(fx().mp4, "dry video")}, dry);
    REQUIRE(out.size() == 2);
    CHECK(out[0].id == 0);
    CHECK(out[0].due_at == k_now + 3600);
    CHECK_FALSE(out[0].existing);
    CHECK_FALSE(out[0].media[0].changes.empty());
    CHECK(out[0].media[0].row.mime == "image/jpeg");
    CHECK(out[0].media[0].row.id == 0);
    CHECK(out[1].media[0].row.duration_ms.has_value());
    CHECK(counts(w) == Counts{});
    CHECK(files_under(w.media_dir()).empty());
    // And a real run afterwards stores it.
    auto real = w.run({in});
    CHECK(real[0].id > 0);
    CHECK(real[0].key == out[0].key);
}

TEST_CASE("queue: unchanged originals are hard-linked into the store") {
    World w;
    fs::path jpg = w.dir.path() / "mine.jpg";
    fs::path mp4 = w.dir.path() / "mine.mp4";
    fs::copy_file(fx().jpg_a, jpg);
    fs::copy_file(fx().mp4, mp4);
    auto p = w.run_one(photo_post({jpg}, "linked"));
    auto v = w.run_one(video_post(mp4, "linked"));
    for (const auto& [original, stored] :
         {std::pair{jpg, w.store.path_of(p.media[0].row.sha256, "image/jpeg")},
          std::pair{mp4, w.store.path_of(v.media[0].row.sha256, "video/mp4")}}) {
        CAPTURE(original);
        struct stat a {};
        struct stat b {};
        REQUIRE(::stat(original.c_str(), &a) == 0);
        REQUIRE(::stat(stored.c_str(), &b) == 0);
        CHECK(a.st_ino == b.st_ino);
        CHECK(a.st_dev == b.st_dev);
        CHECK(a.st_nlink == 2);
    }
    // The script may now delete its own file: the store keeps the bytes.
    fs::remove(jpg);
    CHECK(w.store.has(p.media[0].row.sha256, "image/jpeg"));
}

// --- time -------------------------------------------------------------------------------------

TEST_CASE("queue: next-slot takes the slots after the account's last pending post, in order") {
    World w;
    w.db->slot_add(w.account_id, 0x7f, 18 * 60); // daily 18:00 UTC
    auto slot = [](const std::string& caption, std::size_t line) {
        auto in = photo_post({fx().jpg_a}, caption, line);
        in.at = "next-slot";
        return in;
    };
    auto out = w.run({slot("one", 1), slot("two", 2)});
    REQUIRE(out.size() == 2);
    CHECK(out[0].due_at == k_mon_1800);
    CHECK(out[1].due_at == k_tue_1800);
    CHECK(w.db->post(out[0].id)->at_text == "next-slot");
    CHECK(w.db->post(out[1].id)->due_at == k_tue_1800);

    auto later = photo_post({fx().jpg_b}, "fixed time");
    later.at = "2026-11-25T10:00Z";
    CHECK(w.run_one(later).due_at == k_wed_1000);

    out = w.run({slot("three", 1), slot("four", 2)});
    CHECK(out[0].due_at == k_wed_1800);
    CHECK(out[1].due_at == k_thu_1800);

    // A dry run shows the same slot a real run would take next.
    EnqueueOptions dry;
    dry.dry_run = true;
    CHECK(w.run({slot("five", 1)}, dry)[0].due_at == k_thu_1800 + 86400);
}

TEST_CASE("queue: next-slot without slots is a configuration error and leaves no files") {
    World w;
    auto in = photo_post({fx().png}, "slotless");
    in.at = "next-slot";
    auto e = error_of([&] { w.run_one(in); });
    CHECK(e.exit() == Exit::config_missing);
    CHECK(contains(e.what(), "account \"alice\" has no posting slots"));
    CHECK(contains(e.what(), "looppost slots add --account alice"));
    CHECK(counts(w) == Counts{});
    CHECK(files_under(w.media_dir()).empty());
}

TEST_CASE("queue: a bad at value is refused for its line") {
    World w;
    auto in = photo_post({fx().jpg_a}, "when?", 4);
    in.at = "tomorrowish";
    try {
        w.run({in});
        FAIL("accepted");
    } catch (const BatchError& e) {
        REQUIRE(e.lines().size() == 1);
        CHECK(e.lines()[0].rfind("line 4: ", 0) == 0);
    }
}

// --- what TikTok allows the creator -----------------------------------------------------------

TEST_CASE("queue: a direct post's privacy must be one creator_info offers") {
    World w;
    int asked = 0;
    EnqueueHooks hooks;
    hooks.creator_info = [&](const store::AccountRow& a) -> std::optional<tiktok::CreatorInfo> {
        ++asked;
        CHECK(a.name == "alice");
        return creator({"SELF_ONLY"});
    };
    auto e = error_of([&] { w.run_one(direct(photo_post({fx().jpg_a}, "x")), {}, hooks); });
    CHECK(e.exit() == Exit::bad_input);
    CHECK(contains(e.what(), "privacy PUBLIC_TO_EVERYONE is not allowed for alice"));
    CHECK(contains(e.what(), "TikTok offers: SELF_ONLY"));
    CHECK(contains(e.what(), "unaudited app"));
    CHECK(asked == 1);
    CHECK(counts(w) == Counts{});

    CHECK(w.run_one(direct(photo_post({fx().jpg_a}, "x"), "private"), {}, hooks).id > 0);
    CHECK(asked == 2);
}

TEST_CASE("queue: creator_info is asked once per account and never for inbox posts") {
    World w;
    int asked = 0;
    EnqueueHooks hooks;
    hooks.creator_info = [&](const store::AccountRow&) -> std::optional<tiktok::CreatorInfo> {
        ++asked;
        return creator();
    };
    w.run_one(photo_post({fx().jpg_a}, "inbox"), {}, hooks);
    CHECK(asked == 0);
    w.run({direct(photo_post({fx().jpg_a}, "d1"), "public"),
           direct(photo_post({fx().jpg_b}, "d2"), "friends")},
          {}, hooks);
    CHECK(asked == 1);
}

TEST_CASE("queue: comments cannot be allowed when the creator turned them off") {
    World w;
    EnqueueHooks hooks;
    hooks.creator_info = [&](const store::AccountRow&) -> std::optional<tiktok::CreatorInfo> {
        auto c = creator();
        c.comment_disabled = true;
        c.duet_disabled = true;
        return c;
    };
    auto in = direct(photo_post({fx().jpg_a}, "x"));
    in.allow_comments = true;
    auto e = error_of([&] { w.run_one(in, {}, hooks); });
    CHECK(e.exit() == Exit::bad_input);
    CHECK(contains(e.what(), "turned comments off"));

    auto v = direct(video_post(fx().mp4, "x"));
    v.allow_duet = true;
    CHECK(contains(error_of([&] { w.run_one(v, {}, hooks); }).what(), "duets are turned off"));

    in.allow_comments = false;
    CHECK(w.run_one(in, {}, hooks).id > 0);
}

TEST_CASE("queue: a video longer than the creator's maximum is refused") {
    World w;
    EnqueueHooks hooks;
    hooks.creator_info = [&](const store::AccountRow&) -> std::optional<tiktok::CreatorInfo> {
        auto c = creator();
        c.max_video_post_duration_sec = 1;
        return c;
    };
    auto e = error_of([&] { w.run_one(direct(video_post(fx().mp4, "long")), {}, hooks); });
    CHECK(e.exit() == Exit::bad_input);
    CHECK(contains(e.what(), "lasts 2.0 s; alice may post at most 1 s"));
    CHECK(contains(e.what(), "-t 1 -c copy"));
    CHECK(counts(w) == Counts{});
    CHECK(files_under(w.media_dir()).empty());
}

TEST_CASE("queue: a video cover past the video's end is refused") {
    World w;
    auto in = video_post(fx().mp4, "cover");
    in.cover_ms = 60'000;
    auto e = error_of([&] { w.run_one(in); });
    CHECK(contains(e.what(), "cover_ms 60000 is past the video's end"));
    in.cover_ms = 500;
    CHECK(w.run_one(in).id > 0);
}

TEST_CASE("queue: the consent hook sees each account's direct posts and can stop them all") {
    World w;
    std::size_t shown = 0;
    EnqueueHooks hooks;
    hooks.creator_info = [&](const store::AccountRow&) -> std::optional<tiktok::CreatorInfo> {
        return creator();
    };
    hooks.consent = [&](const store::AccountRow& a, const std::optional<tiktok::CreatorInfo>& c,
                        const std::vector<const Draft*>& drafts) {
        CHECK(a.name == "alice");
        REQUIRE(c);
        CHECK(c->nickname == "Alice");
        shown = drafts.size();
        throw Error(Exit::usage, "declined");
    };
    std::vector<PostInput> lines = {direct(photo_post({fx().png}, "d1", 1)),
                                    photo_post({fx().jpg_a}, "inbox", 2),
                                    direct(photo_post({fx().jpg_b}, "d2", 3))};
    auto e = error_of([&] { w.run(lines, {}, hooks); });
    CHECK(std::string(e.what()) == "declined");
    CHECK(shown == 2);
    CHECK(counts(w) == Counts{});
    CHECK(files_under(w.media_dir()).empty());
}

TEST_CASE("queue: a post another run stored meanwhile is found, repeats within the input too") {
    World w;
    auto line = direct(photo_post({fx().jpg_a}, "raced"));
    std::int64_t other_id = 0;
    EnqueueHooks hooks;
    hooks.consent = [&](const store::AccountRow&, const std::optional<tiktok::CreatorInfo>&,
                        const std::vector<const Draft*>&) {
        // Another looppost process stores the same post while this one waits for consent.
        auto other_db = store::Db::open(w.db->file());
        media::LocalStore other_store(w.media_dir());
        auto single = line;
        single.line = 0;
        other_id = enqueue(*other_db, other_store, {single}, k_now, {}, {}).front().id;
    };
    auto first = line;
    first.line = 1;
    auto second = line;
    second.line = 2;
    auto out = w.run({first, second}, {}, hooks);
    REQUIRE(out.size() == 2);
    CHECK(other_id > 0);
    CHECK(out[0].existing);
    CHECK(out[0].id == other_id);
    CHECK(out[1].existing);
    CHECK(out[1].id == other_id);
    CHECK(counts(w).posts == 1);
}

// --- releasing media --------------------------------------------------------------------------

TEST_CASE("queue: cancelling a post releases the media no other post needs") {
    World w;
    auto a = w.run_one(photo_post({fx().jpg_a, fx().jpg_b}, "to cancel"));
    auto b = w.run_one(photo_post({fx().jpg_b}, "stays"));
    const auto& sha_a = a.media[0].row.sha256;
    const auto& sha_b = a.media[1].row.sha256;
    CHECK(w.store.has(sha_a, "image/jpeg"));

    auto cancelled = cancel(*w.db, w.store, a.id);
    CHECK(cancelled.state == "cancelled");
    CHECK_FALSE(w.store.has(sha_a, "image/jpeg"));
    CHECK(w.store.has(sha_b, "image/jpeg"));    // post b still needs it
    CHECK(w.db->post(a.id)->media.size() == 2); // the rows say what it carried
    CHECK(release_media(*w.db, w.store) == 0);

    w.db->post_set_state(b.id, {"queued"}, "published");
    CHECK(release_media(*w.db, w.store) == 1);
    CHECK_FALSE(w.store.has(sha_b, "image/jpeg"));
    CHECK(files_under(w.media_dir()).empty());
}

TEST_CASE("queue: a failed post keeps its media for a retry") {
    World w;
    auto a = w.run_one(photo_post({fx().jpg_a}, "fails"));
    w.db->post_set_state(a.id, {"queued"}, "failed");
    CHECK(release_media(*w.db, w.store) == 0);
    CHECK(w.store.has(a.media[0].row.sha256, "image/jpeg"));
}
