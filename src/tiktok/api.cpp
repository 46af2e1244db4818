#include "envelope.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <looppost/tiktok/api.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

namespace looppost::tiktok {
using nlohmann::json;

bool Failure::outcome_unknown() const {
    if (kind == Kind::transport) {
        return net_kind != net::NetErrorKind::connect && net_kind != net::NetErrorKind::tls;
    }
    if (kind == Kind::protocol && http_status >= 200 && http_status <= 299) {
        return true; // TikTok acted; what it answered is lost to us
    }
    return http_status >= 500;
}

std::string Failure::describe() const {
    std::string text;
    switch (kind) {
    case Kind::transport:
        text = fmt::format("no answer from TikTok ({})", message);
        break;
    case Kind::protocol:
        text = message;
        break;
    case Kind::oauth:
    case Kind::api:
        text = message.empty() ? code : fmt::format("{}: {}", code, message);
        if (http_status != 0)
            text += fmt::format(" (HTTP {})", http_status);
        break;
    }
    if (!log_id.empty())
        text += fmt::format(" [log id {}]", log_id);
    return text;
}

namespace detail {

Failure transport(const net::NetError& e) {
    Failure f;
    f.kind = Failure::Kind::transport;
    f.message = e.message;
    f.net_kind = e.kind;
    return f;
}

Failure protocol(long status, std::string message) {
    Failure f;
    f.kind = Failure::Kind::protocol;
    f.http_status = status;
    f.message = std::move(message);
    return f;
}

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    return it->dump();
}

std::optional<std::string> opt_str(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

std::optional<std::int64_t> opt_int(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<std::int64_t>();
}

// The body as JSON; a non-JSON answer is a protocol failure naming the status.
Result<json> parse(const net::Response& r) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return util::unexpected(
            protocol(r.status, fmt::format("TikTok answered HTTP {} with a body that is not JSON",
                                           r.status)));
    }
    return j;
}

// OAuth endpoints answer flat; an "error" string means failure (reference §1.4).
Result<json> oauth_body(const net::Result& r) {
    if (!r)
        return util::unexpected(transport(r.error()));
    auto j = parse(*r);
    if (!j)
        return j;
    // Some implementations see the payload under "data"; accept both (reference §3.2).
    json body = j->contains("data") && (*j)["data"].is_object() ? (*j)["data"] : *j;
    const json& top = *j;
    if (top.contains("error") && top["error"].is_string() &&
        !top["error"].get<std::string>().empty()) {
        Failure f;
        f.kind = Failure::Kind::oauth;
        f.http_status = r->status;
        f.code = top["error"].get<std::string>();
        f.message = str(top, "error_description");
        f.log_id = str(top, "log_id");
        return util::unexpected(std::move(f));
    }
    if (r->status < 200 || r->status > 299) {
        return util::unexpected(protocol(
            r->status, fmt::format("TikTok answered HTTP {} without an error", r->status)));
    }
    return body;
}

// v2 endpoints: success only when error.code == "ok", whatever the HTTP status (reference §1.3).
Result<json> envelope_data(const net::Result& r) {
    if (!r)
        return util::unexpected(transport(r.error()));
    auto j = parse(*r);
    if (!j)
        return j;
    const json& err = (*j)["error"];
    std::string code = err.is_object() ? str(err, "code") : std::string();
    if (code != "ok") {
        Failure f;
        f.kind = code.empty() ? Failure::Kind::protocol : Failure::Kind::api;
        f.http_status = r->status;
        f.code = code;
        f.message = code.empty()
                        ? fmt::format("TikTok answered HTTP {} without an error object", r->status)
                        : str(err, "message");
        if (err.is_object()) {
            f.log_id = err.contains("log_id") ? str(err, "log_id") : str(err, "logid");
        }
        return util::unexpected(std::move(f));
    }
    // Moved out, never copied: a page of videos is a tree of a few hundred nodes.
    auto data = j->find("data");
    if (data == j->end() || !data->is_object())
        return json::object();
    return std::move(*data);
}

} // namespace detail

using namespace detail;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// client_key, client_secret, then `first`: built in place, so no stray copy of the secret
// (an initializer_list would leave one behind, unwiped).
Fields with_secret(const Client& c, std::pair<std::string, std::string> first) {
    Fields f;
    f.reserve(6);
    f.emplace_back("client_key", c.key);
    f.emplace_back("client_secret", std::string(c.secret->reveal()));
    f.emplace_back(std::move(first));
    return f;
}

