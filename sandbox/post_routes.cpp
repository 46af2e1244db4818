// Content Posting API (reference §4): POST /v2/post/publish/creator_info/query/. The publishing
// endpoints (video and inbox init, content init, status, cancel) join this family; they share
// poster(): the token checked for video.publish, the per-token rate window of their family and
// the creator the token acts for.

#include "posts.hpp"
#include "pull.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <sodium.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace sandbox {
namespace {

using nlohmann::json;

constexpr std::string_view k_scope = "video.publish";

/// Who is posting: the caller's grant and the creator it acts for (copies, taken once).
struct Poster {
    TokenGrant grant;
    Config config;
    SandboxUser user;
};

// Authenticates and checks that the user granted one of `scopes`, then finds the creator.
Poster authorize(Services& services, Exchange& ex, std::initializer_list<std::string_view> scopes) {
    TokenGrant grant = services.auth.authenticate(ex);
    if (std::none_of(scopes.begin(), scopes.end(),
                     [&](std::string_view scope) { return grant.has_scope(scope); })) {
        throw ApiError(401, "scope_not_authorized",
                       "The user did not authorize the scope required for completing this "
                       "request.");
    }
    Config config = services.state.config();
    const SandboxUser* user = config.find_user(grant.open_id);
    if (user == nullptr) { // the profile no longer has this user
        throw ApiError(401, "access_token_invalid", "The user of this access token is gone.");
    }
    SandboxUser found = *user;
    return {std::move(grant), std::move(config), std::move(found)};
}

// authorize(), then counts the call in `family` (so a refused token is never counted, as with
// TikTok).
Poster poster(Services& services, Exchange& ex, RateFamily family,
              std::initializer_list<std::string_view> scopes = {k_scope}) {
    Poster who = authorize(services, ex, scopes);
    services.limits.enforce(who.grant.access_token, family);
    return who;
}

// Reference §4.2 by account kind; an unaudited app may only post privately (§4.14), which is what
// the SELF_ONLY-only heuristic of §4.2 sees.
std::vector<std::string> privacy_level_options(const Config& config, const SandboxUser& user) {
    if (!config.audited) {
        return {"SELF_ONLY"};
    }
    if (config.user_private(user)) {
        return {"FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"};
    }
    return {"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"};
}

std::string cannot_post_message(std::string_view code) {
    if (code == "spam_risk_too_many_posts") {
        return "The user has reached the daily post limit for this app.";
    } else if (code == "spam_risk_user_banned_from_posting") {
        return "The user is banned from making new posts.";
    }
    return "The daily quota of users posting through this client has been reached.";
}

constexpr std::int64_t k_day = 86400;

// The user's direct posts accepted in the 24 hours before `now` (the daily cap's count).
std::int64_t direct_posts_in_day(const Ledger& ledger, const std::string& open_id,
                                 std::int64_t now) {
    return std::count_if(ledger.posts.begin(), ledger.posts.end(), [&](const PostRecord& post) {
        return post.open_id == open_id && post.mode == PostMode::direct &&
               post.created_at > now - k_day;
    });
}

// Reference §4.13/§4.14: an unaudited app's direct posts come from at most 5 users in 24 hours.
constexpr std::size_t k_unaudited_posting_users = 5;

// Whether `open_id` would be a new posting user past an unaudited app's daily cap of users.
bool active_user_cap_reached(const Ledger& ledger, const std::string& open_id, std::int64_t now) {
    if (!ledger.config.caps || ledger.config.audited) {
        return false;
    }
    std::vector<std::string> users;
    for (const auto& post : ledger.posts) {
        if (post.mode == PostMode::direct && post.created_at > now - k_day &&
            std::find(users.begin(), users.end(), post.open_id) == users.end()) {
            users.push_back(post.open_id);
        }
    }
    return std::find(users.begin(), users.end(), open_id) == users.end() &&
           users.size() >= k_unaudited_posting_users;
}

void creator_info(Services& services, Exchange& ex) {
    const Poster who = poster(services, ex, RateFamily::creator_info);
    const SandboxUser& user = who.user;
    if (user.cannot_post) { // HTTP 200 on purpose (reference §4.2)
        ex.envelope_error(200, *user.cannot_post, cannot_post_message(*user.cannot_post));
        return;
    }
    // The daily post cap reached: TikTok says so here too, with the same 200 (reference §4.2,
    // §4.13), so a client learns it before it sends an init that would be refused.
    const std::int64_t now = services.clock.now_seconds();
    const std::string capped = services.state.with([&](Ledger& ledger) -> std::string {
        if (ledger.config.caps &&
            direct_posts_in_day(ledger, user.open_id, now) >= ledger.config.daily_post_cap) {
            return "spam_risk_too_many_posts";
        }
        return active_user_cap_reached(ledger, user.open_id, now) ? "reached_active_user_cap"
                                                                  : "";
    });
    if (!capped.empty()) {
        ex.envelope_error(200, capped, cannot_post_message(capped));
        return;
    }
    const bool is_private = who.config.user_private(user);
    ex.ok({
        // The same picture user/info gives as avatar_url.
        {"creator_avatar_url",
         fmt::format("https://sandbox.looppost.test/avatar/{}_168.jpeg", user.username)},
        {"creator_username", user.username},
        {"creator_nickname", user.display_name},
        {"privacy_level_options", privacy_level_options(who.config, user)},
        {"comment_disabled", user.comment_disabled},
        {"duet_disabled", is_private || user.duet_disabled},
        {"stitch_disabled", is_private || user.stitch_disabled},
        {"max_video_post_duration_sec", user.max_video_post_duration_sec},
    });
}

// ---- Publishing (reference §4.3–4.10) ----

constexpr std::int64_t k_max_photo_bytes = 20'000'000;
constexpr std::size_t k_photo_header_bytes = 1 << 20; // where JPEG/WebP dimensions are read
constexpr std::int64_t k_max_pulled_video = 4'000'000'000;
constexpr int k_max_photo_side = 1080;
constexpr std::size_t k_max_photos = 35;
constexpr std::uint64_t k_id_base = 7'400'000'000'000'000'000ULL;

ApiError invalid_params(const std::string& message) {
    return ApiError(400, "invalid_params", message);
}

const json& object_field(const json& body, const char* key, bool required) {
    static const json k_empty = json::object();
    if (!body.contains(key) || body[key].is_null()) {
        if (required) {
            throw invalid_params(fmt::format("The field {} is required.", key));
        }
        return k_empty;
    }
    if (!body[key].is_object()) {
        throw invalid_params(fmt::format("The field {} must be an object.", key));
    }
    return body[key];
}

std::string string_field(const json& object, const char* key) {
    if (!object.contains(key) || object[key].is_null()) {
        return "";
    }
    if (!object[key].is_string()) {
        throw invalid_params(fmt::format("The field {} must be a string.", key));
    }
    return object[key].get<std::string>();
}

std::int64_t int_field(const json& object, const char* key) {
    if (!object.contains(key) || !object[key].is_number_integer()) {
        throw invalid_params(fmt::format("The field {} must be an integer.", key));
    }
    return object[key].get<std::int64_t>();
}

void check_text(const json& post_info, const char* key, std::size_t max_units) {
    const std::string text = string_field(post_info, key);
    const std::optional<std::size_t> units = utf16_units(text);
    if (!units) {
        throw invalid_params(fmt::format("The {} is not valid UTF-8.", key));
    }
    if (*units > max_units) {
        throw invalid_params(
            fmt::format("The {} is longer than {} UTF-16 code units.", key, max_units));
    }
}

void check_toggles(const json& post_info) {
    for (const char* key :
         {"disable_duet", "disable_comment", "disable_stitch", "brand_content_toggle",
          "brand_organic_toggle", "is_aigc", "auto_add_music"}) {
        if (post_info.contains(key) && !post_info[key].is_boolean()) {
            throw invalid_params(fmt::format("The field {} must be a boolean.", key));
        }
    }
    if (post_info.contains("video_cover_timestamp_ms") &&
        !post_info["video_cover_timestamp_ms"].is_number_integer()) {
        throw invalid_params("The field video_cover_timestamp_ms must be an integer.");
    }
}

// The 403s of a direct post (reference §4.3, §4.14): an unaudited app posts only to private
// accounts, and the privacy level must be one the creator is offered now.
void check_direct_permission(const Poster& who, const std::string& privacy) {
    if (!who.config.audited && !who.config.user_private(who.user)) {
        throw ApiError(403, "unaudited_client_can_only_post_to_private_accounts",
                       "Unaudited clients can only post to private accounts.");
    }
    const auto options = privacy_level_options(who.config, who.user);
    if (privacy.empty() || std::find(options.begin(), options.end(), privacy) == options.end()) {
        throw ApiError(403, "privacy_level_option_mismatch",
                       "The privacy_level is missing or not among the creator's options.");
    }
}

void check_can_post(const SandboxUser& user) {
    if (user.cannot_post) {
        throw ApiError(403, *user.cannot_post, cannot_post_message(*user.cannot_post));
    }
}

// Branded content cannot be private (TikTok's UX guidelines; the API refuses it).
void check_brand_privacy(const json& post_info, const std::string& privacy) {
    if (post_info.value("brand_content_toggle", false) && privacy == "SELF_ONLY") {
        throw invalid_params("Branded content cannot be posted with privacy_level SELF_ONLY.");
    }
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buffer(bytes);
    randombytes_buf(buffer.data(), buffer.size());
    std::string hex;
    for (unsigned char b : buffer) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

// An unlinked temp file for an upload's bytes: gone with the process, however it ends.
std::shared_ptr<UniqueFd> upload_file() {
    std::string path =
        (std::filesystem::temp_directory_path() / "looppost-sandbox-upload-XXXXXX").string();
    auto fd = std::make_shared<UniqueFd>(::mkstemp(path.data()));
    if (!fd->valid()) {
        throw std::runtime_error("cannot create a temp file for an upload");
    }
    ::unlink(path.c_str());
    return fd;
}

struct Created {
    std::string publish_id;
    std::string upload_url;
};

// Records an accepted init: caps checked and the post added in one step under the lock.
Created create_post(Services& services, const Poster& who, PostRecord post,
                    std::optional<UploadTask> task, std::string_view prefix) {
    const std::int64_t now = services.clock.now_seconds();
    post.open_id = who.user.open_id;
    post.username = who.user.username;
    post.created_at = now;
    post.pull_ready_at =
        now + (who.config.processing == Processing::realistic ? k_realistic_download_seconds : 0);
    if (task) {
        task->upload_token = random_hex(16);
        task->file = upload_file();
        task->hash = std::make_shared<crypto_hash_sha256_state>();
        crypto_hash_sha256_init(task->hash.get());
        task->created_at = now;
        task->expires_at = now + k_upload_url_ttl;
    }
    return services.state.with([&](Ledger& ledger) {
        const Config& config = ledger.config;
        if (config.caps) {
            const std::int64_t direct = direct_posts_in_day(ledger, post.open_id, now);
            std::int64_t pending = 0;
            for (const auto& other : ledger.posts) {
                if (other.open_id == post.open_id && other.created_at > now - k_day &&
                    other.mode == PostMode::inbox &&
                    post_view(other, now, config).status != "FAILED") {
                    ++pending;
                }
            }
            if (post.mode == PostMode::direct && direct >= config.daily_post_cap) {
                throw ApiError(403, "spam_risk_too_many_posts",
                               "The user has reached the daily post limit for this app.");
            }
            if (post.mode == PostMode::inbox && pending >= config.pending_inbox_cap) {
                throw ApiError(403, "spam_risk_too_many_pending_share",
                               "The user has too many pending inbox shares.");
            }
            if (post.mode == PostMode::direct && active_user_cap_reached(ledger, post.open_id, now)) {
                throw ApiError(403, "reached_active_user_cap",
                               cannot_post_message("reached_active_user_cap"));
            }
        }
        for (auto it = ledger.fail_next.begin(); it != ledger.fail_next.end(); ++it) {
            if (!it->user || *it->user == post.username || *it->user == post.open_id) {
                post.forced_fail_reason = it->reason;
                if (--it->remaining <= 0) {
                    ledger.fail_next.erase(it);
                }
                break;
            }
        }
        if (post.forced_fail_reason.empty() && who.user.fail_reason) {
            post.forced_fail_reason = *who.user.fail_reason;
        }
        const std::uint64_t seq = ledger.next_post_seq++;
        const bool photo = post.media == MediaType::photo;
        post.publish_id = fmt::format("{}~v2{}.{}", prefix, photo ? "" : "-1", k_id_base + seq);
        post.post_id = static_cast<std::int64_t>(k_id_base + 1000 * seq + 17);
        Created created{post.publish_id, ""};
        if (task) {
            task->upload_id = fmt::format("{}", k_id_base / 10 + seq);
            task->publish_id = post.publish_id;
            post.upload_id = task->upload_id;
            created.upload_url =
                fmt::format("http://127.0.0.1:{}/upload/?upload_id={}&upload_token={}",
                            services.public_port.load(), task->upload_id, task->upload_token);
            ledger.uploads.push_back(std::move(*task));
        }
        ledger.posts.push_back(std::move(post));
        return created;
    });
}

void answer_created(Exchange& ex, const Created& created) {
    json data = {{"publish_id", created.publish_id}};
    if (!created.upload_url.empty()) {
        data["upload_url"] = created.upload_url;
    }
    ex.ok(data);
}

// POST /v2/post/publish/video/init/ (direct) and /inbox/video/init/ (reference §4.3, §4.4).
void video_init(Services& services, Exchange& ex, PostMode mode) {
    const Poster who = poster(services, ex, RateFamily::init,
                              {mode == PostMode::direct ? "video.publish" : "video.upload"});
    const json body = ex.body_json();
    if (!body.is_object()) {
        throw invalid_params("The request body must be a JSON object.");
    }
    PostRecord post;
    post.mode = mode;
    post.media = MediaType::video;

    const json& source_info = object_field(body, "source_info", true);
    const std::string source = string_field(source_info, "source");
    std::optional<UploadTask> task;
    if (source == "FILE_UPLOAD") {
        UploadTask plan;
        plan.video_size = int_field(source_info, "video_size");
        plan.chunk_size = int_field(source_info, "chunk_size");
        plan.total_chunks = int_field(source_info, "total_chunk_count");
        const std::string error =
            chunk_plan_error(plan.video_size, plan.chunk_size, plan.total_chunks);
        if (!error.empty()) {
            throw invalid_params(error);
        }
        post.source = PostSource::file_upload;
        post.video_size = plan.video_size;
        task = std::move(plan);
    } else if (source == "PULL_FROM_URL") {
        const std::string url = string_field(source_info, "video_url");
        if (url.empty()) {
            throw invalid_params("The field video_url is required.");
        }
        post.source = PostSource::pull_from_url;
        post.urls = {url};
    } else {
        throw invalid_params("The source must be FILE_UPLOAD or PULL_FROM_URL.");
    }

    if (mode == PostMode::direct) {
        const json& post_info = object_field(body, "post_info", false);
        check_text(post_info, "title", 2200);
        check_toggles(post_info);
        post.privacy_level = string_field(post_info, "privacy_level");
        check_brand_privacy(post_info, post.privacy_level);
        post.post_info = post_info;
    } // inbox: TikTok documents only source_info and ignores the rest

    check_can_post(who.user);
    if (mode == PostMode::direct) {
        check_direct_permission(who, post.privacy_level);
    }
    if (post.source == PostSource::pull_from_url && !who.config.url_verified(post.urls.front())) {
        throw ApiError(403, "url_ownership_unverified",
                       "The URL's domain or prefix is not verified for this app.");
    }
    const bool file = post.source == PostSource::file_upload;
    const std::string_view prefix = mode == PostMode::direct
                                        ? (file ? "v_pub_file" : "v_pub_url")
                                        : (file ? "v_inbox_file" : "v_inbox_url");
    answer_created(ex, create_post(services, who, std::move(post), std::move(task), prefix));
}

// POST /v2/post/publish/content/init/ (reference §4.7): photos, pulled from verified URLs.
void content_init(Services& services, Exchange& ex) {
    // The scope depends on post_mode; an unreadable body is reported after authentication.
    const json peek = json::parse(ex.req.body, nullptr, false);
    const std::string mode_peek =
        peek.is_object() && peek.contains("post_mode") && peek["post_mode"].is_string()
            ? peek["post_mode"].get<std::string>()
            : "";
    const Poster who =
        mode_peek == "DIRECT_POST" ? poster(services, ex, RateFamily::init, {"video.publish"})
        : mode_peek == "MEDIA_UPLOAD"
            ? poster(services, ex, RateFamily::init, {"video.upload"})
            : poster(services, ex, RateFamily::init, {"video.publish", "video.upload"});
    const json body = ex.body_json();
    if (!body.is_object()) {
        throw invalid_params("The request body must be a JSON object.");
    }
    if (string_field(body, "media_type") != "PHOTO") {
        throw invalid_params("The media_type must be PHOTO.");
    }
    const std::string post_mode = string_field(body, "post_mode");
    if (post_mode != "DIRECT_POST" && post_mode != "MEDIA_UPLOAD") {
        throw invalid_params("The post_mode must be DIRECT_POST or MEDIA_UPLOAD.");
    }
    PostRecord post;
    post.mode = post_mode == "DIRECT_POST" ? PostMode::direct : PostMode::inbox;
    post.media = MediaType::photo;
    post.source = PostSource::pull_from_url;

    const json& source_info = object_field(body, "source_info", true);
    if (string_field(source_info, "source") != "PULL_FROM_URL") {
        throw invalid_params("The source must be PULL_FROM_URL for photos.");
    }
    if (!source_info.contains("photo_images") || !source_info["photo_images"].is_array() ||
        source_info["photo_images"].empty() || source_info["photo_images"].size() > k_max_photos) {
        throw invalid_params("The photo_images must list 1 to 35 URLs.");
    }
    for (const auto& url : source_info["photo_images"]) {
        if (!url.is_string() || url.get_ref<const std::string&>().empty()) {
            throw invalid_params("Each of photo_images must be a URL.");
        }
        post.urls.push_back(url.get<std::string>());
    }
    const std::int64_t cover = int_field(source_info, "photo_cover_index");
    if (cover < 0 || cover >= static_cast<std::int64_t>(post.urls.size())) {
        throw invalid_params("The photo_cover_index is out of range.");
    }
    post.photo_cover_index = static_cast<int>(cover);

    const json& post_info = object_field(body, "post_info", false);
    check_text(post_info, "title", 90);
    check_text(post_info, "description", 4000);
    check_toggles(post_info);
    post.post_info = post_info;
    if (post.mode == PostMode::direct) {
        post.privacy_level = string_field(post_info, "privacy_level");
        check_brand_privacy(post_info, post.privacy_level);
    }

    check_can_post(who.user);
    if (post.mode == PostMode::direct) {
        check_direct_permission(who, post.privacy_level);
    }
    for (const auto& url : post.urls) {
        if (!who.config.url_verified(url)) {
            throw ApiError(403, "url_ownership_unverified",
                           "The URL's domain or prefix is not verified for this app.");
        }
    }
    const std::string_view prefix = post.mode == PostMode::direct ? "p_pub_url" : "p_inbox_url";
    answer_created(ex, create_post(services, who, std::move(post), std::nullopt, prefix));
}

std::string publish_id_of(Exchange& ex) {
    const json body = ex.body_json();
    if (!body.is_object() || !body.contains("publish_id") || !body["publish_id"].is_string() ||
        body["publish_id"].get_ref<const std::string&>().empty()) {
        throw ApiError(400, "invalid_publish_id", "The publish_id is missing or invalid.");
    }
    return body["publish_id"].get<std::string>();
}

// The caller's post (or the 400s of reference §4.8); call inside State::with.
PostRecord& owned_post(Ledger& ledger, const std::string& publish_id, const std::string& open_id) {
    for (auto& post : ledger.posts) {
        if (post.publish_id == publish_id) {
            if (post.open_id != open_id) {
                throw ApiError(400, "token_not_authorized_for_specified_publish_id",
                               "The access token is not authorized for this publish_id.");
            }
            return post;
        }
    }
    throw ApiError(400, "invalid_publish_id", "The publish_id does not exist.");
}

struct PullOutcome {
    std::string fail_reason;
    std::int64_t downloaded = 0;
    std::vector<PulledPhoto> photos;
    std::string sha256;
};

// What TikTok's puller does, now (reference §4.6, §4.7, §4.9). It stops at the first bad image
// and, like TikTok, does not say which one it was.
PullOutcome run_pull(MediaType media, const std::vector<std::string>& urls) {
    PullOutcome out;
    if (media == MediaType::video) {
        const Fetched fetched = fetch_url(urls.front(), k_max_pulled_video, 64);
        out.downloaded = fetched.bytes;
        if (!fetched.ok) {
            out.fail_reason = "video_pull_failed";
        } else if (!looks_like_video(fetched.kept)) {
            out.fail_reason = "file_format_check_failed";
        } else {
            out.sha256 = fetched.sha256;
        }
        return out;
    }
    for (const auto& url : urls) {
        const Fetched fetched = fetch_url(url, k_max_photo_bytes, k_photo_header_bytes);
        out.downloaded += fetched.bytes;
        if (fetched.too_large) { // over 20 MB
            out.fail_reason = "picture_size_check_failed";
            return out;
        }
        if (!fetched.ok) {
            out.fail_reason = "photo_pull_failed";
            return out;
        }
        const ImageInfo info = inspect_image(fetched.kept);
        if (info.kind == ImageKind::other || info.width <= 0 || info.height <= 0) {
            out.fail_reason = "file_format_check_failed";
            return out;
        }
        if (std::min(info.width, info.height) > k_max_photo_side) {
            out.fail_reason = "picture_size_check_failed";
            return out;
        }
        out.photos.push_back({url, fetched.sha256, fetched.bytes, info.width, info.height});
    }
    return out;
}

// POST /v2/post/publish/status/fetch/ (reference §4.8). A pull runs at the first poll once its
// download time has come (at once with instant processing), on the polling thread.
void status_fetch(Services& services, Exchange& ex) {
    const Poster who = poster(services, ex, RateFamily::status, {"video.publish", "video.upload"});
    const std::string publish_id = publish_id_of(ex);
    const std::int64_t now = services.clock.now_seconds();
    struct PullJob {
        bool run = false;
        MediaType media = MediaType::photo;
        std::vector<std::string> urls;
    };
    const PullJob job = services.state.with([&](Ledger& ledger) {
        PostRecord& post = owned_post(ledger, publish_id, who.user.open_id);
        PullJob pull;
        if (post.source == PostSource::pull_from_url && !post.pulled_at && !post.pulling &&
            !post.cancelled && now >= post.pull_ready_at) {
            post.pulling = true;
            pull = {true, post.media, post.urls};
        }
        return pull;
    });
    if (job.run) {
        PullOutcome outcome = run_pull(job.media, job.urls);
        services.state.with([&](Ledger& ledger) {
            for (auto& post : ledger.posts) {
                if (post.publish_id == publish_id) {
                    post.pulling = false;
                    post.pulled_at = services.clock.now_seconds();
                    post.pull_fail_reason = outcome.fail_reason;
                    post.downloaded_bytes = outcome.downloaded;
                    post.photos = std::move(outcome.photos);
                    post.sha256 = outcome.sha256;
                }
            }
        });
    }
    const json data = services.state.with([&](Ledger& ledger) {
        const PostRecord& post = owned_post(ledger, publish_id, who.user.open_id);
        const PostView view = post_view(post, services.clock.now_seconds(), ledger.config);
        json out = {{"status", view.status},
                    {"publicaly_available_post_id",
                     view.public_id_visible ? json::array({post.post_id}) : json::array()}};
        if (!view.fail_reason.empty()) {
            out["fail_reason"] = view.fail_reason;
        }
        if (post.source == PostSource::file_upload) {
            out["uploaded_bytes"] = post.uploaded_bytes;
        } else {
            out["downloaded_bytes"] = post.downloaded_bytes;
        }
        return out;
    });
    ex.ok(data);
}

// POST /v2/post/publish/cancel/ (reference §4.10): only a pull still downloading, which the
// sandbox has only with realistic processing.
void cancel(Services& services, Exchange& ex) {
    const Poster who = authorize(services, ex, {"video.publish", "video.upload"});
    const std::string publish_id = publish_id_of(ex);
    const std::int64_t now = services.clock.now_seconds();
    services.state.with([&](Ledger& ledger) {
        PostRecord& post = owned_post(ledger, publish_id, who.user.open_id);
        const bool downloading = post.source == PostSource::pull_from_url && !post.pulled_at &&
                                 !post.pulling && !post.cancelled &&
                                 ledger.config.processing == Processing::realistic &&
                                 now < post.pull_ready_at;
        if (!downloading) {
            throw ApiError(400, "publish_not_cancellable",
                           "The publish task cannot be cancelled in its current state.");
        }
        post.cancelled = true;
    });
    ex.ok(json::object());
}

} // namespace

void register_post_routes(Router& router, Services& services) {
    router.post("/v2/post/publish/creator_info/query/",
                [&services](Exchange& ex) { creator_info(services, ex); });
    router.post("/v2/post/publish/video/init/",
                [&services](Exchange& ex) { video_init(services, ex, PostMode::direct); });
    router.post("/v2/post/publish/inbox/video/init/",
                [&services](Exchange& ex) { video_init(services, ex, PostMode::inbox); });
    router.post("/v2/post/publish/content/init/",
                [&services](Exchange& ex) { content_init(services, ex); });
    router.post("/v2/post/publish/status/fetch/",
                [&services](Exchange& ex) { status_fetch(services, ex); });
    router.post("/v2/post/publish/cancel/", [&services](Exchange& ex) { cancel(services, ex); });
}

} // namespace sandbox
