#include <cstdio>
#include <fmt/format.h>
#include <looppost/cli/app.hpp>
#include <looppost/core/log.hpp>
#include <looppost/net/curl_client.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/version.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::cli {

namespace {

using AddCommand = void (*)(CLI::App&, Action&);

/// Every top-level command and the function that adds it, in the order --help lists them.
const std::vector<std::pair<std::string_view, AddCommand>>& commands() {
    static const std::vector<std::pair<std::string_view, AddCommand>> all = {
        {"account", add_account_command}, {"app", add_app_command},
        {"auth", add_auth_command},       {"config", add_config_command},
        {"doctor", add_doctor_command},   {"enqueue", add_enqueue_command},
        {"media", add_media_command},     {"queue", add_queue_command},
        {"slots", add_slots_command},     {"publish-due", add_publish_command},
        {"quota", add_quota_command},     {"snapshot-stats", add_snapshot_stats_command},
        {"stats", add_stats_command},     {"purge", add_purge_command},
        {"export", add_export_command},
    };
    return all;
}

/// The command word of argv when it names a command: skips global flags and their values.
std::optional<std::string_view> command_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--home" || a == "--account") {
            ++i; // its value
            continue;
        }
        if (!a.empty() && a[0] == '-')
            continue;
        for (const auto& [name, add] : commands()) {
            if (a == name)
                return name;
        }
        return std::nullopt; // not a command: the whole tree says what it could have been
    }
    return std::nullopt;
}

} // namespace

std::unique_ptr<CLI::App> make_app(core::GlobalOptions& g, Action& action,
                                   std::optional<std::string_view> only) {
    auto app = std::make_unique<CLI::App>(
        "looppost: schedule and publish TikTok videos and photo carousels from a terminal, cron "
        "and shell scripts",
        "looppost");
    // Global flags are accepted before or after the command.
    app->fallthrough();
    app->set_version_flag("--version", fmt::format("looppost {}", k_version),
                          "print the version and exit");
    app->add_flag("--json", g.json, "print one JSON document on stdout");
    app->add_flag("-v,--verbose", g.verbose,
                  "log what happens (HTTP included, secrets redacted) on stderr");
    app->add_flag("-q,--quiet", g.quiet, "print only what a human must act on");
    app->add_option("--home", g.home, "keep everything under DIR (same as LOOPPOST_HOME)")
        ->type_name("DIR");
    app->add_option("--account", g.account, "the account to act on (default: the default account)")
        ->type_name("NAME");
    app->require_subcommand(1);

    for (const auto& [name, add] : commands()) {
        if (!only || *only == name)
            add(*app, action);
    }
    return app;
}

namespace {

std::vector<std::string> subcommand_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        names.push_back(sub->get_name());
    }
    return names;
}

// CLI11's messages, in looppost's one-line style.
std::string usage_message(const CLI::ParseError& e, const CLI::App& app) {
    std::string msg = e.what();
    // A word where a command was expected: name it and suggest the nearest command.
    const CLI::App* level = &app;
    while (!level->get_subcommands().empty()) {
        level = level->get_subcommands().front();
    }
    auto rest = level->remaining();
    if (rest.empty()) {
        rest = app.remaining(); // words fall through to the top
    }
    if (!rest.empty() && !rest.front().empty() && rest.front()[0] != '-' &&
        !level->get_subcommands([](const CLI::App*) { return true; }).empty()) {
        std::string where = level == &app ? "looppost" : "looppost " + level->get_name();
        return fmt::format("unknown command \"{}\" for {}{}; run {} --help", rest.front(), where,
                           util::did_you_mean(rest.front(), subcommand_names(*level)), where);
    }
    // An unknown flag: suggest the nearest long flag of this command or its parents.
    if (!rest.empty() && rest.front().rfind("--", 0) == 0) {
        std::vector<std::string> flags;
        for (const CLI::App* a = level; a != nullptr; a = a->get_parent()) {
            for (const auto* opt : a->get_options()) {
                for (const auto& name : opt->get_lnames()) {
                    flags.push_back("--" + name);
                }
            }
        }
        std::string word = rest.front().substr(0, rest.front().find('='));
        return fmt::format("unknown flag \"{}\"{}", word, util::did_you_mean(word, flags));
    }
    auto subs = level->get_subcommands([](const CLI::App*) { return true; });
    if (rest.empty() && dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !subs.empty() &&
        msg.find("subcommand") != std::string::npos) {
        std::string where = level == &app ? "looppost" : "looppost " + level->get_name();
        return fmt::format("{} needs a command: {}; run {} --help", where,
                           util::join(subcommand_names(*level), ", "), where);
    }
    if (!msg.empty()) {
        msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    }
    return msg;
}

} // namespace

int run(int argc, char** argv) {
    // Everything looppost creates is private to the user: database, WAL, key, logs, media.
    ::umask(077);

    core::GlobalOptions globals;
    Action action;
    std::unique_ptr<CLI::App> app;
    try {
        // Only the command being run is built: the tree of every command and its flags costs
        // start-up time on each cron tick (DESIGN §10). Help and mistakes get the whole tree.
        app = make_app(globals, action, command_word(argc, argv));
        app->parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app->exit(e); // --help, --version
    } catch (const CLI::ParseError& e) {
        Output out(globals.json, globals.quiet, false);
        out.error(UsageError(usage_message(e, *app)));
        return static_cast<int>(Exit::usage);
    } catch (const Error& e) {
        Output out(globals.json, globals.quiet, false);
        out.error(e);
        return static_cast<int>(e.exit());
    }

    auto env = core::process_env();
    bool color = !globals.json && ::isatty(1) == 1 && !env("NO_COLOR");
    Output out(globals.json, globals.quiet, color);
    if (globals.verbose > 0) {
        core::log::enable(true, std::nullopt);
    }
    if (auto f = env("LOOPPOST_LOG_FILE")) {
        core::log::enable(false, std::filesystem::path(*f));
    }
    core::SystemClock clock;
    core::SodiumRandom random;
    try {
        core::Context ctx(globals, env, clock, random, [](const core::Settings& s) {
            return net::make_curl_client(net::curl_options(s));
        });
        Session session(ctx, out);
        Exit exit = Exit::ok;
        try {
            exit = action(session);
        } catch (const Error& e) {
            out.error(e);
            exit = e.exit();
        }
        purge_revoked_accounts(session);
        return static_cast<int>(exit);
    } catch (const Error& e) {
        out.error(e);
        return static_cast<int>(e.exit());
    } catch (const std::exception& e) {
        out.error(Fatal(fmt::format("unexpected error: {}", e.what())));
        return static_cast<int>(Exit::failed);
    }
}

} // namespace looppost::cli
