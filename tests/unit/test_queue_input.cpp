#include <doctest/doctest.h>
#include <looppost/queue/input.hpp>
#include <string>
#include <vector>

using namespace looppost;
using namespace looppost::queue;
namespace fs = std::filesystem;

namespace {

const fs::path k_base = "/data/posts";

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::vector<PostInput> jsonl(std::string_view text, std::vector<LineError>& errors) {
    return parse_jsonl(text, k_base, errors);
}

std::vector<PostInput> csv(std::string_view text, std::vector<LineError>& errors) {
    return parse_csv_posts(text, k_base, errors);
}

/// The one error of a text that should have exactly one.
LineError only_error(const std::vector<LineError>& errors) {
    REQUIRE(errors.size() == 1);
    return errors.front();
}

} // namespace

// --- JSONL ------------------------------------------------------------------------------------

TEST_CASE("queue: a JSONL object per line becomes one post each, numbered by its line") {
    std::vector<LineError> errors;
    auto posts = jsonl("{\"video\": \"a.mp4\", \"caption\": \"one\"}\n"
                       "{\"photo\": [\"b.jpg\"], \"caption\": \"two\", \"title\": \"t\"}\n",
                       errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 2);
    CHECK(posts[0].line == 1);
    CHECK(posts[0].video == k_base / "a.mp4");
    CHECK(posts[0].photos.empty());
    CHECK(posts[0].caption == "one");
    CHECK_FALSE(posts[0].title);
    CHECK(posts[1].line == 2);
    CHECK_FALSE(posts[1].video);
    CHECK(posts[1].photos == std::vector<fs::path>{k_base / "b.jpg"});
    CHECK(posts[1].title == "t");
}

TEST_CASE("queue: blank JSONL lines are skipped but still counted") {
    std::vector<LineError> errors;
    auto posts = jsonl("\n{\"video\": \"a.mp4\"}\n   \n\t\n{\"video\": \"b.mp4\"}\n\n", errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 2);
    CHECK(posts[0].line == 2);
    CHECK(posts[1].line == 5);
}

TEST_CASE("queue: a UTF-8 BOM before the first JSONL line is ignored") {
    std::vector<LineError> errors;
    auto posts = jsonl("\xEF\xBB\xBF{\"video\": \"a.mp4\"}\n", errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].line == 1);
    CHECK(posts[0].video == k_base / "a.mp4");
}

TEST_CASE("queue: JSONL lines ending in CRLF are read like LF lines") {
    std::vector<LineError> errors;
    auto posts = jsonl("{\"video\": \"a.mp4\"}\r\n{\"video\": \"b.mp4\"}\r\n", errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 2);
    CHECK(posts[1].line == 2);
}

TEST_CASE("queue: a JSONL line that is not an object is an error naming the line") {
    std::vector<LineError> errors;
    auto posts = jsonl("{\"video\": \"a.mp4\"}\n[\"b.mp4\"]\n\"c.mp4\"\n", errors);
    REQUIRE(posts.size() == 1);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].line == 2);
    CHECK(contains(errors[0].message, "expected a JSON object, found array"));
    CHECK(errors[1].line == 3);
    CHECK(contains(errors[1].message, "found string"));
}

TEST_CASE("queue: invalid JSON is reported for its line and the other lines still parse") {
    std::vector<LineError> errors;
    auto posts = jsonl("{\"video\": \"a.mp4\"}\n{\"video\": \"b.mp4\",}\n{\"video\": \"c.mp4\"}\n"
                       "{\"video\": \"d.mp4\"\n",
                       errors);
    CHECK(posts.size() == 2);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].line == 2);
    CHECK(contains(errors[0].message, "not valid JSON"));
    CHECK(contains(errors[0].message, "syntax error"));
    CHECK(errors[1].line == 4);
    CHECK(contains(errors[1].message, "not valid JSON"));
}

TEST_CASE("queue: an unknown JSONL key is an error with a did-you-mean") {
    std::vector<LineError> errors;
    auto posts = jsonl("{\"video\": \"a.mp4\", \"captoin\": \"hi\"}\n", errors);
    CHECK(posts.empty());
    auto e = only_error(errors);
    CHECK(e.line == 1);
    CHECK(contains(e.message, "unknown field \"captoin\""));
    CHECK(contains(e.message, "did you mean \"caption\"?"));
}

