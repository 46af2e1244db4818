#pragma once
// Internal to src/tiktok: the answer parsing api.cpp and posting.cpp share (defined in api.cpp).

#include <looppost/tiktok/api.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace looppost::tiktok::detail {

/// No usable HTTP answer.
Failure transport(const net::NetError& e);
/// An answer that is not what TikTok documents.
Failure protocol(long status, std::string message);
/// A field as text ("" when missing or null; non-strings as their JSON).
std::string str(const nlohmann::json& j, const char* key);
std::optional<std::string> opt_str(const nlohmann::json& j, const char* key);
std::optional<std::int64_t> opt_int(const nlohmann::json& j, const char* key);
/// The body as a JSON object, or a protocol Failure naming the status.
Result<nlohmann::json> parse(const net::Response& r);
/// OAuth's flat shape (reference §1.4): the payload, or a Failure of kind oauth.
Result<nlohmann::json> oauth_body(const net::Result& r);
/// The v2 envelope (reference §1.3): `data` when error.code is "ok", else a Failure.
Result<nlohmann::json> envelope_data(const net::Result& r);

} // namespace looppost::tiktok::detail
