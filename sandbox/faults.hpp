#pragma once
// Fault injection: rules that make the sandbox misbehave the way networks and TikTok do, so
// looppost's retry, resume and never-post-twice logic can be tested. Rules are added through
// POST /_sandbox/faults and applied by the Router to every path outside /_sandbox/.
//
// A rule: {"path_prefix": "/v2/post/", "method": "POST", "kind": …, "times": N} or, instead of
// times (or as a cap on it), "probability": p with "seed": S for a deterministic random pattern.
// "skip": K lets the first K matching requests through untouched (the third chunk of an upload).
// Kinds and their own keys:
//   status   http_status (500), error_code, message: an error in the path's shape; the endpoint
//            does not run
//   drop     when ("before" | "after"): the connection is closed without an answer, before the
//            endpoint runs or after it took effect
//   delay    ms: wait, then proceed normally
//   truncate keep_bytes (half the body): the endpoint runs; the answer announces its full length
//            but stops early
//   garbage  http_status (200), body, when ("before" | "after"): a non-JSON answer

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

/// A rule that cannot be used; the message names the offending key.
class FaultError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class FaultKind { status, drop, delay, truncate, garbage };
enum class FaultWhen { before, after };

/// The name used in rules and in the request log ("status", "drop", …).
std::string_view to_string(FaultKind kind);

/// What a fired rule asks the Router to do; a copy, so it is acted on without the table's lock.
struct FaultAction {
    FaultKind kind = FaultKind::status;
    FaultWhen when = FaultWhen::before;
    int http_status = 0;                   // status, garbage; 0 = the kind's default
    std::string error_code;                // status; empty = the shape's generic server error
    std::string message;                   // status
    int delay_ms = 0;                      // delay
    std::optional<std::size_t> keep_bytes; // truncate; unset = half the body
    std::string body;                      // garbage
};

struct FaultRule {
    int id = 0;
    std::string path_prefix;
    std::string method;                    // empty: any method
    std::optional<std::int64_t> remaining; // unset: no limit (probability rules)
    std::optional<double> probability;
    std::int64_t skip = 0; // matching requests still to let through before the rule applies
    std::uint64_t seed = 0;
    std::mt19937_64 engine;
    std::int64_t fired = 0;
    FaultAction action;
};

/// Parses one rule object; throws FaultError on unknown keys or bad values.
FaultRule parse_fault_rule(const nlohmann::json& rule);

class FaultTable {
public:
    /// Adds a single rule object or {"rules": [...]}, all or none; returns the new rules' ids.
    std::vector<int> add(const nlohmann::json& body);
    /// Removes every rule; returns how many there were.
    std::size_t clear();
    /// The rules with their remaining counts and how often each fired.
    nlohmann::json list() const;
    /// The action of the first rule that fires for this request (consuming one of its `times`),
    /// or nothing. Never call it for /_sandbox/ paths.
    std::optional<FaultAction> take(std::string_view method, std::string_view path);

private:
    mutable std::mutex m_mutex;
    std::vector<FaultRule> m_rules;
    int m_next_id = 1;
};

} // namespace sandbox
