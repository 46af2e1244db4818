// The publishing state machine of DESIGN §5, one account at a time per worker. Every step is
// stored before the next begins and every write names this process's lease, so:
//   I1  a post reaches TikTok at most once: publish_id is stored the moment init answers, and a
//       post that has one is only ever followed up (status, resumed upload), never re-initialised
//       unless TikTok says it FAILED;
//   I2  every post ends in a final state or stays visible with its reason;
//   I3  an init whose answer was lost (or a crash right after sending it) ends in needs_attention;
//   I4  creator_info is asked right before each direct post and nothing is substituted.

#include "worker.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <looppost/core/log.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/net/curl_client.hpp>
#include <looppost/net/file_body.hpp>
#include <looppost/queue/enqueue.hpp>
#include <looppost/queue/post.hpp>
#include <looppost/tiktok/outcome.hpp>

namespace looppost::publish {
namespace {

using tiktok::Verdict;
using namespace std::chrono_literals;

/// Backoff for a post TikTok could not take now: 1, 2, 4 … minutes, at most an hour.
std::int64_t retry_delay(int attempts) {
    int n = std::clamp(attempts - 1, 0, 6);
    return std::min<std::int64_t>(60LL << n, 3600);
}

std::string who(const store::PostRow& p) {
    return fmt::format("post {} ({})", p.id, p.account);
}

nlohmann::json options_of(const store::PostRow& p) {
    auto o = nlohmann::json::parse(p.options, nullptr, false);
    return o.is_object() ? o : nlohmann::json::object();
}

bool flag(const nlohmann::json& o, const char* name) {
    return o.contains(name) && o[name].is_boolean() && o[name].get<bool>();
}

} // namespace

void delete_hosted(store::Db& db, const std::function<media::MediaHost&()>& host,
                   const store::PostRow& p, const std::function<void(const std::string&)>& note) {
    for (const auto& m : p.media) {
        if (!m.hosted_key || m.hosted_state == "deleted")
            continue;
        try {
            host().remove(*m.hosted_key);
            db.transaction([&] {
                db.post_media_set_hosted(p.id, m.position, m.hosted_key, m.hosted_url, "deleted");
            });
        } catch (const Error& e) {
            // Left for `purge --hosted-media`: the row still names it.
            note(
                fmt::format("{}: hosted copy {} not deleted: {}", who(p), *m.hosted_key, e.what()));
        }
    }
}

tiktok::PostInfo post_info_of(const store::PostRow& p) {
    auto o = options_of(p);
    tiktok::PostInfo info;
    info.title = p.caption;
    info.privacy_level = p.privacy.value_or("");
    info.disable_comment = !flag(o, "allow_comments");
    info.disable_duet = !flag(o, "allow_duet");
    info.disable_stitch = !flag(o, "allow_stitch");
    if (o.contains("cover_ms") && o["cover_ms"].is_number_integer())
        info.video_cover_timestamp_ms = o["cover_ms"].get<std::int32_t>();
    info.brand_content_toggle = flag(o, "brand_content");
    info.brand_organic_toggle = flag(o, "brand_organic");
    info.is_aigc = flag(o, "aigc");
    return info;
}

tiktok::PhotoPost photo_post_of(const store::PostRow& p, std::vector<std::string> urls) {
    auto o = options_of(p);
    tiktok::PhotoPost post;
    post.mode =
        p.mode == "direct" ? tiktok::PhotoPost::Mode::direct : tiktok::PhotoPost::Mode::inbox;
    post.title = p.title.value_or("");
    post.description = p.caption;
    post.privacy_level = p.privacy.value_or("");
    post.disable_comment = !flag(o, "allow_comments");
    post.auto_add_music = flag(o, "auto_music");
    post.brand_content_toggle = flag(o, "brand_content");
    post.brand_organic_toggle = flag(o, "brand_organic");
    if (o.contains("cover_index") && o["cover_index"].is_number_integer())
        post.photo_cover_index = o["cover_index"].get<int>();
    post.photo_images = std::move(urls);
    return post;
}

Worker::Worker(Env& env, const Options& options, Reporter& reporter, Shared& shared)
    : m_env(env), m_options(options), m_reporter(reporter), m_shared(shared),
      m_db(store::Db::open(env.db_file)),
      m_http(net::make_curl_client(net::curl_options(env.ctx.settings()))), m_store(env.media_dir) {
    // Losing any step but "init sent" to a power cut is safe (it is asked again, or ends in
    // needs_attention): only that one waits for the disk, and it syncs every step before it.
    m_db->set_durable(false);
    m_auth = oauth::worker_auth(env.ctx, *m_db, env.vault, env.app, *m_http,
                                [this](const std::string& w) { m_reporter.step(w); });
    m_retry = net::retry_policy(env.ctx.settings());
}

Worker::~Worker() = default;

std::int64_t Worker::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(
               m_env.ctx.clock().now().time_since_epoch())
        .count();
}

