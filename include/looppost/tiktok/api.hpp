#pragma once
// Typed calls to TikTok's OAuth and API endpoints (reference §2, §3, §5). Knows HTTP and JSON,
// not SQLite. Both error shapes are mapped to one Failure: OAuth's flat {error,
// error_description, log_id} and the v2 envelope's {error: {code, message, log_id}}.

#include <cstdint>
#include <looppost/core/clock.hpp>
#include <looppost/net/http.hpp>
#include <looppost/tiktok/chunk_plan.hpp>
#include <looppost/tiktok/display.hpp>
#include <looppost/tiktok/posting.hpp>
#include <looppost/util/expected.hpp>
#include <looppost/vault/secret.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::tiktok {

struct Failure {
    enum class Kind {
        transport, ///< no usable HTTP answer (refused, timed out, dropped)
        oauth,     ///< OAuth error shape: `code` is the OAuth error ("invalid_grant")
        api,       ///< v2 envelope error: `code` is error.code ("access_token_invalid")
        protocol,  ///< an answer that is not what TikTok documents (not JSON, fields missing)
    };
    Kind kind = Kind::protocol;
    long http_status = 0;
    std::string code;
    std::string message;
    std::string log_id;
    net::NetErrorKind net_kind = net::NetErrorKind::other;
    /// An upload PUT refused with 416: the bytes TikTok holds (from its Content-Range), so the
    /// caller can resume from there. Unset when TikTok did not say.
    std::optional<std::uint64_t> received;

    /// True when the request may have taken effect although no usable answer arrived: a
    /// dropped or timed-out connection, a 5xx, or a 2xx whose body could not be used.
    bool outcome_unknown() const;
    /// One line for messages: "invalid_grant: Refresh token is invalid (log id 2022…)".
    std::string describe() const;
};

template <class T> using Result = util::Expected<T, Failure>;

struct TokenSet {
    vault::Secret access_token;
    std::int64_t expires_in = 0;
    vault::Secret refresh_token;
    std::int64_t refresh_expires_in = 0;
    std::string open_id;
    std::vector<std::string> scopes; ///< as granted
};

struct QrCode {
    std::string scan_url; ///< the aweme:// deep link, still with client_ticket=tobefilled
    std::string token;
};

struct QrCheck {
    std::string status; ///< new | scanned | confirmed | expired | utilised
    std::string client_ticket;
    std::string state;
    std::string redirect_uri; ///< on confirmed, when TikTok returns one
    std::string code;         ///< on confirmed, when TikTok returns the `code` field
};

struct UserInfo {
    std::string open_id;
    std::optional<std::string> union_id;
    std::optional<std::string> display_name;
    std::optional<std::string> username;
    std::optional<std::string> avatar_url;
    std::optional<std::int64_t> follower_count;
    std::optional<std::int64_t> following_count;
    std::optional<std::int64_t> likes_count;
    std::optional<std::int64_t> video_count;
};

/// What TikTok lets the creator post right now (reference §4.2).
struct CreatorInfo {
    std::string nickname;
    std::string username;
    std::vector<std::string> privacy_level_options;
    bool comment_disabled = false;
    bool duet_disabled = false;
    bool stitch_disabled = false;
    std::optional<std::int64_t> max_video_post_duration_sec;
};

/// The client credentials every OAuth call carries.
struct Client {
    std::string key;
    const vault::Secret* secret = nullptr;
};

class Api {
public:
    /// `retry`: the policy for calls that are safe to repeat (the `http_attempts` setting).
    Api(net::HttpClient& http, core::Clock& clock, core::Random& random, std::string api_base,
        net::RetryPolicy retry);

    Result<QrCode> get_qrcode(const Client& c, const std::vector<std::string>& scopes,
                              const std::string& state);
    Result<QrCheck> check_qrcode(const Client& c, const std::string& token);
    /// Single-use code: never retried. `redirect_uri` and `verifier` are sent when given.
    Result<TokenSet> exchange_code(const Client& c, const std::string& code,
                                   const std::optional<std::string>& redirect_uri,
                                   const std::optional<std::string>& verifier);
    /// Rotating refresh: retried only when TikTok provably did not process it; each attempt
    /// takes at most `timeout`, each wait at most `max_delay` (the caller's lease bounds both).
    Result<TokenSet> refresh(const Client& c, const vault::Secret& refresh_token,
                             std::chrono::seconds timeout, std::chrono::milliseconds max_delay);
    Result<bool> revoke(const Client& c, const vault::Secret& access_token);
    /// GET /v2/user/info/ with exactly `fields`.
    Result<UserInfo> user_info(const vault::Secret& access_token,
                               const std::vector<std::string>& fields);

