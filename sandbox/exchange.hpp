#pragma once
// One request and its answer, as an endpoint handler sees them. TikTok answers in two shapes
// (reference §1.3 and §1.4): the v2 envelope {"data", "error": {code, message, log_id}} and, for
// paths under /v2/oauth/, a flat {"error", "error_description", "log_id"}. Handlers answer through
// Exchange so the shape, the log_id and the X-Tt-Logid header are always right.

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sandbox {

class Clock;

/// Thrown by a handler to answer an error in the shape its path calls for: `code` becomes
/// error.code in the envelope, or `error` in the OAuth shape (where `message` is the
/// error_description).
class ApiError : public std::runtime_error {
public:
    ApiError(int http_status, std::string code, const std::string& message)
        : std::runtime_error(message), m_status(http_status), m_code(std::move(code)) {}
    int http_status() const { return m_status; }
    const std::string& code() const { return m_code; }

private:
    int m_status;
    std::string m_code;
};

/// A fresh TikTok-style log id: the sandbox time as YYYYMMDDHHMMSS (UTC) and 20 random uppercase
/// hex digits, e.g. "202210112248442CB9319E1FB30C1073F3".
std::string new_log_id(const Clock& clock);

/// RFC 7231 Date header value for sandbox time, so clients can compare clocks with it.
std::string http_date(const Clock& clock);

/// Whether TikTok answers errors for `path` in the flat OAuth shape.
bool is_oauth_path(std::string_view path);

/// Whether `path` belongs to the sandbox's own admin API (never subject to faults or logging).
bool is_admin_path(std::string_view path);

class Exchange {
public:
    Exchange(const httplib::Request& request, httplib::Response& response, std::string log_id);

    const httplib::Request& req;
    httplib::Response& res;

    /// The log id of this answer (also sent as the X-Tt-Logid header).
    const std::string& log_id() const { return m_log_id; }
    bool oauth_shape() const { return is_oauth_path(req.path); }

    /// 200 with the v2 envelope around `data` and error.code "ok".
    void ok(const nlohmann::json& data);
    /// An error in the v2 envelope: data {} and error {code, message, log_id}.
    void envelope_error(int http_status, const std::string& code, const std::string& message);
    /// An error in the flat OAuth shape: {error, error_description, log_id}.
    void oauth_error(int http_status, const std::string& error, const std::string& description);
    /// An error in whichever shape the request path calls for.
    void error(int http_status, const std::string& code, const std::string& message);
    /// Any JSON document as is (OAuth successes, the admin API).
    void json(int http_status, const nlohmann::json& body);

    /// The request body as JSON (an empty body reads as {}); throws ApiError 400 invalid_params
    /// in the right shape when it is not JSON.
    nlohmann::json body_json() const;
    /// The token of an "Authorization: Bearer …" header, if there is one.
    std::optional<std::string> bearer_token() const;

    /// Routes registered with Router::put_streaming: the request body, not yet read (req.body is
    /// empty). A handler reads it at most once and sets body_read; the Router drains what is
    /// left so the connection stays usable.
    const httplib::ContentReader* content_reader = nullptr;
    bool body_read = false;

private:
    std::string m_log_id;
};

} // namespace sandbox
