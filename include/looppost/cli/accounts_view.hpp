#pragma once
// How an account is shown: the JSON object of DESIGN §2 and a line for humans.

#include <looppost/store/db.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace looppost::cli {

/// {name, open_id, display_name, username, scopes, access_expires_at, refresh_expires_at, state,
/// default, time_zone, mode}; TikTok's ids as strings, absent values null.
nlohmann::json account_json(const store::AccountRow& a);
/// The same, saying whether the account holds tokens (its expiries are null when it does not)
/// for a row whose sealed tokens were already dropped (export).
nlohmann::json account_json(const store::AccountRow& a, bool logged_in);

/// A slot's minute of the day as "18:00".
std::string slot_time(int minute);

/// A weekly slot: {id, account, days, time, next}; `next` its next occurrence, when known.
nlohmann::json slot_json(const store::SlotRow& s, std::optional<std::int64_t> next);

/// "2026-11-23T13:41:54Z", or null for 0.
nlohmann::json utc_or_null(std::int64_t unix_seconds);

/// The resolved account name: the positional NAME, else --account, else nullopt (the default).
std::optional<std::string> chosen_account(const std::optional<std::string>& positional,
                                          const std::optional<std::string>& global);

} // namespace looppost::cli
