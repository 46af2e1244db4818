#include <doctest/doctest.h>
#include <functional>
#include <looppost/core/errors.hpp>
#include <looppost/queue/post.hpp>
#include <set>
#include <string>

using namespace looppost;
using namespace looppost::queue;
namespace fs = std::filesystem;

namespace {

store::AccountRow account(std::vector<std::string> scopes = {"video.upload", "video.publish"}) {
    store::AccountRow a;
    a.id = 1;
    a.name = "alice";
    a.open_id = "open-alice";
    a.scopes = std::move(scopes);
    return a;
}

PostInput video(std::string caption = "") {
    PostInput in;
    in.video = "/m/a.mp4";
    if (!caption.empty())
        in.caption = std::move(caption);
    return in;
}

PostInput photos(std::size_t n) {
    PostInput in;
    for (std::size_t i = 0; i < n; ++i)
        in.photos.push_back("/m/" + std::to_string(i) + ".jpg");
    return in;
}

/// The bad_input message check_post gives for `in`; fails the test when it accepts it.
std::string refusal(const PostInput& in, const store::AccountRow& a = account()) {
    try {
        check_post(in, a);
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::bad_input);
        return e.what();
    }
    FAIL("check_post accepted the post");
    return "";
}

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::set<std::string> keys_of(const nlohmann::json& o) {
    std::set<std::string> out;
    for (const auto& [k, v] : o.items())
        out.insert(k);
    return out;
}

const std::string k_emoji = "\xF0\x9F\x98\x80"; // U+1F600: 4 bytes, 2 UTF-16 units

std::string key_of(const PostInput& in, const std::vector<std::string>& shas = {"aa"},
                   const store::AccountRow& a = account()) {
    return default_key(check_post(in, a), shas);
}

} // namespace

// --- kinds and media --------------------------------------------------------------------------

TEST_CASE("queue: a post is a video or photos, not both and not neither") {
    PostInput both = video();
    both.photos = {"/m/a.jpg"};
    CHECK(contains(refusal(both), "a video or photos, not both"));
    CHECK(contains(refusal(PostInput{}), "no media"));
}

TEST_CASE("queue: a photo post takes up to 35 photos") {
    auto d = check_post(photos(35), account());
    CHECK(d.kind == "photo");
    CHECK(d.media.size() == 35);
    auto msg = refusal(photos(36));
    CHECK(contains(msg, "36 photos"));
    CHECK(contains(msg, "1 to 35"));
}

TEST_CASE("queue: a checked video keeps its one file, the caption and the time as given") {
    PostInput in = video("hello");
    in.at = "+2h";
    auto d = check_post(in, account());
    CHECK(d.kind == "video");
    CHECK(d.media == std::vector<fs::path>{"/m/a.mp4"});
    CHECK(d.caption == "hello");
    CHECK(d.at_text == "+2h");
    CHECK(check_post(video(), account()).at_text == "now");
}

// --- mode and privacy -------------------------------------------------------------------------

TEST_CASE("queue: the mode defaults to the account's and is checked when given") {
    auto a = account();
    a.mode = "direct";
    PostInput in = video();
    in.privacy = "private";
    CHECK(check_post(in, a).mode == "direct");
    CHECK(check_post(video(), account()).mode == "inbox");
    in.mode = "Inbox";
    CHECK(check_post(in, a).mode == "inbox");
    in.mode = "draft";
    CHECK(contains(refusal(in), "mode \"draft\" is not inbox or direct"));
}

TEST_CASE("queue: a direct post without privacy is refused: there is no default") {
    PostInput in = video();
    in.mode = "direct";
    CHECK(contains(refusal(in), "a direct post needs --privacy"));
    in.privacy = "followers";
    CHECK(check_post(in, account()).privacy == "FOLLOWER_OF_CREATOR");
}

TEST_CASE("queue: an inbox post may leave privacy unset") {
    CHECK_FALSE(check_post(video(), account()).privacy);
}

TEST_CASE("queue: an unknown privacy is refused naming the choices") {
    PostInput in = video();
    in.privacy = "everyone";
    auto msg = refusal(in);
    CHECK(contains(msg, "privacy \"everyone\""));
    for (const char* choice : {"public", "friends", "followers", "private", "PUBLIC_TO_EVERYONE",
                               "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"}) {
        CHECK(contains(msg, choice));
    }
    in.privacy = "publc";
    CHECK(contains(refusal(in), "did you mean \"public\"?"));
}

