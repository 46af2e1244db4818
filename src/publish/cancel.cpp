// `queue cancel` of a post in flight (DESIGN §5): only a photo pull TikTok is still downloading
// can be stopped; anything further along has reached TikTok for good.

#include "worker.hpp"

#include <fmt/format.h>
#include <looppost/queue/enqueue.hpp>
#include <looppost/queue/steer.hpp>
#include <looppost/tiktok/outcome.hpp>

namespace looppost::publish {

store::PostRow cancel_in_flight(oauth::AuthEnv& auth, media::LocalStore& store,
                                const std::function<std::unique_ptr<media::MediaHost>()>& host,
                                std::int64_t post_id) {
    auto& db = auth.db;
    auto p = queue::post_or_throw(db, post_id);
    auto refuse = [&](const std::string& why) {
        return Error(Exit::bad_input,
                     fmt::format("post {} is being published and {}; TikTok can no longer stop it",
                                 post_id, why));
    };
    if (p.state != "publishing")
        throw Fatal(fmt::format("post {} is {}, not publishing", post_id, p.state));
    if (!p.publish_id)
        throw refuse("its init is on its way to TikTok");
    if (p.kind != "photo")
        throw refuse("its video is being uploaded or processed");
    auto st =
        oauth::with_token<tiktok::PublishStatus>(auth, p.account_id, [&](const vault::Secret& t) {
            return auth.api.status(t, *p.publish_id);
        });
    if (!st)
        throw Error(Exit::unavailable, fmt::format("TikTok did not say where publish {} is: {}",
                                                   *p.publish_id, st.error().describe()));
    if (st->status != "PROCESSING_DOWNLOAD")
        throw refuse(fmt::format("TikTok reports {}", st->status));
    auto r = oauth::with_token<bool>(auth, p.account_id, [&](const vault::Secret& t) {
        return auth.api.cancel(t, *p.publish_id);
    });
    if (!r) {
        if (r.error().code == "publish_not_cancellable")
            throw refuse("TikTok has already downloaded the photos");
        throw Error(Exit::unavailable,
                    fmt::format("TikTok did not cancel publish {}: {}", *p.publish_id,
                                tiktok::classify(r.error(), true).explanation));
    }
    db.transaction([&] {
        if (db.post_cancel_publishing(post_id, static_cast<std::int64_t>(std::time(nullptr))))
            db.event_add("cancelled", fmt::format("TikTok stopped publish {}", *p.publish_id),
                         p.account_id, post_id);
    });
    std::unique_ptr<media::MediaHost> h;
    delete_hosted(
        db,
        [&]() -> media::MediaHost& {
            if (!h)
                h = host();
            return *h;
        },
        p, [](const std::string&) {});
    queue::release_media(db, store);
    return queue::post_or_throw(db, post_id);
}

} // namespace looppost::publish
