#pragma once
// An RFC 4180 CSV reader for `enqueue --from FILE.csv`: quoted fields with "" escapes and embedded
// commas and line breaks, CRLF or LF, and line numbers that point at the physical line so an error
// can name the line the user sees in their editor.

#include <cstddef>
#include <looppost/util/expected.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::util {

/// One record: its fields as written (quotes removed, "" unescaped, whitespace kept).
struct CsvRecord {
    std::size_t line; ///< the 1-based physical line where the record starts
    std::vector<std::string> fields;
};

/// Why the text is not CSV: the 1-based line and a one-line lowercase message without the line.
struct CsvError {
    std::size_t line;
    std::string message;
};

/// Every record of `text`. A leading UTF-8 BOM is skipped; records end at CRLF, LF or a lone CR
/// (or the end of the text, with or without a final line break); empty lines are skipped. Records
/// may have different field counts: checking them against the header is the caller's job. Fails
/// on a quote that is never closed (naming the line where it opened), a quote inside an unquoted
/// field, and text between a closing quote and the next comma or line break.
Expected<std::vector<CsvRecord>, CsvError> parse_csv(std::string_view text);

/// `line 4: unclosed quote (opened here)`.
std::string describe(const CsvError& error);

} // namespace looppost::util
