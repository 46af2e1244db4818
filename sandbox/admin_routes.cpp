// The admin API under /_sandbox/: how tests, `make demo` and rehearsing users steer the sandbox
// and read its ledger. Answers are plain JSON documents; errors use the v2 envelope.

#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

#include <algorithm>
#include <cmath>

namespace sandbox {
namespace {

using nlohmann::json;

json clock_json(const Clock& clock) {
    return {{"now", clock.now_seconds()}, {"offset_seconds", clock.offset_millis() / 1000.0}};
}

void register_config_routes(Router& router, Services& services) {
    router.get("/_sandbox/config",
               [&services](Exchange& ex) { ex.json(200, to_json(services.state.config())); });

    // Merges the given keys into the effective profile; ?replace=true starts from the built-in
    // defaults instead.
    router.post("/_sandbox/config", [&services](Exchange& ex) {
        const std::string replace = ex.req.get_param_value("replace");
        const bool from_defaults = replace == "true" || replace == "1";
        try {
            Config merged = merge_config(from_defaults ? default_config() : services.state.config(),
                                         ex.body_json());
            services.state.set_config(merged);
            ex.json(200, {{"config", to_json(merged)}});
        } catch (const ConfigError& e) {
            throw ApiError(400, "invalid_params", e.what());
        }
    });

    router.post("/_sandbox/reset", [&services](Exchange& ex) {
        services.reset();
        ex.json(200, {{"reset", true}, {"now", services.clock.now_seconds()}});
    });
}

void register_clock_routes(Router& router, Services& services) {
    router.get("/_sandbox/clock",
               [&services](Exchange& ex) { ex.json(200, clock_json(services.clock)); });

    router.post("/_sandbox/clock/advance", [&services](Exchange& ex) {
        const json body = ex.body_json();
        if (!body.is_object() || !body.contains("seconds") || !body["seconds"].is_number() ||
            !std::isfinite(body["seconds"].get<double>())) {
            throw ApiError(400, "invalid_params", "send {\"seconds\": N} with a number N");
        }
        services.clock.advance(body["seconds"].get<double>());
        ex.json(200, clock_json(services.clock));
    });
}

void register_fault_routes(Router& router, Services& services) {
    router.get("/_sandbox/faults", [&services](Exchange& ex) {
        ex.json(200, {{"rules", services.faults.list()}});
    });

    router.post("/_sandbox/faults", [&services](Exchange& ex) {
        try {
            const std::vector<int> ids = services.faults.add(ex.body_json());
            ex.json(200, {{"added", ids}, {"rules", services.faults.list()}});
        } catch (const FaultError& e) {
            throw ApiError(400, "invalid_params", e.what());
        }
    });

    router.del("/_sandbox/faults", [&services](Exchange& ex) {
        ex.json(200, {{"cleared", services.faults.clear()}});
    });
}

// POST /_sandbox/fail_next {"fail_reason", "user"?, "times"?}: the next posts (of that user, or
// anyone's) end FAILED with that fail_reason once their bytes are in. DELETE clears the rules.
void register_fail_routes(Router& router, Services& services) {
    router.post("/_sandbox/fail_next", [&services](Exchange& ex) {
        const json body = ex.body_json();
        const auto& reasons = fail_reasons();
        if (!body.is_object() || !body.contains("fail_reason") ||
            !body["fail_reason"].is_string() ||
            std::find(reasons.begin(), reasons.end(), body["fail_reason"].get<std::string>()) ==
                reasons.end()) {
            throw ApiError(400, "invalid_params",
                           "send {\"fail_reason\": R} with R a TikTok fail_reason");
        }
        FailRule rule;
        rule.reason = body["fail_reason"].get<std::string>();
        if (body.contains("user") && !body["user"].is_null()) {
            if (!body["user"].is_string()) {
                throw ApiError(400, "invalid_params", "\"user\" must be a username or open_id");
            }
            rule.user = body["user"].get<std::string>();
        }
        if (body.contains("times")) {
            if (!body["times"].is_number_integer() || body["times"].get<std::int64_t>() < 1) {
                throw ApiError(400, "invalid_params", "\"times\" must be a whole number >= 1");
            }
            rule.remaining = body["times"].get<std::int64_t>();
        }
        const json shown = fail_rule_json(rule);
        services.state.with([&](Ledger& ledger) { ledger.fail_next.push_back(std::move(rule)); });
        ex.json(200, {{"added", shown}});
    });
    router.del("/_sandbox/fail_next", [&services](Exchange& ex) {
        const std::size_t cleared = services.state.with([](Ledger& ledger) {
            const std::size_t n = ledger.fail_next.size();
            ledger.fail_next.clear();
            return n;
        });
        ex.json(200, {{"cleared", cleared}});
    });
}

} // namespace

void register_admin_routes(Router& router, Services& services) {
    // looppost doctor probes this to see that the API base answers at all.
    router.get("/", [](Exchange& ex) { ex.json(200, {{"sandbox", "looppost-sandbox"}}); });

    router.get("/_sandbox/state", [&services](Exchange& ex) {
        auto doc = services.state.snapshot(services.clock.now_seconds());
        doc["connections_accepted"] = services.connections.load();
        ex.json(200, doc);
    });
    register_config_routes(router, services);
    register_clock_routes(router, services);
    register_fault_routes(router, services);
    register_fail_routes(router, services);
}

} // namespace sandbox
