#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/queue/enqueue.hpp>
#include <looppost/queue/post.hpp>
#include <looppost/queue/steer.hpp>
#include <looppost/schedule/time.hpp>

namespace looppost::queue {
namespace {

/// States in which a post has not started publishing and may be changed.
const std::vector<std::string> k_editable = {"queued", "deferred", "needs_attention", "failed"};

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

} // namespace

store::PostRow post_or_throw(const store::Db& db, std::int64_t id) {
    auto p = db.post(id);
    if (!p)
        throw Error(Exit::bad_input, fmt::format("no post {}; see looppost queue", id));
    return *p;
}

store::PostRow edit(store::Db& db, std::int64_t id, const PostInput& c, std::int64_t now,
                    const EnqueueHooks& hooks) {
    auto p = post_or_throw(db, id);
    PostInput in = input_of(p);
    take_options(in, c);
    auto account = db.account_by_id(p.account_id);
    Draft d = check_post(in, *account);
    std::optional<std::int64_t> duration_ms;
    if (p.kind == "video" && !p.media.empty())
        duration_ms = p.media.front().media.duration_ms;
    check_cover(d, duration_ms);
    // A direct post's settings are checked against creator_info and consented to as at
    // enqueue, whenever the edit touches them.
    bool settings = c.mode || c.privacy;
    for (const auto& f : option_fields()) {
        if (const auto* flag = std::get_if<OptionField::Flag>(&f.member))
            settings = settings || (c.**flag).has_value();
    }
    if (d.mode == "direct" && settings) {
        std::optional<tiktok::CreatorInfo> info;
        if (hooks.creator_info)
            info = hooks.creator_info(*account);
        if (info)
            check_creator(d, *info, duration_ms, fmt::format("the video of post {}", id));
        if (hooks.consent)
            hooks.consent(*account, info, {&d});
    }
    store::PostEdit e;
    e.mode = d.mode;
    e.caption = d.caption;
    e.title = d.title;
    e.privacy = d.privacy;
    e.options = d.options.dump();
    if (c.at) {
        if (*c.at == "next-slot")
            throw Error(Exit::bad_input, "queue edit takes a time, not next-slot");
        e.due_at = schedule::parse_at(*c.at, schedule::zone_or_system(account->time_zone), now);
        e.at_text = *c.at;
    }
    db.transaction([&] {
        if (!db.post_edit(id, e, k_editable)) {
            throw Error(Exit::bad_input,
                        fmt::format("post {} is {}{}; only a post that has not started "
                                    "publishing can be changed",
                                    id, p.state, p.publish_id ? " (TikTok already has it)" : ""));
        }
        db.event_add("edited", c.at ? fmt::format("due {}", schedule::format_utc(*e.due_at)) : "",
                     p.account_id, id);
    });
    return post_or_throw(db, id);
}

store::PostRow cancel(store::Db& db, media::LocalStore& store, std::int64_t id) {
    auto p = post_or_throw(db, id);
    if (p.state == "cancelled")
        return p;
    bool done = false;
    db.transaction([&] {
        done = db.post_set_state(id, k_editable, "cancelled");
        if (done)
            db.event_add("cancelled", fmt::format("was {}", p.state), p.account_id, id);
    });
    if (!done) {
        throw Error(
            Exit::bad_input,
            p.state == "publishing"
                ? fmt::format("post {} is being published; TikTok already has it, so "
                              "it can no longer be cancelled",
                              id)
                : fmt::format("post {} is {}; there is nothing left to cancel", id, p.state));
    }
    release_media(db, store);
    return post_or_throw(db, id);
}

std::pair<store::PostRow, std::string> retry(store::Db& db, std::int64_t id, std::int64_t now) {
    auto p = post_or_throw(db, id);
    const std::vector<std::string> from = {"failed", "needs_attention"};
    bool done = false;
    db.transaction([&] {
        done = db.post_set_state(id, from, "queued");
        if (done)
            db.event_add("retry", fmt::format("was {}", p.state), p.account_id, id);
    });
    if (!done) {
        throw Error(Exit::bad_input, fmt::format("post {} is {}; only {} posts can be retried", id,
                                                 p.state, joined(from)));
    }
    auto account = db.account_by_id(p.account_id);
    std::string when =
        p.due_at <= now
            ? "at the next publish-due run"
            : "when it is due (" +
                  schedule::format_local(p.due_at, schedule::zone_or_system(account->time_zone)) +
                  ")";
    std::string what =
        p.publish_id
            ? fmt::format("post {} is queued again: publish-due first asks TikTok for the "
                          "status of publish {} {}, so it is not posted twice",
                          id, *p.publish_id, when)
            : fmt::format("post {} is queued again: publish-due sends it to TikTok {}", id, when);
    return {post_or_throw(db, id), what};
}

} // namespace looppost::queue
