#pragma once
// The checks every media input gets before a decoder sees it. Private to src/media.

#include <cstdint>
#include <filesystem>
#include <looppost/media/source.hpp>
#include <string>
#include <string_view>

namespace looppost::media::detail {

using media::check_source;

/// `file` quoted for a message: "a.png".
std::string quoted(const std::filesystem::path& file);

/// A size in decimal units as TikTok states its limits: "20 MB", "4.2 GB", "730 kB", "12 bytes".
std::string size_text(std::uint64_t bytes);

} // namespace looppost::media::detail