void Worker::account(std::int64_t account_id) {
    auto account = m_db->account_by_id(account_id);
    if (!account || account->paused)
        return;
    if (account->state != "active" || account->refresh_token.empty()) {
        login_needed(*account);
        return;
    }
    std::vector<std::int64_t> done;
    while (true) {
        if (m_options.limit != 0 && m_shared.claimed.fetch_add(1) >= m_options.limit)
            break;
        std::optional<std::pair<std::int64_t, std::string>> claim;
        m_db->transaction([&] {
            std::int64_t t = now();
            claim = m_db->post_claim(account_id, lease_owner(), t, t + k_lease_seconds, owner_gone,
                                     done);
        });
        if (!claim) {
            if (m_options.limit != 0)
                --m_shared.claimed;
            break;
        }
        done.push_back(claim->first);
        m_shared.touch(claim->first);
        auto post = m_db->post(claim->first);
        if (!post)
            continue;
        Next next = Next::go_on;
        try {
            next = publish(*post, claim->second);
        } catch (const Error& e) {
            next = on_error(*post, e);
        } catch (const std::exception& e) {
            next = on_error(*post, Fatal(fmt::format("unexpected error: {}", e.what())));
        }
        if (next == Next::stop)
            break;
    }
}

Worker::Next Worker::on_error(const store::PostRow& p, const Error& e) {
    auto fresh = m_db->post(p.id).value_or(p);
    if (!fresh.init_sent_at)
        unhost(fresh); // TikTok never heard of these photos: they need not stay up
    if (e.exit() == Exit::reauth_required) {
        // The post waits for the login; what TikTok already has stays known.
        finish(fresh, {.state = fresh.publish_id ? "publishing" : "queued",
                       .error_code = "reauth_required",
                       .error_message = "waiting for a new login"});
        auto account = m_db->account_by_id(p.account_id);
        if (account)
            login_needed(*account);
        return Next::stop;
    }
    if (e.exit() == Exit::config_missing) {
        finish(fresh, {.state = fresh.publish_id ? "publishing" : "queued",
                       .error_code = "config_missing",
                       .error_message = e.what()});
        m_shared.fold(Exit::config_missing);
        if (m_shared.first_config_report(e.what())) {
            report({.kind = "config_missing",
                    .post_id = p.id,
                    .account = p.account,
                    .message = e.what(),
                    .human = true,
                    .exit = Exit::config_missing});
        }
        return Next::go_on;
    }
    if (e.exit() == Exit::unavailable) {
        defer(fresh, "unavailable", e.what(), now() + retry_delay(fresh.attempts),
              Exit::unavailable);
        return Next::stop;
    }
    // Anything else is this post's own problem (a local copy gone, looppost's own fault):
    // a human looks; what TikTok already has stays recorded.
    attention(fresh, e.code() == "internal" ? "internal" : "local", e.what());
    return Next::go_on;
}

void Worker::login_needed(const store::AccountRow& account) {
    if (!m_shared.first_login_report(account.id))
        return;
    report({.kind = "reauth_required",
            .account = account.name,
            .message = fmt::format("account {} needs a new login: looppost auth login --name {}",
                                   account.name, account.name),
            .human = true,
            .exit = Exit::reauth_required});
}

void Worker::report(const Event& e) {
    m_shared.fold(e.exit);
    m_reporter.event(e);
}

bool Worker::finish(const store::PostRow& p, const store::PostOutcome& o) {
    bool ok = false;
    m_db->transaction([&] { ok = m_db->post_finish(p.id, lease_owner(), o, now()); });
    if (!ok)
        m_reporter.step(fmt::format("{}: no longer ours (cancelled or taken over)", who(p)));
    return ok;
}

