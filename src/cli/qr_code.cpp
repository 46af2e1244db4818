#include <cerrno>
#include <fmt/format.h>
#include <looppost/cli/qr_code.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>
#include <memory>
#include <qrencode.h>

namespace looppost::cli {

std::string render_qr(const std::string& text, bool ansi) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_L, QR_MODE_8, 1), &QRcode_free);
    if (!qr) {
        throw Fatal(fmt::format("cannot draw the QR code: {}", util::errno_message(errno)));
    }
    constexpr int k_quiet = 2;
    const int w = qr->width;
    const int size = w + 2 * k_quiet;
    auto dark = [&](int x, int y) {
        x -= k_quiet;
        y -= k_quiet;
        if (x < 0 || y < 0 || x >= w || y >= w)
            return false;
        return (qr->data[y * w + x] & 1) != 0;
    };
    std::string out;
    for (int y = 0; y < size; y += 2) {
        if (ansi)
            out += "\x1b[30;47m";
        for (int x = 0; x < size; ++x) {
            // ANSI: draw the dark modules. Plain: draw the light ones (dark terminal background).
            bool top = ansi ? dark(x, y) : !dark(x, y);
            bool bottom = y + 1 < size ? (ansi ? dark(x, y + 1) : !dark(x, y + 1)) : !ansi;
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        if (ansi)
            out += "\x1b[0m";
        out += '\n';
    }
    return out;
}

} // namespace looppost::cli
