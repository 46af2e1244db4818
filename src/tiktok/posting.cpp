// The Content Posting API (reference §4): video and photo inits, chunk uploads, status, cancel.

#include "envelope.hpp"

#include <charconv>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/log.hpp>
#include <looppost/tiktok/api.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

namespace looppost::tiktok {
using nlohmann::json;
using namespace detail;

namespace {

json source_info(const ChunkPlan& plan) {
    return {{"source", "FILE_UPLOAD"},
            {"video_size", plan.video_size},
            {"chunk_size", plan.chunk_size},
            {"total_chunk_count", plan.chunk_count}};
}

json post_info(const PostInfo& p) {
    json j = {{"privacy_level", p.privacy_level},
              {"disable_comment", p.disable_comment},
              {"disable_duet", p.disable_duet},
              {"disable_stitch", p.disable_stitch},
              {"brand_content_toggle", p.brand_content_toggle},
              {"brand_organic_toggle", p.brand_organic_toggle},
              {"is_aigc", p.is_aigc}};
    if (!p.title.empty()) {
        j["title"] = p.title;
    }
    if (p.video_cover_timestamp_ms) {
        j["video_cover_timestamp_ms"] = *p.video_cover_timestamp_ms;
    }
    return j;
}

} // namespace

// Reference §4.7: MEDIA_UPLOAD takes only the texts; the rest is DIRECT_POST only.
json photo_init_body(const PhotoPost& p) {
    bool direct = p.mode == PhotoPost::Mode::direct;
    json info = json::object();
    if (!p.title.empty()) {
        info["title"] = p.title;
    }
    if (!p.description.empty()) {
        info["description"] = p.description;
    }
    if (direct) {
        info["privacy_level"] = p.privacy_level;
        info["disable_comment"] = p.disable_comment;
        info["auto_add_music"] = p.auto_add_music;
        info["brand_content_toggle"] = p.brand_content_toggle;
        info["brand_organic_toggle"] = p.brand_organic_toggle;
    }
    json body = {{"media_type", "PHOTO"},
                 {"post_mode", direct ? "DIRECT_POST" : "MEDIA_UPLOAD"},
                 {"source_info",
                  {{"source", "PULL_FROM_URL"},
                   {"photo_cover_index", p.photo_cover_index},
                   {"photo_images", p.photo_images}}}};
    if (!info.empty()) {
        body["post_info"] = std::move(info);
    }
    return body;
}

std::string video_init_path(const PostInfo* info) {
    return info != nullptr ? "/v2/post/publish/video/init/" : "/v2/post/publish/inbox/video/init/";
}

json video_init_body(const PostInfo* info, const ChunkPlan& plan) {
    json body = {{"source_info", source_info(plan)}};
    if (info != nullptr) {
        body["post_info"] = post_info(*info);
    }
    return body;
}

namespace {

// "bytes 0-N/T" (also "bytes=0-N/T"): N + 1 bytes held. nullopt when it says something else.
std::optional<std::uint64_t> received_from(const std::optional<std::string>& range) {
    if (!range) {
        return std::nullopt;
    }
    std::string_view v = *range;
    auto dash = v.find('-');
    auto slash = v.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
        return std::nullopt;
    }
    std::uint64_t last = 0;
    const char* b = v.data() + dash + 1;
    const char* e = v.data() + slash;
    auto [p, ec] = std::from_chars(b, e, last);
    if (ec != std::errc() || p != e) {
        return std::nullopt;
    }
    return last + 1;
}

Failure upload_failure(const net::Response& r) {
    Failure f;
    f.kind = Failure::Kind::api;
    f.http_status = r.status;
    if (r.status == 416) {
        f.code = upload_code::range_mismatch;
        f.received = received_from(r.header("Content-Range"));
        f.message = f.received ? fmt::format("TikTok holds the first {} bytes", *f.received)
                               : "the chunk does not follow TikTok's upload progress";
    } else if (r.status == 403) {
        f.code = upload_code::url_expired;
        f.message = "the upload URL has expired (TikTok keeps it 1 hour)";
    } else if (r.status == 404) {
        f.code = upload_code::not_found;
        f.message = "TikTok knows no such upload";
    } else if (r.status >= 500) {
        f.code = upload_code::server_error;
        f.message = "TikTok's upload server failed; send the same chunk again";
    } else {
        f.code = upload_code::bad_request;
        f.message = "TikTok refused the chunk's headers or length";
    }
    // The upload host documents no body; keep TikTok's words and log id when there are some.
    json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
        const json& err = j["error"];
        if (auto m = opt_str(err, "message"); m && !m->empty()) {
            f.message += fmt::format(" ({})", *m);
        }
        f.log_id = err.contains("log_id") ? str(err, "log_id") : str(err, "logid");
    }
    return f;
}

// A post id as its exact digits: never through a double (19-digit ids exceed 2^53).
std::optional<std::string> post_id(const json& v) {
    if (v.is_number_unsigned()) {
        return std::to_string(v.get<std::uint64_t>());
    }
    if (v.is_number_integer()) {
        return std::to_string(v.get<std::int64_t>());
    }
    if (v.is_string() && !v.get<std::string>().empty()) {
        return v.get<std::string>();
    }
    return std::nullopt;
}

} // namespace

