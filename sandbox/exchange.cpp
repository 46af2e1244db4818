#include "exchange.hpp"

#include "clock.hpp"

#include <ctime>
#include <fmt/format.h>
#include <random>

namespace sandbox {

std::string new_log_id(const Clock& clock) {
    // Handlers run on many threads; a per-thread engine needs no lock.
    thread_local std::mt19937_64 engine{std::random_device{}()};
    const std::time_t seconds = static_cast<std::time_t>(clock.now_seconds());
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    const std::uint64_t high = engine();
    const std::uint64_t low = engine();
    return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}{:016X}{:04X}", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, high,
                       low & 0xffff);
}

std::string http_date(const Clock& clock) {
    const std::time_t seconds = static_cast<std::time_t>(clock.now_seconds());
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return buf;
}

bool is_oauth_path(std::string_view path) {
    return path.rfind("/v2/oauth/", 0) == 0;
}

bool is_admin_path(std::string_view path) {
    return path == "/_sandbox" || path.rfind("/_sandbox/", 0) == 0;
}

Exchange::Exchange(const httplib::Request& request, httplib::Response& response, std::string log_id)
    : req(request), res(response), m_log_id(std::move(log_id)) {
    res.set_header("X-Tt-Logid", m_log_id);
}

void Exchange::ok(const nlohmann::json& data) {
    json(200, {{"data", data}, {"error", {{"code", "ok"}, {"message", ""}, {"log_id", m_log_id}}}});
}

void Exchange::envelope_error(int http_status, const std::string& code,
                              const std::string& message) {
    json(http_status, {{"data", nlohmann::json::object()},
                       {"error", {{"code", code}, {"message", message}, {"log_id", m_log_id}}}});
}

void Exchange::oauth_error(int http_status, const std::string& error,
                           const std::string& description) {
    json(http_status, {{"error", error}, {"error_description", description}, {"log_id", m_log_id}});
}

void Exchange::error(int http_status, const std::string& code, const std::string& message) {
    if (oauth_shape()) {
        oauth_error(http_status, code, message);
    } else {
        envelope_error(http_status, code, message);
    }
}

void Exchange::json(int http_status, const nlohmann::json& body) {
    res.status = http_status;
    res.set_content(body.dump(), "application/json; charset=UTF-8");
}

nlohmann::json Exchange::body_json() const {
    if (req.body.empty()) {
        return nlohmann::json::object();
    }
    auto parsed = nlohmann::json::parse(req.body, nullptr, false);
    if (parsed.is_discarded()) {
        throw ApiError(400, oauth_shape() ? "invalid_request" : "invalid_params",
                       "The request body is not valid JSON.");
    }
    return parsed;
}

std::optional<std::string> Exchange::bearer_token() const {
    const std::string value = req.get_header_value("Authorization");
    constexpr std::string_view k_prefix = "Bearer ";
    if (value.size() <= k_prefix.size() || value.compare(0, k_prefix.size(), k_prefix) != 0) {
        return std::nullopt;
    }
    return value.substr(k_prefix.size());
}

} // namespace sandbox
