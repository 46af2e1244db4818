#include <fmt/format.h>
#include <looppost/util/csv.hpp>

namespace looppost::util {
namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// A single pass over the text; `m_line` is the physical line of the byte at `m_pos`.
class CsvReader {
public:
    explicit CsvReader(std::string_view text) : m_text(text) {}

    Expected<std::vector<CsvRecord>, CsvError> read() {
        std::vector<CsvRecord> records;
        while (!at_end()) {
            if (at_line_break()) { // an empty line
                skip_line_break();
                continue;
            }
            CsvRecord record{m_line, {}};
            for (;;) {
                auto field = read_field(record.fields.size() + 1);
                if (!field) {
                    return unexpected(field.error());
                }
                record.fields.push_back(std::move(*field));
                if (at_end() || at_line_break()) {
                    break;
                }
                ++m_pos; // the comma; a comma at the end of a line starts an empty last field
            }
            records.push_back(std::move(record));
            if (!at_end()) {
                skip_line_break();
            }
        }
        return records;
    }

private:
    bool at_end() const { return m_pos >= m_text.size(); }
    bool at_line_break() const { return m_text[m_pos] == '\n' || m_text[m_pos] == '\r'; }
    bool at_crlf() const {
        return m_text[m_pos] == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n';
    }

    void skip_line_break() {
        m_pos += at_crlf() ? 2 : 1;
        ++m_line;
    }

    // Reads up to (not including) the comma, line break or end that follows the field.
    Expected<std::string, CsvError> read_field(std::size_t number) {
        if (!at_end() && m_text[m_pos] == '"') {
            return read_quoted(number);
        }
        const std::size_t start = m_pos;
        while (!at_end() && m_text[m_pos] != ',' && !at_line_break()) {
            if (m_text[m_pos] == '"') {
                return unexpected(CsvError{
                    m_line, fmt::format("stray quote in unquoted field {} (put the field in "
                                        "quotes and double each quote inside it: \"\")",
                                        number)});
            }
            ++m_pos;
        }
        return std::string(m_text.substr(start, m_pos - start));
    }

    Expected<std::string, CsvError> read_quoted(std::size_t number) {
        const std::size_t opened = m_line;
        ++m_pos;
        std::string field;
        for (;;) {
            if (at_end()) {
                return unexpected(CsvError{opened, "unclosed quote (opened here)"});
            }
            const char c = m_text[m_pos];
            if (c == '"') {
                if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '"') {
                    field += '"';
                    m_pos += 2;
                    continue;
                }
                ++m_pos;
                break;
            }
            // A CRLF counts once, at its LF.
            if (c == '\n' || (c == '\r' && !at_crlf())) {
                ++m_line;
            }
            field += c;
            ++m_pos;
        }
        if (!at_end() && m_text[m_pos] != ',' && !at_line_break()) {
            return unexpected(CsvError{
                m_line, fmt::format("text after the closing quote of field {} (double each "
                                    "quote inside a quoted field: \"\")",
                                    number)});
        }
        return field;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
};

} // namespace

Expected<std::vector<CsvRecord>, CsvError> parse_csv(std::string_view text) {
    if (text.substr(0, k_bom.size()) == k_bom) {
        text.remove_prefix(k_bom.size());
    }
    return CsvReader(text).read();
}

std::string describe(const CsvError& error) {
    return fmt::format("line {}: {}", error.line, error.message);
}

} // namespace looppost::util
