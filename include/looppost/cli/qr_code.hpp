#pragma once

#include <string>

namespace looppost::cli {

/// The text as a QR code drawn with UTF-8 half blocks, two module rows per line, with a quiet
/// zone. With `ansi`, black modules on an explicit white background (readable on dark and light
/// terminal themes alike); without, light modules drawn as blocks for a dark background.
/// Throws Fatal when libqrencode cannot encode it.
std::string render_qr(const std::string& text, bool ansi);

} // namespace looppost::cli
