#include <looppost/cli/config_view.hpp>
#include <looppost/core/clock.hpp>

namespace looppost::cli {

nlohmann::json app_json(const oauth::AppSummary& a) {
    auto or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
    };
    return {{"client_key", a.client_key ? nlohmann::json(*a.client_key) : nlohmann::json(nullptr)},
            {"client_key_source", or_null(a.client_key_source)},
            {"client_secret", or_null(a.client_secret_source)},
            {"scopes", a.scopes},
            {"updated_at", a.updated_at
                               ? nlohmann::json(core::format_utc(
                                     std::chrono::system_clock::from_time_t(*a.updated_at)))
                               : nlohmann::json(nullptr)}};
}

nlohmann::json host_json(const std::optional<media::HostConfig>& h) {
    if (!h) {
        return {{"configured", false}};
    }
    auto or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
    };
    nlohmann::json j = {
        {"configured", true},
        {"kind", h->kind},
        {"public_base_url", h->public_base_url},
        {"prefix", h->prefix},
        {"updated_at", h->updated_at ? nlohmann::json(core::format_utc(
                                           std::chrono::system_clock::from_time_t(*h->updated_at)))
                                     : nlohmann::json(nullptr)}};
    if (h->kind == "dir") {
        j["path"] = h->path.string();
    } else {
        j["endpoint"] = or_null(h->endpoint);
        j["bucket"] = or_null(h->bucket);
        j["region"] = or_null(h->region);
        j["access_key_id"] = or_null(h->access_key_id);
        j["path_style"] = h->path_style;
        j["secret_access_key"] = "sealed";
    }
    return j;
}

} // namespace looppost::cli
