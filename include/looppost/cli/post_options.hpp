#pragma once
// The post options of DESIGN §2 as flags, shared by `enqueue` and `queue edit`.

#include <CLI/CLI.hpp>
#include <looppost/queue/input.hpp>
#include <map>
#include <optional>
#include <string>

namespace looppost::cli {

struct PostFlags {
    queue::PostInput post;
    std::optional<std::string> caption_file;
    std::map<std::string, CLI::Option*> toggles;
    std::map<std::string, bool> toggle_values;
};

/// --caption, --caption-file, --title, --at, --mode, --privacy, the toggles (each with its
/// --no- form), --cover-index, --cover-ms.
void add_post_options(CLI::App& cmd, PostFlags& f);

/// After parsing: the toggles that were given, and the caption read from stdin or a file.
void finish_post_options(PostFlags& f);

/// All of stdin.
std::string read_stdin();

} // namespace looppost::cli
