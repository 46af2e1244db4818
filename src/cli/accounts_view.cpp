#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/core/clock.hpp>
#include <looppost/schedule/slots.hpp>

namespace looppost::cli {

nlohmann::json utc_or_null(std::int64_t t) {
    if (t == 0)
        return nullptr;
    return core::format_utc(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(t)));
}

nlohmann::json account_json(const store::AccountRow& a) {
    return account_json(a, !a.refresh_token.empty());
}

nlohmann::json account_json(const store::AccountRow& a, bool has_tokens) {
    auto opt = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"name", a.name},
            {"open_id", a.open_id},
            {"display_name", opt(a.display_name)},
            {"username", opt(a.username)},
            {"scopes", a.scopes},
            {"access_expires_at", has_tokens ? utc_or_null(a.access_expires_at) : nullptr},
            {"refresh_expires_at", has_tokens ? utc_or_null(a.refresh_expires_at) : nullptr},
            // One state for scripts: a login TikTok no longer honours outranks a pause.
            {"state", a.state == "reauth_required" ? a.state : (a.paused ? "paused" : a.state)},
            {"default", a.is_default},
            {"time_zone", opt(a.time_zone)},
            {"mode", a.mode}};
}

std::string slot_time(int minute) {
    return fmt::format("{:02}:{:02}", minute / 60, minute % 60);
}

nlohmann::json slot_json(const store::SlotRow& s, std::optional<std::int64_t> next) {
    return {{"id", s.id},
            {"account", s.account},
            {"days", schedule::format_days(static_cast<std::uint8_t>(s.days))},
            {"time", slot_time(s.minute)},
            {"next", next ? utc_or_null(*next) : nlohmann::json()}};
}

std::optional<std::string> chosen_account(const std::optional<std::string>& positional,
                                          const std::optional<std::string>& global) {
    return positional ? positional : global;
}

} // namespace looppost::cli