void Worker::defer(const store::PostRow& p, const std::string& code, const std::string& message,
                   std::int64_t until, Exit exit, bool forget) {
    if (!finish(p, {.state = "deferred",
                    .error_code = code,
                    .error_message = message,
                    .next_attempt_at = until,
                    .forget_publish = forget}))
        return;
    report({.kind = "deferred",
            .post_id = p.id,
            .account = p.account,
            .message = fmt::format("{} deferred until {}: {}", who(p),
                                   core::format_utc(std::chrono::system_clock::from_time_t(until)),
                                   message),
            .exit = exit});
}

void Worker::attention(const store::PostRow& p, const std::string& code,
                       const std::string& message) {
    if (!finish(p, {.state = "needs_attention", .error_code = code, .error_message = message}))
        return;
    report({.kind = "needs_attention",
            .post_id = p.id,
            .account = p.account,
            .message = fmt::format("{} needs attention: {}", who(p), message),
            .human = true,
            .exit = Exit::failed});
}

void Worker::fail(const store::PostRow& p, const std::string& code, const std::string& message,
                  const std::string& log_id, bool forget) {
    unhost(p); // first: a crash after the state change would leave them up for good
    if (!finish(p,
                {.state = "failed",
                 .error_code = code,
                 .error_message = message,
                 .error_log_id = log_id.empty() ? std::nullopt : std::optional<std::string>(log_id),
                 .forget_publish = forget}))
        return;
    std::string said = code;
    if (!log_id.empty())
        said += "; log id " + log_id;
    report({.kind = "failed",
            .post_id = p.id,
            .account = p.account,
            .message = fmt::format("{} failed: {} ({})", who(p), message, said),
            .human = true,
            .exit = Exit::failed});
}

Worker::Next Worker::refused(const store::PostRow& p, const tiktok::Failure& f,
                             std::string_view kind, bool forget) {
    // Only an init can create a post: any other call's lost answer just means "try later".
    auto c = tiktok::classify(f, /*safe_to_repeat=*/kind != "init");
    std::int64_t t = now();
    switch (c.verdict) {
    case Verdict::ambiguous:
        // DESIGN I3: TikTok may have the post; never init again blindly.
        attention(p, "init_answer_lost",
                  fmt::format("{}; check the TikTok app (profile or inbox) and run looppost queue "
                              "retry {} only if the post is not there",
                              c.explanation, p.id));
        return Next::go_on;
    case Verdict::reauth:
        finish(p, {.state = "queued",
                   .error_code = f.code,
                   .error_message = c.explanation,
                   .forget_publish = forget});
        if (auto a = m_db->account_by_id(p.account_id))
            login_needed(*a);
        return Next::stop;
    case Verdict::rate_limited: {
        std::int64_t until = t + (c.retry_after ? c.retry_after->count() : 60);
        m_db->transaction([&] {
            m_db->quota_hold({p.account_id, std::string(kind), until, c.explanation});
        });
        defer(p, f.code, c.explanation, until, Exit::deferred, forget);
        return Next::stop;
    }
    case Verdict::cap_reached: {
        std::int64_t until = t + (c.retry_after ? c.retry_after->count() : 3600);
        store::QuotaHold hold{p.account_id, p.mode == "direct" ? "direct" : "inbox", until,
                              c.explanation};
        if (f.code == "reached_active_user_cap")
            hold = {std::nullopt, "app", until, c.explanation};
        m_db->transaction([&] { m_db->quota_hold(hold); });
        defer(p, f.code, c.explanation, until, Exit::deferred, forget);
        return Next::go_on;
    }
    case Verdict::transient:
        defer(p, f.code.empty() ? "unavailable" : f.code, c.explanation,
              t + retry_delay(p.attempts),
              f.kind == tiktok::Failure::Kind::transport || f.http_status >= 500 ? Exit::unavailable
                                                                                 : Exit::deferred,
              forget);
        return Next::stop;
    case Verdict::permanent:
        fail(p, f.code, c.explanation, f.log_id, forget);
        return Next::go_on;
    }
    return Next::go_on;
}

