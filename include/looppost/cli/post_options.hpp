#pragma once
// The post options of DESIGN §2 as flags, shared by `enqueue` and `queue edit`.

#include <CLI/CLI.hpp>
#include <looppost/cli/session.hpp>
#include <looppost/queue/enqueue.hpp>
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

/// What enqueue and edit ask of TikTok and the human for direct posts: creator_info (a failure
/// to ask is a warning), and on a terminal TikTok's declaration with a y/N question (not asked
/// with `yes` or without a terminal on stdin).
queue::EnqueueHooks direct_post_hooks(Session& s, bool yes);

/// All of stdin.
std::string read_stdin();

} // namespace looppost::cli
