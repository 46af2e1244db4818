#pragma once
// TikTok counts text limits in UTF-16 code units (reference §4.12: caption 2200, photo title 90,
// photo description 4000), so captions are measured that way, after a strict UTF-8 check.

#include <cstddef>
#include <looppost/util/expected.hpp>
#include <string_view>

namespace looppost::util {

/// Where the text stops being UTF-8: the byte offset of the first byte of the first ill-formed
/// sequence.
struct Utf8Error {
    std::size_t offset;
};

/// The number of UTF-16 code units `utf8` encodes (a code point above U+FFFF counts 2). Strict
/// UTF-8: overlong forms, surrogates (U+D800–U+DFFF), code points above U+10FFFF, stray
/// continuation bytes and truncated sequences are errors.
Expected<std::size_t, Utf8Error> utf16_length(std::string_view utf8);

/// The byte length of the longest prefix of `valid_utf8` (already checked by utf16_length) that
/// takes at most `units` UTF-16 code units and does not split a code point: where a caption that
/// is too long goes over.
std::size_t utf8_prefix_for_units(std::string_view valid_utf8, std::size_t units);

} // namespace looppost::util
