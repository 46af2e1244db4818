// looppost-sandbox's OAuth family against reference §2, §3 and §5.1: the consent page and its
// redirects, hex-S256 PKCE, code exchange, refresh rotation with an absolute deadline, revoke, the
// QR login states and /v2/user/info/. Every request goes to 127.0.0.1; every loop is bounded.

#include "harness.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <chrono>
#include <doctest/doctest.h>
#include <httplib.h>
#include <memory>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <poll.h>
#include <sodium.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using nlohmann::json;

constexpr const char* k_key = "sbx_client_key";
constexpr const char* k_secret = "sbx_client_secret";
constexpr const char* k_loopback = "http://127.0.0.1:53682/callback/";
constexpr const char* k_web = "https://sandbox.looppost.test/callback/";
const std::string k_verifier = "looppost-test-verifier_0123456789.abcdefghijklmnop~XYZ";

std::string hex_sha256(const std::string& text) {
    REQUIRE(sodium_init() >= 0);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::string hex;
    for (unsigned char byte : digest) {
        constexpr const char* k_hex = "0123456789abcdef";
        hex += k_hex[byte >> 4];
        hex += k_hex[byte & 15];
    }
    return hex;
}

std::unique_ptr<httplib::Client> client_for(const harness::Sandbox& sbx) {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", sbx.port());
    client->set_connection_timeout(5);
    client->set_read_timeout(10);
    client->set_follow_location(false);
    return client;
}

/// Where the consent page sent the browser: status, the redirect target without its query and
/// the decoded query parameters.
struct Callback {
    int status = 0;
    std::string location;
    std::string target;
    httplib::Params params;
    std::string param(const std::string& key) const {
        auto it = params.find(key);
        return it == params.end() ? std::string() : it->second;
    }
};

httplib::Params consent_params(const std::string& redirect_uri = k_loopback,
                               const std::string& scope = "user.info.basic,video.publish") {
    return {{"client_key", k_key},
            {"response_type", "code"},
            {"scope", scope},
            {"redirect_uri", redirect_uri},
            {"state", "st-8f2a"},
            {"code_challenge", hex_sha256(k_verifier)},
            {"code_challenge_method", "S256"}};
}

