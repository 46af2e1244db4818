#include <doctest/doctest.h>
#include <looppost/util/utf8.hpp>
#include <string>

using namespace looppost::util;

namespace {

std::size_t units_of(std::string_view text) {
    auto units = utf16_length(text);
    REQUIRE_MESSAGE(units, "invalid UTF-8 at byte " << (units ? 0 : units.error().offset));
    return *units;
}

std::size_t offset_of_error(std::string_view text) {
    auto units = utf16_length(text);
    REQUIRE_FALSE(units);
    return units.error().offset;
}

const std::string k_emoji = "\xF0\x9F\x98\x80"; // U+1F600

} // namespace

TEST_CASE("utf16_length counts ASCII one unit a byte") {
    CHECK(units_of("") == 0);
    CHECK(units_of("hello, world") == 12);
}

TEST_CASE("utf16_length counts 2- and 3-byte sequences as one unit") {
    CHECK(units_of("caf\xC3\xA9") == 4);                              // é
    CHECK(units_of("\xE2\x82\xAC") == 1);                             // €
    CHECK(units_of("\xE6\x97\xA5\xE6\x9C\xAC") == 2);                 // 日本
    CHECK(units_of("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF") == 4); // U+0080 U+07FF U+0800 U+FFFF
}

TEST_CASE("utf16_length counts an emoji and every other 4-byte sequence as two units") {
    CHECK(units_of(k_emoji) == 2);
    CHECK(units_of("hi " + k_emoji + "!") == 6);
    CHECK(units_of("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF") == 4); // U+10000 and U+10FFFF
}

TEST_CASE("utf16_length and the prefix helper agree at the 2200-unit caption limit") {
    const std::string at_limit = std::string(2198, 'a') + k_emoji;
    CHECK(units_of(at_limit) == 2200);
    CHECK(utf8_prefix_for_units(at_limit, 2200) == at_limit.size());

    const std::string straddling = std::string(2199, 'a') + k_emoji;
    CHECK(units_of(straddling) == 2201);
    CHECK(utf8_prefix_for_units(straddling, 2200) == 2199); // the emoji is not split
    CHECK(utf8_prefix_for_units(straddling, 2201) == straddling.size());
}

TEST_CASE("utf16_length refuses stray continuation bytes and impossible lead bytes") {
    CHECK(offset_of_error("ab\x80") == 2);
    CHECK(offset_of_error("\xBF") == 0);
    CHECK(offset_of_error("a\xF8\x88\x80\x80\x80") == 1);
    CHECK(offset_of_error("a\xFF") == 1);
}

TEST_CASE("utf16_length refuses truncated sequences at the offset of their lead byte") {
    CHECK(offset_of_error("ab\xC3") == 2);
    CHECK(offset_of_error("ab\xE2\x82") == 2);
    CHECK(offset_of_error("x" + k_emoji.substr(0, 3)) == 1);
    CHECK(offset_of_error("\xE2\x82x") == 0); // a lead byte followed by ASCII
}

TEST_CASE("utf16_length refuses overlong forms") {
    CHECK(offset_of_error("a\xC0\xAF") == 1);        // '/' in two bytes
    CHECK(offset_of_error("\xC1\xBF") == 0);         // U+007F in two bytes
    CHECK(offset_of_error("ab\xE0\x80\xAF") == 2);   // '/' in three bytes
    CHECK(offset_of_error("\xE0\x9F\xBF") == 0);     // U+07FF in three bytes
    CHECK(offset_of_error("\xF0\x8F\xBF\xBF") == 0); // U+FFFF in four bytes
}

TEST_CASE("utf16_length refuses UTF-16 surrogates encoded in UTF-8") {
    CHECK(units_of("\xED\x9F\xBF") == 1);         // U+D7FF is fine
    CHECK(offset_of_error("x\xED\xA0\x80") == 1); // U+D800
    CHECK(offset_of_error("\xED\xBF\xBF") == 0);  // U+DFFF
    CHECK(units_of("\xEE\x80\x80") == 1);         // U+E000 is fine
}

TEST_CASE("utf16_length refuses code points above U+10FFFF") {
    CHECK(offset_of_error("ok\xF4\x90\x80\x80") == 2); // U+110000
    CHECK(offset_of_error("\xF7\xBF\xBF\xBF") == 0);
}

TEST_CASE("utf8_prefix_for_units never splits a code point") {
    const std::string text = "a\xC3\xA9\xE2\x82\xAC" + k_emoji + "z"; // a é € 😀 z
    CHECK(utf8_prefix_for_units(text, 0) == 0);
    CHECK(utf8_prefix_for_units(text, 1) == 1);
    CHECK(utf8_prefix_for_units(text, 2) == 3);
    CHECK(utf8_prefix_for_units(text, 3) == 6);
    CHECK(utf8_prefix_for_units(text, 4) == 6); // half an emoji is not allowed
    CHECK(utf8_prefix_for_units(text, 5) == 10);
    CHECK(utf8_prefix_for_units(text, 6) == text.size());
    CHECK(utf8_prefix_for_units(text, 1000) == text.size());
    CHECK(utf8_prefix_for_units("", 5) == 0);
}
