// The Display API's video calls (reference §5.2–§5.4): video/list and video/query.

#include "envelope.hpp"

#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/log.hpp>
#include <looppost/tiktok/api.hpp>
#include <looppost/util/strings.hpp>
#include <nlohmann/json.hpp>

namespace looppost::tiktok {
using nlohmann::json;
using namespace detail;

namespace {

// A video id as its exact digits: never through a double (19-digit ids exceed 2^53). The
// reference documents a string; a bare number is taken too.
std::optional<std::string> video_id(const json& o) {
    auto it = o.find("id");
    if (it == o.end())
        return std::nullopt;
    if (const auto* s = it->get_ptr<const std::string*>(); s && !s->empty()) {
        return *s;
    }
    if (it->is_number_unsigned()) {
        return std::to_string(it->get<std::uint64_t>());
    }
    if (it->is_number_integer()) {
        return std::to_string(it->get<std::int64_t>());
    }
    return std::nullopt;
}

// opt_str, but the text is moved out of `o`: the answer is read once and thrown away.
std::optional<std::string> take_str(json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end())
        return std::nullopt;
    auto* s = it->get_ptr<std::string*>();
    if (!s)
        return std::nullopt;
    return std::move(*s);
}

// data.videos as Video values, their texts moved out of `data`; an entry without a usable id is
// left out (and logged), so one odd object does not cost the whole page.
Result<std::vector<Video>> videos_of(json& data, const char* endpoint) {
    auto it = data.find("videos");
    if (it == data.end() || it->is_null()) {
        return std::vector<Video>{}; // an empty list may come as no list
    }
    if (!it->is_array()) {
        return util::unexpected(protocol(
            200, fmt::format("TikTok's {} answer has data.videos that is not a list", endpoint)));
    }
    std::vector<Video> out;
    out.reserve(it->size());
    for (auto& o : *it) {
        auto id = o.is_object() ? video_id(o) : std::nullopt;
        if (!id) {
            core::log::debug("tiktok: {} listed a video without a usable id: {}", endpoint,
                             o.dump());
            continue;
        }
        Video v;
        v.id = std::move(*id);
        v.create_time = opt_int(o, "create_time");
        v.title = take_str(o, "title");
        v.video_description = take_str(o, "video_description");
        v.duration = opt_int(o, "duration");
        v.share_url = take_str(o, "share_url");
        v.view_count = opt_int(o, "view_count");
        v.like_count = opt_int(o, "like_count");
        v.comment_count = opt_int(o, "comment_count");
        v.share_count = opt_int(o, "share_count");
        out.push_back(std::move(v));
    }
    return out;
}

std::string with_fields(const char* path, const std::vector<std::string>& fields) {
    return fmt::format("{}?fields={}", path, util::join(fields, ","));
}

} // namespace

const std::vector<std::string>& snapshot_video_fields() {
    static const std::vector<std::string> k_fields{
        "id",        "create_time", "title",      "video_description", "duration",
        "share_url", "view_count",  "like_count", "comment_count",     "share_count"};
    return k_fields;
}

Result<VideoPage> Api::video_list(const vault::Secret& access_token,
                                  const std::vector<std::string>& fields,
                                  std::optional<std::int64_t> cursor, int max_count) {
    if (max_count < 1 || max_count > k_max_video_page) {
        throw Fatal(
            fmt::format("video/list: max_count {} is outside 1–{}", max_count, k_max_video_page));
    }
    json body = {{"max_count", max_count}};
    if (cursor) {
        body["cursor"] = *cursor;
    }
    auto data = envelope_data(post_json(access_token, with_fields("/v2/video/list/", fields),
                                        body.dump(), m_retry, /*at_most_once=*/false));
    if (!data) {
        return util::unexpected(data.error());
    }
    auto videos = videos_of(*data, "video/list");
    if (!videos) {
        return util::unexpected(videos.error());
    }
    VideoPage page;
    page.videos = std::move(*videos);
    auto has_more = data->find("has_more");
    page.has_more = has_more != data->end() && has_more->is_boolean() && has_more->get<bool>();
    auto next = opt_int(*data, "cursor");
    if (page.has_more && !next) {
        return util::unexpected(
            protocol(200, "TikTok's video/list answer has more videos but no cursor"));
    }
    page.cursor = next.value_or(0);
    return page;
}

Result<std::vector<Video>> Api::video_query(const vault::Secret& access_token,
                                            const std::vector<std::string>& fields,
                                            const std::vector<std::string>& ids) {
    if (ids.empty() || ids.size() > static_cast<std::size_t>(k_max_video_page)) {
        throw Fatal(
            fmt::format("video/query: {} ids; TikTok takes 1–{}", ids.size(), k_max_video_page));
    }
    json body = {{"filters", {{"video_ids", ids}}}};
    auto data = envelope_data(post_json(access_token, with_fields("/v2/video/query/", fields),
                                        body.dump(), m_retry, /*at_most_once=*/false));
    if (!data) {
        return util::unexpected(data.error());
    }
    return videos_of(*data, "video/query");
}

} // namespace looppost::tiktok
