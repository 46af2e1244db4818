#include <algorithm>
#include <doctest/doctest.h>
#include <looppost/cli/qr_code.hpp>

using looppost::cli::render_qr;

namespace {
int count_lines(const std::string& s) {
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}
} // namespace

TEST_CASE("a QR code is drawn two module rows per line with a quiet zone") {
    std::string link =
        "aweme://authorize?authType=100&client_key=sbx&client_ticket=0123456789abcdef&token=T";
    std::string plain = render_qr(link, false);
    // The smallest version holding this link is at least 29 modules wide; plus a quiet zone of 2.
    int lines = count_lines(plain);
    CHECK(lines >= (29 + 4) / 2);
    CHECK(plain.find("\x1b[") == std::string::npos);
    CHECK(plain.find("\u2588") != std::string::npos);
    std::string ansi = render_qr(link, true);
    CHECK(count_lines(ansi) == lines);
    CHECK(ansi.find("\x1b[30;47m") != std::string::npos); // explicit colours: any terminal theme
}

TEST_CASE("every line of a QR code has the same width") {
    std::string plain = render_qr("https://example.com/x", false);
    size_t width = 0;
    size_t start = 0;
    while (start < plain.size()) {
        size_t end = plain.find('\n', start);
        std::string line = plain.substr(start, end - start);
        size_t cols = 0;
        for (unsigned char c : line)
            cols += (c & 0xC0) != 0x80;
        if (width == 0)
            width = cols;
        CHECK(cols == width);
        start = end + 1;
    }
}
