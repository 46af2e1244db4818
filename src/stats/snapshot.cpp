// snapshot-stats: list every public video of each account, store the day's counts, link videos
// to the posts they came from (DESIGN §4; reference §5).

#include <algorithm>
#include <fmt/format.h>
#include <looppost/net/curl_client.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/stats/snapshot.hpp>
#include <looppost/store/db.hpp>
#include <looppost/tiktok/display.hpp>
#include <looppost/tiktok/outcome.hpp>
#include <looppost/util/parallel.hpp>
#include <looppost/util/utf8.hpp>

namespace looppost::stats {
namespace {

using tiktok::Verdict;

bool has_scope(const store::AccountRow& a, std::string_view scope) {
    return std::find(a.scopes.begin(), a.scopes.end(), scope) != a.scopes.end();
}

/// TikTok cuts titles and descriptions to 150 characters (reference §5.4): compare that much.
std::string head(std::string_view text) {
    return std::string(text.substr(0, util::utf8_prefix_for_units(text, 150)));
}

class Snapshotter {
public:
    Snapshotter(SnapshotEnv& env, const std::function<void(const std::string&)>& step)
        : m_env(env), m_step(step), m_db(store::Db::open(env.db_file)),
          m_http(net::make_curl_client(net::curl_options(env.ctx.settings()))),
          m_auth(oauth::worker_auth(env.ctx, *m_db, env.vault, env.app, *m_http, step)) {
        // A snapshot lost to a power cut is taken again by the next run.
        m_db->set_durable(false);
    }

    AccountSnapshot account(std::int64_t id) {
        auto a = m_db->account_by_id(id);
        AccountSnapshot r;
        if (!a)
            return r;
        r.account = a->name;
        std::int64_t now = unix_now();
        r.day = schedule::format_local_day(now, schedule::zone_or_system(a->time_zone));
        if (a->state != "active" || a->refresh_token.empty()) {
            r.exit = Exit::reauth_required;
            r.human = true;
            r.skipped = fmt::format("account {} needs a new login: looppost auth login --name {}",
                                    a->name, a->name);
            return r;
        }
        if (!has_scope(*a, "video.list")) {
            r.human = true;
            r.skipped = fmt::format("account {} did not grant video.list, so its videos cannot be "
                                    "listed: log in again with it (looppost auth login --name {} "
                                    "--scopes …,video.list)",
                                    a->name, a->name);
            return r;
        }
        m_token.reset();
        m_refreshed = false;
        try {
            videos(*a, r, now);
            if (!r.problem && has_scope(*a, "user.info.stats"))
                totals(*a, r, now);
            link(*a, r);
        } catch (const Error& e) {
            r.exit = e.exit();
            r.human = e.exit() != Exit::unavailable && e.exit() != Exit::deferred;
            r.problem = fmt::format("account {}: {}", a->name, e.what());
        }
        return r;
    }

private:
    std::int64_t unix_now() const {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   m_env.ctx.clock().now().time_since_epoch())
            .count();
    }

    /// Counts one Display API call before it is made (reference §5.5), as publish-due counts
    /// its own; call inside a transaction. When the limit or a hold of TikTok's stands, nothing
    /// is counted and the account stops, deferred and silent, with what it has read.
    bool take_call(const store::AccountRow& a, AccountSnapshot& r) {
        auto blocked = m_db->quota_take(a.id, {m_env.display}, unix_now());
        if (!blocked)
            return true;
        r.exit = Exit::deferred;
        r.problem = fmt::format("account {}: snapshot deferred after {} videos until {}: {}",
                                a.name, r.videos,
                                schedule::format_local(blocked->first,
                                                       schedule::zone_or_system(a.time_zone)),
                                blocked->second);
        return false;
    }

    bool count_call(const store::AccountRow& a, AccountSnapshot& r) {
        bool ok = false;
        m_db->transaction([&] { ok = take_call(a, r); });
        return ok;
    }

