#pragma once
// The checks every media input gets before a decoder (or the media store) sees it.

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace looppost::media {

/// The size of `file`, a readable, non-empty regular file. `what` names it in messages ("photo",
/// "video"). Throws Error(no_input) when it is missing or unreadable, Error(bad_input) when it
/// is a directory, not a regular file, or empty.
std::uint64_t check_source(const std::filesystem::path& file, std::string_view what);

} // namespace looppost::media
