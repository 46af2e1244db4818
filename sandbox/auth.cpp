#include "auth.hpp"

#include "clock.hpp"
#include "exchange.hpp"
#include "state.hpp"

#include <optional>

namespace sandbox {

TokenGrant Auth::authenticate(const Exchange& ex) const {
    const std::optional<std::string> token = ex.bearer_token();
    const std::int64_t now = m_clock.now_seconds();
    std::optional<TokenGrant> found;
    if (token) {
        found = m_state.with([&](Ledger& ledger) -> std::optional<TokenGrant> {
            const TokenGrant* pair = ledger.oauth.find_access(*token);
            if (pair == nullptr || !pair->access_valid(now)) {
                return std::nullopt;
            }
            return *pair;
        });
    }
    if (!found) {
        throw ApiError(401, "access_token_invalid",
                       "The access token is invalid or not found in the request.");
    }
    return *found;
}

TokenGrant Auth::require(const Exchange& ex, std::string_view scope) const {
    TokenGrant grant = authenticate(ex);
    if (!grant.has_scope(scope)) {
        throw ApiError(401, "scope_not_authorized",
                       "The user did not authorize the scope required for completing this "
                       "request.");
    }
    return grant;
}

} // namespace sandbox