    /// `call` with the account's access token, opened once per account; refused as invalid, the
    /// token is refreshed once and the call made again (reference §1.5). Nothing when the
    /// limit stopped that second call.
    template <class T, class F>
    std::optional<tiktok::Result<T>> with_token(const store::AccountRow& a, AccountSnapshot& r,
                                                F call) {
        if (!m_token)
            m_token = oauth::fresh_access_token(*m_auth, a.id);
        tiktok::Result<T> got = call(*m_token);
        if (!got && !m_refreshed && got.error().kind == tiktok::Failure::Kind::api &&
            got.error().code == "access_token_invalid") {
            m_refreshed = true;
            m_token = oauth::fresh_access_token(*m_auth, a.id, &*m_token);
            if (!count_call(a, r))
                return std::nullopt;
            got = call(*m_token);
        }
        return got;
    }

    /// The exit status and words for a failed call (DESIGN §3); TikTok's throttle holds the
    /// account's Display API calls for the wait it asked (publish-due does the same).
    void stop(AccountSnapshot& r, const tiktok::Failure& f, const store::AccountRow& a) {
        auto c = tiktok::classify(f, /*safe_to_repeat=*/true);
        switch (c.verdict) {
        case Verdict::reauth:
            r.exit = Exit::reauth_required;
            r.human = true;
            r.problem = fmt::format("account {} needs a new login: looppost auth login --name {} "
                                    "({})",
                                    a.name, a.name, c.explanation);
            return;
        case Verdict::rate_limited: {
            std::int64_t until = unix_now() + (c.retry_after ? c.retry_after->count() : 60);
            m_db->transaction([&] {
                m_db->quota_hold({a.id, m_env.display.kind, until, c.explanation});
            });
            r.exit = Exit::deferred;
            break;
        }
        case Verdict::cap_reached:
            r.exit = Exit::deferred;
            break;
        case Verdict::permanent:
            r.exit = Exit::failed;
            r.human = true;
            break;
        default:
            r.exit = Exit::unavailable;
            break;
        }
        r.problem = fmt::format("account {}: snapshot stopped after {} videos: {}", a.name,
                                r.videos, c.explanation);
    }

    void videos(const store::AccountRow& a, AccountSnapshot& r, std::int64_t now) {
        std::optional<std::int64_t> cursor;
        bool counted = false; // the next call was counted with the page before it
        for (int page = 0; page < k_max_pages; ++page) {
            if (!counted && !count_call(a, r))
                return;
            auto got = with_token<tiktok::VideoPage>(a, r, [&](const vault::Secret& t) {
                return m_auth->api.video_list(t, tiktok::snapshot_video_fields(), cursor,
                                              tiktok::k_max_video_page);
            });
            if (!got)
                return;
            if (!*got) {
                stop(r, got->error(), a);
                return;
            }
            const auto& list = **got;
            bool more =
                list.has_more && !list.videos.empty() && !(cursor && list.cursor >= *cursor);
            // Each page in its own short transaction: a failure later keeps it. The next page's
            // call is counted in it too.
            m_db->transaction([&] {
                for (const auto& v : list.videos) {
                    if (!v.create_time)
                        continue; // cannot be placed on a curve
                    m_db->video_upsert({.id = v.id,
                                        .account_id = a.id,
                                        .title = v.title,
                                        .description = v.video_description,
                                        .create_time = *v.create_time,
                                        .duration = v.duration,
                                        .share_url = v.share_url},
                                       now);
                    m_db->snapshot_upsert({v.id, r.day, v.view_count, v.like_count,
                                           v.comment_count, v.share_count, now});
                    ++r.videos;
                }
                counted = more && take_call(a, r);
            });
            ++r.pages;
            m_step(fmt::format("account {}: page {} with {} videos", a.name, r.pages,
                               list.videos.size()));
            if (!more || !counted)
                return;
            cursor = list.cursor;
        }
        r.exit = Exit::failed;
        r.human = true;
        r.problem = fmt::format("account {}: TikTok kept paging past {} pages; stopped", a.name,
                                k_max_pages);
    }

