#pragma once
// The checks every media input gets before a decoder sees it. Private to src/media.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace looppost::media::detail {

/// The size of `file`, a readable, non-empty regular file. `what` names it in messages ("photo",
/// "video"). Throws Error(no_input) when it is missing or unreadable, Error(bad_input) when it
/// is a directory, not a regular file, or empty.
std::uint64_t check_source(const std::filesystem::path& file, std::string_view what);

/// `file` quoted for a message: "a.png".
std::string quoted(const std::filesystem::path& file);

/// A size in decimal units as TikTok states its limits: "20 MB", "4.2 GB", "730 kB", "12 bytes".
std::string size_text(std::uint64_t bytes);

} // namespace looppost::media::detail
