// looppost account set | pause | resume

#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/oauth/auth.hpp>

namespace looppost::cli {
namespace {

struct SetFlags {
    std::string name;
    std::optional<std::string> time_zone;
    std::optional<std::string> mode;
    bool make_default = false;
    std::optional<std::string> rename;
};

Exit apply(Session& s, const std::string& name, const oauth::AccountChanges& c) {
    auto a = oauth::resolve_account(s.db(), name);
    auto changed = oauth::change_account(s.db(), a, c);
    if (s.out().json()) {
        s.out().document(account_json(changed));
    }
    return Exit::ok;
}

} // namespace

void add_account_command(CLI::App& app, Action& action) {
    auto* account = app.add_subcommand(
        "account", "per-account settings: time zone, mode, default, name, pause");
    account->require_subcommand(1);

    auto f = std::make_shared<SetFlags>();
    auto* set = account->add_subcommand("set", "change an account's settings");
    set->add_option("account", f->name, "the account")->required()->type_name("NAME");
    set->add_option("--time-zone", f->time_zone, "IANA zone for local times (e.g. Europe/Berlin)")
        ->type_name("ZONE");
    set->add_option("--mode", f->mode, "default posting mode: inbox or direct")
        ->check(CLI::IsMember({"inbox", "direct"}));
    set->add_flag("--default", f->make_default, "make it the default account");
    set->add_option("--rename", f->rename, "give it a new name")->type_name("NEW");
    set->callback([&action, f] {
        action = [f](Session& s) {
            if (!f->time_zone && !f->mode && !f->make_default && !f->rename) {
                throw UsageError(
                    "nothing to change: give --time-zone, --mode, --default or --rename");
            }
            return apply(s, f->name,
                         {f->time_zone, f->mode, f->make_default, f->rename, std::nullopt});
        };
    });

    auto name = std::make_shared<std::string>();
    auto* pause = account->add_subcommand("pause", "hold an account's posts until it is resumed");
    pause->add_option("account", *name, "the account")->required()->type_name("NAME");
    pause->callback([&action, name] {
        action = [name](Session& s) { return apply(s, *name, {{}, {}, false, {}, true}); };
    });
    auto* resume = account->add_subcommand("resume", "let a paused account's posts go again");
    resume->add_option("account", *name, "the account")->required()->type_name("NAME");
    resume->callback([&action, name] {
        action = [name](Session& s) { return apply(s, *name, {{}, {}, false, {}, false}); };
    });
}

} // namespace looppost::cli
