// `publish-due --dry-run`: what a run would send now, request bodies included; nothing is
// claimed, sent or changed.

#include "worker.hpp"

#include <fmt/format.h>
#include <looppost/media/local_store.hpp>
#include <looppost/tiktok/chunk_plan.hpp>

namespace looppost::publish {
namespace {

nlohmann::json request(std::string method, std::string path, nlohmann::json body) {
    return {{"method", std::move(method)}, {"path", std::move(path)}, {"body", std::move(body)}};
}

} // namespace

nlohmann::json dry_run(const store::Db& db, std::int64_t now,
                       std::optional<std::int64_t> account_id,
                       const std::optional<std::string>& public_base_url) {
    nlohmann::json posts = nlohmann::json::array();
    auto due = db.due(now, account_id);
    auto accounts = accounts_with_work(db, due, now);
    for (const auto& r : due) {
        if (std::find(accounts.begin(), accounts.end(), r.account_id) == accounts.end())
            continue;
        if (r.state == "deferred" && r.next_attempt_at && *r.next_attempt_at > now)
            continue;
        auto p = db.post(r.id);
        if (!p)
            continue;
        nlohmann::json requests = nlohmann::json::array();
        if (p->publish_id) {
            requests.push_back(request("POST", "/v2/post/publish/status/fetch/",
                                       {{"publish_id", *p->publish_id}}));
        } else {
            if (p->mode == "direct")
                requests.push_back(request("POST", "/v2/post/publish/creator_info/query/",
                                           nlohmann::json::object()));
            if (p->kind == "photo") {
                std::vector<std::string> urls;
                for (const auto& m : p->media) {
                    // The real name is random, chosen when the photo is put on the host.
                    std::string url =
                        fmt::format("{}<random>.{}", public_base_url.value_or("<no media host>/"),
                                    media::extension_for(m.media.mime));
                    requests.push_back(request(
                        "PUT", url, {{"sha256", m.media.sha256}, {"bytes", m.media.bytes}}));
                    urls.push_back(url);
                }
                requests.push_back(request("POST", tiktok::k_photo_init_path,
                                           tiktok::photo_init_body(photo_post_of(*p, urls))));
            } else {
                const auto& m = p->media.front().media;
                auto plan = tiktok::plan_chunks(static_cast<std::uint64_t>(m.bytes));
                tiktok::PostInfo info = post_info_of(*p);
                const tiktok::PostInfo* pi = p->mode == "direct" ? &info : nullptr;
                requests.push_back(request("POST", tiktok::video_init_path(pi),
                                           tiktok::video_init_body(pi, plan)));
                for (std::uint64_t i = 0; i < plan.chunk_count; ++i) {
                    requests.push_back(request("PUT", "<upload_url>",
                                               {{"Content-Type", m.mime},
                                                {"Content-Range", tiktok::content_range(plan, i)},
                                                {"bytes", plan.length(i)}}));
                }
            }
            requests.push_back(request("POST", "/v2/post/publish/status/fetch/",
                                       {{"publish_id", "<from the init>"}}));
        }
        posts.push_back({{"id", p->id},
                         {"account", p->account},
                         {"kind", p->kind},
                         {"mode", p->mode},
                         {"state", p->state},
                         {"requests", std::move(requests)}});
    }
    return posts;
}

} // namespace looppost::publish