/// Sends a GET on a plain socket and returns the raw answer (at most 10 s): httplib's client
/// URL-decodes the Location header, and the test must see it as sent.
std::string raw_get(int port, const std::string& target) {
    return harness::raw_exchange(
        port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

Callback authorize(const harness::Sandbox& sbx, const httplib::Params& params) {
    const std::string raw =
        raw_get(sbx.port(), httplib::append_query_params("/v2/auth/authorize/", params));
    REQUIRE(raw.rfind("HTTP/1.1 ", 0) == 0);
    Callback cb;
    cb.status = std::stoi(raw.substr(9, 3));
    const std::size_t header = raw.find("\r\nLocation: ");
    if (header != std::string::npos) {
        const std::size_t start = header + 12;
        cb.location = raw.substr(start, raw.find("\r\n", start) - start);
    }
    const std::size_t query = cb.location.find('?');
    cb.target = cb.location.substr(0, query);
    if (query != std::string::npos) {
        httplib::detail::parse_query_text(cb.location.substr(query + 1), cb.params);
    }
    return cb;
}

struct Answer {
    int status = 0;
    json body;
};

Answer form_post(const harness::Sandbox& sbx, const std::string& path,
                 const httplib::Params& form) {
    const auto res = client_for(sbx)->Post(path.c_str(), form);
    REQUIRE(res);
    return {res->status, json::parse(res->body)};
}

Answer redeem(const harness::Sandbox& sbx, const std::string& code,
              const std::string& verifier = k_verifier,
              const std::string& redirect_uri = k_loopback) {
    return form_post(sbx, "/v2/oauth/token/",
                     {{"client_key", k_key},
                      {"client_secret", k_secret},
                      {"code", code},
                      {"grant_type", "authorization_code"},
                      {"redirect_uri", redirect_uri},
                      {"code_verifier", verifier}});
}

Answer refresh(const harness::Sandbox& sbx, const std::string& refresh_token) {
    return form_post(sbx, "/v2/oauth/token/",
                     {{"client_key", k_key},
                      {"client_secret", k_secret},
                      {"grant_type", "refresh_token"},
                      {"refresh_token", refresh_token}});
}

/// A fresh token answer for the default consent (user.info.basic, video.publish).
json login(const harness::Sandbox& sbx,
           const std::string& scope = "user.info.basic,video.publish") {
    const Callback cb = authorize(sbx, consent_params(k_loopback, scope));
    REQUIRE(cb.status == 302);
    const Answer answer = redeem(sbx, cb.param("code"));
    REQUIRE(answer.status == 200);
    return answer.body;
}

Answer user_info(const harness::Sandbox& sbx, const std::string& token, const std::string& fields) {
    httplib::Headers headers{{"Authorization", "Bearer " + token}};
    const auto res = client_for(sbx)->Get(("/v2/user/info/?fields=" + fields).c_str(), headers);
    REQUIRE(res);
    return {res->status, json::parse(res->body)};
}

void check_oauth_error(const Answer& answer, int status, const std::string& error) {
    CHECK(answer.status == status);
    CHECK(answer.body["error"] == error);
    CHECK(answer.body["error_description"].is_string());
    CHECK(answer.body["log_id"].is_string());
    CHECK(!answer.body.contains("data"));
}

} // namespace

TEST_CASE("the consent page redirects with a percent-encoded code, the granted scopes and state") {
    harness::Sandbox sbx;
    const Callback cb = authorize(sbx, consent_params());
    REQUIRE(cb.status == 302);
    CHECK(cb.target == k_loopback);
    const std::string code = cb.param("code");
    CHECK(code.find_first_of("*!") != std::string::npos);
    CHECK(cb.location.find_first_of("*!") == std::string::npos); // encoded in the redirect
    CHECK(cb.param("scopes") == "user.info.basic,video.publish");
    CHECK(cb.param("state") == "st-8f2a");
    const json codes = sbx.get("state")["auth_codes"];
    REQUIRE(codes.size() == 1);
    CHECK(codes[0]["used"] == false);
    CHECK(codes[0]["pkce"] == true);
    CHECK(!codes[0].contains("code"));
}

TEST_CASE("an unregistered redirect_uri or unknown client gets a 400 page and no redirect") {
    harness::Sandbox sbx;
    for (const char* uri : {"https://evil.example/callback/", "http://127.0.0.1:53682/callback",
                            "http://127.0.0.1:/callback/", "http://127.0.0.1:53682/callback/?x=1",
                            "http://10.0.0.1:53682/callback/"}) {
        const Callback cb = authorize(sbx, consent_params(uri));
        CHECK_MESSAGE(cb.status == 400, uri);
        CHECK_MESSAGE(cb.location.empty(), uri);
    }
    httplib::Params params = consent_params();
    params.find("client_key")->second = "nobody";
    const Callback unknown = authorize(sbx, params);
    CHECK(unknown.status == 400);
    CHECK(unknown.location.empty());
}

TEST_CASE("a loopback redirect_uri on any port matches the wildcard registration") {
    harness::Sandbox sbx;
    for (const char* uri : {"http://127.0.0.1:1/callback/", "http://127.0.0.1:65535/callback/",
                            "http://localhost:3455/callback/"}) {
        const Callback cb = authorize(sbx, consent_params(uri));
        CHECK_MESSAGE(cb.status == 302, uri);
        CHECK_MESSAGE(cb.target == uri, uri);
        CHECK_MESSAGE(!cb.param("code").empty(), uri);
    }
    CHECK(authorize(sbx, consent_params("http://127.0.0.1:65536/callback/")).status == 400);
}

TEST_CASE("a loopback login without a lowercase-hex S256 challenge redirects invalid_request") {
    harness::Sandbox sbx;
    // base64url of the same digest, as RFC 7636 would have it
    httplib::Params base64 = consent_params();
    base64.find("code_challenge")->second = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";
    httplib::Params upper = consent_params();
    auto& challenge = upper.find("code_challenge")->second;
    for (char& c : challenge) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    httplib::Params plain = consent_params();
    plain.find("code_challenge_method")->second = "plain";
    httplib::Params none = consent_params();
    none.erase("code_challenge");
    none.erase("code_challenge_method");
    for (const auto& params : {base64, upper, plain, none}) {
        const Callback cb = authorize(sbx, params);
        CHECK(cb.status == 302);
        CHECK(cb.param("error") == "invalid_request");
        CHECK(cb.param("state") == "st-8f2a");
        CHECK(cb.param("code").empty());
    }
    // A web redirect needs no PKCE.
    httplib::Params web = consent_params(k_web);
    web.erase("code_challenge");
    web.erase("code_challenge_method");
    CHECK(!authorize(sbx, web).param("code").empty());
}

TEST_CASE("a scope that is unknown or not approved for the app redirects invalid_scope") {
    harness::Sandbox sbx;
    sbx.post("config", {{"clients",
                         {{{"client_key", k_key},
                           {"client_secret", k_secret},
                           {"approved_scopes", {"user.info.basic", "video.upload"}}}}}});
    for (const char* scope :
         {"user.info.basic,video.publish", "user.info.basic,video.delete", ""}) {
        const Callback cb = authorize(sbx, consent_params(k_loopback, scope));
        CHECK_MESSAGE(cb.status == 302, scope);
        CHECK_MESSAGE(cb.param("error") == "invalid_scope", scope);
        CHECK(cb.param("state") == "st-8f2a");
    }
    CHECK(authorize(sbx, consent_params(k_loopback, "video.upload")).param("scopes") ==
          "video.upload");
}

TEST_CASE("the code and the right verifier give a flat token answer recorded in the ledger") {
    harness::Sandbox sbx;
    const json token = login(sbx);
    CHECK(token["access_token"].get<std::string>().rfind("act.", 0) == 0);
    CHECK(token["refresh_token"].get<std::string>().rfind("rft.", 0) == 0);
    CHECK(token["expires_in"] == 86400);
    CHECK(token["refresh_expires_in"] == 31536000);
    CHECK(token["scope"] == "user.info.basic,video.publish");
    CHECK(token["token_type"] == "Bearer");
    const json state = sbx.get("state");
    CHECK(token["open_id"] == state["users"][0]["open_id"]);
    REQUIRE(state["tokens"].size() == 1);
    const json& stored = state["tokens"][0];
    CHECK(stored["access_token"] == token["access_token"]);
    CHECK(stored["refresh_token"] == token["refresh_token"]);
    CHECK(stored["open_id"] == token["open_id"]);
    CHECK(stored["revoked"] == false);
    CHECK(stored["rotated"] == false);
    CHECK(state["auth_codes"][0]["used"] == true);
}

TEST_CASE("a wrong verifier is refused and the code can still be exchanged with the right one") {
    harness::Sandbox sbx;
    const std::string code = authorize(sbx, consent_params()).param("code");
    const Answer wrong = redeem(sbx, code, k_verifier + "x");
    check_oauth_error(wrong, 400, "invalid_request");
    CHECK(wrong.body["error_description"] == "Code verifier or code challenge is invalid.");
    check_oauth_error(redeem(sbx, code, "short"), 400, "invalid_request");
    check_oauth_error(redeem(sbx, code, ""), 400, "invalid_request");
    CHECK(redeem(sbx, code).status == 200);
}

TEST_CASE("a code works once and then answers invalid_grant") {
    harness::Sandbox sbx;
    const std::string code = authorize(sbx, consent_params()).param("code");
    CHECK(redeem(sbx, code).status == 200);
    check_oauth_error(redeem(sbx, code), 400, "invalid_grant");
    check_oauth_error(redeem(sbx, "made-up*0!1234.va"), 400, "invalid_grant");
}

TEST_CASE("a code expires after code_ttl of sandbox time") {
    harness::Sandbox sbx;
    const std::string code = authorize(sbx, consent_params()).param("code");
    sbx.post("clock/advance", {{"seconds", 601}});
    check_oauth_error(redeem(sbx, code), 400, "invalid_grant");
    CHECK(sbx.get("state")["auth_codes"][0]["expired"] == true);
}

TEST_CASE("a redirect_uri other than the authorize call's is refused with TikTok's message") {
    harness::Sandbox sbx;
    const std::string code = authorize(sbx, consent_params()).param("code");
    const Answer other = redeem(sbx, code, k_verifier, "http://127.0.0.1:53683/callback/");
    check_oauth_error(other, 400, "invalid_request");
    CHECK(other.body["error_description"] ==
          "Redirect_uri is not matched with the uri when requesting code.");
    check_oauth_error(redeem(sbx, code, k_verifier, ""), 400, "invalid_request");
}

TEST_CASE("a bad client secret is invalid_client and an odd grant_type is unsupported") {
    harness::Sandbox sbx;
    const std::string code = authorize(sbx, consent_params()).param("code");
    const Answer bad = form_post(sbx, "/v2/oauth/token/",
                                 {{"client_key", k_key},
                                  {"client_secret", "wrong"},
                                  {"code", code},
                                  {"grant_type", "authorization_code"},
                                  {"redirect_uri", k_loopback},
                                  {"code_verifier", k_verifier}});
    check_oauth_error(bad, 401, "invalid_client");
    const Answer odd =
        form_post(sbx, "/v2/oauth/token/",
                  {{"client_key", k_key}, {"client_secret", k_secret}, {"grant_type", "password"}});
    check_oauth_error(odd, 400, "unsupported_grant_type");
    const auto json_body = client_for(sbx)->Post(
        "/v2/oauth/token/", json{{"grant_type", "authorization_code"}}.dump(), "application/json");
    REQUIRE(json_body);
    CHECK(json_body->status == 400); // TikTok's OAuth endpoints take form bodies only
    CHECK(redeem(sbx, code).status == 200);
}

TEST_CASE("a refresh rotates the refresh token and the old one answers invalid_grant") {
    harness::Sandbox sbx;
    const json first = login(sbx);
    sbx.post("clock/advance", {{"seconds", 3600}});
    const Answer second = refresh(sbx, first["refresh_token"]);
    REQUIRE(second.status == 200);
    CHECK(second.body["refresh_token"] != first["refresh_token"]);
    CHECK(second.body["access_token"] != first["access_token"]);
    CHECK(second.body["expires_in"] == 86400);
    const int64_t left = second.body["refresh_expires_in"];
    CHECK(left <= 31536000 - 3600);
    CHECK(left >= 31536000 - 3600 - 5);
    CHECK(second.body["open_id"] == first["open_id"]);
    CHECK(second.body["scope"] == first["scope"]);

    check_oauth_error(refresh(sbx, first["refresh_token"]), 400, "invalid_grant");
    // The old access token runs out on its own schedule.
    CHECK(user_info(sbx, first["access_token"], "open_id").status == 200);
    const Answer third = refresh(sbx, second.body["refresh_token"]);
    CHECK(third.status == 200);

    const json state = sbx.get("state");
    REQUIRE(state["tokens"].size() == 3);
    CHECK(state["tokens"][0]["rotated"] == true);
    CHECK(state["tokens"][1]["rotated"] == true);
    CHECK(state["tokens"][2]["rotated"] == false);
    CHECK(state["tokens"][2]["via"] == "refresh_token");
    CHECK(state["refreshes"] == 2);
}

TEST_CASE("the refresh deadline is absolute from the first grant") {
    harness::Sandbox sbx;
    sbx.post("config", {{"refresh_token_ttl", 1000}, {"access_token_ttl", 300}});
    const json first = login(sbx);
    CHECK(first["refresh_expires_in"] == 1000);
    CHECK(first["expires_in"] == 300);
    sbx.post("clock/advance", {{"seconds", 600}});
    CHECK(user_info(sbx, first["access_token"], "open_id").status == 401); // expired access
    const Answer second = refresh(sbx, first["refresh_token"]);
    REQUIRE(second.status == 200);
    CHECK(second.body["refresh_expires_in"].get<int64_t>() <= 400);
    CHECK(second.body["refresh_expires_in"].get<int64_t>() >= 395);
    sbx.post("clock/advance", {{"seconds", 401}});
    check_oauth_error(refresh(sbx, second.body["refresh_token"]), 400, "invalid_grant");
}

TEST_CASE("revoking a grant ends its access and refresh tokens") {
    harness::Sandbox sbx;
    const json token = login(sbx);
    const httplib::Params revoke{
        {"client_key", k_key}, {"client_secret", k_secret}, {"token", token["access_token"]}};
    const Answer done = form_post(sbx, "/v2/oauth/revoke/", revoke);
    CHECK(done.status == 200);
    CHECK(done.body == json::object());
    const Answer info = user_info(sbx, token["access_token"], "open_id");
    CHECK(info.status == 401);
    CHECK(info.body["error"]["code"] == "access_token_invalid");
    check_oauth_error(refresh(sbx, token["refresh_token"]), 400, "invalid_grant");
    CHECK(form_post(sbx, "/v2/oauth/revoke/", revoke).body == json::object()); // again: fine
    check_oauth_error(
        form_post(sbx, "/v2/oauth/revoke/",
                  {{"client_key", k_key}, {"client_secret", k_secret}, {"token", "x"}}),
        400, "invalid_request");
    const json state = sbx.get("state");
    CHECK(state["tokens"][0]["revoked"] == true);
    CHECK(state["revokes"] == 2);
}

TEST_CASE("user/info returns the requested fields and refuses ungranted or unknown ones") {
    harness::Sandbox sbx;
    const json token = login(sbx, "user.info.basic,user.info.stats");
    const Answer info =
        user_info(sbx, token["access_token"], "open_id,display_name,follower_count");
    REQUIRE(info.status == 200);
    CHECK(info.body["error"]["code"] == "ok");
    const json& user = info.body["data"]["user"];
    CHECK(user.size() == 3);
    CHECK(user["open_id"] == token["open_id"]);
    CHECK(user["display_name"] == "Alice");
    CHECK(user["follower_count"].is_number_integer());
    CHECK(user_info(sbx, token["access_token"], "follower_count").body["data"]["user"] ==
          json{{"follower_count", user["follower_count"]}}); // deterministic

    const Answer profile = user_info(sbx, token["access_token"], "open_id,username");
    CHECK(profile.status == 400);
    CHECK(profile.body["error"]["code"] == "scope_permission_missed");
    CHECK(user_info(sbx, token["access_token"], "open_id,shoe_size").body["error"]["code"] ==
          "invalid_params");
    CHECK(user_info(sbx, token["access_token"], "").body["error"]["code"] == "invalid_params");
    CHECK(user_info(sbx, "act.nope", "open_id").status == 401);
    const auto bare = client_for(sbx)->Get("/v2/user/info/?fields=open_id");
    REQUIRE(bare);
    CHECK(bare->status == 401);
    CHECK(json::parse(bare->body)["error"]["code"] == "access_token_invalid");
}

TEST_CASE("grant_scopes makes the consent user grant only part of the request") {
    harness::Sandbox sbx;
    sbx.post("config",
             {{"grant_scopes", {"user.info.basic", "video.upload"}}, {"consent_user", "bob"}});
    const Callback cb = authorize(
        sbx, consent_params(k_loopback, "user.info.basic,user.info.profile,video.upload"));
    CHECK(cb.param("scopes") == "user.info.basic,video.upload");
    const json token = redeem(sbx, cb.param("code")).body;
    CHECK(token["scope"] == "user.info.basic,video.upload");
    CHECK(token["open_id"] == sbx.get("state")["users"][1]["open_id"]);
    CHECK(user_info(sbx, token["access_token"], "username").body["error"]["code"] ==
          "scope_permission_missed");
    CHECK(authorize(sbx, consent_params(k_loopback, "user.info.profile")).param("error") ==
          "access_denied");
}

TEST_CASE("the OAuth profile keys are validated and unknown keys still refused") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    for (const json& bad :
         {json{{"code_ttl", 0}}, json{{"qr_auto", "yes"}}, json{{"grant_scopes", {"video.delete"}}},
          json{{"consent_user", "carol"}}, json{{"oauth", true}},
          json{{"clients",
                {{{"client_key", "k"},
                  {"client_secret", "s"},
                  {"redirect_uris", {"http://example.com/callback/"}}}}}},
          json{{"clients",
                {{{"client_key", "k"},
                  {"client_secret", "s"},
                  {"redirect_uris", {"https://example.com/cb/?next=1"}}}}}}}) {
        const auto res = client->Post("/_sandbox/config", bad.dump(), "application/json");
        REQUIRE(res);
        CHECK_MESSAGE(res->status == 400, bad.dump());
    }
    const json config = sbx.get("config");
    CHECK(config["access_token_ttl"] == 86400);
    CHECK(config["refresh_token_ttl"] == 31536000);
    CHECK(config["code_ttl"] == 600);
    CHECK(config["qr_ttl"] == 120);
    CHECK(config["qr_auto"] == false);
    CHECK(config["consent_user"].is_null());
    CHECK(config["grant_scopes"].is_null());
    CHECK(config["clients"][0]["approved_scopes"].size() == 6);
    CHECK(config["clients"][0]["redirect_uris"][0] == "http://127.0.0.1:*/callback/");
}

