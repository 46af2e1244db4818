#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/queue/post.hpp>
#include <looppost/util/digest.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/utf8.hpp>

namespace looppost::queue {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& message) {
    throw Error(Exit::bad_input, message);
}

bool has_scope(const store::AccountRow& a, std::string_view scope) {
    return std::find(a.scopes.begin(), a.scopes.end(), scope) != a.scopes.end();
}

/// Valid UTF-8 within `limit` UTF-16 units, or an error naming the count.
void check_text(std::string_view what, const std::string& text, std::size_t limit) {
    auto units = util::utf16_length(text);
    if (!units) {
        bad(fmt::format("{} is not valid UTF-8 (bad byte at offset {})", what,
                        units.error().offset));
    }
    if (*units > limit) {
        bad(fmt::format("{} is {} UTF-16 units long; TikTok allows {} ({} over; an emoji counts "
                        "as 2)",
                        what, *units, limit, *units - limit));
    }
}

std::string mode_of(const PostInput& in, const store::AccountRow& account) {
    if (!in.mode)
        return account.mode;
    std::string m = util::to_lower(*in.mode);
    if (m != "inbox" && m != "direct")
        bad(fmt::format("mode \"{}\" is not inbox or direct", *in.mode));
    return m;
}

} // namespace

std::string privacy_level(std::string_view given) {
    static const std::vector<std::pair<std::string, std::string>> k_levels = {
        {"public", "PUBLIC_TO_EVERYONE"},
        {"friends", "MUTUAL_FOLLOW_FRIENDS"},
        {"followers", "FOLLOWER_OF_CREATOR"},
        {"private", "SELF_ONLY"},
    };
    std::string lower = util::to_lower(util::trim(given));
    std::vector<std::string> names;
    for (const auto& [short_name, name] : k_levels) {
        if (lower == short_name || lower == util::to_lower(name))
            return name;
        names.push_back(short_name);
        names.push_back(name);
    }
    bad(fmt::format("privacy \"{}\" is not one TikTok has; use public, friends, followers or "
                    "private (or PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, "
                    "SELF_ONLY){}",
                    given, util::did_you_mean(given, names)));
}

