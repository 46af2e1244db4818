#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/settings.hpp>

using namespace looppost;
using namespace looppost::core;

namespace {
StoredLookup stored(std::map<std::string, std::string> m) {
    return [m](std::string_view name) -> std::optional<std::string> {
        auto it = m.find(std::string(name));
        if (it == m.end())
            return std::nullopt;
        return it->second;
    };
}
} // namespace

TEST_CASE("a setting comes from the flag, then the environment, then the store, then the default") {
    Settings none(fixed_env({}), stored({}));
    CHECK(none.get("http_timeout").value == "60");
    CHECK(none.get("http_timeout").source == SettingSource::default_value);

    Settings with_store(fixed_env({}), stored({{"http_timeout", "30"}}));
    CHECK(with_store.get("http_timeout").value == "30");
    CHECK(with_store.get("http_timeout").source == SettingSource::stored);

    Settings with_env(fixed_env({{"LOOPPOST_HTTP_TIMEOUT", "20"}}),
                      stored({{"http_timeout", "30"}}));
    CHECK(with_env.get("http_timeout").value == "20");
    CHECK(with_env.get("http_timeout").source == SettingSource::env);

    with_env.set_flag("http_timeout", "10");
    CHECK(with_env.get("http_timeout").value == "10");
    CHECK(with_env.get("http_timeout").source == SettingSource::flag);
    CHECK(with_env.get_int("http_timeout") == 10);
}

TEST_CASE("the store is not read when the environment answers") {
    int reads = 0;
    Settings s(fixed_env({{"LOOPPOST_API_BASE", "https://api.example"}}),
               [&](std::string_view) -> std::optional<std::string> {
                   ++reads;
                   return std::nullopt;
               });
    CHECK(s.get("api_base").value == "https://api.example");
    CHECK(reads == 0);
}

TEST_CASE("values are validated against the key's type") {
    CHECK(validate_setting(setting_key("http_timeout"), " 15 ") == "15");
    CHECK_THROWS_AS(validate_setting(setting_key("http_timeout"), "15s"), UsageError);
    CHECK_THROWS_AS(validate_setting(setting_key("http_timeout"), "0"), UsageError);
    CHECK_THROWS_AS(validate_setting(setting_key("http_attempts"), "11"), UsageError);
    CHECK(validate_setting(setting_key("key_mode"), "Passphrase") == "passphrase");
    CHECK_THROWS_AS(validate_setting(setting_key("key_mode"), "keyring"), UsageError);
    CHECK(validate_setting(setting_key("api_base"), "https://open.tiktokapis.com/") ==
          "https://open.tiktokapis.com");
    CHECK(validate_setting(setting_key("api_base"), "http://127.0.0.1:8080") ==
          "http://127.0.0.1:8080");
    CHECK(validate_setting(setting_key("api_base"), "http://[::1]:8080") == "http://[::1]:8080");
    CHECK_THROWS_AS(validate_setting(setting_key("api_base"), "http://10.0.0.5"), UsageError);
    CHECK_THROWS_AS(validate_setting(setting_key("api_base"), "http://127.0.0.1.evil.com"),
                    UsageError);
    CHECK_THROWS_AS(validate_setting(setting_key("api_base"), "ftp://x"), UsageError);
}

TEST_CASE("an unknown setting is a usage error that suggests the nearest name") {
    try {
        setting_key("http_timout");
        FAIL("unknown key accepted");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("did you mean \"http_timeout\"") != std::string::npos);
    }
}

TEST_CASE("a bad value in the environment is a configuration error naming the variable") {
    Settings s(fixed_env({{"LOOPPOST_API_BASE", "http://192.168.1.10"}}), stored({}));
    try {
        s.get("api_base");
        FAIL("bad environment value accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
        CHECK(std::string(e.what()).find("LOOPPOST_API_BASE") != std::string::npos);
    }
}

TEST_CASE("every key in the table has a valid default and help") {
    for (const auto& k : setting_keys()) {
        CAPTURE(k.name);
        CHECK_FALSE(k.help.empty());
        if (!k.default_value.empty()) {
            CHECK(validate_setting(k, k.default_value) == k.default_value);
        }
    }
}
