#include "unit_support.hpp"

#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/stats/stats.hpp>
#include <looppost/util/csv.hpp>
#include <regex>

using namespace looppost;
using stats::Point;

namespace {

store::SnapshotRow snap(const std::string& day, std::optional<std::int64_t> views) {
    store::SnapshotRow s;
    s.video_id = "7412345678901234567";
    s.day = day;
    s.views = views;
    return s;
}

/// A small XML well-formedness check: every tag closed in order, attributes quoted, only the
/// five predefined entities and character references, one root element.
bool well_formed(const std::string& xml, std::string& why) {
    std::vector<std::string> open;
    std::size_t i = 0;
    int roots = 0;
    auto check_text = [&](std::string_view text) {
        for (std::size_t k = 0; k < text.size(); ++k) {
            if (text[k] == '<')
                return false;
            if (text[k] == '&') {
                auto end = text.find(';', k);
                if (end == std::string_view::npos)
                    return false;
                auto ent = text.substr(k + 1, end - k - 1);
                if (ent != "amp" && ent != "lt" && ent != "gt" && ent != "quot" && ent != "apos" &&
                    !(ent.size() > 1 && ent[0] == '#'))
                    return false;
            }
        }
        return true;
    };
    static const std::regex attrs(
        R"((\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*("[^"<]*"|'[^'<]*'))*\s*)");
    while (i < xml.size()) {
        auto lt = xml.find('<', i);
        if (lt == std::string::npos) {
            if (!check_text(std::string_view(xml).substr(i))) {
                why = "bad text at the end";
                return false;
            }
            break;
        }
        if (!check_text(std::string_view(xml).substr(i, lt - i))) {
            why = "bad text before offset " + std::to_string(lt);
            return false;
        }
        if (xml.compare(lt, 5, "<?xml") == 0) {
            i = xml.find("?>", lt) + 2;
            continue;
        }
        auto gt = xml.find('>', lt);
        if (gt == std::string::npos) {
            why = "unclosed tag";
            return false;
        }
        std::string tag = xml.substr(lt + 1, gt - lt - 1);
        if (!tag.empty() && tag[0] == '/') {
            if (open.empty() || open.back() != tag.substr(1)) {
                why = "mismatched </" + tag.substr(1) + ">";
                return false;
            }
            open.pop_back();
        } else {
            bool empty = !tag.empty() && tag.back() == '/';
            if (empty)
                tag.pop_back();
            auto name_end = tag.find_first_of(" \t\n");
            std::string name = tag.substr(0, name_end);
            std::string rest = name_end == std::string::npos ? "" : tag.substr(name_end);
            if (name.empty() || !std::regex_match(rest, attrs)) {
                why = "bad tag <" + tag + ">";
                return false;
            }
            if (open.empty())
                ++roots;
            if (!empty)
                open.push_back(name);
        }
        i = gt + 1;
    }
    if (!open.empty() || roots != 1) {
        why = "unclosed elements or not one root";
        return false;
    }
    return true;
}

} // namespace

TEST_CASE("stats: days are counted and moved across months and leap days") {
    CHECK(stats::days_between("2024-02-28", "2024-03-01") == 2);
    CHECK(stats::add_days("2024-12-31", 1) == "2025-01-01");
    CHECK(stats::add_days("2024-03-01", -1) == "2024-02-29");
    CHECK_THROWS_AS(stats::days_between("2024-02-30", "2024-03-01"), Error);
    CHECK_THROWS_AS(stats::add_days("yesterday", 1), Error);
}

TEST_CASE("stats: daily gains are the differences of the cumulative views") {
    std::vector<store::SnapshotRow> s = {snap("2026-11-01", 100), snap("2026-11-02", 250),
                                         snap("2026-11-03", std::nullopt), snap("2026-11-04", 240),
                                         snap("2026-11-05", 400)};
    auto d = stats::daily_gains(s, "2026-11-01");
    REQUIRE(d.size() == 4);
    CHECK(d[0].day == "2026-11-01");
    CHECK(d[0].value == 100); // seen from its first day: everything counts
    CHECK(d[1].value == 150);
    CHECK(d[2].value == 0); // TikTok's count went down: no negative growth
    CHECK(d[3].value == 160);
}

TEST_CASE("stats: a video first seen long after it was posted has no first gain") {
    std::vector<store::SnapshotRow> s = {snap("2026-11-10", 5000), snap("2026-11-11", 5100)};
    auto d = stats::daily_gains(s, "2026-10-01");
    REQUIRE(d.size() == 1);
    CHECK(d[0].day == "2026-11-11");
    CHECK(d[0].value == 100);
}

TEST_CASE("stats: the sparkline scales to the largest value with eight blocks") {
    CHECK(stats::sparkline({}) == "");
    CHECK(stats::sparkline({0, 0}) == "▁▁");
    CHECK(stats::sparkline({0, 1, 2, 3, 4, 5, 6, 7}) == "▁▂▃▄▅▆▇█");
    CHECK(stats::sparkline({10, 1000}) == "▁█");
}

TEST_CASE("stats: deltas need both ends") {
    CHECK(stats::delta(10, 4) == 6);
    CHECK(stats::delta(std::nullopt, 4) == std::nullopt);
    CHECK(stats::delta(10, std::nullopt) == std::nullopt);
}

TEST_CASE("stats: views at an age are the newest snapshot on or before that day") {
    std::vector<store::SnapshotRow> s = {snap("2026-11-01", 10), snap("2026-11-02", 50),
                                         snap("2026-11-05", 90), snap("2026-11-09", 120)};
    CHECK(stats::views_at_age(s, "2026-11-01", 1) == 50);
    CHECK(stats::views_at_age(s, "2026-11-01", 3) == 50); // no snapshot on day 3: day 2's
    CHECK(stats::views_at_age(s, "2026-11-01", 7) == 90);
    CHECK(stats::views_at_age(s, "2026-11-01", 30) == std::nullopt); // not 30 days old yet
    CHECK(stats::views_at_age({}, "2026-11-01", 1) == std::nullopt);
}

TEST_CASE("stats: a series cut short after the ages asks its newest day whether it is that old") {
    std::vector<store::SnapshotRow> s = {snap("2026-11-01", 10), snap("2026-11-29", 300)};
    CHECK(stats::views_at_age(s, "2026-11-01", 30, "2026-12-05") == 300); // seen since
    CHECK(stats::views_at_age(s, "2026-11-01", 30, "2026-11-29") == std::nullopt);
    CHECK(stats::views_at_age(s, "2026-11-01", 1, "2026-12-05") == 10);
    CHECK(stats::views_at_age({}, "2026-11-01", 1, "2026-12-05") == std::nullopt);
}

TEST_CASE("stats: the median of an odd and an even count") {
    CHECK(stats::median({}) == std::nullopt);
    CHECK(stats::median({5, 1, 3}) == 3.0);
    CHECK(stats::median({4, 1, 3, 2}) == 2.5);
}

TEST_CASE("stats: best times group posts by hour and weekday, fastest first") {
    std::vector<stats::FirstDay> posts = {{18, 4, 900}, {18, 4, 1100}, {18, 2, 1000},
                                          {9, 0, 100},  {9, 1, 300},   {21, 5, 5000}};
    auto bt = stats::group_best_times(posts);
    CHECK(bt.posts == 6);
    CHECK_FALSE(bt.enough); // six posts are too few to go by
    REQUIRE(bt.hours.size() == 3);
    CHECK(bt.hours[0].key == 21);
    CHECK(bt.hours[0].posts == 1);
    CHECK(bt.hours[1].key == 18);
    CHECK(bt.hours[1].posts == 3);
    CHECK(bt.hours[1].median_views == 1000);
    CHECK(bt.hours[2].key == 9);
    CHECK(bt.hours[2].median_views == 200);
    REQUIRE(bt.weekdays.size() == 5);
    CHECK(bt.weekdays[0].key == 5);
    CHECK(stats::weekday_name(bt.weekdays[0].key) == "Sat");

    std::vector<stats::FirstDay> many;
    for (int i = 0; i < 12; ++i)
        many.push_back({i % 3, i % 7, 100 * i});
    CHECK(stats::group_best_times(many).enough);
}

TEST_CASE("stats: CSV fields are quoted as RFC 4180 says and read back unchanged") {
    CHECK(stats::csv_field("plain") == "plain");
    CHECK(stats::csv_field("a,b") == "\"a,b\"");
    CHECK(stats::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(stats::csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(stats::csv_field(" padded") == "\" padded\"");
    std::vector<std::string> fields = {"7412345678901234567", "a, \"quoted\"\r\ntitle", "", "ü"};
    auto text = stats::csv_record({"id", "title", "empty", "u"}) + stats::csv_record(fields);
    auto parsed = util::parse_csv(text);
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 2);
    CHECK((*parsed)[1].fields == fields);
}

TEST_CASE("stats: the SVG is well-formed XML and holds every data point") {
    std::vector<stats::SvgLine> lines = {
        {"cats & <dogs> \"quoted\"",
         {{"2026-11-01", 10}, {"2026-11-02", 250}, {"2026-11-05", 900}}},
        {"second", {{"2026-11-02", 5}}}};
    auto svg = stats::render_svg("Views — \"test\"", "views", lines);
    std::string why;
    CHECK_MESSAGE(well_formed(svg, why), why);
    CHECK(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("href") == std::string::npos);
    for (const char* point :
         {"data-day=\"2026-11-01\" data-value=\"10\"", "data-day=\"2026-11-02\" data-value=\"250\"",
          "data-day=\"2026-11-05\" data-value=\"900\"", "data-day=\"2026-11-02\" data-value=\"5\""})
        CHECK(svg.find(point) != std::string::npos);
    CHECK(svg.find("cats &amp; &lt;dogs&gt;") != std::string::npos);
    CHECK(svg.find(">2026-11-01<") != std::string::npos); // a date on the x axis

    std::string empty_why;
    CHECK(well_formed(stats::render_svg("none", "views", {}), empty_why));
    CHECK_FALSE(well_formed("<svg><g></svg>", empty_why));
}

TEST_CASE("stats: --since takes a day or a number of days back") {
    CHECK(stats::parse_since("30d").days_back == 30);
    CHECK(stats::parse_since("2026-11-01").day == std::string("2026-11-01"));
    CHECK_THROWS_AS(stats::parse_since("last week"), UsageError);
    CHECK_THROWS_AS(stats::parse_since("2026-13-01"), UsageError);
}
