// looppost auth and account against the sandbox's OAuth: QR, browser and paste logins, refresh
// under the lease, rotation across processes, revocation, logout, and OAuth faults.

#include "harness.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <fstream>
#include <httplib.h>
#include <thread>

namespace fs = std::filesystem;
using harness::all_bytes_under;
using harness::Home;
using harness::later;
using harness::link_in;
using harness::qr_login;
using harness::Sandbox;
using harness::set_app;
using nlohmann::json;

namespace {

json accounts(const Home& home) {
    auto r = home.looppost({"auth", "list", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.json();
}

/// Every token value the sandbox ever issued.
std::vector<std::string> issued_tokens(const Sandbox& sbx) {
    std::vector<std::string> out;
    json state = sbx.get("state");
    for (const auto& t : state["tokens"]) {
        for (const char* k : {"access_token", "refresh_token"}) {
            if (t.contains(k) && t[k].is_string())
                out.push_back(t[k]);
        }
    }
    return out;
}

int refreshes(const Sandbox& sbx) {
    return sbx.get("state")["refreshes"].get<int>();
}

/// GETs `url` from the sandbox without following redirects; returns the Location.
std::string consent(const Sandbox& sbx, const std::string& url) {
    httplib::Client c("127.0.0.1", sbx.port());
    auto target = url.substr(url.find("/v2/auth/authorize/"));
    auto res = c.Get(target.c_str());
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 302, res->body);
    return res->get_header_value("Location");
}

} // namespace

TEST_CASE("a QR login stores the account with sealed tokens and makes it the default") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto r = qr_login(home, sbx, "alice");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = r.json();
    CHECK(doc["name"] == "alice");
    CHECK(doc["default"] == true);
    CHECK(doc["state"] == "active");
    CHECK(doc["new"] == true);
    CHECK(doc["open_id"].is_string());
    CHECK(doc["scopes"].size() == 6);
    CHECK(doc["access_expires_at"].is_string());
    auto list = accounts(home);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "alice");
    auto tokens = issued_tokens(sbx);
    REQUIRE_FALSE(tokens.empty());
    std::string bytes = all_bytes_under(home.path());
    for (const auto& t : tokens)
        CHECK(bytes.find(t) == std::string::npos);
}

TEST_CASE("an expired QR code is replaced by a new one and the login still succeeds") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto p = home.start({"auth", "login", "--json"});
    std::string first = link_in(p->wait_for_line("aweme://"), "aweme://");
    sbx.post("clock/advance", {{"seconds", 200}});
    std::string second = link_in(p->wait_for_line("aweme://"), "aweme://");
    CHECK(second != first);
    sbx.post("qr/scan", {{"url", second}, {"user", "alice"}});
    sbx.post("qr/confirm");
    auto r = p->finish();
    CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_CASE("a QR answer with a client_ticket that is not ours is refused and nothing is stored") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto p = home.start({"auth", "login", "--json"});
    std::string link = link_in(p->wait_for_line("aweme://"), "aweme://");
    sbx.post("qr/scan", {{"url", link}, {"user", "alice"}, {"client_ticket", "forged-ticket"}});
    sbx.post("qr/confirm");
    auto r = p->finish();
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("client_ticket") != std::string::npos);
    CHECK(accounts(home).empty());
    CHECK(issued_tokens(sbx).empty());
}

TEST_CASE("a browser login goes through the real loopback listener with a hex PKCE challenge") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto p = home.start(
        {"auth", "login", "--method", "browser", "--no-browser", "--json", "--name", "main"});
    std::string url = link_in(p->wait_for_line("/v2/auth/authorize/"), "http://");
    CHECK(url.find("code_challenge_method=S256") != std::string::npos);
    auto challenge = url.substr(url.find("code_challenge=") + 15, 64);
    CHECK(challenge.find_first_not_of("0123456789abcdef") == std::string::npos);
    std::string location = consent(sbx, url);
    REQUIRE(location.rfind("http://127.0.0.1:", 0) == 0);
    auto port = std::stoi(location.substr(17));
    httplib::Client cb("127.0.0.1", port);
    auto res = cb.Get(location.substr(location.find("/callback/")).c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
    auto r = p->finish();
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.json()["name"] == "main");
}