net::Result Api::post_json(const vault::Secret& access_token, const std::string& path,
                           std::string body, std::optional<net::RetryPolicy> retry,
                           bool at_most_once) {
    net::Request req;
    req.method = "POST";
    req.url = m_base + path;
    req.headers = {{"Authorization", fmt::format("Bearer {}", access_token.reveal())},
                   {"Content-Type", "application/json; charset=UTF-8"}};
    req.body = std::move(body);
    req.retry = retry;
    req.at_most_once = at_most_once;
    auto r = net::perform(m_http, req, m_clock, m_random);
    sodium_memzero(req.headers[0].second.data(), req.headers[0].second.size());
    return r;
}

Result<VideoInit> Api::init_video(const vault::Secret& access_token, const PostInfo* info,
                                  const ChunkPlan& plan) {
    json body = video_init_body(info, plan);
    std::string path = video_init_path(info);
    // Never retried, never resent by libcurl: a second init may be a second post (DESIGN I3).
    auto data = envelope_data(
        post_json(access_token, path, body.dump(), std::nullopt, /*at_most_once=*/true));
    if (!data) {
        return util::unexpected(data.error());
    }
    VideoInit init{str(*data, "publish_id"), str(*data, "upload_url")};
    if (init.publish_id.empty() || init.upload_url.empty()) {
        // TikTok acted (a 2xx with "ok") but we cannot tell which post: outcome unknown.
        return util::unexpected(
            protocol(200, "TikTok's video init answer lacks publish_id or upload_url"));
    }
    return init;
}

Result<UploadProgress> Api::upload_chunk(const std::string& upload_url, const std::string& mime,
                                         const ChunkPlan& plan, std::uint64_t index,
                                         net::BodySource& bytes,
                                         std::optional<net::RetryPolicy> retry) {
    if (index >= plan.chunk_count ||
        static_cast<std::uint64_t>(bytes.size()) != plan.length(index)) {
        throw Fatal(fmt::format("chunk {} of {}: a body of {} bytes does not match the plan", index,
                                plan.chunk_count, bytes.size()));
    }
    net::Request req;
    req.method = "PUT";
    req.url = upload_url;
    req.headers = {{"Content-Type", mime},
                   {"Content-Length", std::to_string(plan.length(index))},
                   {"Content-Range", content_range(plan, index)}};
    req.body_source = &bytes;
    req.retry = retry; // the same range again is harmless: TikTok answers 416 if it has it
    auto r = net::perform(m_http, req, m_clock, m_random);
    if (!r) {
        return util::unexpected(transport(r.error()));
    }
    if (r->status != 200 && r->status != 201 && r->status != 206) {
        return util::unexpected(upload_failure(*r));
    }
    UploadProgress p;
    p.complete = r->status == 201;
    auto received = received_from(r->header("Content-Range"));
    // Without the header, trust what was sent (some answers omit it).
    p.received = received ? *received : plan.first(index) + plan.length(index);
    if (r->status == 200) {
        p.complete = p.received >= plan.video_size;
    }
    return p;
}

Result<std::string> Api::init_photos(const vault::Secret& access_token, const PhotoPost& post) {
    auto data = envelope_data(post_json(access_token, k_photo_init_path,
                                        photo_init_body(post).dump(), std::nullopt,
                                        /*at_most_once=*/true));
    if (!data) {
        return util::unexpected(data.error());
    }
    std::string id = str(*data, "publish_id");
    if (id.empty()) {
        return util::unexpected(protocol(200, "TikTok's photo init answer lacks publish_id"));
    }
    return id;
}

Result<PublishStatus> Api::status(const vault::Secret& access_token,
                                  const std::string& publish_id) {
    json body = {{"publish_id", publish_id}};
    auto data = envelope_data(post_json(access_token, "/v2/post/publish/status/fetch/", body.dump(),
                                        m_retry, /*at_most_once=*/false));
    if (!data) {
        return util::unexpected(data.error());
    }
    const json& d = *data;
    PublishStatus s;
    s.status = str(d, "status");
    if (s.status.empty()) {
        return util::unexpected(protocol(200, "TikTok's status answer lacks data.status"));
    }
    s.fail_reason = str(d, "fail_reason");
    s.uploaded_bytes = opt_int(d, "uploaded_bytes");
    s.downloaded_bytes = opt_int(d, "downloaded_bytes");
    if (auto it = d.find("publicaly_available_post_id"); it != d.end() && !it->is_null()) {
        // A list of int64 per the docs; some answers carry one bare value.
        json ids = it->is_array() ? *it : json::array({*it});
        for (const auto& v : ids) {
            if (auto id = post_id(v)) {
                s.post_ids.push_back(std::move(*id));
            } else {
                core::log::debug("tiktok: status of {} has an unusable post id {}", publish_id,
                                 v.dump());
            }
        }
    }
    return s;
}

Result<bool> Api::cancel(const vault::Secret& access_token, const std::string& publish_id) {
    net::RetryPolicy policy = m_retry;
    policy.replay_ambiguous = false; // a replay after a lost "ok" would read not cancellable
    json body = {{"publish_id", publish_id}};
    auto data = envelope_data(post_json(access_token, "/v2/post/publish/cancel/", body.dump(),
                                        policy, /*at_most_once=*/false));
    if (!data) {
        return util::unexpected(data.error());
    }
    return true;
}

} // namespace looppost::tiktok
