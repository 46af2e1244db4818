#pragma once
// The sandbox's ledger: what was asked of it and what it holds (users, tokens, posts, uploads,
// pulled URLs, request counts and log). GET /_sandbox/state shows it; tests assert on it. One mutex
// guards all of it because endpoint families touch several parts in one step (a token and a post,
// say) and must not be seen half-done.

#include "config.hpp"
#include "oauth_ledger.hpp"
#include "posts.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sandbox {

/// One line of the request log. Never holds a body or an Authorization value.
struct RequestRecord {
    std::int64_t at = 0; // sandbox time, Unix seconds
    std::string method;
    std::string path;
    int status = 0;    // 0: no answer reached the client (drop)
    std::string fault; // the fault kind that fired, or empty
};

/// Everything the ledger holds. Endpoint families add their own members here (and to
/// State::snapshot) and change them only inside State::with().
struct Ledger {
    Config config;
    OAuthLedger oauth; // codes, tokens, QR sessions (oauth_ledger.hpp)
    // The content posting family (posts.hpp), in creation order.
    std::vector<PostRecord> posts;
    std::vector<UploadTask> uploads;
    std::vector<FailRule> fail_next;
    std::uint64_t next_post_seq = 1; // publish ids, upload ids and post ids
    std::vector<std::string> pulled_urls;
    std::map<std::string, std::int64_t> request_counts;
    std::deque<RequestRecord> requests;
    std::int64_t requests_dropped = 0; // log lines discarded past k_max_logged_requests
};

class State {
public:
    /// Benchmarks send hundreds of thousands of requests; the log keeps the newest ones.
    static constexpr std::size_t k_max_logged_requests = 100000;

    explicit State(Config loaded);

    /// Runs `fn(Ledger&)` under the lock and returns its result; the way to read or change
    /// anything beyond the helpers below. Do not call back into State from `fn`.
    template <typename Fn> decltype(auto) with(Fn&& fn) {
        std::lock_guard<std::mutex> lock(m_mutex);
        return fn(m_ledger);
    }

    /// A copy of the effective profile.
    Config config() const;
    /// Replaces the effective profile; the rest of the ledger stays.
    void set_config(Config config);
    /// Replaces both the start-up profile and the effective one (start-up only: the port of
    /// the /media/ prefix is known once the socket is bound).
    void set_loaded_config(Config config);

    /// Counts the request by path and appends it to the log (the Router does this for every
    /// request outside /_sandbox/).
    void record_request(RequestRecord record);
    /// Notes that `url` was fetched (a /media/ file served, or later a PULL_FROM_URL download).
    void record_pull(std::string url);

    /// The ledger as GET /_sandbox/state shows it; `now` is the sandbox time.
    nlohmann::json snapshot(std::int64_t now) const;
    /// Empties the ledger and restores the loaded profile.
    void reset();

private:
    mutable std::mutex m_mutex;
    Config m_loaded;
    Ledger m_ledger;
};

} // namespace sandbox