TEST_CASE("queue: JSONL values of the wrong type are errors that name the field") {
    struct Case {
        std::string line;
        std::string message;
    };
    const std::vector<Case> cases = {
        {R"({"video": "a.mp4", "caption": true})", "caption must be text, not true or false"},
        {R"({"video": "a.mp4", "at": 7200})", "at must be text such as \"+2h\", not a number"},
        {R"({"video": "a.mp4", "privacy": 3})", "privacy must be text, not a number"},
        {R"({"video": "a.mp4", "caption": {"a": 1}})", "caption has a value of the wrong type"},
        {R"({"video": ["a.mp4"]})", "video has a value of the wrong type (array)"},
        {R"({"photo": []})", "photo is an empty list"},
        {R"({"photo": ["a.jpg", 3]})", "photo must be a list of file names"},
        {R"({"video": ""})", "video is empty"},
        {R"({"photo": [""]})", "an empty media path"},
        {R"({"photo": ["a.jpg"], "cover_index": 1.5})", "cover_index has a value of the wrong"},
        {R"({"photo": ["a.jpg"], "cover_index": "first"})",
         "cover_index must be a whole number, not \"first\""},
        {R"({"video": "a.mp4", "allow_comments": "maybe"})",
         "allow_comments must be true or false, not \"maybe\""},
        {R"({"video": "a.mp4", "allow_comments": 1})", "allow_comments must be true or false"},
        {R"({"photo": ["a.jpg"], "cover_index": true})", "cover_index must be a whole number"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        std::vector<LineError> errors;
        auto posts = jsonl(c.line + "\n", errors);
        CHECK(posts.empty());
        auto e = only_error(errors);
        CHECK(e.line == 1);
        CHECK_MESSAGE(contains(e.message, c.message), e.message);
    }
}

TEST_CASE("queue: a JSONL photo list keeps its order and a null value means unset") {
    std::vector<LineError> errors;
    auto posts =
        jsonl(R"({"photo": ["3.jpg", "1.jpg", "2.webp"], "title": null, "key": null})", errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].photos ==
          std::vector<fs::path>{k_base / "3.jpg", k_base / "1.jpg", k_base / "2.webp"});
    CHECK_FALSE(posts[0].title);
    CHECK_FALSE(posts[0].key);
}

TEST_CASE("queue: JSONL media paths are resolved against the base unless absolute") {
    std::vector<LineError> errors;
    auto posts = jsonl("{\"video\": \"clips/a.mp4\"}\n"
                       "{\"video\": \"/srv/b.mp4\"}\n"
                       "{\"photo\": [\"../up.jpg\", \"/abs/x.jpg\"]}\n",
                       errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 3);
    CHECK(posts[0].video == k_base / "clips/a.mp4");
    CHECK(posts[1].video == fs::path("/srv/b.mp4"));
    CHECK(posts[2].photos == std::vector<fs::path>{k_base / "../up.jpg", "/abs/x.jpg"});
}

TEST_CASE("queue: JSONL booleans and whole numbers fill the toggles and the covers") {
    std::vector<LineError> errors;
    auto posts = jsonl(R"({"video": "a.mp4", "allow_comments": true, "allow_duet": false,)"
                       R"( "allow_stitch": true, "brand_organic": true, "brand_content": false,)"
                       R"( "aigc": true, "cover_ms": 1500})"
                       "\n"
                       R"({"photo": ["a.jpg", "b.jpg"], "auto_music": true, "cover_index": 1})"
                       "\n",
                       errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 2);
    const auto& v = posts[0];
    CHECK(v.allow_comments == true);
    CHECK(v.allow_duet == false);
    CHECK(v.allow_stitch == true);
    CHECK(v.brand_organic == true);
    CHECK(v.brand_content == false);
    CHECK(v.aigc == true);
    CHECK(v.cover_ms == 1500);
    CHECK_FALSE(v.auto_music);
    CHECK_FALSE(v.cover_index);
    const auto& p = posts[1];
    CHECK(p.auto_music == true);
    CHECK(p.cover_index == 1);
    CHECK_FALSE(p.allow_comments);
}

TEST_CASE("queue: every JSONL text field is read as given") {
    std::vector<LineError> errors;
    auto posts = jsonl(R"({"account": "alice", "video": "a.mp4", "caption": "hi #fyp",)"
                       R"( "at": "+2h", "mode": "direct", "privacy": "public", "key": "k-1"})",
                       errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].account == "alice");
    CHECK(posts[0].caption == "hi #fyp");
    CHECK(posts[0].at == "+2h");
    CHECK(posts[0].mode == "direct");
    CHECK(posts[0].privacy == "public");
    CHECK(posts[0].key == "k-1");
}

// --- CSV --------------------------------------------------------------------------------------