    void totals(const store::AccountRow& a, AccountSnapshot& r, std::int64_t now) {
        if (!count_call(a, r))
            return;
        auto info = with_token<tiktok::UserInfo>(a, r, [&](const vault::Secret& t) {
            return m_auth->api.user_info(
                t, {"follower_count", "following_count", "likes_count", "video_count"});
        });
        if (!info)
            return;
        if (!*info) {
            stop(r, info->error(), a);
            return;
        }
        m_db->transaction([&] {
            m_db->account_snapshot_upsert({a.id, r.day, (*info)->follower_count,
                                           (*info)->following_count, (*info)->likes_count,
                                           (*info)->video_count, now});
        });
        r.totals = true;
    }

    /// Links videos to published posts: by the public post id status/fetch gave, else by create
    /// time and caption. A private post never appears: TikTok lists public videos only.
    void link(const store::AccountRow& a, AccountSnapshot& r) {
        m_db->transaction([&] {
            r.linked += m_db->videos_link_by_post_ids(a.id);
            store::PostFilter f;
            f.states = {"published"};
            f.account_id = a.id;
            f.limit = 1'000'000;
            for (const auto& p : m_db->posts(f)) {
                if (!m_db->videos_of_post(p.id).empty())
                    continue;
                if (p.privacy && *p.privacy != "PUBLIC_TO_EVERYONE") {
                    r.private_posts.push_back(p.id);
                    continue;
                }
                if (auto v = match(a, p)) {
                    if (m_db->video_link_post(*v, p.id))
                        ++r.linked;
                }
            }
        });
        for (auto id : r.private_posts) {
            m_step(fmt::format("post {} ({}) is not public, so TikTok lists no stats for it",
                               id, a.name));
        }
    }

    /// The unlinked video created while the post was being published whose text starts like
    /// the post's caption (photos: its description; TikTok cuts both to 150 characters).
    std::optional<std::string> match(const store::AccountRow& a, const store::PostRow& p) {
        std::int64_t from = p.init_sent_at.value_or(p.created_at) - 300;
        std::int64_t to = p.finished_at.value_or(p.updated_at) + 3600;
        std::string want = head(p.caption);
        for (const auto& l : m_db->videos_latest(a.id, from)) {
            const auto& v = l.video;
            if (v.post_id || v.create_time > to)
                continue;
            std::string text = v.description.value_or(v.title.value_or(""));
            if (head(text) == want)
                return v.id;
        }
        return std::nullopt;
    }

    SnapshotEnv& m_env;
    const std::function<void(const std::string&)>& m_step;
    std::unique_ptr<store::Db> m_db;
    std::unique_ptr<net::HttpClient> m_http;
    std::unique_ptr<oauth::AuthEnv> m_auth;
    std::optional<vault::Secret> m_token; ///< the account's access token, opened once
    bool m_refreshed = false;             ///< the one refresh on access_token_invalid was used
};

} // namespace

std::vector<AccountSnapshot> snapshot(SnapshotEnv& env, const std::vector<std::int64_t>& accounts,
                                      unsigned jobs,
                                      const std::function<void(const std::string&)>& step) {
    std::vector<AccountSnapshot> out(accounts.size());
    util::parallel_for(accounts.size(), jobs, [&] {
        return [&, s = std::unique_ptr<Snapshotter>()](std::size_t i) mutable {
            try {
                if (!s)
                    s = std::make_unique<Snapshotter>(env, step);
                out[i] = s->account(accounts[i]);
            } catch (const std::exception& e) {
                const auto* err = dynamic_cast<const Error*>(&e);
                out[i].exit = err ? err->exit() : Exit::failed;
                out[i].human = true;
                out[i].problem = e.what();
            }
        };
    });
    return out;
}

} // namespace looppost::stats
