#pragma once
// The route families of the sandbox. Each registers its paths on the Router; sandbox.cpp calls
// them in order, then Router::finish(). A new family (OAuth, content posting, display API) adds
// its function here and its own .cpp file, answers through Exchange (v2 envelope or OAuth shape),
// reads time only from services.clock, calls services.limits.enforce() for TikTok's rate limits
// and records what it holds in services.state (State::with).

#include <filesystem>
#include <optional>

namespace sandbox {

class Router;
struct Services;

/// GET / (reachability probe) and the admin API under /_sandbox/: state, config, reset,
/// clock/advance, faults.
void register_admin_routes(Router& router, Services& services);

/// GET/HEAD /media/<file> from `dir`, with single byte ranges; every GET is noted as a pulled URL.
void register_media_routes(Router& router, Services& services, const std::filesystem::path& dir);

} // namespace sandbox
