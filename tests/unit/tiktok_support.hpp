#pragma once
// What the tiktok::Api tests share: fake seams and TikTok-shaped answers to script.

#include <deque>
#include <doctest/doctest.h>
#include <looppost/core/clock.hpp>
#include <looppost/net/http.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace tiktok_test {

using namespace looppost;
using nlohmann::json;

struct FakeClock : core::Clock {
    core::TimePoint t{};
    core::TimePoint now() const override { return t; }
    void sleep_for(std::chrono::milliseconds d) override { t += d; }
};

struct ZeroRandom : core::Random {
    void fill(std::span<unsigned char> out) override { std::fill(out.begin(), out.end(), 0); }
};

inline net::Result answer(long status, std::string body, net::Headers headers = {}) {
    net::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

/// The v2 envelope with error.code "ok" around `data`.
inline net::Result ok(const json& data) {
    return answer(
        200, json{{"data", data}, {"error", {{"code", "ok"}, {"message", ""}, {"log_id", "L1"}}}}
                 .dump());
}

/// The v2 envelope with an error.
inline net::Result error(long status, const std::string& code, const std::string& message = "") {
    return answer(status, json{{"data", json::object()},
                               {"error", {{"code", code}, {"message", message}, {"log_id", "L2"}}}}
                              .dump());
}

inline net::Result dropped() {
    return util::unexpected(net::NetError{net::NetErrorKind::dropped, "connection reset"});
}

inline std::optional<std::string> header(const net::Request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return v;
        }
    }
    return std::nullopt;
}

} // namespace tiktok_test
