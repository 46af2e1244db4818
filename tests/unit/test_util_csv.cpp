#include <doctest/doctest.h>
#include <looppost/util/csv.hpp>
#include <string>
#include <vector>

using namespace looppost::util;

namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> parsed(std::string_view text) {
    auto records = parse_csv(text);
    REQUIRE_MESSAGE(records, (records ? "" : describe(records.error())));
    return *records;
}

CsvError failure(std::string_view text) {
    auto records = parse_csv(text);
    REQUIRE_FALSE(records);
    return records.error();
}

} // namespace

TEST_CASE("parse_csv reads plain records with their line numbers") {
    const auto records = parsed("video,caption\na.mp4,hello\nb.mp4,world\n");
    REQUIRE(records.size() == 3);
    CHECK(records[0].line == 1);
    CHECK(records[0].fields == Fields{"video", "caption"});
    CHECK(records[1].line == 2);
    CHECK(records[2].fields == Fields{"b.mp4", "world"});
}

TEST_CASE("parse_csv skips a leading UTF-8 BOM but not one later on") {
    const auto records = parsed("\xEF\xBB\xBFvideo,caption\n\xEF\xBB\xBFx,y");
    REQUIRE(records.size() == 2);
    CHECK(records[0].fields[0] == "video");
    CHECK(records[1].fields[0] == "\xEF\xBB\xBFx");
    CHECK(parsed("\xEF\xBB\xBF").empty());
    CHECK(parsed("").empty());
}

TEST_CASE("parse_csv accepts CRLF, LF and a missing final newline alike") {
    const Fields header{"a", "b"};
    const Fields row{"1", "2"};
    for (const char* text : {"a,b\r\n1,2\r\n", "a,b\n1,2\n", "a,b\r\n1,2", "a,b\n1,2"}) {
        CAPTURE(text);
        const auto records = parsed(text);
        REQUIRE(records.size() == 2);
        CHECK(records[0].fields == header);
        CHECK(records[1].fields == row);
        CHECK(records[1].line == 2);
    }
}

TEST_CASE("parse_csv keeps embedded newlines and counts them in later line numbers") {
    const auto records = parsed("video,caption\n"
                                "a.mp4,\"first line\nsecond line\r\nthird, with a comma\"\n"
                                "b.mp4,plain\n");
    REQUIRE(records.size() == 3);
    CHECK(records[1].line == 2);
    CHECK(records[1].fields[1] == "first line\nsecond line\r\nthird, with a comma");
    CHECK(records[2].line == 5);
    CHECK(records[2].fields == Fields{"b.mp4", "plain"});
}

TEST_CASE("parse_csv turns doubled quotes inside a quoted field into one") {
    const auto records = parsed("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n");
    REQUIRE(records.size() == 1);
    CHECK(records[0].fields == Fields{"say \"hi\"", "\"", ""});
}

TEST_CASE("parse_csv keeps whitespace and skips blank lines") {
    const auto records = parsed("\n a , b \n\r\n\nc,d\n\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].line == 2);
    CHECK(records[0].fields == Fields{" a ", " b "});
    CHECK(records[1].line == 5);
    CHECK(records[1].fields == Fields{"c", "d"});
}

TEST_CASE("parse_csv keeps empty fields and reads a trailing comma as an empty last field") {
    const auto records = parsed("a,,c\n,,\nx,\ny,");
    REQUIRE(records.size() == 4);
    CHECK(records[0].fields == Fields{"a", "", "c"});
    CHECK(records[1].fields == Fields{"", "", ""});
    CHECK(records[2].fields == Fields{"x", ""});
    CHECK(records[3].fields == Fields{"y", ""});
}

TEST_CASE("parse_csv lets records have different field counts") {
    const auto records = parsed("a,b,c\n1\n1,2,3,4\n");
    REQUIRE(records.size() == 3);
    CHECK(records[1].fields.size() == 1);
    CHECK(records[2].fields.size() == 4);
}

TEST_CASE("parse_csv names the line where an unclosed quote opened") {
    const CsvError error = failure("video,caption\na.mp4,ok\nb.mp4,\"ok\"\nc.mp4,\"never closed\n"
                                   "d.mp4,more\ne.mp4,more\n");
    CHECK(error.line == 4);
    CHECK(error.message == "unclosed quote (opened here)");
    CHECK(describe(error) == "line 4: unclosed quote (opened here)");
}

TEST_CASE("parse_csv refuses a stray quote inside an unquoted field") {
    const CsvError error = failure("video,caption\na.mp4,say \"hi\"\n");
    CHECK(error.line == 2);
    CHECK(error.message.find("stray quote") != std::string::npos);
    CHECK(error.message.find("field 2") != std::string::npos);
    CHECK(failure("a, \"b\"\n").line == 1); // a space before the quote leaves the field unquoted
}

TEST_CASE("parse_csv refuses text after a closing quote on the line it appears") {
    const CsvError error = failure("a,\"one\ntwo\"three\n");
    CHECK(error.line == 2);
    CHECK(error.message.find("after the closing quote of field 2") != std::string::npos);
}