namespace {

Answer get_qrcode(const harness::Sandbox& sbx, const std::string& scope = "user.info.basic") {
    return form_post(sbx, "/v2/oauth/get_qrcode/",
                     {{"client_key", k_key}, {"scope", scope}, {"state", "qr-state 1"}});
}

Answer check_qrcode(const harness::Sandbox& sbx, const std::string& token,
                    const std::string& secret = k_secret) {
    return form_post(sbx, "/v2/oauth/check_qrcode/",
                     {{"client_key", k_key}, {"client_secret", secret}, {"token", token}});
}

/// The deep link as a client displays it: its own ticket in place of "tobefilled".
std::string displayed(const json& qr, const std::string& ticket) {
    std::string url = qr["scan_qrcode_url"];
    const std::string placeholder = "client_ticket=tobefilled";
    const std::size_t at = url.find(placeholder);
    REQUIRE(at != std::string::npos);
    return url.replace(at, placeholder.size(), "client_ticket=" + ticket);
}

/// The decoded code in a confirmed answer's redirect_uri.
std::string code_of(const json& confirmed) {
    const std::string uri = confirmed["redirect_uri"];
    httplib::Params params;
    httplib::detail::parse_query_text(uri.substr(uri.find('?') + 1), params);
    return params.find("code") == params.end() ? std::string() : params.find("code")->second;
}

Answer exchange_qr_code(const harness::Sandbox& sbx, const std::string& code,
                        const std::optional<std::string>& redirect_uri) {
    httplib::Params form{{"client_key", k_key},
                         {"client_secret", k_secret},
                         {"code", code},
                         {"grant_type", "authorization_code"}};
    if (redirect_uri) {
        form.emplace("redirect_uri", *redirect_uri);
    }
    return form_post(sbx, "/v2/oauth/token/", form);
}

} // namespace