std::optional<std::int64_t> Worker::take_quota(const store::PostRow& p,
                                               const std::vector<store::QuotaUse>& uses,
                                               const std::function<void()>& also, bool durable) {
    std::optional<std::pair<std::int64_t, std::string>> blocked;
    auto work = [&] {
        blocked = m_db->quota_take(p.account_id, uses, now());
        if (!blocked && also)
            also();
    };
    if (durable)
        m_db->durable_transaction(work);
    else
        m_db->transaction(work);
    if (blocked)
        return blocked->first;
    return std::nullopt;
}

Worker::Next Worker::publish(store::PostRow p, const std::string& was) {
    m_reporter.step(fmt::format("{}: claimed ({}, {} {})", who(p), was, p.mode, p.kind));
    if (p.publish_id) {
        // TikTok has this post already: follow it up, never initialise it again — unless
        // TikTok says it FAILED and the user queued it again (queue retry).
        if (was == "queued") {
            auto st = status_once(p);
            if (!st)
                return Next::stop;
            if (st->status == "FAILED") {
                m_db->transaction([&] { m_db->post_forget_publish(p.id, lease_owner()); });
                p = *m_db->post(p.id);
                return start(p);
            }
        }
        return follow(p);
    }
    if (p.init_sent_at) {
        attention(
            p, "init_answer_lost",
            fmt::format("the init request went out at {} but its answer was never stored, so "
                        "TikTok may have the post; check the TikTok app and run looppost "
                        "queue retry {} only if it is not there",
                        core::format_utc(std::chrono::system_clock::from_time_t(*p.init_sent_at)),
                        p.id));
        return Next::go_on;
    }
    return start(p);
}

Worker::Next Worker::follow(store::PostRow& p) {
    if (p.kind == "video" && !p.uploaded_at)
        return upload(p);
    return poll(p);
}

Worker::Next Worker::start(store::PostRow& p) {
    auto account = m_db->account_by_id(p.account_id);
    if (p.mode == "direct") {
        if (auto next = check_creator(p, *account))
            return *next;
    }
    std::vector<std::string> urls;
    if (p.kind == "photo") {
        urls = host_photos(p);
        if (urls.empty())
            return Next::go_on; // reported
    } else {
        check_local_copy(p, p.media.front());
    }
    // The init is counted and marked as sent in one transaction: a crash after this point
    // leaves init_sent_at, and the next run asks a human instead of sending it again (I3).
    auto blocked = take_quota(
        p, m_shared.limits.init(p.mode), [&] { m_db->post_init_sent(p.id, lease_owner(), now()); },
        /*durable=*/true);
    if (blocked) {
        unhost(p); // hosted again when its turn comes: nothing waits on the host meanwhile
        defer(p, "quota", "TikTok's limit for this account is reached; the post waits", *blocked,
              Exit::deferred);
        return Next::stop;
    }
    if (p.kind == "photo") {
        auto post = photo_post_of(p, std::move(urls));
        m_reporter.step(
            fmt::format("{}: content/init with {} photos", who(p), post.photo_images.size()));
        auto r = oauth::with_token<std::string>(*m_auth, p.account_id, [&](const vault::Secret& t) {
            return m_auth->api.init_photos(t, post);
        });
        if (!r) {
            auto next = refused(p, r.error(), "init", /*forget=*/true);
            if (tiktok::classify(r.error()).verdict != Verdict::ambiguous)
                unhost(*m_db->post(p.id));
            return next;
        }
        store_publish(p, *r, {}, std::nullopt);
        return poll(p);
    }
    const auto& m = p.media.front().media;
    auto plan = tiktok::plan_chunks(static_cast<std::uint64_t>(m.bytes));
    tiktok::PostInfo info;
    if (p.mode == "direct")
        info = post_info_of(p);
    m_reporter.step(fmt::format("{}: {} with {} chunk(s) of {} bytes", who(p),
                                tiktok::video_init_path(p.mode == "direct" ? &info : nullptr),
                                plan.chunk_count, plan.chunk_size));
    auto r =
        oauth::with_token<tiktok::VideoInit>(*m_auth, p.account_id, [&](const vault::Secret& t) {
            return m_auth->api.init_video(t, p.mode == "direct" ? &info : nullptr, plan);
        });
    if (!r)
        return refused(p, r.error(), "init", /*forget=*/true);
    store_publish(p, r->publish_id, r->upload_url, now() + 3600);
    return upload(p);
}

