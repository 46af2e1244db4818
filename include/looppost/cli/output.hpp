#pragma once
// All stdout goes through Output: one JSON document under --json, aligned text otherwise.
// Errors are one line on stderr ("looppost: error: …") and, under --json, an error object on
// stdout (DESIGN §2).

#include <looppost/core/errors.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::cli {

class Output {
public:
    Output(bool json, bool quiet, bool color);

    bool json() const { return m_json; }
    bool quiet() const { return m_quiet; }
    bool color() const { return m_color; }

    /// The command's one JSON document.
    void document(const nlohmann::json& doc) const;
    /// A line of human output on stdout.
    void line(std::string_view text) const;
    /// Text exactly as given (a CSV document with its own line ends).
    void raw(std::string_view text) const;
    /// Rows as aligned columns; the first row is the header.
    void table(const std::vector<std::vector<std::string>>& rows) const;
    /// A note for the human on stderr (suppressed by -q and under --json).
    void note(std::string_view text) const;
    /// A warning on stderr (always shown).
    void warning(std::string_view text) const;
    /// Reports an error: stderr line, and the JSON error object under --json.
    void error(const Error& e) const;
    /// Only the stderr line, for one of several outcomes a command reports in its own document.
    void error_line(const Error& e) const;

    /// `text` in bold/green/red when colours are on (a TTY and no NO_COLOR).
    std::string paint(std::string_view text, std::string_view sgr) const;

private:
    bool m_json;
    bool m_quiet;
    bool m_color;
};

} // namespace looppost::cli