TEST_CASE("a QR session goes new, scanned, confirmed, utilised and its code needs no verifier") {
    harness::Sandbox sbx;
    const Answer qr = get_qrcode(sbx, "user.info.basic,video.upload");
    REQUIRE(qr.status == 200);
    const std::string token = qr.body["token"];
    CHECK(qr.body["scan_qrcode_url"] ==
          "aweme://authorize?authType=100&client_key=sbx_client_key&client_ticket=tobefilled"
          "&scope=user.info.basic,video.upload&token=" +
              token);
    CHECK(check_qrcode(sbx, token).body == json{{"client_ticket", ""}, {"status", "new"}});

    const json scanned =
        sbx.post("qr/scan", {{"url", displayed(qr.body, "tkt-42")}, {"user", "bob"}});
    CHECK(scanned["status"] == "scanned");
    CHECK(check_qrcode(sbx, token).body ==
          json{{"client_ticket", "tkt-42"}, {"status", "scanned"}});
    CHECK(check_qrcode(sbx, token).body["status"] == "scanned"); // until the user confirms

    CHECK(sbx.post("qr/confirm")["token"] == token); // the most recently scanned session
    const Answer confirmed = check_qrcode(sbx, token);
    REQUIRE(confirmed.body["status"] == "confirmed");
    CHECK(confirmed.body["client_ticket"] == "tkt-42");
    CHECK(confirmed.body["state"] == "qr-state 1");
    const std::string redirect = confirmed.body["redirect_uri"];
    CHECK(redirect.rfind(std::string(k_web) + "?code=", 0) == 0);
    CHECK(redirect.find("&state=qr-state%201") != std::string::npos);
    const std::string code = code_of(confirmed.body);
    CHECK(code.find_first_of("*!") != std::string::npos);
    CHECK(check_qrcode(sbx, token).body ==
          json{{"client_ticket", "tkt-42"}, {"status", "utilised"}});
    CHECK(check_qrcode(sbx, token).body["status"] == "utilised");

    const Answer exchanged = exchange_qr_code(sbx, code, std::nullopt);
    REQUIRE(exchanged.status == 200);
    CHECK(exchanged.body["scope"] == "user.info.basic,video.upload");
    const json state = sbx.get("state");
    CHECK(exchanged.body["open_id"] == state["users"][1]["open_id"]);
    REQUIRE(state["qr_sessions"].size() == 1);
    CHECK(state["qr_sessions"][0]["status"] == "utilised");
    CHECK(state["qr_sessions"][0]["client_ticket"] == "tkt-42");
    CHECK(state["qr_sessions"][0]["user"] == "bob");
    CHECK(state["auth_codes"][0]["flow"] == "qr");
}