void Worker::store_publish(store::PostRow& p, const std::string& publish_id,
                           const std::string& upload_url, std::optional<std::int64_t> until) {
    store::Blob sealed;
    if (!upload_url.empty())
        sealed = m_env.vault.seal(upload_url, {"posts", p.id, "upload_url"});
    bool ok = false;
    m_db->transaction([&] {
        ok = m_db->post_set_publish(p.id, lease_owner(), publish_id, sealed, until);
        if (ok)
            m_db->event_add("init", fmt::format("publish id {}", publish_id), p.account_id, p.id);
    });
    if (!ok)
        throw Fatal(fmt::format("post {} was taken from this run right after TikTok answered its "
                                "init with {}",
                                p.id, publish_id));
    p.publish_id = publish_id;
    p.upload_url = sealed;
    p.upload_url_until = until;
    p.upload_offset = 0;
}

std::optional<Worker::Next> Worker::check_creator(store::PostRow& p,
                                                  const store::AccountRow& account) {
    if (auto blocked = take_quota(p, m_shared.limits.creator_info(), {})) {
        defer(p, "quota", "TikTok's creator_info limit for this account is reached", *blocked,
              Exit::deferred);
        return Next::stop;
    }
    auto info = oauth::with_token<tiktok::CreatorInfo>(
        *m_auth, p.account_id, [&](const vault::Secret& t) { return m_auth->api.creator_info(t); });
    if (!info)
        return refused(p, info.error(), "creator_info", false);
    try {
        auto draft = queue::check_post(queue::input_of(p), account);
        std::optional<std::int64_t> duration;
        if (p.kind == "video")
            duration = p.media.front().media.duration_ms;
        queue::check_creator(draft, *info, duration, fmt::format("the video of post {}", p.id));
    } catch (const Error& e) {
        // DESIGN I4: never substitute another privacy or toggle.
        attention(p, "creator_settings",
                  fmt::format("{}; TikTok no longer allows it as queued: change it with looppost "
                              "queue edit {}",
                              e.what(), p.id));
        return Next::go_on;
    }
    m_reporter.step(fmt::format("{}: creator_info allows it ({})", who(p), info->nickname));
    return std::nullopt;
}

void Worker::check_local_copy(const store::PostRow& p, const store::PostMediaRow& m) {
    auto path = m_store.path_of(m.media.sha256, m.media.mime);
    if (!m_store.intact(m.media.sha256, m.media.mime, m.media.bytes))
        throw Error(Exit::failed,
                    fmt::format("the local copy {} of post {} is missing or changed; enqueue the "
                                "file again",
                                path.string(), p.id));
    if (!m_store.same_content(m.media.sha256, m.media.mime))
        throw Error(Exit::failed,
                    fmt::format("{} changed since it was enqueued (it is the original file, "
                                "hard-linked); enqueue it again",
                                path.string()));
}

std::vector<std::string> Worker::host_photos(store::PostRow& p) {
    if (!m_host)
        m_host = media::open_host(*m_db, m_env.vault, m_env.ctx.env(),
                                  {*m_http, m_env.ctx.clock(), m_env.ctx.random()});
    std::vector<std::string> urls;
    for (auto& m : p.media) {
        if (m.hosted_state && *m.hosted_state == "hosted" && m.hosted_url) {
            urls.push_back(*m.hosted_url);
            continue;
        }
        check_local_copy(p, m);
        auto path = m_store.path_of(m.media.sha256, m.media.mime);
        // The name is stored before the upload: an object a crash leaves is still known.
        std::string key = m.hosted_key.value_or(m_host->new_key(m.media.mime));
        if (!m.hosted_key) {
            m_db->transaction([&] {
                m_db->post_media_set_hosted(p.id, m.position, key, m_host->public_url(key),
                                            "uploading");
            });
        }
        auto object = m_host->put_as(key, path, m.media.sha256, m.media.mime);
        m_db->transaction([&] {
            m_db->post_media_set_hosted(p.id, m.position, object.key, object.url, "hosted");
        });
        m.hosted_key = object.key;
        m.hosted_url = object.url;
        m.hosted_state = "hosted";
        m_reporter.step(
            fmt::format("{}: photo {} hosted at {}", who(p), m.position + 1, object.url));
        urls.push_back(object.url);
    }
    return urls;
}

