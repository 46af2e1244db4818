#include <doctest/doctest.h>
#include <looppost/tiktok/outcome.hpp>

using namespace looppost;
using tiktok::Failure;
using tiktok::Verdict;
using namespace std::chrono_literals;

namespace {

Failure api(long status, std::string code, std::string message = "") {
    Failure f;
    f.kind = Failure::Kind::api;
    f.http_status = status;
    f.code = std::move(code);
    f.message = std::move(message);
    return f;
}

Failure oauth(long status, std::string code) {
    Failure f = api(status, std::move(code));
    f.kind = Failure::Kind::oauth;
    return f;
}

Failure transport(net::NetErrorKind k) {
    Failure f;
    f.kind = Failure::Kind::transport;
    f.net_kind = k;
    f.message = "boom";
    return f;
}

Verdict verdict(const Failure& f) {
    return tiktok::classify(f).verdict;
}

} // namespace

TEST_CASE("tiktok outcome: the generic v2 codes (reference 1.5)") {
    CHECK(verdict(api(401, "access_token_invalid")) == Verdict::reauth);
    CHECK(verdict(api(401, "scope_not_authorized")) == Verdict::reauth);
    CHECK(verdict(api(400, "scope_permission_missed")) == Verdict::reauth);
    CHECK(verdict(api(400, "invalid_params")) == Verdict::permanent);
    CHECK(verdict(api(400, "invalid_param")) == Verdict::permanent);
    CHECK(verdict(api(400, "invalid_file_upload")) == Verdict::permanent);
    auto limited = tiktok::classify(api(429, "rate_limit_exceeded"));
    CHECK(limited.verdict == Verdict::rate_limited);
    REQUIRE(limited.retry_after.has_value());
    CHECK(*limited.retry_after > 10s);
    // internal_error is a 5xx: after an init the post may exist; for a query, try again.
    CHECK(verdict(api(500, "internal_error")) == Verdict::ambiguous);
    CHECK(tiktok::classify(api(500, "internal_error"), true).verdict == Verdict::transient);
}

TEST_CASE("tiktok outcome: every init error of reference 4.3") {
    auto bad = tiktok::classify(api(400, "invalid_params", "The chunk size is invalid"));
    CHECK(bad.verdict == Verdict::permanent);
    CHECK(bad.explanation.find("The chunk size is invalid") != std::string::npos);

    auto cap = tiktok::classify(api(403, "spam_risk_too_many_posts"));
    CHECK(cap.verdict == Verdict::cap_reached);
    CHECK(cap.retry_after == std::chrono::seconds(24h));
    CHECK(verdict(api(403, "spam_risk_user_banned_from_posting")) == Verdict::permanent);
    auto users = tiktok::classify(api(403, "reached_active_user_cap"));
    CHECK(users.verdict == Verdict::cap_reached);
    CHECK(users.retry_after.has_value());

    auto unaudited =
        tiktok::classify(api(403, "unaudited_client_can_only_post_to_private_accounts"));
    CHECK(unaudited.verdict == Verdict::permanent);
    CHECK(unaudited.explanation ==
          "TikTok lets an unaudited app post only to a private account: make the account "
          "private in the app, or use --mode inbox");

    CHECK(verdict(api(403, "url_ownership_unverified")) == Verdict::permanent);
    CHECK(verdict(api(403, "privacy_level_option_mismatch")) == Verdict::permanent);
    CHECK(verdict(api(401, "access_token_invalid")) == Verdict::reauth);
    CHECK(verdict(api(401, "scope_not_authorized")) == Verdict::reauth);
    CHECK(verdict(api(429, "rate_limit_exceeded")) == Verdict::rate_limited);
    CHECK(verdict(api(503, "internal_error")) == Verdict::ambiguous);
}

TEST_CASE("tiktok outcome: inbox, photo, status and cancel errors (reference 4.4-4.10)") {
    auto pending = tiktok::classify(api(403, "spam_risk_too_many_pending_share"));
    CHECK(pending.verdict == Verdict::cap_reached);
    CHECK(pending.retry_after.has_value());
    CHECK(pending.explanation.find("inbox") != std::string::npos);

    auto version = tiktok::classify(api(400, "app_version_check_failed"));
    CHECK(version.verdict == Verdict::permanent);
    CHECK(version.explanation.find("31.8") != std::string::npos);

    CHECK(verdict(api(400, "invalid_publish_id")) == Verdict::permanent);
    CHECK(verdict(api(400, "token_not_authorized_for_specified_publish_id")) == Verdict::permanent);
    CHECK(verdict(api(400, "publish_not_cancellable")) == Verdict::permanent);
}

TEST_CASE("tiktok outcome: creator_info's HTTP 200 refusals (reference 4.2)") {
    CHECK(verdict(api(200, "spam_risk_too_many_posts")) == Verdict::cap_reached);
    CHECK(verdict(api(200, "spam_risk_user_banned_from_posting")) == Verdict::permanent);
    CHECK(verdict(api(200, "reached_active_user_cap")) == Verdict::cap_reached);
}

