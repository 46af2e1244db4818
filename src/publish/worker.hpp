#pragma once
// One worker of publish-due: its own database connection, HTTP client and media host, working
// through one account's due posts at a time. Private to src/publish.

#include <atomic>
#include <looppost/media/host.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/net/http.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/publish/publish.hpp>
#include <memory>
#include <mutex>
#include <set>

namespace looppost::publish {

/// What the workers of one run share.
struct Shared {
    Limits limits;
    std::atomic<std::size_t> claimed{0};

    void fold(Exit e) {
        std::lock_guard lock(m_mutex);
        m_exit = more_urgent(m_exit, e);
    }
    void touch(std::int64_t post_id) {
        std::lock_guard lock(m_mutex);
        m_touched.push_back(post_id);
    }
    /// True the first time an account's login problem is seen in this run.
    bool first_login_report(std::int64_t account_id) {
        std::lock_guard lock(m_mutex);
        return m_login_reported.insert(account_id).second;
    }
    /// True the first time a missing piece of configuration is seen in this run.
    bool first_config_report(const std::string& what) {
        std::lock_guard lock(m_mutex);
        return m_config_reported.insert(what).second;
    }
    Summary summary() {
        std::lock_guard lock(m_mutex);
        return {m_touched, m_exit};
    }

private:
    std::mutex m_mutex;
    Exit m_exit = Exit::ok;
    std::vector<std::int64_t> m_touched;
    std::set<std::int64_t> m_login_reported;
    std::set<std::string> m_config_reported;
};

/// Deletes the post's hosted photos that may still be up (hosted_state "uploading" or
/// "hosted" → "deleted");
/// failures are noted and left for `purge --hosted-media`.
void delete_hosted(store::Db& db, const std::function<media::MediaHost&()>& host,
                   const store::PostRow& p, const std::function<void(const std::string&)>& note);

/// The post's `post_info` for a direct video init, from its stored options.
tiktok::PostInfo post_info_of(const store::PostRow& p);
/// The post's content/init body, with the photos' public URLs.
tiktok::PhotoPost photo_post_of(const store::PostRow& p, std::vector<std::string> urls);

class Worker {
public:
    Worker(Env& env, const Options& options, Reporter& reporter, Shared& shared);
    ~Worker();
    /// Publishes the account's due posts, one at a time, until none is left or one must wait.
    void account(std::int64_t account_id);

private:
    enum class Next { go_on, stop }; ///< stop: leave the account's other posts to a later run

    Next publish(store::PostRow p, const std::string& was);
    Next start(store::PostRow& p);
    /// A post TikTok already has: resume its upload, or ask its status.
    Next follow(store::PostRow& p);
    std::optional<Next> check_creator(store::PostRow& p, const store::AccountRow& account);
    void check_local_copy(const store::PostRow& p, const store::PostMediaRow& m);
    std::vector<std::string> host_photos(store::PostRow& p);
    void unhost(const store::PostRow& p);
    void store_publish(store::PostRow& p, const std::string& publish_id,
                       const std::string& upload_url, std::optional<std::int64_t> until);
    Next upload(store::PostRow& p);
    Next poll(store::PostRow& p);
    std::optional<tiktok::PublishStatus> status_once(store::PostRow& p);
    /// Deletes the local copies no post needs any more (DESIGN §4).
    void release_local();

    /// A refused call: the post's next state by the verdict on `f` (`kind`: the quota a 429
    /// holds). `forget`: TikTok answered, so nothing of this attempt exists there.
    Next refused(const store::PostRow& p, const tiktok::Failure& f, std::string_view kind,
                 bool forget);
    Next on_error(const store::PostRow& p, const Error& e);
    /// Counts `uses` (and runs `also` in the same transaction, `durable` when it must survive a
    /// power cut); when a limit is reached, when it frees up instead.
    std::optional<std::int64_t> take_quota(const store::PostRow& p,
                                           const std::vector<store::QuotaUse>& uses,
                                           const std::function<void()>& also,
                                           bool durable = false);

    bool finish(const store::PostRow& p, const store::PostOutcome& o);
    void release(const store::PostRow& p);
    void defer(const store::PostRow& p, const std::string& code, const std::string& message,
               std::int64_t until, Exit exit, bool forget = false);
    void attention(const store::PostRow& p, const std::string& code, const std::string& message);
    void fail(const store::PostRow& p, const std::string& code, const std::string& message,
              const std::string& log_id, bool forget);
    void login_needed(const store::AccountRow& account);
    void report(const Event& e);
    std::int64_t now() const;

    Env& m_env;
    const Options& m_options;
    Reporter& m_reporter;
    Shared& m_shared;
    std::unique_ptr<store::Db> m_db;
    std::unique_ptr<net::HttpClient> m_http;
    std::unique_ptr<oauth::AuthEnv> m_auth;
    std::unique_ptr<media::MediaHost> m_host;
    media::LocalStore m_store;
    net::RetryPolicy m_retry;
};

} // namespace looppost::publish