TEST_CASE("a QR code may be exchanged with the returned redirect_uri but not another one") {
    harness::Sandbox sbx;
    std::vector<std::string> codes;
    std::string redirect;
    for (int i = 0; i < 3; ++i) {
        const Answer qr = get_qrcode(sbx);
        sbx.post("qr/scan", {{"url", displayed(qr.body, "t")}});
        sbx.post("qr/confirm", {{"token", qr.body["token"]}});
        const json confirmed = check_qrcode(sbx, qr.body["token"]).body;
        codes.push_back(code_of(confirmed));
        redirect = confirmed["redirect_uri"];
    }
    check_oauth_error(exchange_qr_code(sbx, codes[0], "https://other.example/callback/"), 400,
                      "invalid_request");
    CHECK(exchange_qr_code(sbx, codes[0], std::string(k_web)).status == 200);
    CHECK(exchange_qr_code(sbx, codes[2], redirect).status == 200);
    CHECK(exchange_qr_code(sbx, codes[1], std::nullopt).status == 200);
}

TEST_CASE("a QR session not confirmed within qr_ttl of sandbox time is expired") {
    harness::Sandbox sbx;
    const Answer fresh = get_qrcode(sbx);
    const Answer scanned = get_qrcode(sbx);
    sbx.post("qr/scan", {{"url", displayed(scanned.body, "t")}});
    sbx.post("clock/advance", {{"seconds", 121}});
    for (const Answer* qr : {&fresh, &scanned}) {
        CHECK(check_qrcode(sbx, qr->body["token"]).body ==
              json{{"client_ticket", ""}, {"status", "expired"}});
    }
    CHECK_THROWS(sbx.post("qr/scan", {{"url", displayed(fresh.body, "t")}}));
    CHECK_THROWS(sbx.post("qr/confirm", {{"token", scanned.body["token"]}}));
    CHECK(sbx.get("state")["qr_sessions"][0]["status"] == "expired");
}

