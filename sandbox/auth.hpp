#pragma once
// Bearer-token checks for the endpoint families that act for a user (display, content posting):
//
//     const TokenGrant grant = services.auth.require(ex, "video.publish");
//     services.limits.enforce(grant.access_token, RateFamily::init);
//     … grant.open_id is the user …
//
// Errors follow reference §1.5: 401 access_token_invalid, 401 scope_not_authorized.

#include "oauth_ledger.hpp"

#include <string_view>

namespace sandbox {

class Clock;
class Exchange;
class State;

class Auth {
public:
    Auth(const Clock& clock, State& state) : m_clock(clock), m_state(state) {}

    /// The token pair behind the request's "Authorization: Bearer act.…" header (a copy). Throws
    /// ApiError 401 access_token_invalid when the header is missing or the token is unknown,
    /// expired or revoked.
    TokenGrant authenticate(const Exchange& ex) const;

    /// authenticate(), then throws ApiError 401 scope_not_authorized unless the user granted
    /// `scope`.
    TokenGrant require(const Exchange& ex, std::string_view scope) const;

private:
    const Clock& m_clock;
    State& m_state;
};

} // namespace sandbox