TEST_CASE("a paste login accepts the redirected address and the bare code") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    const std::string redirect = "https://sandbox.looppost.test/callback/";
    {
        auto p = home.start(
            {"auth", "login", "--method", "paste", "--redirect-uri", redirect, "--json"});
        std::string url = link_in(p->wait_for_line("/v2/auth/authorize/"), "http://");
        CHECK(url.find("code_challenge") == std::string::npos); // a web redirect takes no PKCE
        p->write_stdin(consent(sbx, url) + "\n");
        auto r = p->finish();
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(r.json()["name"] == "alice");
    }
    {
        sbx.post("config", {{"consent_user", "bob"}});
        auto p = home.start(
            {"auth", "login", "--method", "paste", "--redirect-uri", redirect, "--json"});
        std::string url = link_in(p->wait_for_line("/v2/auth/authorize/"), "http://");
        std::string location = consent(sbx, url);
        auto code_at = location.find("code=") + 5;
        std::string code = location.substr(code_at, location.find('&', code_at) - code_at);
        std::string decoded;
        for (size_t i = 0; i < code.size(); ++i) {
            if (code[i] == '%' && i + 2 < code.size()) {
                decoded += static_cast<char>(std::stoi(code.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                decoded += code[i];
            }
        }
        p->write_stdin(decoded + "\n");
        auto r = p->finish();
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(r.json()["name"] == "bob");
        CHECK(r.json()["default"] == false);
    }
    CHECK(accounts(home).size() == 2);
}

TEST_CASE("a token the API refuses after the sandbox clock moved is refreshed once and the call "
          "retried") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    sbx.post("clock/advance", {{"seconds", 86400 + 60}});
    auto r = home.looppost({"auth", "status", "alice", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.err + r.out));
    CHECK(r.json()[0]["check"]["ok"] == true);
    CHECK(refreshes(sbx) == 1);
}

TEST_CASE("an expiry only looppost's clock sees is refreshed before the call") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    auto r = later(home, "+2d", {"auth", "status", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.err + r.out));
    CHECK(refreshes(sbx) == 1);
    auto again = later(home, "+2d", {"auth", "status", "--json"});
    CHECK(again.exit_code == 0);
    CHECK(refreshes(sbx) == 1); // the new token is fresh: no second refresh
}

TEST_CASE("two processes needing a refresh at once refresh once and both succeed") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    // Slow the refresh so the second process finds the lease taken.
    sbx.post("faults",
             {{"path_prefix", "/v2/oauth/token/"}, {"kind", "delay"}, {"ms", 1500}, {"times", 1}});
    std::vector<std::string> args{"-f", "+2d", LOOPPOST_BIN, "auth", "status", "alice", "--json"};
    harness::Process a("/usr/bin/faketime", args, home.env());
    harness::Process b("/usr/bin/faketime", args, home.env());
    auto ra = a.finish();
    auto rb = b.finish();
    CHECK_MESSAGE(ra.exit_code == 0, ra.err);
    CHECK_MESSAGE(rb.exit_code == 0, rb.err);
    CHECK(refreshes(sbx) == 1);
    CHECK(ra.err.find("invalid_grant") == std::string::npos);
    CHECK(rb.err.find("invalid_grant") == std::string::npos);
}

TEST_CASE("a revoked authorization makes the account need a login: exit 77, account kept") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    std::string access;
    json state = sbx.get("state");
    for (const auto& t : state["tokens"])
        access = t["access_token"];
    httplib::Client c("127.0.0.1", sbx.port());
    auto res = c.Post("/v2/oauth/revoke/",
                      "client_key=sbx_client_key&client_secret=sbx_client_secret&token=" + access,
                      "application/x-www-form-urlencoded");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto r = later(home, "+2d", {"auth", "status", "alice"});
    CHECK(r.exit_code == 77);
    CHECK(
        r.err.find("looppost: error: account \"alice\" needs a new login: run looppost auth login "
                   "--name alice") != std::string::npos);
    auto list = accounts(home);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["state"] == "reauth_required");
    auto again = home.looppost({"auth", "refresh", "alice"});
    CHECK(again.exit_code == 77);
    // A new login brings it back, under the same name.
    auto back = qr_login(home, sbx, "alice");
    REQUIRE(back.exit_code == 0);
    CHECK(back.json()["new"] == false);
    CHECK(accounts(home)[0]["state"] == "active");
}