void Worker::unhost(const store::PostRow& p) {
    delete_hosted(
        *m_db,
        [&]() -> media::MediaHost& {
            if (!m_host)
                m_host = media::open_host(*m_db, m_env.vault, m_env.ctx.env(),
                                          {*m_http, m_env.ctx.clock(), m_env.ctx.random()});
            return *m_host;
        },
        p, [&](const std::string& line) { m_reporter.step(line); });
}

Worker::Next Worker::upload(store::PostRow& p) {
    const auto& m = p.media.front().media;
    auto plan = tiktok::plan_chunks(static_cast<std::uint64_t>(m.bytes));
    if (p.upload_url.empty() || !p.upload_url_until || *p.upload_url_until <= now() + 30) {
        // The URL is gone or about to expire: only TikTok can say what it holds.
        return poll(p);
    }
    std::string url(m_env.vault.open(p.upload_url, {"posts", p.id, "upload_url"}).reveal());
    auto path = m_store.path_of(m.sha256, m.mime);
    std::uint64_t offset = static_cast<std::uint64_t>(p.upload_offset);
    int realigned = 0;
    while (true) {
        std::uint64_t index = std::min(offset / plan.chunk_size, plan.chunk_count - 1);
        net::FileRange bytes(path, plan.first(index), plan.length(index));
        auto r = m_auth->api.upload_chunk(url, m.mime, plan, index, bytes, m_retry);
        if (!r) {
            const auto& f = r.error();
            if (f.code == tiktok::upload_code::range_mismatch && f.received && realigned++ < 3) {
                offset = *f.received; // TikTok holds more (or less): go on from there
                if (offset >= plan.video_size)
                    break;
                continue;
            }
            auto c = tiktok::classify(f, /*safe_to_repeat=*/true);
            if (c.verdict == Verdict::transient || c.verdict == Verdict::rate_limited) {
                // publish_id stays: the next attempt resumes this upload or asks TikTok.
                defer(p, f.code.empty() ? "unavailable" : f.code, c.explanation,
                      now() + retry_delay(p.attempts), Exit::unavailable);
                return Next::stop;
            }
            // The upload cannot go on (expired URL, unknown task): TikTok's status decides.
            m_reporter.step(fmt::format("{}: upload stopped: {}", who(p), c.explanation));
            return poll(p);
        }
        offset = r->received;
        m_reporter.progress(p.id, std::min(offset, plan.video_size), plan.video_size);
        if (r->complete || offset >= plan.video_size)
            break;
        bool ours = false;
        m_db->transaction([&] {
            ours = m_db->post_set_upload_offset(
                p.id, lease_owner(), static_cast<std::int64_t>(offset), now() + k_lease_seconds);
        });
        if (!ours)
            return Next::stop;
    }
    bool ours = false;
    m_db->transaction([&] { ours = m_db->post_set_uploaded(p.id, lease_owner(), now()); });
    if (!ours)
        return Next::stop;
    p.uploaded_at = now();
    m_reporter.step(fmt::format("{}: upload complete ({} bytes)", who(p), plan.video_size));
    return poll(p);
}

std::optional<tiktok::PublishStatus> Worker::status_once(store::PostRow& p) {
    if (auto blocked = take_quota(p, m_shared.limits.status(), {})) {
        release(p);
        m_shared.fold(Exit::deferred);
        return std::nullopt;
    }
    auto st = oauth::with_token<tiktok::PublishStatus>(
        *m_auth, p.account_id,
        [&](const vault::Secret& t) { return m_auth->api.status(t, *p.publish_id); });
    if (!st) {
        auto c = tiktok::classify(st.error(), /*safe_to_repeat=*/true);
        if (c.verdict == Verdict::permanent) {
            attention(p, st.error().code,
                      fmt::format("TikTok cannot tell the status of publish {}: {}", *p.publish_id,
                                  c.explanation));
        } else if (c.verdict == Verdict::reauth) {
            finish(p, {.state = "publishing",
                       .error_code = st.error().code,
                       .error_message = c.explanation});
            if (auto a = m_db->account_by_id(p.account_id))
                login_needed(*a);
        } else {
            if (c.verdict == Verdict::rate_limited) {
                m_db->transaction([&] {
                    m_db->quota_hold({p.account_id, "status", now() + 60, c.explanation});
                });
            }
            release(p);
            m_shared.fold(c.verdict == Verdict::rate_limited ? Exit::deferred : Exit::unavailable);
        }
        return std::nullopt;
    }
    m_reporter.step(fmt::format("{}: status {}{}", who(p), st->status,
                                st->fail_reason.empty() ? "" : " (" + st->fail_reason + ")"));
    return *st;
}

