#include <doctest/doctest.h>
#include <looppost/core/log.hpp>

using looppost::core::redact;

namespace {
bool has(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}
} // namespace

TEST_CASE("authorization headers lose their value") {
    auto out = redact("GET /v2/user/info/\nAuthorization: Bearer act.abc123XYZ\nAccept: */*\n");
    CHECK_FALSE(has(out, "abc123XYZ"));
    CHECK(has(out, "Authorization: [redacted]"));
    CHECK(has(out, "Accept: */*"));
    auto indented =
        redact("http: GET https://x/v2/user/info/\n  Authorization: Bearer opaque-token-1\n");
    CHECK_FALSE(has(indented, "opaque-token-1"));
    CHECK(has(indented, "  Authorization: [redacted]"));
    CHECK_FALSE(has(redact("authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=deadbeef"),
                    "deadbeef"));
}

TEST_CASE("secret fields in form bodies are redacted and others kept") {
    auto out = redact("client_key=ck1&client_secret=SEKRIT&grant_type=refresh_token&refresh_token="
                      "rft.R3fresh&code=ab*cd!ef&code_verifier=VERIFIER");
    CHECK(has(out, "client_key=ck1"));
    CHECK(has(out, "grant_type=refresh_token"));
    for (auto secret : {"SEKRIT", "R3fresh", "ab*cd!ef", "VERIFIER"}) {
        CHECK_FALSE(has(out, secret));
    }
}

TEST_CASE("upload_token in a URL is redacted") {
    auto out =
        redact("PUT https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123");
    CHECK(has(out, "upload_id=67890"));
    CHECK_FALSE(has(out, "Xza123"));
}

TEST_CASE("secret fields in JSON are redacted, error codes stay readable") {
    auto out =
        redact(R"({"access_token":"act.1234","expires_in":86400,"refresh_token" : "rft.5678",)"
               R"("open_id":"oid","error":{"code":"ok","message":""}})");
    CHECK_FALSE(has(out, "1234"));
    CHECK_FALSE(has(out, "5678"));
    CHECK(has(out, R"("expires_in":86400)"));
    CHECK(has(out, R"("code":"ok")"));
    CHECK(has(out, R"("open_id":"oid")"));
    // A QR confirm carries the authorization code; it is a secret.
    CHECK_FALSE(has(redact(R"({"code":"Xy7*kL!9","status":"confirmed"})"), "Xy7*kL!9"));
    CHECK_FALSE(
        has(redact(R"({"redirect_uri":"https://cb.example/?code=Ab*12&state=s"})"), "Ab*12"));
}

TEST_CASE("TikTok-style tokens are redacted wherever they appear") {
    auto out = redact("using act.example_TOKEN-1 and rft.other.token for clt.client");
    CHECK_FALSE(has(out, "example_TOKEN"));
    CHECK_FALSE(has(out, "other.token"));
    CHECK_FALSE(has(out, "clt.client"));
    CHECK(has(redact("contact.me exact.value"), "contact.me exact.value"));
}

TEST_CASE("text without secrets passes through unchanged") {
    std::string plain = "POST https://open.tiktokapis.com/v2/post/publish/status/fetch/ "
                        "{\"publish_id\":\"v_pub_file~v2-1.1\"}";
    CHECK(redact(plain) == plain);
}
