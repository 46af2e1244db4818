#include <array>
#include <fmt/format.h>
#include <looppost/tiktok/outcome.hpp>

namespace looppost::tiktok {
using namespace std::chrono_literals;

namespace {

constexpr std::string_view k_unaudited =
    "TikTok lets an unaudited app post only to a private account: make the account private in "
    "the app, or use --mode inbox";

struct Rule {
    std::string_view code;
    Verdict verdict;
    std::string_view explanation;
    std::chrono::seconds retry_after{0};
};

// error.code values (and OAuth errors) with what they mean for the post. Sources: reference
// §1.4, §1.5, §4.2, §4.3 (init table), §4.4, §4.7, §4.8, §4.10, §4.13; upload_code from §4.5.
constexpr std::array k_rules = {
    // §1.5 generic codes
    Rule{"access_token_invalid", Verdict::reauth,
         "TikTok refused the access token: it expired or was revoked; refresh it, or log in again"},
    Rule{"scope_not_authorized", Verdict::reauth,
         "the account did not grant the scope this needs: log in again and allow it"},
    Rule{"scope_permission_missed", Verdict::reauth,
         "the request needs a scope the login lacks: log in again with it"},
    Rule{"invalid_params", Verdict::permanent, "TikTok refused a field of the request"},
    Rule{"invalid_param", Verdict::permanent, "TikTok refused a field of the request"},
    Rule{"invalid_file_upload", Verdict::permanent,
         "TikTok refused the uploaded file: it does not meet the media rules"},
    Rule{"rate_limit_exceeded", Verdict::rate_limited,
         "TikTok's per-minute limit for this account was hit; waiting before the next call", 60s},
    Rule{"internal_error", Verdict::transient, "TikTok had an internal error; trying again later"},
    // §4.2, §4.3 init
    Rule{"spam_risk_too_many_posts", Verdict::cap_reached,
         "the account reached TikTok's daily cap of API posts (about 15 a day, shared by every "
         "app); the post waits a day",
         24h},
    Rule{"spam_risk_user_banned_from_posting", Verdict::permanent,
         "TikTok has banned this account from posting"},
    Rule{"reached_active_user_cap", Verdict::cap_reached,
         "the app used up TikTok's daily quota of posting users (5 a day for an unaudited app); "
         "the post waits",
         6h},
    Rule{"unaudited_client_can_only_post_to_private_accounts", Verdict::permanent, k_unaudited},
    Rule{"url_ownership_unverified", Verdict::permanent,
         "the media URL's domain or prefix is not verified for this app: verify it in TikTok's "
         "developer portal"},
    Rule{"privacy_level_option_mismatch", Verdict::permanent,
         "the post's privacy level is not among those TikTok now allows this account: check "
         "creator info and edit the post"},
    // §4.4, §4.7
    Rule{"spam_risk_too_many_pending_share", Verdict::cap_reached,
         "5 drafts already wait in the TikTok inbox: finish or delete them in the app; the post "
         "waits",
         1h},
    Rule{"app_version_check_failed", Verdict::permanent,
         "inbox photo posts need TikTok 31.8 or later on the phone: update the app"},
    // §4.8, §4.10
    Rule{"invalid_publish_id", Verdict::permanent, "TikTok knows no such publish id"},
    Rule{"token_not_authorized_for_specified_publish_id", Verdict::permanent,
         "the publish id belongs to another account"},
    Rule{"publish_not_cancellable", Verdict::permanent,
         "TikTok can no longer stop this post: it is already processing or done"},
    // §4.5 upload PUT (our codes)
    Rule{"upload_range_mismatch", Verdict::transient,
         "the chunk did not follow TikTok's upload progress; resuming from what TikTok holds"},
    Rule{"upload_url_expired", Verdict::permanent,
         "the upload URL expired (TikTok keeps it 1 hour); the upload must start over"},
    Rule{"upload_task_not_found", Verdict::permanent, "TikTok knows no such upload"},
    Rule{"upload_bad_request", Verdict::permanent, "TikTok refused the chunk's headers or length"},
    Rule{"upload_server_error", Verdict::transient,
         "TikTok's upload server failed; sending the same chunk again later"},
    // §1.4 OAuth
    Rule{"invalid_grant", Verdict::reauth,
         "TikTok refused the refresh token (expired or revoked): log in again"},
    Rule{"access_denied", Verdict::reauth, "the login was refused: log in again"},
    Rule{"invalid_scope", Verdict::reauth,
         "the app is not approved for a requested scope: fix the app's scopes, then log in"},
    Rule{"invalid_client", Verdict::permanent,
         "TikTok refused the app's client key or secret: check them with `looppost app`"},
    Rule{"unauthorized_client", Verdict::permanent,
         "TikTok does not allow this app that request: check the app in the developer portal"},
    Rule{"invalid_request", Verdict::permanent, "TikTok refused the request as malformed"},
    Rule{"unsupported_grant_type", Verdict::permanent, "TikTok refused the grant type"},
    Rule{"unsupported_response_type", Verdict::permanent, "TikTok refused the response type"},
    Rule{"server_error", Verdict::transient, "TikTok's login server failed; trying again later"},
    Rule{"temporarily_unavailable", Verdict::transient,
         "TikTok's login server is unavailable; trying again later"},
};

const Rule* find_rule(std::string_view code) {
    for (const auto& r : k_rules) {
        if (r.code == code) {
            return &r;
        }
    }
    return nullptr;
}

Classified make(Verdict v, std::string explanation,
                std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    return Classified{v, std::move(explanation), retry_after};
}

// With TikTok's own message appended when it says more than the code.
std::string with_message(std::string_view explanation, const Failure& f) {
    if (f.message.empty() || f.message == f.code) {
        return std::string(explanation);
    }
    return fmt::format("{} ({})", explanation, f.message);
}

Classified by_status(const Failure& f) {
    std::string said = f.describe();
    if (f.http_status == 401) {
        return make(Verdict::reauth, fmt::format("TikTok refused the login: {}", said));
    }
    if (f.http_status == 429) {
        return make(Verdict::rate_limited, fmt::format("TikTok is throttling: {}", said), 60s);
    }
    if (f.http_status >= 500) {
        return make(Verdict::transient, fmt::format("TikTok is failing: {}", said));
    }
    return make(Verdict::permanent, fmt::format("TikTok refused the request: {}", said));
}

} // namespace

Classified classify(const Failure& f, bool safe_to_repeat) {
    if (f.outcome_unknown() && !safe_to_repeat) {
        return make(Verdict::ambiguous,
                    fmt::format("TikTok may have acted but its answer was lost ({}); looppost "
                                "will not send it again blindly",
                                f.describe()));
    }
    switch (f.kind) {
    case Failure::Kind::transport:
        return make(Verdict::transient,
                    fmt::format("TikTok could not be reached ({}); trying again later", f.message));
    case Failure::Kind::protocol:
        if (f.http_status == 429 || f.http_status >= 500 || f.http_status == 401) {
            return by_status(f);
        }
        if (f.http_status >= 200 && f.http_status <= 299) {
            return make(Verdict::transient, fmt::format("TikTok's answer was unusable: {}; "
                                                        "trying again later",
                                                        f.message));
        }
        return make(Verdict::permanent, fmt::format("TikTok answered strangely: {}", f.message));
    case Failure::Kind::oauth:
    case Failure::Kind::api:
        break;
    }
    if (const Rule* r = find_rule(f.code)) {
        std::optional<std::chrono::seconds> after;
        if (r->retry_after.count() > 0) {
            after = r->retry_after;
        }
        // The fixed explanation is the point; TikTok's own words help only for bad fields.
        bool add_message = r->code == "invalid_params" || r->code == "invalid_param" ||
                           r->code == "invalid_request" || r->code == "invalid_file_upload";
        return make(r->verdict,
                    add_message ? with_message(r->explanation, f) : std::string(r->explanation),
                    after);
    }
    return by_status(f);
}

Classified classify_fail_reason(const std::string& reason) {
    // Reference §4.9.
    if (reason == "internal") {
        return make(Verdict::transient, "a TikTok component was unavailable; trying again later");
    }
    if (reason == "video_pull_failed") {
        return make(Verdict::transient,
                    "TikTok could not download the video within an hour; trying again later");
    }
    if (reason == "photo_pull_failed") {
        return make(Verdict::transient,
                    "TikTok could not download the photos within an hour; check the media host, "
                    "trying again later");
    }
    if (reason == "file_format_check_failed") {
        return make(Verdict::permanent,
                    "TikTok refused the file format: re-encode as MP4 with H.264 (photos: JPEG or "
                    "WebP)");
    }
    if (reason == "duration_check_failed") {
        return make(Verdict::permanent,
                    "TikTok refused the video's duration: trim it to what the account may post");
    }
    if (reason == "frame_rate_check_failed") {
        return make(Verdict::permanent,
                    "TikTok refused the frame rate: re-encode at 23 to 60 frames per second");
    }
    if (reason == "picture_size_check_failed") {
        return make(Verdict::permanent,
                    "TikTok refused the picture size: videos need 360 to 4096 px a side, photos "
                    "a shorter side of at most 1080 px (resize)");
    }
    if (reason == "publish_cancelled") {
        return make(Verdict::permanent, "cancelled");
    }
    if (reason == "auth_removed") {
        return make(Verdict::reauth,
                    "the account revoked looppost's access during the post: log in again");
    }
    if (reason == "spam_risk_too_many_posts") {
        return make(Verdict::cap_reached,
                    "the account reached TikTok's daily cap of API posts; the post waits a day",
                    24h);
    }
    if (reason == "spam_risk_user_banned_from_posting") {
        return make(Verdict::permanent, "TikTok has banned this account from posting");
    }
    if (reason == "spam_risk_text") {
        return make(Verdict::permanent, "TikTok judged the caption spammy: change the text");
    }
    if (reason == "spam_risk") {
        return make(Verdict::permanent,
                    "TikTok judged the post risky and refused it; it gives no detail");
    }
    if (reason.empty()) {
        return make(Verdict::permanent, "TikTok says the post failed and gives no reason");
    }
    return make(Verdict::permanent, fmt::format("TikTok says the post failed: {}", reason));
}

std::string_view verdict_name(Verdict v) {
    switch (v) {
    case Verdict::permanent:
        return "permanent";
    case Verdict::transient:
        return "transient";
    case Verdict::reauth:
        return "reauth";
    case Verdict::rate_limited:
        return "rate_limited";
    case Verdict::cap_reached:
        return "cap_reached";
    case Verdict::ambiguous:
        return "ambiguous";
    }
    return "permanent";
}

} // namespace looppost::tiktok
