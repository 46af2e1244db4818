#pragma once
// The error hierarchy and the exit codes of DESIGN §3. One top-level catch (cli::run) maps an
// Error to its exit code, a one-line message on stderr and, under --json, an error object.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace looppost {

/// Exit statuses (DESIGN §3). Values are the process exit codes.
enum class Exit : int {
    ok = 0,
    failed = 1,
    usage = 2,
    bad_input = 65,
    no_input = 66,
    unavailable = 69,
    deferred = 75,
    reauth_required = 77,
    config_missing = 78,
};

/// The stable JSON name of an exit status ("usage", "bad_input", …).
std::string_view exit_name(Exit e);

/// Of two outcomes, the one a run reports: the first that applies in the order
/// 77, 78, 1, 69, 75, 0.
Exit more_urgent(Exit a, Exit b);

/// An error that ends the command: a one-line, lowercase message and an exit status.
class Error : public std::runtime_error {
public:
    Error(Exit exit, const std::string& message) : std::runtime_error(message), m_exit(exit) {}
    Exit exit() const { return m_exit; }
    /// The JSON error code; "internal" for Fatal, else the exit status name.
    virtual std::string_view code() const { return exit_name(m_exit); }

private:
    Exit m_exit;
};

/// A bad flag, argument or setting name on the command line (exit 2).
class UsageError : public Error {
public:
    explicit UsageError(const std::string& message) : Error(Exit::usage, message) {}
};

/// Several problems found together (every bad line of a bulk input): each is one line, and the
/// message sums them up. Nothing was written.
class BatchError : public Error {
public:
    BatchError(Exit exit, const std::string& summary, std::vector<std::string> lines)
        : Error(exit, summary), m_lines(std::move(lines)) {}
    const std::vector<std::string>& lines() const { return m_lines; }

private:
    std::vector<std::string> m_lines;
};

/// A broken invariant or an unexpected failure: looppost's fault, not the user's (exit 1).
class Fatal : public Error {
public:
    explicit Fatal(const std::string& message) : Error(Exit::failed, message) {}
    std::string_view code() const override { return "internal"; }
};

} // namespace looppost
