#include <doctest/doctest.h>
#include <looppost/oauth/callback.hpp>

using namespace looppost::oauth;

namespace {
struct CountingRandom : looppost::core::Random {
    unsigned char next = 0;
    void fill(std::span<unsigned char> out) override {
        for (auto& b : out)
            b = next++;
    }
};
} // namespace

TEST_CASE("the PKCE challenge is the lowercase hex SHA-256 of the verifier, not base64url") {
    // RFC 7636's example verifier; its base64url challenge would be
    // E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM.
    CHECK(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
          "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3");
    CountingRandom rnd;
    auto p = make_pkce(rnd);
    CHECK(p.verifier.size() == 64);
    CHECK(p.verifier.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") ==
          std::string::npos);
    CHECK(p.challenge == pkce_challenge(p.verifier));
    CHECK(p.challenge.size() == 64);
}

TEST_CASE("a redirect's code is URL-decoded, with its state and scopes") {
    auto cb = parse_callback("http://127.0.0.1:5000/callback/"
                             "?code=ab%2Acd%21ef&scopes=user.info.basic%2Cvideo.list&state=xyz");
    REQUIRE(cb.code);
    CHECK(*cb.code == "ab*cd!ef");
    CHECK(cb.state == "xyz");
    CHECK(cb.scopes == "user.info.basic,video.list");
    auto target = parse_callback("/callback/?code=c1&state=s1");
    CHECK(target.code == "c1");
    auto err = parse_callback(
        "https://cb.example/?error=access_denied&error_description=User+cancelled&state=s");
    CHECK(err.error == "access_denied");
    CHECK(err.error_description == "User cancelled");
    CHECK_FALSE(err.code);
}

TEST_CASE("a pasted line may be the redirected address, its query, or the bare code") {
    CHECK(parse_pasted("  https://cb.example/callback/?code=Zz%2A1&state=s \n").code == "Zz*1");
    CHECK(parse_pasted("code=Zz%2A1&state=s").code == "Zz*1");
    CHECK(parse_pasted("Zz*1!").code == "Zz*1!");
    CHECK(parse_pasted("Zz%2A1").code == "Zz*1");
    CHECK_FALSE(parse_pasted("   ").code);
}

TEST_CASE("a confirmed QR scan's code comes from redirect_uri, else from code, URL or raw") {
    auto from_redirect = parse_qr_code("https://example.com?code=example%2Acode&state=st", "");
    CHECK(from_redirect.code == "example*code");
    CHECK(from_redirect.state == "st");
    CHECK(parse_qr_code("", "https://callback.example.com?code=c%21d").code == "c!d");
    CHECK(parse_qr_code("", "raw*code").code == "raw*code");
    CHECK(without_query("https://cb.example/callback/?code=x#frag") ==
          "https://cb.example/callback/");
}