void Worker::release(const store::PostRow& p) {
    finish(p, {.state = "publishing"});
}

Worker::Next Worker::poll(store::PostRow& p) {
    auto deadline = m_env.ctx.clock().now() + m_options.poll;
    auto delay = 1000ms;
    while (true) {
        auto st = status_once(p);
        if (!st)
            return Next::stop;
        if (st->status == "PUBLISH_COMPLETE" || st->status == "PUBLISH_SUCCESS") {
            nlohmann::json ids = st->post_ids;
            unhost(p); // TikTok has the photos: before the state, so no crash leaves them up
            if (finish(p, {.state = "published", .post_ids = ids.dump()})) {
                report({.kind = "published",
                        .post_id = p.id,
                        .account = p.account,
                        .message = fmt::format(
                            "{} published{}", who(p),
                            st->post_ids.empty() ? "" : " as video " + st->post_ids.front())});
                release_local();
            }
            return Next::go_on;
        }
        if (st->status == "SEND_TO_USER_INBOX") {
            unhost(p);
            if (finish(p, {.state = "in_inbox"})) {
                std::string msg =
                    fmt::format("{} is in your TikTok inbox: open TikTok to finish it", who(p));
                if (p.kind == "video" && !p.caption.empty()) {
                    // One line, as cron output should be; LOOPPOST_CAPTION keeps it as written.
                    std::string flat = p.caption;
                    std::replace(flat.begin(), flat.end(), '\n', ' ');
                    msg += ". Caption: " + flat;
                }
                report({.kind = "in_inbox",
                        .post_id = p.id,
                        .account = p.account,
                        .message = msg,
                        .caption = p.caption,
                        .human = true});
                release_local();
            }
            return Next::go_on;
        }
        if (st->status == "FAILED") {
            auto c = tiktok::classify_fail_reason(st->fail_reason);
            if (c.verdict == Verdict::permanent) {
                fail(p, st->fail_reason, c.explanation, st->log_id, /*forget=*/false);
                return Next::go_on;
            }
            // TikTok dropped this attempt: a new init is provably safe, later.
            unhost(p);
            defer(p, st->fail_reason, c.explanation,
                  now() + (c.retry_after ? c.retry_after->count() : retry_delay(p.attempts)),
                  Exit::deferred, /*forget=*/true);
            return Next::go_on;
        }
        if (st->status == "PROCESSING_UPLOAD" && p.kind == "video" && !p.uploaded_at &&
            !p.upload_url.empty() && p.upload_url_until && *p.upload_url_until > now() + 30) {
            // A run died mid-upload: go on from what TikTok holds.
            if (st->uploaded_bytes)
                p.upload_offset = *st->uploaded_bytes;
            return upload(p);
        }
        if (m_env.ctx.clock().now() + delay > deadline) {
            release(p);
            report({.kind = "processing",
                    .post_id = p.id,
                    .account = p.account,
                    .message = fmt::format("{} is still processing at TikTok ({}); the next run "
                                           "follows it up",
                                           who(p), st->status)});
            return Next::stop;
        }
        m_env.ctx.clock().sleep_for(delay);
        delay = std::min<std::chrono::milliseconds>(delay * 3 / 2, 10s);
        m_db->post_renew(p.id, lease_owner(), now() + k_lease_seconds);
    }
}

void Worker::release_local() {
    try {
        queue::release_media(*m_db, m_store);
    } catch (const Error& e) {
        m_reporter.step(fmt::format("local copies not released: {}", e.what()));
    }
}

} // namespace looppost::publish
