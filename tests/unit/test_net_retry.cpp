#include <deque>
#include <doctest/doctest.h>
#include <looppost/net/http.hpp>

using namespace looppost;
using namespace std::chrono;

namespace {

struct FakeClock : core::Clock {
    core::TimePoint t{};
    std::vector<milliseconds> sleeps;
    core::TimePoint now() const override { return t; }
    void sleep_for(milliseconds d) override {
        sleeps.push_back(d);
        t += d;
    }
};

// Returns the same bytes every time: jitter becomes predictable.
struct FixedRandom : core::Random {
    unsigned char byte;
    explicit FixedRandom(unsigned char b) : byte(b) {}
    void fill(std::span<unsigned char> out) override { std::fill(out.begin(), out.end(), byte); }
};

struct ScriptedClient : net::HttpClient {
    std::deque<net::Result> script;
    int calls = 0;
    net::Result send(const net::Request&) override {
        ++calls;
        REQUIRE_FALSE(script.empty());
        auto r = script.front();
        script.pop_front();
        return r;
    }
};

net::Result status(long s, net::Headers h = {}) {
    net::Response r;
    r.status = s;
    r.headers = std::move(h);
    return r;
}

net::Result failure(net::NetErrorKind k) {
    return util::unexpected(net::NetError{k, "boom"});
}

net::Request retrying(int attempts) {
    net::Request r;
    r.url = "https://open.tiktokapis.com/v2/video/list/";
    r.retry = net::RetryPolicy{attempts, milliseconds(1000), milliseconds(8000)};
    return r;
}

} // namespace

TEST_CASE("a 503 then a 200 is retried once and succeeds") {
    ScriptedClient c;
    c.script = {status(503), status(200)};
    FakeClock clock;
    FixedRandom rnd(0);
    auto r = net::perform(c, retrying(4), clock, rnd);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(c.calls == 2);
    CHECK(clock.sleeps.size() == 1);
}

TEST_CASE("429, 5xx and connection errors are retryable; 4xx and TLS failures are not") {
    CHECK(net::is_retryable(status(429)));
    CHECK(net::is_retryable(status(500)));
    CHECK(net::is_retryable(status(504)));
    CHECK(net::is_retryable(failure(net::NetErrorKind::connect)));
    CHECK(net::is_retryable(failure(net::NetErrorKind::timeout)));
    CHECK(net::is_retryable(failure(net::NetErrorKind::dropped)));
    CHECK_FALSE(net::is_retryable(status(200)));
    CHECK_FALSE(net::is_retryable(status(400)));
    CHECK_FALSE(net::is_retryable(status(401)));
    CHECK_FALSE(net::is_retryable(status(403)));
    CHECK_FALSE(net::is_retryable(failure(net::NetErrorKind::tls)));
}

TEST_CASE("a 400 is returned at once without retrying") {
    ScriptedClient c;
    c.script = {status(400)};
    FakeClock clock;
    FixedRandom rnd(0);
    auto r = net::perform(c, retrying(4), clock, rnd);
    CHECK(r->status == 400);
    CHECK(c.calls == 1);
    CHECK(clock.sleeps.empty());
}

TEST_CASE("attempts are bounded and the last answer is returned") {
    ScriptedClient c;
    c.script = {failure(net::NetErrorKind::connect), status(502), status(500), status(503)};
    FakeClock clock;
    FixedRandom rnd(0);
    auto r = net::perform(c, retrying(4), clock, rnd);
    CHECK(c.calls == 4);
    CHECK(r->status == 503);
    CHECK(clock.sleeps.size() == 3);
}

TEST_CASE("without a retry policy a request is sent exactly once") {
    ScriptedClient c;
    c.script = {failure(net::NetErrorKind::dropped)};
    FakeClock clock;
    FixedRandom rnd(0);
    net::Request req;
    req.method = "POST";
    req.url = "https://open.tiktokapis.com/v2/post/publish/video/init/";
    auto r = net::perform(c, req, clock, rnd);
    CHECK_FALSE(r);
    CHECK(c.calls == 1);
    CHECK(clock.sleeps.empty());
}

TEST_CASE("backoff doubles per attempt, stays within its jitter band and its cap") {
    net::RetryPolicy p{10, milliseconds(1000), milliseconds(8000)};
    FixedRandom low(0);
    auto r = status(503);
    // With zero randomness the wait is the lower half of the band: base·2^(n−1) / 2.
    CHECK(net::backoff_delay(p, 1, r, low) == milliseconds(500));
    CHECK(net::backoff_delay(p, 2, r, low) == milliseconds(1000));
    CHECK(net::backoff_delay(p, 3, r, low) == milliseconds(2000));
    CHECK(net::backoff_delay(p, 4, r, low) == milliseconds(4000));
    CHECK(net::backoff_delay(p, 9, r, low) == milliseconds(4000)); // capped at 8000, halved
    FixedRandom high(0xfe); // all-0xff would be rejected forever by unbiased sampling
    for (int n = 1; n <= 6; ++n) {
        auto d = net::backoff_delay(p, n, r, high);
        auto full = std::min(milliseconds(1000 * (1 << (n - 1))), milliseconds(8000));
        CHECK(d >= full / 2);
        CHECK(d <= full);
    }
}

TEST_CASE("a Retry-After header sets the wait, capped by the policy") {
    net::RetryPolicy p{4, milliseconds(1000), milliseconds(8000)};
    FixedRandom rnd(0);
    CHECK(net::backoff_delay(p, 1, status(429, {{"retry-after", "3"}}), rnd) == milliseconds(3000));
    CHECK(net::backoff_delay(p, 1, status(429, {{"Retry-After", "600"}}), rnd) ==
          milliseconds(8000));
}

TEST_CASE("a streamed body is rewound before each retry") {
    struct Source : net::BodySource {
        int rewinds = 0;
        std::int64_t size() const override { return 0; }
        std::size_t read(char*, std::size_t) override { return 0; }
        void rewind() override { ++rewinds; }
    } src;
    ScriptedClient c;
    c.script = {status(500), status(500), status(201)};
    FakeClock clock;
    FixedRandom rnd(0);
    auto req = retrying(5);
    req.method = "PUT";
    req.body_source = &src;
    auto r = net::perform(c, req, clock, rnd);
    CHECK(r->status == 201);
    CHECK(src.rewinds == 2);
}

TEST_CASE("without ambiguous replay only a refused connection and 429 are retried") {
    CHECK(net::is_retryable(failure(net::NetErrorKind::connect), false));
    CHECK(net::is_retryable(status(429), false));
    CHECK_FALSE(net::is_retryable(failure(net::NetErrorKind::dropped), false));
    CHECK_FALSE(net::is_retryable(failure(net::NetErrorKind::timeout), false));
    CHECK_FALSE(net::is_retryable(status(500), false));
    CHECK_FALSE(net::is_retryable(status(503), false));
    ScriptedClient c;
    c.script = {status(429), failure(net::NetErrorKind::dropped), status(200)};
    FakeClock clock;
    FixedRandom rnd(0);
    auto req = retrying(5);
    req.retry->replay_ambiguous = false;
    auto r = net::perform(c, req, clock, rnd);
    CHECK_FALSE(r); // the drop may have rotated the token: never replayed
    CHECK(c.calls == 2);
}