    /// POST /v2/video/list/?fields=… (needs video.list; 600/min): the creator's public videos,
    /// newest first, `max_count` (1–20) of them posted before `cursor` (unix ms; the newest
    /// when unset). A query: retried per the policy.
    Result<VideoPage> video_list(const vault::Secret& access_token,
                                 const std::vector<std::string>& fields,
                                 std::optional<std::int64_t> cursor, int max_count);
    /// POST /v2/video/query/?fields=… (needs video.list): up to 20 of the creator's own videos
    /// by id; TikTok leaves out ids that are not theirs. A query: retried per the policy.
    Result<std::vector<Video>> video_query(const vault::Secret& access_token,
                                           const std::vector<std::string>& fields,
                                           const std::vector<std::string>& ids);

    /// POST /v2/post/publish/creator_info/query/ (needs video.publish; 20/min per token). TikTok
    /// answers "cannot post now" with HTTP 200 and an error code: that is a Failure of kind api.
    Result<CreatorInfo> creator_info(const vault::Secret& access_token);

    // Content Posting (reference §4; src/tiktok/posting.cpp). Inits are never retried and go
    // out at most once: a replayed init may create a second post (DESIGN I3), so a lost answer
    // is a Failure whose outcome_unknown() is true, and the caller asks status/fetch or stops.

    /// POST /v2/post/publish/video/init/ with `info` (direct), or
    /// /v2/post/publish/inbox/video/init/ when `info` is null (inbox: source_info only), for a
    /// FILE_UPLOAD of `plan`'s size, chunk size and count.
    Result<VideoInit> init_video(const vault::Secret& access_token, const PostInfo* info,
                                 const ChunkPlan& plan);

    /// PUT chunk `index` of `plan` to `upload_url` (no Authorization: the URL carries a token).
    /// `bytes` must hold exactly plan.length(index) bytes; it is streamed, and rewound before a
    /// retry. 206 and 201 (and 200) give the progress; 416 is a Failure with `received` set;
    /// 403 (URL expired), 404, other 4xx and 5xx are Failures with an upload_code. The same
    /// range may be sent again, so `retry` (when given) repeats it on 429, 5xx and lost
    /// connections.
    Result<UploadProgress> upload_chunk(const std::string& upload_url, const std::string& mime,
                                        const ChunkPlan& plan, std::uint64_t index,
                                        net::BodySource& bytes,
                                        std::optional<net::RetryPolicy> retry = std::nullopt);

    /// POST /v2/post/publish/content/init/ (media_type PHOTO, PULL_FROM_URL); the publish_id.
    Result<std::string> init_photos(const vault::Secret& access_token, const PhotoPost& post);

    /// POST /v2/post/publish/status/fetch/: a query, retried per the policy (30/min per token).
    /// A FAILED post is a success here: read PublishStatus::status.
    Result<PublishStatus> status(const vault::Secret& access_token, const std::string& publish_id);

    /// POST /v2/post/publish/cancel/: best effort, only while a pull is still downloading.
    /// Retried only when TikTok provably did not see it (refused connection, 429).
    Result<bool> cancel(const vault::Secret& access_token, const std::string& publish_id);

    const std::string& base() const { return m_base; }

private:
    net::Result post_form(const std::string& path,
                          const std::vector<std::pair<std::string, std::string>>& fields,
                          std::optional<net::RetryPolicy> retry, bool at_most_once = false,
                          std::chrono::seconds timeout = std::chrono::seconds(0));
    /// POST a JSON body with the Bearer token (wiped from the header afterwards).
    net::Result post_json(const vault::Secret& access_token, const std::string& path,
                          std::string body, std::optional<net::RetryPolicy> retry,
                          bool at_most_once);

    net::HttpClient& m_http;
    core::Clock& m_clock;
    core::Random& m_random;
    std::string m_base;
    net::RetryPolicy m_retry;
};

/// The user/info fields each scope unlocks (reference §5.1).
std::vector<std::string> user_fields_for(const std::vector<std::string>& granted_scopes);

} // namespace looppost::tiktok