TEST_CASE("logout revokes at TikTok, then deletes the tokens") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    auto tokens = issued_tokens(sbx);
    auto r = home.looppost({"auth", "logout", "alice", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.json()["revoked"] == true);
    CHECK(sbx.get("state")["revokes"] == 1);
    auto list = accounts(home);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["access_expires_at"].is_null());
    CHECK(list[0]["state"] == "reauth_required");
    std::string bytes = all_bytes_under(home.path());
    for (const auto& t : tokens)
        CHECK(bytes.find(t) == std::string::npos);
}

TEST_CASE("logout when TikTok cannot be reached deletes nothing unless --local-only") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    sbx.post("faults", {{"path_prefix", "/v2/oauth/revoke/"},
                        {"kind", "status"},
                        {"http_status", 503},
                        {"error_code", "temporarily_unavailable"},
                        {"times", 10}});
    home.looppost({"config", "set", "http_attempts", "2"});
    auto r = home.looppost({"auth", "logout", "alice"});
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("--local-only") != std::string::npos);
    CHECK(accounts(home)[0]["access_expires_at"].is_string());
    auto local = home.looppost({"auth", "logout", "alice", "--local-only"});
    CHECK(local.exit_code == 0);
    CHECK(accounts(home)[0]["access_expires_at"].is_null());
}

TEST_CASE("-v shows the OAuth exchanges but never a token") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice", {"-v"}).exit_code == 0);
    auto r = later(home, "+2d", {"-v", "auth", "status", "alice"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("/v2/oauth/token/") != std::string::npos);
    for (const auto& t : issued_tokens(sbx))
        CHECK(r.err.find(t) == std::string::npos);
    CHECK(r.err.find("sbx_client_secret") == std::string::npos);
}

TEST_CASE("a 5xx from check_qrcode is retried and the login succeeds") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    sbx.post("faults", {{"path_prefix", "/v2/oauth/check_qrcode/"},
                        {"kind", "status"},
                        {"http_status", 500},
                        {"error_code", "server_error"},
                        {"times", 1}});
    auto r = qr_login(home, sbx, "alice");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_CASE("a dropped token exchange is a clear error and stores nothing") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    sbx.post(
        "faults",
        {{"path_prefix", "/v2/oauth/token/"}, {"kind", "drop"}, {"when", "after"}, {"times", 1}});
    auto r = qr_login(home, sbx, "alice");
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("nothing was stored") != std::string::npos);
    CHECK(accounts(home).empty());
}

TEST_CASE("a non-JSON answer from get_qrcode is a clear error") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    sbx.post("faults",
             {{"path_prefix", "/v2/oauth/get_qrcode/"}, {"kind", "garbage"}, {"times", 10}});
    auto r = home.looppost({"auth", "login"});
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("not JSON") != std::string::npos);
    CHECK(accounts(home).empty());
}

TEST_CASE("TikTok refusing the QR flow says why and suggests the paste method") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    sbx.post("faults", {{"path_prefix", "/v2/oauth/get_qrcode/"},
                        {"kind", "status"},
                        {"http_status", 400},
                        {"error_code", "unauthorized_client"},
                        {"times", 1}});
    auto r = home.looppost({"auth", "login"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("unauthorized_client") != std::string::npos);
    CHECK(r.err.find("--method paste") != std::string::npos);
}

TEST_CASE("a partial grant is recorded and its limits are said") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    sbx.post("config", {{"grant_scopes", {"user.info.basic", "video.upload"}}});
    auto r = qr_login(home, sbx, "alice");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = r.json();
    CHECK(doc["scopes"] == json::array({"user.info.basic", "video.upload"}));
    bool inbox_only = false;
    for (const auto& l : doc["limits"]) {
        if (l.get<std::string>().find("no video.publish") != std::string::npos)
            inbox_only = true;
    }
    CHECK(inbox_only);
    auto direct = home.looppost({"account", "set", "alice", "--mode", "direct"});
    CHECK(direct.exit_code == 65);
    CHECK(direct.err.find("video.publish") != std::string::npos);
}

