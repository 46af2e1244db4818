#pragma once
// The route families of the sandbox. Each registers its paths on the Router; sandbox.cpp calls
// them in order, then Router::finish(). A new family (OAuth, content posting, display API) adds
// its function here and its own .cpp file, answers through Exchange (v2 envelope or OAuth shape),
// reads time only from services.clock, calls services.limits.enforce() for TikTok's rate limits
// and records what it holds in services.state (State::with).
//
// Endpoints that act for a user authenticate the bearer token and check a scope with one call
// (auth.hpp); it throws ApiError 401 access_token_invalid or scope_not_authorized (reference §1.5):
//
//     const TokenGrant grant = services.auth.require(ex, "video.publish"); // a copy
//     services.limits.enforce(grant.access_token, RateFamily::init);
//     … grant.open_id names the user, grant.scopes what they granted …
//
// services.auth.authenticate(ex) checks the token alone (for per-field scopes, as in user/info).

#include <filesystem>
#include <optional>

namespace sandbox {

class Router;
struct Services;

/// GET / (reachability probe) and the admin API under /_sandbox/: state, config, reset,
/// clock/advance, faults.
void register_admin_routes(Router& router, Services& services);

/// OAuth v2 (reference §2): GET /v2/auth/authorize/ (the consent page, approving at once as the
/// profile's consent user), POST /v2/oauth/token/ and /v2/oauth/revoke/.
void register_oauth_routes(Router& router, Services& services);

/// QR login (reference §3): POST /v2/oauth/get_qrcode/ and /check_qrcode/, and the admin calls
/// POST /_sandbox/qr/scan {url, user?, client_ticket?} and /_sandbox/qr/confirm {token?}.
void register_qr_routes(Router& router, Services& services);

/// Display API (reference §5): GET /v2/user/info/, POST /v2/video/list/ and /v2/video/query/.
void register_display_routes(Router& router, Services& services);

/// Content Posting API (reference §4): creator_info/query, video/init, inbox/video/init,
/// content/init (photos, pulled from verified URLs), status/fetch and cancel.
void register_post_routes(Router& router, Services& services);

/// PUT /upload/?upload_id=&upload_token= (reference §4.5): the upload_url of a FILE_UPLOAD init.
void register_upload_routes(Router& router, Services& services);

/// GET/HEAD /media/<file> from `dir`, with single byte ranges; every GET is noted as a pulled URL.
void register_media_routes(Router& router, Services& services, const std::filesystem::path& dir);

} // namespace sandbox
