#pragma once
// The `notify_command` hook (DESIGN §3): the events publish-due prints for a human are also
// handed to a command the user chose (a mail, a desktop notification, a chat message).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace looppost::publish {

/// One event a human must see: failed, needs_attention, reauth_required, config_missing,
/// in_inbox.
struct Notice {
    std::string event;
    std::optional<std::int64_t> post_id;
    std::string account; ///< the account's name; empty when the event is not an account's
    std::string message; ///< the same line publish-due prints on stderr, without "looppost: "
    std::string caption; ///< in_inbox: the caption to paste in the TikTok app; else empty
};

/// Runs `command` with /bin/sh -c, stdin from /dev/null, its output on looppost's stderr, and
/// LOOPPOST_EVENT, LOOPPOST_POST_ID, LOOPPOST_ACCOUNT, LOOPPOST_MESSAGE and LOOPPOST_CAPTION in
/// its environment. Waits at most `timeout`, then kills it. Returns nullopt when it exited 0,
/// else one line saying what went wrong ("notify_command exited with status 3").
std::optional<std::string> run_notify(const std::string& command, const Notice& notice,
                                      std::chrono::seconds timeout);

} // namespace looppost::publish
