#pragma once
// The command line: the CLI11 tree with the global flags of DESIGN §2, one file per command in
// src/cli/, and the one top-level catch that turns errors into exit codes.

#include <CLI/CLI.hpp>
#include <functional>
#include <looppost/cli/session.hpp>
#include <looppost/core/context.hpp>
#include <looppost/core/errors.hpp>
#include <memory>
#include <optional>
#include <string_view>

namespace looppost::cli {

/// What the chosen command does once parsing succeeded.
using Action = std::function<Exit(Session&)>;

/// Each command file adds its subcommand(s) and, when one is chosen, sets `action`.
void add_account_command(CLI::App& app, Action& action);
void add_app_command(CLI::App& app, Action& action);
void add_auth_command(CLI::App& app, Action& action);
void add_config_command(CLI::App& app, Action& action);
void add_doctor_command(CLI::App& app, Action& action);
void add_enqueue_command(CLI::App& app, Action& action);
void add_media_command(CLI::App& app, Action& action);
void add_queue_command(CLI::App& app, Action& action);
void add_slots_command(CLI::App& app, Action& action);
void add_publish_command(CLI::App& app, Action& action);
void add_quota_command(CLI::App& app, Action& action);
void add_snapshot_stats_command(CLI::App& app, Action& action);
void add_stats_command(CLI::App& app, Action& action);
void add_purge_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action);

/// After any command that talked to TikTok: with purge_on_revoke on, purges each account TikTok
/// revoked and says so on stderr (DESIGN §6). Never throws.
void purge_revoked_accounts(Session& s);
/// The cron commands' retention (the retention_days setting), at most once a day.
void apply_retention(Session& s);

/// The whole command tree, with the global options bound to `globals`. Used by run() and by
/// the test that checks the man page and completions against it.
/// With `only`, the tree holds that top-level command alone (what a run needs).
std::unique_ptr<CLI::App> make_app(core::GlobalOptions& globals, Action& action,
                                   std::optional<std::string_view> only = std::nullopt);

/// Parses, runs the command, and returns the process exit code.
int run(int argc, char** argv);

} // namespace looppost::cli
