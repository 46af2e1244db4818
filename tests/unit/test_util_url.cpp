#include <doctest/doctest.h>
#include <looppost/util/url.hpp>

using namespace looppost::util;

TEST_CASE("URLs are split into scheme, host, port and target") {
    auto u = parse_url("https://Open.TikTokAPIs.com:443/v2/user/info/?fields=a,b");
    REQUIRE(u);
    CHECK(u->scheme == "https");
    CHECK(u->host == "open.tiktokapis.com");
    CHECK(u->port == "443");
    CHECK(u->target == "/v2/user/info/?fields=a,b");
    auto v6 = parse_url("http://[::1]:8080");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->target == "/");
    CHECK_FALSE(parse_url("ftp://x/"));
    CHECK_FALSE(parse_url("https://user:pw@host/"));
    CHECK_FALSE(parse_url("not a url"));
}

TEST_CASE("plain http is allowed only to loopback hosts") {
    CHECK(is_allowed_url("https://open.tiktokapis.com/v2/"));
    CHECK(is_allowed_url("http://127.0.0.1:5000/"));
    CHECK(is_allowed_url("http://127.9.8.7/"));
    CHECK(is_allowed_url("http://localhost:1/"));
    CHECK(is_allowed_url("http://[::1]:1/"));
    CHECK_FALSE(is_allowed_url("http://10.0.0.1/"));
    CHECK_FALSE(is_allowed_url("http://192.168.0.2:80/"));
    CHECK_FALSE(is_allowed_url("http://127.0.0.1.nip.io/"));
    CHECK_FALSE(is_allowed_url("http://example.com/"));
    CHECK_FALSE(is_allowed_url("file:///etc/passwd"));
}

TEST_CASE("authorization codes with * and ! survive decoding") {
    CHECK(url_decode("abc%2A%21def") == "abc*!def");
    CHECK(url_decode("a+b") == "a b");
    CHECK(url_decode("a+b", false) == "a+b");
    CHECK(url_decode("100%") == "100%");
    CHECK(url_decode("%zz") == "%zz");
}

TEST_CASE("form bodies encode everything but unreserved characters") {
    CHECK(form_encode({{"client_key", "ab c"}, {"code", "x*y!z"}}) ==
          "client_key=ab%20c&code=x%2Ay%21z");
    CHECK(url_encode("user.info.basic,video.list") == "user.info.basic%2Cvideo.list");
}
