#include <looppost/core/errors.hpp>

namespace looppost {

std::string_view exit_name(Exit e) {
    switch (e) {
    case Exit::ok:
        return "ok";
    case Exit::failed:
        return "failed";
    case Exit::usage:
        return "usage";
    case Exit::bad_input:
        return "bad_input";
    case Exit::no_input:
        return "no_input";
    case Exit::unavailable:
        return "unavailable";
    case Exit::deferred:
        return "deferred";
    case Exit::reauth_required:
        return "reauth_required";
    case Exit::config_missing:
        return "config_missing";
    }
    return "internal";
}

namespace {
// Lower is more urgent. Usage errors end a run before any outcome, so they rank first.
int rank(Exit e) {
    switch (e) {
    case Exit::usage:
        return 0;
    case Exit::reauth_required:
        return 1;
    case Exit::config_missing:
        return 2;
    case Exit::failed:
        return 3;
    case Exit::bad_input:
        return 4;
    case Exit::no_input:
        return 5;
    case Exit::unavailable:
        return 6;
    case Exit::deferred:
        return 7;
    case Exit::ok:
        return 8;
    }
    return 3;
}
} // namespace

Exit more_urgent(Exit a, Exit b) {
    return rank(a) <= rank(b) ? a : b;
}

} // namespace looppost