TEST_CASE("queue: a CSV header names the columns and each row is one post") {
    std::vector<LineError> errors;
    auto posts = csv("video,caption,at\n"
                     "a.mp4,first,+1h\n"
                     "b.mp4,second,now\n",
                     errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 2);
    CHECK(posts[0].line == 2);
    CHECK(posts[0].video == k_base / "a.mp4");
    CHECK(posts[0].caption == "first");
    CHECK(posts[0].at == "+1h");
    CHECK(posts[1].line == 3);
    CHECK(posts[1].at == "now");
}

TEST_CASE("queue: CSV header names are trimmed and case-insensitive") {
    std::vector<LineError> errors;
    auto posts = csv(" Video , CAPTION\na.mp4,hi\n", errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].video == k_base / "a.mp4");
    CHECK(posts[0].caption == "hi");
}

TEST_CASE("queue: a CSV photo cell lists photos separated by bars, resolved against the base") {
    std::vector<LineError> errors;
    auto posts = csv("photo,cover_index\n"
                     "a.jpg| b.jpg |/abs/c.jpg,2\n",
                     errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].photos ==
          std::vector<fs::path>{k_base / "a.jpg", k_base / "b.jpg", fs::path("/abs/c.jpg")});
    CHECK(posts[0].cover_index == 2);
}

TEST_CASE("queue: an empty CSV photo list item is an error") {
    std::vector<LineError> errors;
    auto posts = csv("photo\na.jpg||b.jpg\n", errors);
    CHECK(posts.empty());
    auto e = only_error(errors);
    CHECK(e.line == 2);
    CHECK(contains(e.message, "an empty media path"));
}

TEST_CASE("queue: a quoted CSV caption may span lines; the next record keeps its own line") {
    std::vector<LineError> errors;
    auto posts = csv("video,caption,allow_comments\n"
                     "a.mp4,\"line one\nline two, with a comma and \"\"quotes\"\"\",yes\n"
                     "b.mp4,plain,maybe\n",
                     errors);
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].line == 2);
    CHECK(posts[0].caption == "line one\nline two, with a comma and \"quotes\"");
    auto e = only_error(errors);
    CHECK(e.line == 4);
    CHECK(contains(e.message, "allow_comments must be true or false, not \"maybe\""));
}

TEST_CASE("queue: a UTF-8 BOM before the CSV header is ignored") {
    std::vector<LineError> errors;
    auto posts = csv("\xEF\xBB\xBFvideo,caption\na.mp4,hi\n", errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].video == k_base / "a.mp4");
}

TEST_CASE("queue: an unclosed CSV quote is one error at the line where it opened") {
    std::vector<LineError> errors;
    auto posts = csv("video,caption\n"
                     "a.mp4,fine\n"
                     "b.mp4,\"never closed\n"
                     "c.mp4,more\n",
                     errors);
    CHECK(posts.empty());
    auto e = only_error(errors);
    CHECK(e.line == 3);
    CHECK(contains(e.message, "unclosed quote"));
}

TEST_CASE("queue: a CSV row with a different field count is an error for that row only") {
    std::vector<LineError> errors;
    auto posts = csv("video,caption\n"
                     "a.mp4,one\n"
                     "b.mp4,two,extra\n"
                     "c.mp4\n"
                     "d.mp4,four\n",
                     errors);
    REQUIRE(posts.size() == 2);
    CHECK(posts[0].line == 2);
    CHECK(posts[1].line == 5);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].line == 3);
    CHECK(contains(errors[0].message, "3 fields where the header has 2"));
    CHECK(errors[1].line == 4);
    CHECK(contains(errors[1].message, "1 fields where the header has 2"));
}

TEST_CASE("queue: an unknown CSV column is a header error with a did-you-mean") {
    std::vector<LineError> errors;
    auto posts = csv("video,privcy\na.mp4,public\n", errors);
    CHECK(posts.empty());
    auto e = only_error(errors);
    CHECK(e.line == 1);
    CHECK(contains(e.message, "header: unknown field \"privcy\""));
    CHECK(contains(e.message, "did you mean \"privacy\"?"));
}

TEST_CASE("queue: a CSV column named twice is a header error") {
    std::vector<LineError> errors;
    auto posts = csv("video,caption,Caption\na.mp4,x,y\n", errors);
    CHECK(posts.empty());
    auto e = only_error(errors);
    CHECK(e.line == 1);
    CHECK(contains(e.message, "column \"caption\" twice"));
}

