// The libcurl HttpClient against the real sandbox over loopback: connection reuse, the retry
// policy meeting real faults, timeouts, drops, truncation and the loopback-only http rule.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/net/curl_client.hpp>
#include <looppost/net/http.hpp>

using namespace looppost;
using namespace std::chrono;
using harness::Sandbox;

namespace {

net::Request get(const Sandbox& sbx, std::optional<net::RetryPolicy> retry = std::nullopt) {
    net::Request r;
    r.url = sbx.base_url() + "/";
    r.retry = retry;
    return r;
}

net::RetryPolicy quick(int attempts) {
    return {attempts, milliseconds(20), milliseconds(100)};
}

struct Fixture {
    Sandbox sbx;
    std::unique_ptr<net::HttpClient> client = net::make_curl_client({seconds(10), seconds(5)});
    core::SystemClock clock;
    core::SodiumRandom random;
    net::Result send(const net::Request& r) { return net::perform(*client, r, clock, random); }
};

} // namespace

TEST_CASE("one client reuses its connection for successive requests") {
    Fixture f;
    auto before = f.sbx.get("state")["connections_accepted"].get<int>();
    for (int i = 0; i < 5; ++i) {
        auto r = f.send(get(f.sbx));
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->header("date"));
    }
    auto after = f.sbx.get("state")["connections_accepted"].get<int>();
    CHECK(after - before == 2); // one for the five requests, one for this state query
}

TEST_CASE("a 503 fault is retried and the request then succeeds") {
    Fixture f;
    f.sbx.post("faults", {{"path_prefix", "/"},
                          {"kind", "status"},
                          {"http_status", 503},
                          {"error_code", "internal_error"},
                          {"times", 2}});
    auto r = f.send(get(f.sbx, quick(4)));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(f.sbx.get("state")["request_counts"]["/"] == 3);
}

TEST_CASE("a 429 answer keeps TikTok's error body for the caller") {
    Fixture f;
    f.sbx.post("faults", {{"path_prefix", "/v2/video/list/"},
                          {"kind", "status"},
                          {"http_status", 429},
                          {"error_code", "rate_limit_exceeded"},
                          {"times", 5}});
    net::Request r;
    r.method = "POST";
    r.url = f.sbx.base_url() + "/v2/video/list/";
    r.body = "{}";
    r.retry = quick(2);
    auto res = f.send(r);
    REQUIRE(res);
    CHECK(res->status == 429);
    auto body = nlohmann::json::parse(res->body);
    CHECK(body["error"]["code"] == "rate_limit_exceeded");
    CHECK(f.sbx.get("state")["request_counts"]["/v2/video/list/"] == 2);
}

TEST_CASE("a dropped connection is reported as dropped and retried only when the request opts in") {
    Fixture f;
    f.sbx.post("faults", {{"path_prefix", "/"}, {"kind", "drop"}, {"when", "after"}, {"times", 1}});
    auto once = f.send(get(f.sbx));
    REQUIRE_FALSE(once);
    CHECK(once.error().kind == net::NetErrorKind::dropped);
    f.sbx.post("faults", {{"path_prefix", "/"}, {"kind", "drop"}, {"times", 1}});
    auto retried = f.send(get(f.sbx, quick(3)));
    REQUIRE(retried);
    CHECK(retried->status == 200);
}

TEST_CASE("an answer slower than the timeout is a timeout") {
    Fixture f;
    f.sbx.post("faults", {{"path_prefix", "/"}, {"kind", "delay"}, {"ms", 3000}, {"times", 1}});
    auto req = get(f.sbx);
    req.timeout = seconds(1);
    auto r = f.send(req);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == net::NetErrorKind::timeout);
}

TEST_CASE("a truncated body is a transport failure, not a short success") {
    Fixture f;
    f.sbx.post("faults",
               {{"path_prefix", "/"}, {"kind", "truncate"}, {"keep_bytes", 5}, {"times", 1}});
    auto r = f.send(get(f.sbx));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == net::NetErrorKind::dropped);
}

TEST_CASE("plain http to a host that is not loopback is refused before any request") {
    auto client = net::make_curl_client({seconds(2), seconds(2)});
    net::Request r;
    r.url = "http://10.20.30.40/v2/";
    try {
        client->send(r);
        FAIL("non-loopback http accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
    }
}

TEST_CASE("a refused connection is reported as a connection error") {
    auto client = net::make_curl_client({seconds(2), seconds(2)});
    net::Request r;
    r.url = "http://127.0.0.1:1/";
    auto res = client->send(r);
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == net::NetErrorKind::connect);
}

TEST_CASE(
    "an at-most-once request is never resent after the server took it and dropped the connection") {
    Fixture f;
    REQUIRE(f.send(get(f.sbx))); // a kept-alive connection to reuse
    f.sbx.post(
        "faults",
        {{"path_prefix", "/v2/oauth/token/"}, {"kind", "drop"}, {"when", "after"}, {"times", 1}});
    net::Request r;
    r.method = "POST";
    r.url = f.sbx.base_url() + "/v2/oauth/token/";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = "grant_type=refresh_token";
    r.at_most_once = true;
    auto res = f.send(r);
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == net::NetErrorKind::dropped);
    CHECK(f.sbx.get("state")["request_counts"]["/v2/oauth/token/"] == 1);
}
