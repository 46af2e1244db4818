#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/posts_view.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/utf8.hpp>

namespace looppost::cli {
namespace {

using json = nlohmann::json;

json opt(const std::optional<std::string>& v) {
    return v ? json(*v) : json(nullptr);
}

template <class T> json opt(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

json media_json(int position, const store::MediaRow& m) {
    json j = {{"position", position}};
    j.update(cli::media_json(m));
    return j;
}

json options_of(const std::string& text) {
    json o = json::parse(text, nullptr, false);
    return o.is_object() ? o : json::object();
}

} // namespace

json media_json(const store::MediaRow& m) {
    return {{"sha256", m.sha256},      {"bytes", m.bytes},
            {"mime", m.mime},          {"width", opt(m.width)},
            {"height", opt(m.height)}, {"duration_ms", opt(m.duration_ms)}};
}

json event_json(const store::EventRow& e) {
    return {{"at", utc_or_null(e.at)}, {"kind", e.kind}, {"detail", e.detail}};
}

json post_json(const store::PostRow& p) {
    json media = json::array();
    for (const auto& m : p.media)
        media.push_back(media_json(m.position, m.media));
    json post_ids = json::parse(p.post_ids, nullptr, false);
    json error = nullptr;
    if (p.error_code || p.error_message) {
        error = {{"code", opt(p.error_code)},
                 {"message", opt(p.error_message)},
                 {"log_id", opt(p.error_log_id)}};
    }
    return {{"id", p.id},
            {"account", p.account},
            {"kind", p.kind},
            {"mode", p.mode},
            {"state", p.state},
            {"due_at", utc_or_null(p.due_at)},
            {"caption", p.caption},
            {"title", opt(p.title)},
            {"privacy", opt(p.privacy)},
            {"options", options_of(p.options)},
            {"key", p.key},
            {"publish_id", opt(p.publish_id)},
            {"post_ids", post_ids.is_array() ? post_ids : json::array()},
            {"error", error},
            {"media", media},
            {"at", p.at_text},
            {"attempts", p.attempts},
            {"next_attempt_at", p.next_attempt_at ? utc_or_null(*p.next_attempt_at) : json()},
            {"created_at", utc_or_null(p.created_at)},
            {"updated_at", utc_or_null(p.updated_at)}};
}

json planned_post_json(const queue::Enqueued& e) {
    const auto& d = e.draft;
    json media = json::array();
    for (std::size_t i = 0; i < e.media.size(); ++i) {
        json m = media_json(static_cast<int>(i), e.media[i].row);
        m["original"] = e.media[i].original.string();
        m["changes"] = e.media[i].changes;
        media.push_back(std::move(m));
    }
    return {{"id", e.id != 0 ? json(e.id) : json(nullptr)},
            {"existing", e.existing},
            {"account", d.account.name},
            {"kind", d.kind},
            {"mode", d.mode},
            {"state", e.existing ? json(nullptr) : json("queued")},
            {"due_at", e.existing ? json(nullptr) : utc_or_null(e.due_at)},
            {"caption", d.caption},
            {"title", opt(d.title)},
            {"privacy", opt(d.privacy)},
            {"options", d.options},
            {"key", e.key},
            {"publish_id", nullptr},
            {"post_ids", json::array()},
            {"error", nullptr},
            {"media", media},
            {"at", d.at_text}};
}

std::string local_time(std::int64_t utc, const std::optional<std::string>& zone) {
    return schedule::format_local(utc, schedule::zone_or_system(zone));
}

std::string caption_start(const std::string& caption, std::size_t max) {
    std::string flat;
    for (char c : caption) {
        if (c == '\n')
            flat += " ⏎ ";
        else if (c != '\r')
            flat += c;
    }
    std::size_t cut = util::utf8_prefix_for_units(flat, max);
    return cut < flat.size() ? flat.substr(0, cut) + "…" : flat;
}

} // namespace looppost::cli
