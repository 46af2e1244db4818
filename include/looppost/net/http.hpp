#pragma once
// HTTP for looppost: an HttpClient interface (the seam tests fake), requests and responses, and
// a retry policy that each request opts into. The libcurl implementation is in curl_client.hpp.

#include <chrono>
#include <cstdint>
#include <looppost/core/clock.hpp>
#include <looppost/util/expected.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace looppost::core {
class Settings;
}

namespace looppost::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Exponential backoff with jitter for requests that are safe to repeat. A request that must not
/// be repeated blindly (an init that creates a post) simply does not opt in.
struct RetryPolicy {
    int max_attempts = 4;
    std::chrono::milliseconds base_delay{1000};
    std::chrono::milliseconds max_delay{30000};
    /// False for requests whose replay could do harm when the first one took effect unseen (a
    /// token refresh that rotates the refresh token): then only failures that prove the request
    /// was not processed are retried — a refused connection and 429.
    bool replay_ambiguous = true;
};

/// The retry policy the `http_attempts` setting asks for.
RetryPolicy retry_policy(const core::Settings& settings);

/// A request body streamed from elsewhere (a range of a file), so memory stays bounded.
class BodySource {
public:
    virtual ~BodySource() = default;
    virtual std::int64_t size() const = 0;
    /// Fills up to `max` bytes; returns how many, 0 at the end.
    virtual std::size_t read(char* buf, std::size_t max) = 0;
    /// Back to the first byte (before a retry).
    virtual void rewind() = 0;
};

/// AWS Signature V4 (S3 and its look-alikes): libcurl signs the request (CURLOPT_AWS_SIGV4).
/// The signed payload hash is the request's `x-amz-content-sha256` header, which the caller
/// sets (DESIGN §9). Never logged.
struct AwsSigV4 {
    std::string provider; ///< "aws:amz:REGION:s3"
    std::string access_key_id;
    std::string_view secret; ///< not owned: the caller's vault::Secret outlives the request
};

struct Request {
    std::string method = "GET";
    std::string url;
    Headers headers;
    std::string body;                  ///< in-memory body (JSON, forms)
    BodySource* body_source = nullptr; ///< or a streamed one (uploads)
    std::chrono::seconds timeout{0};   ///< 0: the client's default
    std::optional<RetryPolicy> retry;  ///< retries only when set
    /// Must not reach the server twice (a token exchange, a refresh, a post init): sent on a
    /// fresh connection, because libcurl silently resends a request whose kept-alive
    /// connection turns out dead, and a server that took effect and then dropped the
    /// connection would see it twice.
    bool at_most_once = false;
    std::optional<AwsSigV4> aws_sigv4; ///< sign with these credentials when set
};

struct Response {
    long status = 0;
    Headers headers;
    std::string body;
    /// The first header of that name (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;
};

enum class NetErrorKind { connect, timeout, tls, dropped, other };

struct NetError {
    NetErrorKind kind;
    std::string message;
};

using Result = util::Expected<Response, NetError>;

class HttpClient {
public:
    virtual ~HttpClient() = default;
    /// One attempt. Never retries; see perform().
    virtual Result send(const Request& request) = 0;
};

/// 429, 5xx and connection-level failures (refused, timed out, dropped) are worth another try;
/// TLS failures and other statuses are not. Without `replay_ambiguous`, only a refused
/// connection and 429 are.
bool is_retryable(const Result& r, bool replay_ambiguous = true);

/// The wait before attempt `failed_attempts + 1`: base·2^(n−1) capped at max, with jitter
/// (uniform in the upper half), or the server's Retry-After when it gives one (capped too).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts,
                                        const Result& last, core::Random& random);

/// Sends `request`, retrying per its policy (if any) with waits through `clock`.
Result perform(HttpClient& client, const Request& request, core::Clock& clock,
               core::Random& random);

/// "connection refused (…)", "HTTP 503" — for messages.
std::string describe(const Result& r);

} // namespace looppost::net
