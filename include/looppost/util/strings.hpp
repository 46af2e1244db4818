#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::util {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
/// `s` as a decimal integer when all of it is one ("-12", "42"); nullopt otherwise.
std::optional<std::int64_t> parse_int(std::string_view s);

/// The candidate closest to `word` (edit distance at most 2, or a prefix), for "did you mean".
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

/// ` (did you mean "x"?)` or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace looppost::util
