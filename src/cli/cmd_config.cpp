// looppost config get|set|unset|list: the global settings of the one key table.

#include <fmt/format.h>
#include <looppost/cli/app.hpp>
#include <looppost/core/settings.hpp>

namespace looppost::cli {
namespace {

std::string_view type_name(core::SettingType t) {
    switch (t) {
    case core::SettingType::string:
        return "string";
    case core::SettingType::integer:
        return "integer";
    case core::SettingType::boolean:
        return "boolean";
    case core::SettingType::url:
        return "url";
    case core::SettingType::path:
        return "path";
    case core::SettingType::choice:
        return "choice";
    }
    return "string";
}

nlohmann::json describe(const core::SettingKey& key, const core::SettingValue& v) {
    return {
        {"name", std::string(key.name)},
        {"value", v.value},
        {"source", std::string(core::source_name(v.source))},
        {"default", std::string(key.default_value)},
        {"type", std::string(type_name(key.type))},
        {"env", key.env.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(key.env))},
        {"help", std::string(key.help)}};
}

// When the environment overrides what was just stored, say so: the stored value is not in effect.
void warn_if_overridden(Session& s, const core::SettingKey& key) {
    if (!key.env.empty() && s.ctx().env()(std::string(key.env))) {
        s.out().warning(fmt::format("{} is set in the environment and takes precedence over the "
                                    "stored value",
                                    key.env));
    }
}

} // namespace

void add_config_command(CLI::App& app, Action& action) {
    auto* config = app.add_subcommand("config", "read and change looppost's settings");
    config->require_subcommand(1);
    auto name = std::make_shared<std::string>();
    auto value = std::make_shared<std::string>();

    auto* get = config->add_subcommand("get", "print a setting's effective value");
    get->add_option("name", *name, "the setting")->required();
    get->callback([&action, name] {
        action = [name](Session& s) {
            const auto& key = core::setting_key(*name);
            auto v = s.ctx().settings().get(key.name);
            if (s.out().json()) {
                s.out().document(describe(key, v));
            } else {
                s.out().line(v.value);
            }
            return Exit::ok;
        };
    });

    auto* set = config->add_subcommand("set", "store a setting");
    set->add_option("name", *name, "the setting")->required();
    set->add_option("value", *value, "its new value")->required();
    set->callback([&action, name, value] {
        action = [name, value](Session& s) {
            const auto& key = core::setting_key(*name);
            std::string canonical = core::validate_setting(key, *value);
            s.db().setting_set(key.name, canonical);
            s.settings_changed();
            warn_if_overridden(s, key);
            if (s.out().json()) {
                s.out().document(describe(key, {canonical, core::SettingSource::stored}));
            }
            return Exit::ok;
        };
    });

    auto* unset = config->add_subcommand("unset", "remove a stored setting (back to its default)");
    unset->add_option("name", *name, "the setting")->required();
    unset->callback([&action, name] {
        action = [name](Session& s) {
            const auto& key = core::setting_key(*name);
            s.db().setting_unset(key.name);
            s.settings_changed();
            if (s.out().json()) {
                s.out().document(describe(key, s.ctx().settings().get(key.name)));
            }
            return Exit::ok;
        };
    });

    auto* list =
        config->add_subcommand("list", "every setting with its value and where it comes from");
    list->callback([&action] {
        action = [](Session& s) {
            nlohmann::json doc = nlohmann::json::array();
            std::vector<std::vector<std::string>> rows{{"NAME", "VALUE", "SOURCE"}};
            for (const auto& key : core::setting_keys()) {
                auto v = s.ctx().settings().get(key.name);
                doc.push_back(describe(key, v));
                rows.push_back({std::string(key.name), v.value.empty() ? "-" : v.value,
                                std::string(core::source_name(v.source))});
            }
            if (s.out().json()) {
                s.out().document(doc);
            } else {
                s.out().table(rows);
            }
            return Exit::ok;
        };
    });
}

} // namespace looppost::cli