TEST_CASE("queue: CSV booleans read yes, no, 1, 0 and true/false; an empty cell means unset") {
    std::vector<LineError> errors;
    auto posts = csv("video,allow_comments,allow_duet,allow_stitch,aigc\n"
                     "a.mp4,yes,no,1,0\n"
                     "b.mp4,TRUE,False,,\n"
                     "c.mp4, Yes ,N,on,off\n",
                     errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 3);
    CHECK(posts[0].allow_comments == true);
    CHECK(posts[0].allow_duet == false);
    CHECK(posts[0].allow_stitch == true);
    CHECK(posts[0].aigc == false);
    CHECK(posts[1].allow_comments == true);
    CHECK(posts[1].allow_duet == false);
    CHECK_FALSE(posts[1].allow_stitch);
    CHECK_FALSE(posts[1].aigc);
    CHECK(posts[2].allow_comments == true);
    CHECK(posts[2].allow_duet == false);
    CHECK(posts[2].allow_stitch == true);
    CHECK(posts[2].aigc == false);
}

TEST_CASE("queue: empty CSV cells leave text fields and media unset") {
    std::vector<LineError> errors;
    auto posts = csv("video,photo,caption,title,cover_index\n"
                     "a.mp4,,,,\n",
                     errors);
    CHECK(errors.empty());
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].video == k_base / "a.mp4");
    CHECK(posts[0].photos.empty());
    CHECK_FALSE(posts[0].caption);
    CHECK_FALSE(posts[0].title);
    CHECK_FALSE(posts[0].cover_index);
}

TEST_CASE("queue: a CSV with only a header holds no posts and no errors") {
    std::vector<LineError> errors;
    CHECK(csv("video,caption\n", errors).empty());
    CHECK(errors.empty());
    CHECK(csv("", errors).empty());
    CHECK(errors.empty());
}

TEST_CASE("queue: a bad CSV number names the column and the value") {
    std::vector<LineError> errors;
    auto posts = csv("video,cover_ms\na.mp4,12x\n", errors);
    CHECK(posts.empty());
    auto e = only_error(errors);
    CHECK(e.line == 2);
    CHECK(contains(e.message, "cover_ms must be a whole number, not \"12x\""));
}

// --- defaults ---------------------------------------------------------------------------------

TEST_CASE("queue: with_defaults lets the line win and fills what it leaves unset") {
    PostInput line;
    line.line = 7;
    line.video = "/a.mp4";
    line.caption = "mine";
    line.allow_comments = false;

    PostInput defaults;
    defaults.account = "alice";
    defaults.photos = {"/d.jpg"};
    defaults.caption = "theirs";
    defaults.title = "default title";
    defaults.at = "+2h";
    defaults.mode = "direct";
    defaults.privacy = "public";
    defaults.allow_comments = true;
    defaults.allow_duet = true;
    defaults.allow_stitch = true;
    defaults.auto_music = true;
    defaults.brand_organic = true;
    defaults.brand_content = true;
    defaults.aigc = true;
    defaults.cover_index = 0;
    defaults.cover_ms = 500;

    PostInput r = with_defaults(line, defaults);
    CHECK(r.line == 7);
    CHECK(r.video == fs::path("/a.mp4"));
    CHECK(r.photos.empty()); // the line's media win as a whole
    CHECK(r.caption == "mine");
    CHECK(r.allow_comments == false);
    CHECK(r.account == "alice");
    CHECK(r.title == "default title");
    CHECK(r.at == "+2h");
    CHECK(r.mode == "direct");
    CHECK(r.privacy == "public");
    CHECK(r.allow_duet == true);
    CHECK(r.allow_stitch == true);
    CHECK(r.auto_music == true);
    CHECK(r.brand_organic == true);
    CHECK(r.brand_content == true);
    CHECK(r.aigc == true);
    CHECK(r.cover_index == 0);
    CHECK(r.cover_ms == 500);
}

TEST_CASE("queue: with_defaults gives a line without media the default media") {
    PostInput line;
    PostInput defaults;
    defaults.photos = {"/a.jpg", "/b.jpg"};
    PostInput r = with_defaults(line, defaults);
    CHECK(r.photos == defaults.photos);
    CHECK_FALSE(r.video);
}

TEST_CASE("queue: with_defaults never copies the default key") {
    PostInput line;
    PostInput defaults;
    defaults.key = "one-post";
    CHECK_FALSE(with_defaults(line, defaults).key);
    line.key = "own";
    CHECK(with_defaults(line, defaults).key == "own");
}

TEST_CASE("queue: every field name is a JSONL key that parses") {
    for (const auto& name : field_names()) {
        CAPTURE(name);
        std::vector<LineError> errors;
        parse_jsonl("{\"" + name + "\": null}", k_base, errors);
        CHECK(errors.empty());
    }
}