TEST_CASE("queue: privacy names are read short or long, in any case") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"public", "PUBLIC_TO_EVERYONE"},
        {"PUBLIC", "PUBLIC_TO_EVERYONE"},
        {"public_to_everyone", "PUBLIC_TO_EVERYONE"},
        {"PUBLIC_TO_EVERYONE", "PUBLIC_TO_EVERYONE"},
        {"Friends", "MUTUAL_FOLLOW_FRIENDS"},
        {"mutual_follow_friends", "MUTUAL_FOLLOW_FRIENDS"},
        {"followers", "FOLLOWER_OF_CREATOR"},
        {"Follower_Of_Creator", "FOLLOWER_OF_CREATOR"},
        {"private", "SELF_ONLY"},
        {"self_only", "SELF_ONLY"},
        {" Private ", "SELF_ONLY"},
    };
    for (const auto& [given, name] : cases) {
        CAPTURE(given);
        CHECK(privacy_level(given) == name);
        PostInput in = video();
        in.mode = "direct";
        in.privacy = given;
        CHECK(check_post(in, account()).privacy == name);
    }
}

TEST_CASE("queue: branded content cannot be private") {
    PostInput in = video();
    in.mode = "direct";
    in.privacy = "private";
    in.brand_content = true;
    CHECK(contains(refusal(in), "branded content cannot be private"));
    in.privacy = "SELF_ONLY";
    CHECK(contains(refusal(in), "branded content cannot be private"));
    in.privacy = "public";
    CHECK(check_post(in, account()).options["brand_content"] == true);
    // Promoting one's own brand may stay private.
    in.brand_content = false;
    in.brand_organic = true;
    in.privacy = "private";
    CHECK(check_post(in, account()).options["brand_organic"] == true);
}

// --- options of the other kind ----------------------------------------------------------------

TEST_CASE("queue: a photo post refuses duet, stitch, aigc and cover_ms") {
    for (const char* name : {"allow_duet", "allow_stitch", "aigc", "cover_ms"}) {
        CAPTURE(name);
        PostInput in = photos(2);
        std::string n = name;
        if (n == "allow_duet")
            in.allow_duet = false; // given at all, even off
        else if (n == "allow_stitch")
            in.allow_stitch = true;
        else if (n == "aigc")
            in.aigc = true;
        else
            in.cover_ms = 100;
        auto msg = refusal(in);
        CHECK(contains(msg, n + " does not apply to photos"));
    }
}

TEST_CASE("queue: a video refuses a title, auto_music and cover_index") {
    PostInput in = video();
    in.title = "a title";
    CHECK(contains(refusal(in), "a video has no title"));
    in = video();
    in.auto_music = true;
    CHECK(contains(refusal(in), "auto_music applies only to photo posts"));
    in = video();
    in.cover_index = 0;
    CHECK(contains(refusal(in), "cover_index applies only to photo posts"));
}

TEST_CASE("queue: cover_index must name one of the photos") {
    PostInput in = photos(3);
    in.cover_index = 2;
    CHECK(check_post(in, account()).options["cover_index"] == 2);
    in.cover_index = 3;
    auto msg = refusal(in);
    CHECK(contains(msg, "cover_index 3 is not one of the 3 photos (0 to 2)"));
    in.cover_index = -1;
    CHECK(contains(refusal(in), "cover_index -1"));
}

TEST_CASE("queue: a negative cover_ms is refused") {
    PostInput in = video();
    in.cover_ms = -5;
    CHECK(contains(refusal(in), "cover_ms -5 is negative"));
    in.cover_ms = 0;
    CHECK(check_post(in, account()).options["cover_ms"] == 0);
}

// --- text limits ------------------------------------------------------------------------------

TEST_CASE("queue: a video caption may be 2200 UTF-16 units and not one more") {
    CHECK_NOTHROW(check_post(video(std::string(2200, 'a')), account()));
    CHECK_NOTHROW(check_post(video(std::string(2198, 'a') + k_emoji), account()));
    auto msg = refusal(video(std::string(2201, 'a')));
    CHECK(contains(msg, "2201 UTF-16 units"));
    CHECK(contains(msg, "allows 2200"));
}