void wipe(Fields& f) {
    for (auto& [k, v] : f)
        sodium_memzero(v.data(), v.size());
}

// A token answer's body holds both tokens in clear.
void wipe(net::Result& r) {
    if (r)
        sodium_memzero(r->body.data(), r->body.size());
}

Result<TokenSet> token_set(const net::Result& r) {
    auto body = oauth_body(r);
    if (!body)
        return util::unexpected(body.error());
    const json& j = *body;
    TokenSet t;
    std::string access = str(j, "access_token");
    std::string refresh = str(j, "refresh_token");
    auto expires = opt_int(j, "expires_in");
    auto refresh_expires = opt_int(j, "refresh_expires_in");
    t.open_id = str(j, "open_id");
    if (access.empty() || refresh.empty() || !expires || !refresh_expires || t.open_id.empty()) {
        sodium_memzero(access.data(), access.size());
        sodium_memzero(refresh.data(), refresh.size());
        return util::unexpected(protocol(r->status, "TikTok's token answer lacks access_token, "
                                                    "refresh_token, their expiries or open_id"));
    }
    t.access_token = vault::Secret(access);
    t.refresh_token = vault::Secret(refresh);
    sodium_memzero(access.data(), access.size());
    sodium_memzero(refresh.data(), refresh.size());
    t.expires_in = *expires;
    t.refresh_expires_in = *refresh_expires;
    for (const auto& s : util::split(str(j, "scope"), ',')) {
        if (!util::trim(s).empty())
            t.scopes.emplace_back(util::trim(s));
    }
    return t;
}

} // namespace

Api::Api(net::HttpClient& http, core::Clock& clock, core::Random& random, std::string api_base,
         net::RetryPolicy retry)
    : m_http(http), m_clock(clock), m_random(random), m_base(std::move(api_base)), m_retry(retry) {}

net::Result Api::post_form(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           std::optional<net::RetryPolicy> retry, bool at_most_once,
                           std::chrono::seconds timeout) {
    net::Request req;
    req.method = "POST";
    req.url = m_base + path;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Cache-Control", "no-cache"}};
    req.body = util::form_encode(fields);
    req.retry = retry;
    req.at_most_once = at_most_once;
    req.timeout = timeout;
    auto r = net::perform(m_http, req, m_clock, m_random);
    sodium_memzero(req.body.data(), req.body.size());
    return r;
}

Result<QrCode> Api::get_qrcode(const Client& c, const std::vector<std::string>& scopes,
                               const std::string& state) {
    auto body = oauth_body(post_form(
        "/v2/oauth/get_qrcode/",
        {{"client_key", c.key}, {"scope", util::join(scopes, ",")}, {"state", state}}, m_retry));
    if (!body)
        return util::unexpected(body.error());
    QrCode q{str(*body, "scan_qrcode_url"), str(*body, "token")};
    if (q.scan_url.empty() || q.token.empty()) {
        return util::unexpected(
            protocol(200, "TikTok's get_qrcode answer lacks scan_qrcode_url or token"));
    }
    return q;
}

Result<QrCheck> Api::check_qrcode(const Client& c, const std::string& token) {
    Fields f = with_secret(c, {"token", token});
    auto body = oauth_body(post_form("/v2/oauth/check_qrcode/", f, m_retry));
    wipe(f);
    if (!body)
        return util::unexpected(body.error());
    QrCheck q;
    q.status = str(*body, "status");
    q.client_ticket = str(*body, "client_ticket");
    q.state = str(*body, "state");
    q.redirect_uri = str(*body, "redirect_uri");
    q.code = str(*body, "code");
    if (q.status.empty()) {
        return util::unexpected(protocol(200, "TikTok's check_qrcode answer lacks a status"));
    }
    return q;
}

Result<TokenSet> Api::exchange_code(const Client& c, const std::string& code,
                                    const std::optional<std::string>& redirect_uri,
                                    const std::optional<std::string>& verifier) {
    Fields f = with_secret(c, {"code", code});
    f.emplace_back("grant_type", "authorization_code");
    if (redirect_uri) {
        f.emplace_back("redirect_uri", *redirect_uri);
    }
    if (verifier) {
        f.emplace_back("code_verifier", *verifier);
    }
    auto r = post_form("/v2/oauth/token/", f, std::nullopt, /*at_most_once=*/true);
    wipe(f);
    auto t = token_set(r);
    wipe(r);
    return t;
}

