#include "faults.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <limits>

namespace sandbox {
namespace {

using nlohmann::json;

constexpr int k_max_delay_ms = 120000;

const std::vector<std::string_view>& kind_keys(FaultKind kind) {
    static const std::vector<std::string_view> status{"http_status", "error_code", "message"};
    static const std::vector<std::string_view> drop{"when"};
    static const std::vector<std::string_view> delay{"ms"};
    static const std::vector<std::string_view> truncate{"keep_bytes", "when"};
    static const std::vector<std::string_view> garbage{"http_status", "body", "when"};
    switch (kind) {
    case FaultKind::status:
        return status;
    case FaultKind::drop:
        return drop;
    case FaultKind::delay:
        return delay;
    case FaultKind::truncate:
        return truncate;
    case FaultKind::garbage:
        return garbage;
    }
    return status;
}

FaultKind parse_kind(const json& value) {
    for (auto kind : {FaultKind::status, FaultKind::drop, FaultKind::delay, FaultKind::truncate,
                      FaultKind::garbage}) {
        if (value.is_string() && value.get<std::string>() == to_string(kind)) {
            return kind;
        }
    }
    throw FaultError(fmt::format(
        "fault kind {} is unknown (use status, drop, delay, truncate or garbage)", value.dump()));
}

std::int64_t get_int(const json& rule, const char* key, std::int64_t low, std::int64_t high) {
    const json& value = rule.at(key);
    if (!value.is_number_integer() || value.get<std::int64_t>() < low ||
        value.get<std::int64_t>() > high) {
        throw FaultError(fmt::format("fault key \"{}\" must be an integer from {} to {}, not {}",
                                     key, low, high, value.dump()));
    }
    return value.get<std::int64_t>();
}

std::string get_string(const json& rule, const char* key) {
    const json& value = rule.at(key);
    if (!value.is_string()) {
        throw FaultError(
            fmt::format("fault key \"{}\" must be a string, not {}", key, value.dump()));
    }
    return value.get<std::string>();
}

FaultWhen parse_when(const json& rule, FaultWhen fallback) {
    if (!rule.contains("when")) {
        return fallback;
    }
    const std::string when = get_string(rule, "when");
    if (when == "before") {
        return FaultWhen::before;
    }
    if (when == "after") {
        return FaultWhen::after;
    }
    throw FaultError(
        fmt::format("fault key \"when\" must be \"before\" or \"after\", not \"{}\"", when));
}

FaultAction parse_action(const json& rule, FaultKind kind) {
    FaultAction action;
    action.kind = kind;
    if (rule.contains("http_status")) {
        action.http_status = static_cast<int>(get_int(rule, "http_status", 100, 599));
    }
    if (rule.contains("error_code")) {
        action.error_code = get_string(rule, "error_code");
    }
    action.message = rule.contains("message") ? get_string(rule, "message") : "Injected fault.";
    if (kind == FaultKind::delay) {
        action.delay_ms = static_cast<int>(get_int(rule, "ms", 0, k_max_delay_ms));
    }
    if (rule.contains("keep_bytes")) {
        action.keep_bytes = static_cast<std::size_t>(
            get_int(rule, "keep_bytes", 0, std::numeric_limits<std::int32_t>::max()));
    }
    if (rule.contains("body")) {
        action.body = get_string(rule, "body");
    }
    // A truncated answer needs an answer to cut, so the endpoint always runs first.
    action.when =
        parse_when(rule, kind == FaultKind::truncate ? FaultWhen::after : FaultWhen::before);
    if (kind == FaultKind::truncate && action.when != FaultWhen::after) {
        throw FaultError("a truncate fault always applies \"after\" the endpoint ran");
    }
    return action;
}

json to_json(const FaultRule& rule) {
    const FaultAction& action = rule.action;
    json out{{"id", rule.id},
             {"path_prefix", rule.path_prefix},
             {"method", rule.method.empty() ? json() : json(rule.method)},
             {"kind", to_string(action.kind)},
             {"remaining", rule.remaining ? json(*rule.remaining) : json()},
             {"skip", rule.skip},
             {"fired", rule.fired}};
    if (rule.probability) {
        out["probability"] = *rule.probability;
        out["seed"] = rule.seed;
    }
    switch (action.kind) {
    case FaultKind::status:
        out["http_status"] = action.http_status;
        out["error_code"] = action.error_code;
        out["message"] = action.message;
        break;
    case FaultKind::delay:
        out["ms"] = action.delay_ms;
        break;
    case FaultKind::truncate:
        out["keep_bytes"] = action.keep_bytes ? json(*action.keep_bytes) : json();
        break;
    case FaultKind::garbage:
        out["http_status"] = action.http_status;
        break;
    case FaultKind::drop:
        break;
    }
    if (action.kind != FaultKind::status && action.kind != FaultKind::delay) {
        out["when"] = action.when == FaultWhen::before ? "before" : "after";
    }
    return out;
}

} // namespace

std::string_view to_string(FaultKind kind) {
    switch (kind) {
    case FaultKind::status:
        return "status";
    case FaultKind::drop:
        return "drop";
    case FaultKind::delay:
        return "delay";
    case FaultKind::truncate:
        return "truncate";
    case FaultKind::garbage:
        return "garbage";
    }
    return "status";
}

FaultRule parse_fault_rule(const json& rule) {
    if (!rule.is_object()) {
        throw FaultError("a fault rule must be a JSON object");
    }
    if (!rule.contains("kind")) {
        throw FaultError("a fault rule needs \"kind\"");
    }
    const FaultKind kind = parse_kind(rule["kind"]);
    const auto& own_keys = kind_keys(kind);
    for (const auto& [key, value] : rule.items()) {
        static const std::vector<std::string_view> common{"path_prefix", "method",      "kind", "times",
                                                          "probability", "seed", "skip"};
        if (std::find(common.begin(), common.end(), key) == common.end() &&
            std::find(own_keys.begin(), own_keys.end(), key) == own_keys.end()) {
            throw FaultError(
                fmt::format("fault key \"{}\" is unknown for kind \"{}\"", key, to_string(kind)));
        }
    }

    FaultRule out;
    if (!rule.contains("path_prefix")) {
        throw FaultError("a fault rule needs \"path_prefix\"");
    }
    out.path_prefix = get_string(rule, "path_prefix");
    if (out.path_prefix.empty() || out.path_prefix[0] != '/' ||
        out.path_prefix.rfind("/_sandbox", 0) == 0) {
        throw FaultError(
            fmt::format("fault path_prefix \"{}\" must start with / and not be under /_sandbox/",
                        out.path_prefix));
    }
    if (rule.contains("method")) {
        out.method = get_string(rule, "method");
        std::transform(out.method.begin(), out.method.end(), out.method.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    if (rule.contains("probability")) {
        const json& p = rule["probability"];
        if (!p.is_number() || p.get<double>() < 0.0 || p.get<double>() > 1.0) {
            throw FaultError(
                fmt::format("fault probability must be from 0 to 1, not {}", p.dump()));
        }
        out.probability = p.get<double>();
        if (rule.contains("seed")) {
            if (!rule["seed"].is_number_unsigned()) {
                throw FaultError("fault seed must be a non-negative integer");
            }
            out.seed = rule["seed"].get<std::uint64_t>();
        }
        out.engine.seed(out.seed);
    } else if (rule.contains("seed")) {
        throw FaultError("fault seed only applies with \"probability\"");
    }
    if (rule.contains("skip")) {
        out.skip = get_int(rule, "skip", 0, std::numeric_limits<std::int32_t>::max());
    }
    if (rule.contains("times")) {
        out.remaining = get_int(rule, "times", 1, std::numeric_limits<std::int32_t>::max());
    } else if (!out.probability) {
        out.remaining = 1;
    }
    out.action = parse_action(rule, kind);
    return out;
}

std::vector<int> FaultTable::add(const json& body) {
    std::vector<FaultRule> parsed;
    if (body.is_object() && body.contains("rules")) {
        if (body.size() != 1 || !body["rules"].is_array()) {
            throw FaultError("use either one rule or {\"rules\": [rule, …]}");
        }
        for (const auto& rule : body["rules"]) {
            parsed.push_back(parse_fault_rule(rule));
        }
    } else {
        parsed.push_back(parse_fault_rule(body));
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<int> ids;
    for (auto& rule : parsed) {
        rule.id = m_next_id++;
        ids.push_back(rule.id);
        m_rules.push_back(std::move(rule));
    }
    return ids;
}

std::size_t FaultTable::clear() {
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::size_t count = m_rules.size();
    m_rules.clear();
    return count;
}

json FaultTable::list() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    json rules = json::array();
    for (const auto& rule : m_rules) {
        rules.push_back(to_json(rule));
    }
    return rules;
}

std::optional<FaultAction> FaultTable::take(std::string_view method, std::string_view path) {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& rule : m_rules) {
        if ((rule.remaining && *rule.remaining <= 0) || path.rfind(rule.path_prefix, 0) != 0 ||
            (!rule.method.empty() && rule.method != method)) {
            continue;
        }
        if (rule.skip > 0) {
            --rule.skip;
            continue;
        }
        if (rule.probability) {
            // 53 random bits as a double in [0, 1): the same draw on every platform for a seed.
            const double draw = static_cast<double>(rule.engine() >> 11) * 0x1.0p-53;
            if (draw >= *rule.probability) {
                continue;
            }
        }
        ++rule.fired;
        if (rule.remaining) {
            --*rule.remaining;
        }
        return rule.action;
    }
    return std::nullopt;
}

} // namespace sandbox
