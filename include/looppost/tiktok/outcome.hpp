#pragma once
// What a TikTok failure means for a post: give up, try later, log in again, wait out a limit or
// a cap, or stop and ask (reference §1.5, §4.3–§4.10, §4.13). The publisher maps verdicts to
// post states and exit codes (DESIGN §3, §5); this file only reads TikTok's words.

#include <chrono>
#include <looppost/tiktok/api.hpp>
#include <optional>
#include <string>

namespace looppost::tiktok {

enum class Verdict {
    permanent,    ///< the same request will fail again: the post fails, the user fixes something
    transient,    ///< try again later (next run), nothing was created
    reauth,       ///< the token is bad or lacks a scope: refresh, or log in again
    rate_limited, ///< per-minute throttle: wait `retry_after`, then go on
    cap_reached,  ///< a daily or pending cap: defer the post until the cap clears
    ambiguous,    ///< TikTok may have acted; never re-init (DESIGN I3): ask status or a human
};

struct Classified {
    Verdict verdict = Verdict::permanent;
    std::string explanation; ///< plain words for the user, one line, no trailing period
    std::optional<std::chrono::seconds> retry_after; ///< the wait worth keeping, when known
};

/// The verdict on a failed call. A lost answer (Failure::outcome_unknown()) is ambiguous unless
/// `safe_to_repeat` says the call cannot create anything (status, cancel, a chunk PUT): then it
/// is transient. Unknown codes fall back to their HTTP status.
Classified classify(const Failure& failure, bool safe_to_repeat = false);

/// The verdict on a FAILED post's fail_reason (reference §4.9); unknown reasons are permanent.
Classified classify_fail_reason(const std::string& fail_reason);

/// "permanent", "transient", … for logs and JSON.
std::string_view verdict_name(Verdict v);

} // namespace looppost::tiktok
