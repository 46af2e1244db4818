// looppost auth login | list | status | refresh | logout

#include <fmt/format.h>
#include <iostream>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/cli/qr_code.hpp>
#include <looppost/core/interrupt.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/util/strings.hpp>
#include <unistd.h>

namespace looppost::cli {
namespace {

class CliLoginUi final : public oauth::LoginUi {
public:
    explicit CliLoginUi(Session& s) : m_s(s) {}

    void show_qr(const std::string& link) override {
        Output& out = m_s.out();
        if (out.json()) {
            fmt::print(stderr, "looppost: scan this link with the TikTok app: {}\n", link);
            return;
        }
        if (::isatty(1) == 1) {
            bool ansi = !m_s.ctx().env()("NO_COLOR");
            std::string qr = render_qr(link, ansi);
            std::fputs(qr.c_str(), stdout);
            out.line("Scan the code with the TikTok app (Profile > menu > QR code), or open this "
                     "link on the phone:");
        }
        out.line(link);
    }

    void show_url(const std::string& url) override {
        if (m_s.out().json()) {
            fmt::print(stderr, "looppost: open this page to log in: {}\n", url);
            return;
        }
        m_s.out().line("Open this page to log in:");
        m_s.out().line(url);
    }

    void status(const std::string& text) override { m_s.out().note(text); }