Result<TokenSet> Api::refresh(const Client& c, const vault::Secret& refresh_token,
                              std::chrono::seconds timeout, std::chrono::milliseconds max_delay) {
    net::RetryPolicy policy = m_retry;
    policy.replay_ambiguous = false; // a lost answer may have rotated the token
    policy.max_delay = std::min(policy.max_delay, max_delay);
    Fields f = with_secret(c, {"grant_type", "refresh_token"});
    f.emplace_back("refresh_token", std::string(refresh_token.reveal()));
    auto r = post_form("/v2/oauth/token/", f, policy, /*at_most_once=*/true, timeout);
    wipe(f);
    auto t = token_set(r);
    wipe(r);
    return t;
}

Result<bool> Api::revoke(const Client& c, const vault::Secret& access_token) {
    Fields f = with_secret(c, {"token", std::string(access_token.reveal())});
    auto r = post_form("/v2/oauth/revoke/", f, m_retry);
    wipe(f);
    if (r && r->status >= 200 && r->status <= 299 && util::trim(r->body).empty()) {
        return true; // an empty body is success too (reference §2.7)
    }
    auto body = oauth_body(r);
    if (!body)
        return util::unexpected(body.error());
    return true;
}

Result<UserInfo> Api::user_info(const vault::Secret& access_token,
                                const std::vector<std::string>& fields) {
    net::Request req;
    req.url = fmt::format("{}/v2/user/info/?fields={}", m_base, util::join(fields, ","));
    req.headers = {{"Authorization", fmt::format("Bearer {}", access_token.reveal())}};
    req.retry = m_retry;
    auto data = envelope_data(net::perform(m_http, req, m_clock, m_random));
    sodium_memzero(req.headers[0].second.data(), req.headers[0].second.size());
    if (!data)
        return util::unexpected(data.error());
    const json& u = (*data)["user"];
    if (!u.is_object()) {
        return util::unexpected(protocol(200, "TikTok's user/info answer lacks data.user"));
    }
    UserInfo info;
    info.open_id = str(u, "open_id");
    info.union_id = opt_str(u, "union_id");
    info.display_name = opt_str(u, "display_name");
    info.username = opt_str(u, "username");
    info.avatar_url = opt_str(u, "avatar_url");
    info.follower_count = opt_int(u, "follower_count");
    info.following_count = opt_int(u, "following_count");
    info.likes_count = opt_int(u, "likes_count");
    info.video_count = opt_int(u, "video_count");
    return info;
}

Result<CreatorInfo> Api::creator_info(const vault::Secret& access_token) {
    net::Request req;
    req.method = "POST";
    req.url = fmt::format("{}/v2/post/publish/creator_info/query/", m_base);
    req.headers = {{"Authorization", fmt::format("Bearer {}", access_token.reveal())},
                   {"Content-Type", "application/json; charset=UTF-8"}};
    req.body = "{}";
    req.retry = m_retry; // a query: safe to repeat
    auto data = envelope_data(net::perform(m_http, req, m_clock, m_random));
    sodium_memzero(req.headers[0].second.data(), req.headers[0].second.size());
    if (!data)
        return util::unexpected(data.error());
    const json& d = *data;
    const json& options = d.contains("privacy_level_options") ? d["privacy_level_options"] : json();
    if (!options.is_array()) {
        return util::unexpected(
            protocol(200, "TikTok's creator_info answer lacks privacy_level_options"));
    }
    CreatorInfo info;
    info.nickname = str(d, "creator_nickname");
    info.username = str(d, "creator_username");
    for (const auto& o : options) {
        if (o.is_string())
            info.privacy_level_options.push_back(o.get<std::string>());
    }
    auto flag = [&](const char* k) {
        return d.contains(k) && d[k].is_boolean() && d[k].get<bool>();
    };
    info.comment_disabled = flag("comment_disabled");
    info.duet_disabled = flag("duet_disabled");
    info.stitch_disabled = flag("stitch_disabled");
    info.max_video_post_duration_sec = opt_int(d, "max_video_post_duration_sec");
    return info;
}

std::vector<std::string> user_fields_for(const std::vector<std::string>& granted) {
    auto has = [&](std::string_view s) {
        return std::find(granted.begin(), granted.end(), s) != granted.end();
    };
    std::vector<std::string> f;
    if (has("user.info.basic")) {
        f.insert(f.end(), {"open_id", "union_id", "avatar_url", "display_name"});
    }
    if (has("user.info.profile")) {
        f.insert(f.end(), {"username", "is_verified"});
    }
    if (has("user.info.stats")) {
        f.insert(f.end(), {"follower_count", "following_count", "likes_count", "video_count"});
    }
    return f;
}

} // namespace looppost::tiktok