TEST_CASE("accounts have names, a default, a time zone, a mode and can be paused") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    REQUIRE(qr_login(home, sbx, "bob").exit_code == 0);
    auto typo = home.looppost({"account", "set", "alise", "--mode", "inbox"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find("did you mean \"alice\"") != std::string::npos);
    auto tz = home.looppost({"account", "set", "bob", "--time-zone", "Europe/Berlin", "--default",
                             "--mode", "direct", "--json"});
    REQUIRE_MESSAGE(tz.exit_code == 0, tz.err);
    CHECK(tz.json()["time_zone"] == "Europe/Berlin");
    CHECK(tz.json()["default"] == true);
    CHECK(tz.json()["mode"] == "direct");
    CHECK(home.looppost({"account", "set", "bob", "--time-zone", "Mars/Olympus"}).exit_code == 65);
    auto renamed = home.looppost({"account", "set", "bob", "--rename", "robert", "--json"});
    CHECK(renamed.json()["name"] == "robert");
    CHECK(home.looppost({"account", "set", "robert", "--rename", "alice"}).exit_code == 2);
    CHECK(home.looppost({"account", "pause", "alice"}).exit_code == 0);
    CHECK(accounts(home)[0]["state"] == "paused");
    CHECK(home.looppost({"account", "resume", "alice"}).exit_code == 0);
    CHECK(home.looppost({"account", "resume", "alice"}).exit_code ==
          0); // already running: nothing to do
    CHECK(home.looppost({"account", "pause", "alice"}).exit_code == 0);
    // The global --account picks the account for auth status.
    auto st = home.looppost({"--account", "robert", "auth", "status", "--json"});
    CHECK(st.exit_code == 0);
    CHECK(st.json().size() == 1);
    CHECK(st.json()[0]["name"] == "robert");
}

TEST_CASE("Ctrl-C during a QR login stops cleanly and stores nothing") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto p = home.start({"auth", "login"});
    p->wait_for_line("aweme://");
    p->signal(SIGINT);
    auto r = p->finish(std::chrono::seconds(10));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("cancelled") != std::string::npos);
    CHECK(accounts(home).empty());
}

TEST_CASE("an authorization ending within 14 days is warned about once a day, and doctor says so") {
    Sandbox sbx;
    sbx.post("config", {{"refresh_token_ttl", 10 * 86400}});
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    auto first = home.looppost({"auth", "status", "alice"});
    CHECK(first.exit_code == 0);
    CHECK(first.err.find("authorization ends on") != std::string::npos);
    auto second = home.looppost({"auth", "status", "alice"});
    CHECK(second.err.find("authorization ends on") == std::string::npos);
    auto doctor = home.looppost({"doctor", "--json"}).json();
    bool seen = false;
    for (const auto& c : doctor["checks"]) {
        if (c["name"] == "accounts") {
            seen = true;
            CHECK(c["ok"] == true);
            CHECK(c["detail"].get<std::string>().find("login ends within") != std::string::npos);
        }
    }
    CHECK(seen);
}

TEST_CASE("doctor reports an account that needs a login with exit 77") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    REQUIRE(home.looppost({"auth", "logout", "alice"}).exit_code == 0);
    auto r = home.looppost({"doctor", "--json"});
    CHECK(r.exit_code == 77);
}

TEST_CASE("a pause survives a logout and a new login") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    REQUIRE(home.looppost({"account", "pause", "alice"}).exit_code == 0);
    REQUIRE(home.looppost({"auth", "logout", "alice"}).exit_code == 0);
    CHECK(accounts(home)[0]["state"] == "reauth_required");
    REQUIRE(qr_login(home, sbx, "alice").exit_code == 0);
    CHECK(accounts(home)[0]["state"] == "paused");
}

TEST_CASE("a browser login opens the consent page with xdg-open when there is one") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    harness::TempDir bin;
    auto opened = bin.path() / "opened";
    {
        std::ofstream f(bin.path() / "xdg-open");
        f << "#!/bin/sh\nprintf '%s\\n' \"$1\" > '" << opened.string() << "'\n";
    }
    fs::permissions(bin.path() / "xdg-open", fs::perms::owner_all);
    std::string path =
        bin.path().string() + ":" + (getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    auto p = home.start({"auth", "login", "--method", "browser", "--json"}, {{"PATH", path}});
    std::string url = link_in(p->wait_for_line("/v2/auth/authorize/"), "http://");
    std::string seen;
    for (int i = 0; i < 100 && seen.empty(); ++i) { // at most 10 s
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        seen = harness::read_file(opened);
    }
    CHECK(seen == url + "\n");
    std::string location = consent(sbx, url);
    httplib::Client cb("127.0.0.1", std::stoi(location.substr(17)));
    REQUIRE(cb.Get(location.substr(location.find("/callback/")).c_str()));
    auto r = p->finish();
    CHECK_MESSAGE(r.exit_code == 0, r.err);
}