TEST_CASE("queue: an emoji at the caption's end counts two units and tips it over") {
    // 2199 ASCII characters and one emoji: 2203 bytes, 2200 code points, 2201 UTF-16 units.
    std::string caption = std::string(2199, 'a') + k_emoji;
    auto msg = refusal(video(caption));
    CHECK(contains(msg, "the caption is 2201 UTF-16 units long"));
    CHECK(contains(msg, "1 over"));
    CHECK(contains(msg, "an emoji counts as 2"));
}

TEST_CASE("queue: a photo title may be 90 UTF-16 units and not 91") {
    PostInput in = photos(1);
    in.title = std::string(90, 't');
    CHECK(check_post(in, account()).title == std::string(90, 't'));
    in.title = std::string(88, 't') + k_emoji;
    CHECK_NOTHROW(check_post(in, account()));
    in.title = std::string(91, 't');
    CHECK(contains(refusal(in), "the title is 91 UTF-16 units long; TikTok allows 90"));
    in.title = std::string(89, 't') + k_emoji;
    CHECK(contains(refusal(in), "the title is 91 UTF-16 units"));
}

TEST_CASE("queue: a photo description may be 4000 UTF-16 units and not 4001") {
    PostInput in = photos(1);
    in.caption = std::string(4000, 'd');
    CHECK(check_post(in, account()).caption.size() == 4000);
    in.caption = std::string(4001, 'd');
    auto msg = refusal(in);
    CHECK(contains(msg, "the description (caption) is 4001 UTF-16 units"));
    CHECK(contains(msg, "allows 4000"));
}

TEST_CASE("queue: a photo description may be longer than a video caption") {
    PostInput in = photos(1);
    in.caption = std::string(3000, 'd');
    CHECK_NOTHROW(check_post(in, account()));
    CHECK(contains(refusal(video(std::string(3000, 'd'))), "3000 UTF-16 units"));
}

TEST_CASE("queue: text that is not valid UTF-8 is refused") {
    auto msg = refusal(video("caf\xC3"));
    CHECK(contains(msg, "the caption is not valid UTF-8"));
    CHECK(contains(msg, "offset 3"));
    PostInput in = photos(1);
    in.title = "\xFF title";
    CHECK(contains(refusal(in), "the title is not valid UTF-8"));
    in.title.reset();
    in.caption = "ok \xC0\xAF overlong";
    CHECK(contains(refusal(in), "the description (caption) is not valid UTF-8"));
}

// --- scopes -----------------------------------------------------------------------------------

TEST_CASE("queue: a direct post needs video.publish and an inbox post video.upload") {
    PostInput direct = video();
    direct.mode = "direct";
    direct.privacy = "public";
    auto msg = refusal(direct, account({"video.upload"}));
    CHECK(contains(msg, "account \"alice\" has no video.publish permission"));
    CHECK(contains(msg, "--mode inbox"));
    CHECK_NOTHROW(check_post(direct, account({"video.publish"})));

    msg = refusal(video(), account({"video.publish"}));
    CHECK(contains(msg, "has no video.upload permission, which inbox posts need"));
    CHECK_FALSE(contains(msg, "--mode inbox"));
    CHECK_NOTHROW(check_post(video(), account({"video.upload"})));
}

// --- options ----------------------------------------------------------------------------------

TEST_CASE("queue: toggles are off unless given") {
    auto v = check_post(video(), account()).options;
    for (const char* k :
         {"allow_comments", "allow_duet", "allow_stitch", "aigc", "brand_organic", "brand_content"})
        CHECK(v[k] == false);
    auto p = check_post(photos(2), account()).options;
    for (const char* k : {"allow_comments", "auto_music", "brand_organic", "brand_content"})
        CHECK(p[k] == false);
    CHECK(p["cover_index"] == 0);
}