TEST_CASE("with qr_auto a QR session is scanned at the first check and confirmed at the second") {
    harness::Sandbox sbx;
    sbx.post("config", {{"qr_auto", true}, {"consent_user", "bob"}});
    const std::string token = get_qrcode(sbx).body["token"];
    CHECK(check_qrcode(sbx, token).body["status"] == "scanned");
    const Answer confirmed = check_qrcode(sbx, token);
    REQUIRE(confirmed.body["status"] == "confirmed");
    CHECK(check_qrcode(sbx, token).body["status"] == "utilised");
    const Answer exchanged = exchange_qr_code(sbx, code_of(confirmed.body), std::nullopt);
    REQUIRE(exchanged.status == 200);
    CHECK(exchanged.body["open_id"] == sbx.get("state")["users"][1]["open_id"]);
}

TEST_CASE("a client_ticket override at scan is what check_qrcode reports") {
    harness::Sandbox sbx;
    const Answer qr = get_qrcode(sbx);
    sbx.post("qr/scan", {{"url", displayed(qr.body, "mine")}, {"client_ticket", "forged"}});
    CHECK(check_qrcode(sbx, qr.body["token"]).body["client_ticket"] == "forged");
    sbx.post("qr/confirm");
    CHECK(check_qrcode(sbx, qr.body["token"]).body["client_ticket"] == "forged");
}

