#pragma once
// The one table of global settings (name, type, default, environment variable, help) and their
// resolution: flag > environment > stored setting (`config set`) > default.

#include <functional>
#include <looppost/core/env.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::core {

enum class SettingType { string, integer, boolean, url, path, choice };

struct SettingKey {
    std::string_view name;
    SettingType type;
    std::string_view default_value;
    std::string_view env; ///< "" when no environment variable applies
    std::string_view help;
    long min = 0; ///< integer bounds
    long max = 0;
    std::string_view choices = {}; ///< comma-separated, for SettingType::choice
};

/// Every setting looppost knows, in the order `config list` shows them.
const std::vector<SettingKey>& setting_keys();

/// The key named `name`; throws UsageError with "did you mean" when there is none.
const SettingKey& setting_key(std::string_view name);

/// Checks `value` against the key's type and returns its canonical form ("yes" → "true").
/// Throws UsageError naming the setting and the expected form.
std::string validate_setting(const SettingKey& key, std::string_view value);

enum class SettingSource { flag, env, stored, default_value };
std::string_view source_name(SettingSource s);

struct SettingValue {
    std::string value;
    SettingSource source;
};

/// Reads a stored setting; nullopt when unset. Lets the database be opened only when needed.
using StoredLookup = std::function<std::optional<std::string>(std::string_view name)>;

class Settings {
public:
    Settings(EnvLookup env, StoredLookup stored);

    /// Where stored settings come from (the database, opened on first read).
    void set_stored(StoredLookup stored) { m_stored = std::move(stored); }

    /// A value given on the command line for this run (highest precedence).
    void set_flag(std::string_view name, std::string value);

    /// The effective value and where it came from. A bad value from the environment or the store
    /// is a configuration error (exit 78) naming where it came from.
    SettingValue get(std::string_view name) const;
    std::string get_string(std::string_view name) const { return get(name).value; }
    long get_int(std::string_view name) const;
    bool get_bool(std::string_view name) const;

private:
    EnvLookup m_env;
    StoredLookup m_stored;
    std::map<std::string, std::string, std::less<>> m_flags;
};

} // namespace looppost::core
