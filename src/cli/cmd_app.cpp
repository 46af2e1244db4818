// looppost app set | app show: the user's own TikTok app.

#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <looppost/cli/app.hpp>
#include <looppost/cli/config_view.hpp>
#include <looppost/core/clock.hpp>
#include <looppost/oauth/app.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/util/strings.hpp>

namespace looppost::cli {
namespace {

struct AppSetOptions {
    std::optional<std::string> client_key;
    bool secret_stdin = false;
    std::optional<std::string> secret_file;
    std::optional<std::string> scopes;
};

void print_summary(Output& out, const oauth::AppSummary& a) {
    if (out.json()) {
        out.document(app_json(a));
        return;
    }
    out.table(
        {{"client key",
          a.client_key ? fmt::format("{} ({})", *a.client_key, a.client_key_source) : "not set"},
         {"client secret", a.client_secret_source.empty()
                               ? "not set"
                               : (a.client_secret_source == "env" ? "from LOOPPOST_CLIENT_SECRET"
                                                                  : "stored, sealed")},
         {"scopes", util::join(a.scopes, ",")}});
}

} // namespace

void add_app_command(CLI::App& app, Action& action) {
    auto* cmd =
        app.add_subcommand("app", "your TikTok app: client key, sealed secret, approved scopes");
    cmd->require_subcommand(1);

    auto o = std::make_shared<AppSetOptions>();
    auto* set =
        cmd->add_subcommand("set", "store the app's client key and secret and its approved scopes");
    set->add_option("--client-key", o->client_key, "the app's client key")->type_name("KEY");
    auto* sin = set->add_flag("--client-secret-stdin", o->secret_stdin,
                              "read the client secret from stdin");
    auto* sfile =
        set->add_option("--client-secret-file", o->secret_file, "read the client secret from FILE")
            ->type_name("FILE");
    sin->excludes(sfile);
    set->add_option("--scopes", o->scopes,
                    "scopes TikTok approved for the app, comma-separated (the first app set "
                    "defaults to all six)")
        ->type_name("LIST");
    set->callback([&action, o] {
        action = [o](Session& s) {
            oauth::AppUpdate update;
            update.client_key = o->client_key;
            if (o->scopes) {
                update.scopes = oauth::parse_scopes(*o->scopes);
            }
            if (o->secret_stdin) {
                std::string raw{std::istreambuf_iterator<char>(std::cin), {}};
                update.client_secret = oauth::read_secret("client secret on stdin", std::move(raw));
            } else if (o->secret_file) {
                update.client_secret =
                    oauth::read_secret(fmt::format("client secret file \"{}\"", *o->secret_file),
                                       util::read_file(*o->secret_file));
            }
            oauth::set_app(s.db(), s.vault(), std::move(update));
            auto summary = oauth::describe_app(s.db(), s.ctx().env());
            if (s.out().json()) {
                print_summary(s.out(), summary);
            } else {
                s.out().note(fmt::format("app stored: client key {}, scopes {}",
                                         summary.client_key.value_or("?"),
                                         util::join(summary.scopes, ",")));
            }
            return Exit::ok;
        };
    });

    auto* show = cmd->add_subcommand("show", "show the app (never the secret)");
    show->callback([&action] {
        action = [](Session& s) {
            print_summary(s.out(), oauth::describe_app(s.db(), s.ctx().env()));
            return Exit::ok;
        };
    });
}

} // namespace looppost::cli
