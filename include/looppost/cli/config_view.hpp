#pragma once
// How the user's app and media host are shown (`app show`, `media show`, `export`): what is
// stored about them, never their secrets.

#include <looppost/media/host.hpp>
#include <looppost/oauth/app.hpp>
#include <nlohmann/json.hpp>
#include <optional>

namespace looppost::cli {

/// {client_key, client_key_source, client_secret, scopes, updated_at}; `client_secret` says
/// where the secret comes from ("sealed", "env"), never what it is.
nlohmann::json app_json(const oauth::AppSummary& a);

/// {configured, kind, public_base_url, prefix, updated_at} and, for a dir host, `path`; for s3,
/// endpoint, bucket, region, access_key_id, path_style and `secret_access_key` "sealed".
nlohmann::json host_json(const std::optional<media::HostConfig>& h);

} // namespace looppost::cli
