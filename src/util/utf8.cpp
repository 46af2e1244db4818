#include <looppost/util/utf8.hpp>

namespace looppost::util {
namespace {

// The length of the sequence a lead byte starts, or 0 when it cannot start one.
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        return 2;
    } else if ((lead & 0xF0) == 0xE0) {
        return 3;
    } else if ((lead & 0xF8) == 0xF0) {
        return 4;
    }
    return 0; // a continuation byte, or F8–FF
}

} // namespace

Expected<std::size_t, Utf8Error> utf16_length(std::string_view utf8) {
    // The smallest code point each length may encode; anything below is an overlong form.
    constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    std::size_t units = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const std::size_t length = sequence_length(lead);
        if (length == 0 || utf8.size() - i < length) {
            return unexpected(Utf8Error{i});
        }
        char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(utf8[i + k]);
            if ((next & 0xC0) != 0x80) {
                return unexpected(Utf8Error{i});
            }
            code_point = (code_point << 6) | (next & 0x3F);
        }
        if (code_point < k_min[length] || code_point > 0x10FFFF ||
            (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            return unexpected(Utf8Error{i});
        }
        units += code_point >= 0x10000 ? 2 : 1;
        i += length;
    }
    return units;
}

std::size_t utf8_prefix_for_units(std::string_view valid_utf8, std::size_t units) {
    std::size_t bytes = 0;
    std::size_t used = 0;
    while (bytes < valid_utf8.size()) {
        const std::size_t length = sequence_length(static_cast<unsigned char>(valid_utf8[bytes]));
        const std::size_t cost = length == 4 ? 2 : 1;
        if (length == 0 || length > valid_utf8.size() - bytes || used + cost > units) {
            break;
        }
        used += cost;
        bytes += length;
    }
    return bytes;
}

} // namespace looppost::util