TEST_CASE("tiktok outcome: upload PUT failures (reference 4.5)") {
    CHECK(tiktok::classify(api(416, tiktok::upload_code::range_mismatch), true).verdict ==
          Verdict::transient);
    CHECK(verdict(api(403, tiktok::upload_code::url_expired)) == Verdict::permanent);
    CHECK(verdict(api(404, tiktok::upload_code::not_found)) == Verdict::permanent);
    CHECK(verdict(api(400, tiktok::upload_code::bad_request)) == Verdict::permanent);
    CHECK(tiktok::classify(api(502, tiktok::upload_code::server_error), true).verdict ==
          Verdict::transient);
}

TEST_CASE("tiktok outcome: OAuth errors (reference 1.4)") {
    CHECK(verdict(oauth(400, "invalid_grant")) == Verdict::reauth);
    CHECK(verdict(oauth(400, "access_denied")) == Verdict::reauth);
    CHECK(verdict(oauth(400, "invalid_scope")) == Verdict::reauth);
    CHECK(verdict(oauth(401, "invalid_client")) == Verdict::permanent);
    CHECK(verdict(oauth(400, "unauthorized_client")) == Verdict::permanent);
    CHECK(verdict(oauth(400, "invalid_request")) == Verdict::permanent);
    CHECK(verdict(oauth(400, "server_error")) == Verdict::transient);
    CHECK(verdict(oauth(400, "temporarily_unavailable")) == Verdict::transient);
}

TEST_CASE("tiktok outcome: transport failures are ambiguous only when TikTok may have acted") {
    CHECK(verdict(transport(net::NetErrorKind::dropped)) == Verdict::ambiguous);
    CHECK(verdict(transport(net::NetErrorKind::timeout)) == Verdict::ambiguous);
    CHECK(verdict(transport(net::NetErrorKind::connect)) == Verdict::transient);
    CHECK(verdict(transport(net::NetErrorKind::tls)) == Verdict::transient);
    CHECK(tiktok::classify(transport(net::NetErrorKind::dropped), true).verdict ==
          Verdict::transient);
    Failure lost;
    lost.kind = Failure::Kind::protocol;
    lost.http_status = 200;
    lost.message = "TikTok's video init answer lacks publish_id or upload_url";
    CHECK(verdict(lost) == Verdict::ambiguous);
}

TEST_CASE("tiktok outcome: unknown codes fall back to the HTTP status") {
    CHECK(verdict(api(401, "something_new")) == Verdict::reauth);
    CHECK(verdict(api(429, "something_new")) == Verdict::rate_limited);
    CHECK(verdict(api(502, "something_new")) == Verdict::ambiguous);
    CHECK(tiktok::classify(api(502, "something_new"), true).verdict == Verdict::transient);
    CHECK(verdict(api(403, "something_new")) == Verdict::permanent);
    CHECK(verdict(api(400, "something_new")) == Verdict::permanent);
    Failure html;
    html.kind = Failure::Kind::protocol;
    html.http_status = 429;
    CHECK(verdict(html) == Verdict::rate_limited);
}

TEST_CASE("tiktok outcome: every fail_reason of reference 4.9") {
    using tiktok::classify_fail_reason;
    CHECK(classify_fail_reason("internal").verdict == Verdict::transient);
    CHECK(classify_fail_reason("video_pull_failed").verdict == Verdict::transient);
    CHECK(classify_fail_reason("photo_pull_failed").verdict == Verdict::transient);
    for (const char* r : {"file_format_check_failed", "duration_check_failed",
                          "frame_rate_check_failed", "picture_size_check_failed"}) {
        auto c = classify_fail_reason(r);
        CAPTURE(r);
        CHECK(c.verdict == Verdict::permanent);
        CHECK_FALSE(c.explanation.empty());
    }
    CHECK(classify_fail_reason("file_format_check_failed").explanation.find("re-encode") !=
          std::string::npos);
    CHECK(classify_fail_reason("frame_rate_check_failed").explanation.find("23 to 60") !=
          std::string::npos);
    CHECK(classify_fail_reason("picture_size_check_failed").explanation.find("1080") !=
          std::string::npos);
    auto cancelled = classify_fail_reason("publish_cancelled");
    CHECK(cancelled.verdict == Verdict::permanent);
    CHECK(cancelled.explanation == "cancelled");
    CHECK(classify_fail_reason("auth_removed").verdict == Verdict::reauth);
    CHECK(classify_fail_reason("spam_risk_too_many_posts").verdict == Verdict::cap_reached);
    CHECK(classify_fail_reason("spam_risk_user_banned_from_posting").verdict == Verdict::permanent);
    CHECK(classify_fail_reason("spam_risk_text").explanation.find("caption") != std::string::npos);
    CHECK(classify_fail_reason("spam_risk").verdict == Verdict::permanent);
    CHECK(classify_fail_reason("something_new").explanation.find("something_new") !=
          std::string::npos);
}

TEST_CASE("tiktok outcome: explanations are one line") {
    for (const char* code :
         {"access_token_invalid", "spam_risk_too_many_posts", "reached_active_user_cap",
          "unaudited_client_can_only_post_to_private_accounts", "something_new"}) {
        CHECK(tiktok::classify(api(403, code)).explanation.find('\n') == std::string::npos);
    }
}