    std::optional<std::string> read_line(const std::string& prompt) override {
        fmt::print(stderr, "{}\n", prompt);
        std::string line;
        if (!std::getline(std::cin, line))
            return std::nullopt;
        return line;
    }

private:
    Session& m_s;
};

oauth::Method parse_method(const std::string& m) {
    if (m == "qr")
        return oauth::Method::qr;
    if (m == "browser")
        return oauth::Method::browser;
    return oauth::Method::paste;
}

struct LoginFlags {
    std::string method = "qr";
    std::optional<std::string> scopes;
    std::optional<std::string> name;
    int port = 0;
    std::optional<std::string> redirect_uri;
    bool no_browser = false;
    int timeout = 300;
};

// A flag that belongs to another method is a mistake worth saying, not ignoring.
void check_method_flags(const LoginFlags& f) {
    auto only = [&](bool given, std::string_view flag, std::string_view method) {
        if (given && f.method != method) {
            throw UsageError(fmt::format("{} applies to --method {} only", flag, method));
        }
    };
    only(f.port != 0, "--port", "browser");
    only(f.no_browser, "--no-browser", "browser");
    only(f.redirect_uri.has_value(), "--redirect-uri", "paste");
}

Exit run_login(Session& s, const LoginFlags& f) {
    check_method_flags(f);
    oauth::LoginOptions o;
    o.method = parse_method(f.method);
    if (f.scopes)
        o.scopes = oauth::parse_scopes(*f.scopes);
    o.name = f.name;
    o.port = f.port;
    o.redirect_uri = f.redirect_uri;
    o.open_browser = !f.no_browser;
    o.timeout = std::chrono::seconds(f.timeout);
    auto& env = s.auth();
    core::catch_interrupts();
    CliLoginUi ui(s);
    auto r = oauth::login(env, o, ui);
    auto limits = oauth::missing_capabilities(r.granted);
    std::vector<std::string> not_granted;
    for (const auto& want : r.requested) {
        if (std::find(r.granted.begin(), r.granted.end(), want) == r.granted.end()) {
            not_granted.push_back(want);
        }
    }
    if (s.out().json()) {
        auto doc = account_json(r.account);
        doc["new"] = r.new_account;
        doc["requested_scopes"] = r.requested;
        doc["limits"] = limits;
        s.out().document(doc);
        return Exit::ok;
    }
    const auto& a = r.account;
    std::string who = a.display_name.value_or(a.open_id);
    if (a.username)
        who += fmt::format(" (@{})", *a.username);
    s.out().line(fmt::format("logged in: account \"{}\" is {}{}", a.name, who,
                             a.is_default ? "; it is the default account" : ""));
    if (!not_granted.empty()) {
        s.out().warning(fmt::format("TikTok did not grant {}", util::join(not_granted, ", ")));
    }
    for (const auto& l : limits)
        s.out().note("  " + l);
    bool can_publish =
        std::find(r.granted.begin(), r.granted.end(), "video.publish") != r.granted.end();
    if (a.mode == "direct" && !can_publish) {
        s.out().warning(fmt::format("account \"{}\" posts in direct mode by default, which needs "
                                    "video.publish: run looppost account set {} --mode inbox",
                                    a.name, a.name));
    }
    return Exit::ok;
}

// One account's live check: the stored state, then a real call to TikTok with a fresh token.
nlohmann::json status_of(Session& s, const store::AccountRow& a, Exit& exit) {
    auto doc = account_json(a);
    std::string detail;
    bool ok = false;
    try {
        if (a.paused && a.state != "reauth_required") {
            detail = "paused: its posts wait (looppost account resume " + a.name + ")";
            ok = true;
        } else {
            auto& env = s.auth();
            auto info = oauth::with_token<tiktok::UserInfo>(env, a.id, [&](const vault::Secret& t) {
                return env.api.user_info(t, {"open_id"});
            });
            if (!info) {
                throw Error(Exit::unavailable,
                            fmt::format("TikTok refused the check: {}", info.error().describe()));
            }
            ok = true;
            detail = "TikTok accepts the token";
        }
    } catch (const Error& e) {
        detail = e.what();
        exit = more_urgent(exit, e.exit());
        s.out().error_line(e); // cron mails this line: a human must act
    }
    auto fresh = s.db().account_by_id(a.id);
    if (fresh)
        doc = account_json(*fresh);
    doc["check"] = {{"ok", ok}, {"detail", detail}};
    return doc;
}

void print_accounts(Output& out, const std::vector<nlohmann::json>& docs, bool with_check) {
    std::vector<std::vector<std::string>> rows{
        {"NAME", "", "STATE", "TIKTOK", "SCOPES", "ACCESS UNTIL", "LOGIN UNTIL"}};
    if (with_check)
        rows[0].push_back("CHECK");
    auto text = [](const nlohmann::json& j) {
        return j.is_null() ? std::string("-") : j.get<std::string>();
    };
    for (const auto& d : docs) {
        std::string who = text(d["display_name"]);
        if (d["username"].is_string())
            who += " @" + d["username"].get<std::string>();
        std::vector<std::string> row{d["name"],
                                     d["default"].get<bool>() ? "default" : "",
                                     d["state"],
                                     who,
                                     util::join(d["scopes"].get<std::vector<std::string>>(), ","),
                                     text(d["access_expires_at"]),
                                     text(d["refresh_expires_at"])};
        if (with_check)
            row.push_back(d["check"]["detail"]);
        rows.push_back(row);
    }
    out.table(rows);
}

} // namespace

void add_auth_command(CLI::App& app, Action& action) {
    auto* auth = app.add_subcommand("auth", "connect TikTok accounts and keep their tokens fresh");
    auth->require_subcommand(1);

    auto f = std::make_shared<LoginFlags>();
    auto* login = auth->add_subcommand("login", "connect a TikTok account (QR code by default)");
    login->add_option("--method", f->method, "qr (default), browser or paste")
        ->check(CLI::IsMember({"qr", "browser", "paste"}));
    login
        ->add_option("--scopes", f->scopes,
                     "scopes to ask for (default: the app's approved scopes)")
        ->type_name("LIST");
    login
        ->add_option("--name", f->name,
                     "the account's name in looppost (default: its TikTok username)")
        ->type_name("ALIAS");
    login
        ->add_option("--port", f->port,
                     "browser: the loopback listener's port (default: any free one)")
        ->check(CLI::Range(0, 65535));
    login
        ->add_option("--redirect-uri", f->redirect_uri,
                     "paste: a redirect URI registered for the app")
        ->type_name("URL");
    login->add_flag("--no-browser", f->no_browser, "browser: print the page instead of opening it");
    login
        ->add_option("--timeout", f->timeout,
                     "seconds to wait for each QR code or the browser (default 300)")
        ->check(CLI::Range(10, 3600));
    login->callback([&action, f] { action = [f](Session& s) { return run_login(s, *f); }; });

    auto* list =
        auth->add_subcommand("list", "the connected accounts, their scopes and token expiry");
    list->callback([&action] {
        action = [](Session& s) {
            std::vector<nlohmann::json> docs;
            for (const auto& a : s.db().accounts())
                docs.push_back(account_json(a));
            if (s.out().json()) {
                s.out().document(docs);
            } else if (docs.empty()) {
                s.out().note("no accounts yet: run looppost auth login");
            } else {
                print_accounts(s.out(), docs, false);
            }
            return Exit::ok;
        };
    });

    auto name = std::make_shared<std::optional<std::string>>();
    auto* status = auth->add_subcommand(
        "status", "check accounts against TikTok (refreshing tokens as needed)");
    status->add_option("account", *name, "one account (default: all)")->type_name("NAME");
    status->callback([&action, name] {
        action = [name](Session& s) {
            auto chosen = chosen_account(*name, s.ctx().options().account);
            std::vector<store::AccountRow> accounts;
            if (chosen) {
                accounts.push_back(oauth::resolve_account(s.db(), chosen));
            } else {
                accounts = s.db().accounts();
            }
            Exit exit = Exit::ok;
            std::vector<nlohmann::json> docs;
            for (const auto& a : accounts)
                docs.push_back(status_of(s, a, exit));
            if (s.out().json()) {
                s.out().document(docs);
            } else if (docs.empty()) {
                s.out().note("no accounts yet: run looppost auth login");
            } else {
                print_accounts(s.out(), docs, true);
            }
            return exit;
        };
    });

    auto* refresh = auth->add_subcommand("refresh", "refresh an account's tokens now");
    refresh->add_option("account", *name, "the account (default: the default account)")
        ->type_name("NAME");
    refresh->callback([&action, name] {
        action = [name](Session& s) {
            auto a =
                oauth::resolve_account(s.db(), chosen_account(*name, s.ctx().options().account));
            oauth::refresh_account(s.auth(), a);
            auto fresh = *s.db().account_by_id(a.id);
            if (s.out().json()) {
                s.out().document(account_json(fresh));
            } else {
                s.out().line(fmt::format("account \"{}\": access token valid until {}", fresh.name,
                                         utc_or_null(fresh.access_expires_at).get<std::string>()));
            }
            return Exit::ok;
        };
    });

    auto local_only = std::make_shared<bool>(false);
    auto logout_name = std::make_shared<std::string>();
    auto* logout = auth->add_subcommand(
        "logout", "revoke an account's authorization at TikTok and delete its tokens");
    logout->add_option("account", *logout_name, "the account")->required()->type_name("NAME");
    logout->add_flag("--local-only", *local_only,
                     "delete the tokens without telling TikTok (when it cannot be reached)");
    logout->callback([&action, logout_name, local_only] {
        action = [logout_name, local_only](Session& s) {
            auto a = oauth::resolve_account(s.db(), *logout_name);
            auto r = oauth::logout(s.auth(), a, *local_only);
            if (s.out().json()) {
                s.out().document(
                    {{"account", a.name},
                     {"revoked", r.revoked_at_tiktok},
                     {"note", r.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.note)}});
            } else {
                s.out().line(fmt::format(
                    "account \"{}\" logged out{}", a.name,
                    r.revoked_at_tiktok ? " and its authorization revoked at TikTok" : ""));
                if (!r.note.empty())
                    s.out().warning(r.note);
            }
            return Exit::ok;
        };
    });
}

} // namespace looppost::cli