Draft check_post(const PostInput& in, const store::AccountRow& account) {
    Draft d;
    d.input = in;
    d.account = account;
    if (in.video && !in.photos.empty())
        bad("a post is a video or photos, not both");
    if (!in.video && in.photos.empty())
        bad("no media: give a video or 1 to 35 photos");
    d.kind = in.video ? "video" : "photo";
    if (in.video) {
        d.media = {*in.video};
    } else {
        if (in.photos.size() > k_max_photos) {
            bad(fmt::format("{} photos; TikTok takes 1 to {} per post", in.photos.size(),
                            k_max_photos));
        }
        d.media = in.photos;
    }
    d.mode = mode_of(in, account);
    d.caption = in.caption.value_or("");
    d.title = in.title;
    bool video = d.kind == "video";

    const char* needed = d.mode == "direct" ? "video.publish" : "video.upload";
    if (!has_scope(account, needed)) {
        bad(fmt::format("account \"{}\" has no {} permission, which {} posts need; log in again "
                        "with it (looppost auth login --scopes …){}",
                        account.name, needed, d.mode,
                        d.mode == "direct" ? " or use --mode inbox" : ""));
    }

    // Text: reference §4.12.
    if (video) {
        if (in.title)
            bad("a video has no title: its text is the caption (--caption)");
        check_text("the caption", d.caption, k_video_caption_units);
    } else {
        check_text("the description (caption)", d.caption, k_photo_description_units);
        if (d.title)
            check_text("the title", *d.title, k_photo_title_units);
    }

    // Options that apply only to the other kind.
    if (!video) {
        for (auto [set, name] : {std::pair{in.allow_duet.has_value(), "allow_duet"},
                                 std::pair{in.allow_stitch.has_value(), "allow_stitch"},
                                 std::pair{in.aigc.has_value(), "aigc"},
                                 std::pair{in.cover_ms.has_value(), "cover_ms"}}) {
            if (set) {
                bad(fmt::format("{} does not apply to photos: TikTok's photo posts take only "
                                "allow_comments, auto_music and cover_index",
                                name));
            }
        }
    } else {
        for (auto [set, name] : {std::pair{in.auto_music.has_value(), "auto_music"},
                                 std::pair{in.cover_index.has_value(), "cover_index"}}) {
            if (set)
                bad(fmt::format("{} applies only to photo posts", name));
        }
    }

    if (in.privacy)
        d.privacy = privacy_level(*in.privacy);
    if (d.mode == "direct" && !d.privacy) {
        bad("a direct post needs --privacy (public, friends, followers or private): TikTok "
            "requires the creator to choose it, so looppost has no default");
    }
    bool brand_content = in.brand_content.value_or(false);
    if (brand_content && d.privacy == "SELF_ONLY")
        bad("branded content cannot be private (SELF_ONLY); choose another privacy");

    json o = json::object();
    o["allow_comments"] = in.allow_comments.value_or(false);
    o["brand_organic"] = in.brand_organic.value_or(false);
    o["brand_content"] = brand_content;
    if (video) {
        o["allow_duet"] = in.allow_duet.value_or(false);
        o["allow_stitch"] = in.allow_stitch.value_or(false);
        o["aigc"] = in.aigc.value_or(false);
        if (in.cover_ms) {
            if (*in.cover_ms < 0)
                bad(fmt::format("cover_ms {} is negative", *in.cover_ms));
            o["cover_ms"] = *in.cover_ms;
        }
    } else {
        o["auto_music"] = in.auto_music.value_or(false);
        std::int64_t cover = in.cover_index.value_or(0);
        if (cover < 0 || cover >= static_cast<std::int64_t>(d.media.size())) {
            bad(fmt::format("cover_index {} is not one of the {} photos (0 to {})", cover,
                            d.media.size(), d.media.size() - 1));
        }
        o["cover_index"] = cover;
    }
    d.options = std::move(o);
    d.at_text = in.at.value_or("now");
    if (in.key && in.key->empty())
        bad("the key is empty");
    return d;
}

std::string default_key(const Draft& d, const std::vector<std::string>& media_sha256) {
    // A JSON array: unambiguous whatever the texts contain.
    json parts = json::array({"looppost-post-v1", d.account.open_id, media_sha256, d.caption,
                              d.title ? json(*d.title) : json(nullptr),
                              d.input.mode ? json(util::to_lower(*d.input.mode)) : json(nullptr),
                              d.privacy ? json(*d.privacy) : json(nullptr), d.at_text});
    return util::sha256_hex(parts.dump());
}

/// The post as the input it could have been enqueued from (media as stored).
PostInput input_of(const store::PostRow& p) {
    PostInput in;
    in.account = p.account;
    for (const auto& m : p.media) {
        std::filesystem::path path(m.media.sha256); // never read: the media cannot change
        if (p.kind == "video")
            in.video = path;
        else
            in.photos.push_back(path);
    }
    in.caption = p.caption;
    in.title = p.title;
    in.at = p.at_text;
    in.mode = p.mode;
    in.privacy = p.privacy;
    auto o = nlohmann::json::parse(p.options, nullptr, false);
    if (!o.is_object())
        o = nlohmann::json::object();
    for (const auto& f : option_fields()) {
        if (const auto* flag = std::get_if<OptionField::Flag>(&f.member)) {
            std::string k(f.name);
            if (o.contains(k) && o[k].is_boolean() && o[k].get<bool>())
                in.** flag = true;
        }
    }
    if (o.contains("cover_index") && p.kind == "photo")
        in.cover_index = o["cover_index"].get<std::int64_t>();
    if (o.contains("cover_ms"))
        in.cover_ms = o["cover_ms"].get<std::int64_t>();
    return in;
}

} // namespace looppost::queue
