#pragma once
// The debug log: silent unless asked for (-v writes to stderr, the log_file setting appends to a
// file). Every URL, header and body passes through redact() before it is written. The logger is
// the one process-wide singleton looppost has.

#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>

namespace looppost::core {

class Settings;

/// Replaces secrets with "[redacted]": Authorization / Proxy-Authorization / X-Amz-Security-Token
/// header values, secret fields in form bodies, query strings and JSON (access_token,
/// refresh_token, client_secret, code, code_verifier, token, upload_token, …) and TikTok-style
/// tokens (act.…, rft.…, clt.…) wherever they appear.
std::string redact(std::string_view text);

namespace log {

/// Turns logging on: to stderr when `to_stderr`, and/or appended to `file`.
void enable(bool to_stderr, const std::optional<std::filesystem::path>& file);
bool enabled();
/// Applies the log_file setting (read once the database is open, since it may be stored there).
void enable_from(const Settings& settings);
/// Writes one line (redacted, timestamped, with the process id).
void write(std::string_view line);

template <class... Args> void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (enabled()) {
        write(fmt::format(f, std::forward<Args>(args)...));
    }
}

} // namespace log
} // namespace looppost::core