TEST_CASE("check_qrcode needs the client secret and the QR endpoints check client and scope") {
    harness::Sandbox sbx;
    const std::string token = get_qrcode(sbx).body["token"];
    check_oauth_error(check_qrcode(sbx, token, ""), 401, "invalid_client");
    check_oauth_error(check_qrcode(sbx, token, "wrong"), 401, "invalid_client");
    check_oauth_error(check_qrcode(sbx, "NOSUCHTOKEN"), 400, "invalid_request");
    check_oauth_error(get_qrcode(sbx, "user.info.basic,video.delete"), 400, "invalid_scope");
    check_oauth_error(form_post(sbx, "/v2/oauth/get_qrcode/",
                                {{"client_key", "nobody"}, {"scope", "user.info.basic"}}),
                      401, "invalid_client");

    auto client = client_for(sbx);
    const json unknown = {{"url", "aweme://authorize?authType=100&client_key=sbx_client_key"
                                  "&client_ticket=t&scope=user.info.basic&token=NOSUCHTOKEN"}};
    const auto scan = client->Post("/_sandbox/qr/scan", unknown.dump(), "application/json");
    REQUIRE(scan);
    CHECK(scan->status == 404);
    const auto confirm = client->Post("/_sandbox/qr/confirm", "{}", "application/json");
    REQUIRE(confirm);
    CHECK(confirm->status == 404); // nothing scanned yet
}
