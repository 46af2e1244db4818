#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <looppost/cli/output.hpp>

namespace looppost::cli {

Output::Output(bool json, bool quiet, bool color) : m_json(json), m_quiet(quiet), m_color(color) {}

void Output::document(const nlohmann::json& doc) const {
    std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fputs(text.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void Output::line(std::string_view text) const {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout); // a script may be waiting for this line (a login link)
}

void Output::raw(std::string_view text) const {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

namespace {
// Display width of UTF-8 text: code points, not bytes (good enough for names and values).
size_t width(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
} // namespace

void Output::table(const std::vector<std::vector<std::string>>& rows) const {
    std::vector<size_t> widths;
    for (const auto& r : rows) {
        widths.resize(std::max(widths.size(), r.size()));
        for (size_t i = 0; i < r.size(); ++i) {
            widths[i] = std::max(widths[i], width(r[i]));
        }
    }
    for (size_t ri = 0; ri < rows.size(); ++ri) {
        std::string out;
        for (size_t i = 0; i < rows[ri].size(); ++i) {
            const auto& cell = rows[ri][i];
            bool last = i + 1 == rows[ri].size();
            std::string text = ri == 0 ? paint(cell, "1") : cell;
            out += text;
            if (!last) {
                out += std::string(widths[i] - width(cell) + 2, ' ');
            }
        }
        line(out);
    }
}

void Output::note(std::string_view text) const {
    if (!m_quiet && !m_json) {
        fmt::print(stderr, "{}\n", text);
    }
}

void Output::warning(std::string_view text) const {
    fmt::print(stderr, "looppost: warning: {}\n", text);
}

void Output::error_line(const Error& e) const {
    std::fflush(stdout);
    if (const auto* batch = dynamic_cast<const BatchError*>(&e)) {
        for (const auto& l : batch->lines())
            fmt::print(stderr, "looppost: error: {}\n", l);
    }
    fmt::print(stderr, "looppost: error: {}\n", e.what());
}

void Output::error(const Error& e) const {
    error_line(e);
    if (m_json) {
        nlohmann::json err = {{"code", std::string(e.code())},
                              {"message", e.what()},
                              {"exit", static_cast<int>(e.exit())}};
        if (const auto* batch = dynamic_cast<const BatchError*>(&e))
            err["lines"] = batch->lines();
        document({{"error", err}});
    }
}

std::string Output::paint(std::string_view text, std::string_view sgr) const {
    if (!m_color) {
        return std::string(text);
    }
    return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

} // namespace looppost::cli