TEST_CASE("queue: the options hold only the keys of the post's kind") {
    auto v = check_post(video(), account()).options;
    CHECK(keys_of(v) == std::set<std::string>{"allow_comments", "allow_duet", "allow_stitch",
                                              "aigc", "brand_organic", "brand_content"});
    PostInput with_cover = video();
    with_cover.cover_ms = 1200;
    CHECK(keys_of(check_post(with_cover, account()).options).count("cover_ms") == 1);

    auto p = check_post(photos(2), account()).options;
    CHECK(keys_of(p) == std::set<std::string>{"allow_comments", "auto_music", "brand_organic",
                                              "brand_content", "cover_index"});
}

TEST_CASE("queue: toggles that are given are kept") {
    PostInput in = video();
    in.allow_comments = true;
    in.allow_duet = true;
    in.allow_stitch = false;
    in.aigc = true;
    auto o = check_post(in, account()).options;
    CHECK(o["allow_comments"] == true);
    CHECK(o["allow_duet"] == true);
    CHECK(o["allow_stitch"] == false);
    CHECK(o["aigc"] == true);
    PostInput p = photos(1);
    p.auto_music = true;
    p.allow_comments = true;
    auto po = check_post(p, account()).options;
    CHECK(po["auto_music"] == true);
    CHECK(po["allow_comments"] == true);
}

TEST_CASE("queue: an empty key is refused") {
    PostInput in = video();
    in.key = "";
    CHECK(contains(refusal(in), "the key is empty"));
}

// --- the idempotency key ----------------------------------------------------------------------

TEST_CASE("queue: the default key is stable for the same post") {
    PostInput in = video("hi");
    in.at = "+2h";
    CHECK(key_of(in) == key_of(in));
    CHECK(key_of(in).size() == 64);
}

TEST_CASE("queue: the default key changes with each of its ingredients") {
    PostInput base = photos(2);
    base.caption = "caption";
    base.title = "title";
    base.mode = "direct";
    base.privacy = "public";
    base.at = "+2h";
    const std::vector<std::string> shas = {"sha-1", "sha-2"};
    const std::string k = key_of(base, shas);

    CHECK(key_of(base, {"sha-2", "sha-1"}) != k); // media order
    CHECK(key_of(base, {"sha-1", "sha-3"}) != k); // media content
    CHECK(key_of(base, {"sha-1"}) != k);

    auto other_account = account();
    other_account.open_id = "open-bob";
    CHECK(key_of(base, shas, other_account) != k);

    auto changed = [&](const std::function<void(PostInput&)>& f) {
        PostInput in = base;
        f(in);
        return key_of(in, shas);
    };
    CHECK(changed([](PostInput& in) { in.caption = "caption!"; }) != k);
    CHECK(changed([](PostInput& in) { in.title = "title!"; }) != k);
    CHECK(changed([](PostInput& in) { in.title.reset(); }) != k);
    CHECK(changed([](PostInput& in) {
              in.mode = "inbox";
              in.privacy.reset();
          }) != k);
    CHECK(changed([](PostInput& in) { in.mode = "inbox"; }) != k);
    CHECK(changed([](PostInput& in) { in.privacy = "friends"; }) != k);
    CHECK(changed([](PostInput& in) { in.at = "+3h"; }) != k);
    CHECK(changed([](PostInput& in) { in.at = "+120m"; }) != k); // the text, not the instant
    CHECK(changed([](PostInput& in) { in.at = "now"; }) != k);

    // Not ingredients: the toggles and the cover.
    CHECK(changed([](PostInput& in) { in.allow_comments = true; }) == k);
    CHECK(changed([](PostInput& in) { in.cover_index = 1; }) == k);
}

TEST_CASE("queue: the default key reads privacy by TikTok's name, whichever spelling is given") {
    PostInput a = video("same");
    a.mode = "direct";
    a.privacy = "public";
    PostInput b = a;
    b.privacy = "PUBLIC_TO_EVERYONE";
    PostInput c = a;
    c.privacy = "Public";
    CHECK(key_of(a) == key_of(b));
    CHECK(key_of(a) == key_of(c));
}

TEST_CASE("queue: the default key keeps the at text as given") {
    PostInput in = video("same");
    in.at = "+2h";
    auto d = check_post(in, account());
    CHECK(d.at_text == "+2h");
    // Nothing in the key depends on when it is computed: run twice, one key.
    CHECK(default_key(d, {"aa"}) == key_of(in));
    PostInput slot = in;
    slot.at = "next-slot";
    CHECK(key_of(slot) != key_of(in));
}
