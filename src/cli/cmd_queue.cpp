// looppost queue [list] | show | edit | cancel | retry | reschedule

#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/cli/post_options.hpp>
#include <looppost/cli/posts_view.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/publish/publish.hpp>
#include <looppost/queue/steer.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/strings.hpp>

namespace looppost::cli {
namespace {

const std::vector<std::string> k_states = {"queued",          "publishing", "deferred",
                                           "published",       "in_inbox",   "failed",
                                           "needs_attention", "cancelled"};
/// What `queue` shows by default: work still ahead, and what needs a human.
const std::vector<std::string> k_open_states = {"queued", "publishing", "deferred",
                                                "needs_attention", "failed"};

struct ListFlags {
    std::vector<std::string> states;
    std::optional<std::string> due_before;
    std::size_t limit = 50;
};

std::vector<std::string> states_of(const std::vector<std::string>& given) {
    if (given.empty())
        return k_open_states;
    std::vector<std::string> out;
    for (const auto& g : given) {
        for (const auto& part : util::split(g, ',')) {
            std::string s = util::to_lower(util::trim(part));
            if (s == "all")
                return {};
            if (std::find(k_states.begin(), k_states.end(), s) == k_states.end()) {
                throw UsageError(fmt::format("unknown state \"{}\"{}; states: {}, or all", s,
                                             util::did_you_mean(s, k_states),
                                             util::join(k_states, ", ")));
            }
            out.push_back(s);
        }
    }
    return out;
}

Exit list(Session& s, const ListFlags& f) {
    store::PostFilter filter;
    filter.states = states_of(f.states);
    filter.limit = f.limit + 1;
    if (const auto& name = s.ctx().options().account)
        filter.account_id = oauth::resolve_account(s.db(), name).id;
    if (f.due_before) {
        // A local time is read in the chosen (or default) account's zone.
        auto a = s.ctx().options().account || s.db().default_account()
                     ? std::optional(oauth::resolve_account(s.db(), s.ctx().options().account))
                     : std::nullopt;
        filter.due_before = schedule::parse_at(
            *f.due_before, schedule::zone_or_system(a ? a->time_zone : std::nullopt), s.now());
    }
    auto posts = s.db().posts(filter);
    bool more = posts.size() > f.limit;
    if (more)
        posts.pop_back();
    if (s.out().json()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& p : posts)
            arr.push_back(post_json(p));
        s.out().document(arr);
        return Exit::ok;
    }
    if (posts.empty()) {
        s.out().note("no posts");
        return Exit::ok;
    }
    std::map<std::int64_t, std::optional<std::string>> zones;
    for (const auto& a : s.db().accounts())
        zones[a.id] = a.time_zone;
    std::vector<std::vector<std::string>> rows = {
        {"ID", "ACCOUNT", "KIND", "DUE", "STATE", "CAPTION"}};
    for (const auto& p : posts) {
        std::string kind = p.kind == "photo" ? fmt::format("photo×{}", p.media.size()) : p.kind;
        rows.push_back({std::to_string(p.id), p.account, fmt::format("{} {}", p.mode, kind),
                        local_time(p.due_at, zones[p.account_id]), p.state,
                        caption_start(p.caption, 40)});
    }
    s.out().table(rows);
    if (more) {
        s.out().note(fmt::format("more posts follow; use --limit {} or filter with --state, "
                                 "--due-before",
                                 f.limit * 2));
    }
    return Exit::ok;
}

void print_post(Session& s, const store::PostRow& p, bool with_events) {
    auto account = s.db().account_by_id(p.account_id);
    auto zone = account ? account->time_zone : std::nullopt;
    if (s.out().json()) {
        auto doc = post_json(p);
        if (with_events) {
            nlohmann::json events = nlohmann::json::array();
            for (const auto& e : s.db().post_events(p.id))
                events.push_back(event_json(e));
            doc["events"] = events;
        }
        s.out().document(doc);
        return;
    }
    std::vector<std::vector<std::string>> rows = {
        {"post", std::to_string(p.id)},
        {"account", p.account},
        {"kind", p.kind},
        {"mode", p.mode},
        {"state", p.state},
        {"due", fmt::format("{} ({})", local_time(p.due_at, zone), p.at_text)},
    };
    if (p.privacy)
        rows.push_back({"privacy", *p.privacy});
    if (p.title)
        rows.push_back({"title", *p.title});
    rows.push_back({"options", p.options});
    rows.push_back({"key", p.key});
    if (p.publish_id)
        rows.push_back({"publish id", *p.publish_id});
    if (p.error_message) {
        rows.push_back(
            {"error", fmt::format("{}{}", *p.error_message,
                                  p.error_log_id ? " (log id " + *p.error_log_id + ")" : "")});
    }
    for (const auto& m : p.media) {
        std::string dims =
            m.media.width ? fmt::format(" {}×{}", *m.media.width, *m.media.height) : "";
        std::string dur =
            m.media.duration_ms
                ? fmt::format(" {:.1f} s", static_cast<double>(*m.media.duration_ms) / 1000)
                : "";
        rows.push_back({fmt::format("media {}", m.position),
                        fmt::format("{} {}{}{} {} bytes", m.media.sha256.substr(0, 12),
                                    m.media.mime, dims, dur, m.media.bytes)});
    }
    for (const auto& r : rows)
        s.out().line(fmt::format("{:<11}{}", r[0], r[1]));
    s.out().line("caption");
    for (const auto& l : util::split(p.caption, '\n'))
        s.out().line("  " + l);
    if (with_events) {
        s.out().line("events");
        for (const auto& e : s.db().post_events(p.id)) {
            s.out().line(fmt::format("  {}  {}{}", local_time(e.at, zone), e.kind,
                                     e.detail.empty() ? "" : "  " + e.detail));
        }
    }
}

} // namespace

void add_queue_command(CLI::App& app, Action& action) {
    auto* queue = app.add_subcommand("queue", "inspect and steer the queue (default: list)");
    auto lf = std::make_shared<ListFlags>();
    auto add_filters = [lf](CLI::App* cmd) {
        cmd->add_option("--state", lf->states,
                        "only posts in these states (comma-separated, or all; default: "
                        "queued, publishing, deferred, needs_attention, failed)")
            ->type_name("STATE");
        cmd->add_option("--due-before", lf->due_before, "only posts due before TIME")
            ->type_name("TIME");
        cmd->add_option("--limit", lf->limit, "show at most N posts (default 50)")
            ->type_name("N")
            ->check(CLI::PositiveNumber);
    };
    add_filters(queue);
    queue->callback([&action, lf, queue] {
        if (queue->get_subcommands().empty())
            action = [lf](Session& s) { return list(s, *lf); };
    });
    auto* list_cmd = queue->add_subcommand("list", "list posts, soonest first");
    add_filters(list_cmd);
    list_cmd->callback([&action, lf] { action = [lf](Session& s) { return list(s, *lf); }; });

    auto id = std::make_shared<std::int64_t>(0);
    auto* show = queue->add_subcommand("show", "everything about a post, with its history");
    show->add_option("id", *id, "the post")->required()->type_name("ID");
    show->callback([&action, id] {
        action = [id](Session& s) {
            print_post(s, queue::post_or_throw(s.db(), *id), true);
            return Exit::ok;
        };
    });

    auto pf = std::make_shared<PostFlags>();
    auto yes = std::make_shared<bool>(false);
    auto* edit = queue->add_subcommand(
        "edit", "change a post that has not started publishing (media and key stay)");
    edit->add_option("id", *id, "the post")->required()->type_name("ID");
    add_post_options(*edit, *pf);
    edit->add_flag("--yes", *yes, "direct posts: accept TikTok's declaration without asking");
    edit->callback([&action, id, pf, yes] {
        action = [id, pf, yes](Session& s) {
            finish_post_options(*pf);
            auto p = queue::edit(s.db(), *id, pf->post, s.now(), direct_post_hooks(s, *yes));
            if (s.out().json())
                s.out().document(post_json(p));
            else
                s.out().note(fmt::format("post {} changed", p.id));
            return Exit::ok;
        };
    });

    auto at = std::make_shared<std::string>();
    auto* reschedule = queue->add_subcommand("reschedule", "give a post a new time");
    reschedule->add_option("id", *id, "the post")->required()->type_name("ID");
    reschedule->add_option("--at", *at, "the new time (same forms as enqueue --at)")
        ->required()
        ->type_name("TIME");
    reschedule->callback([&action, id, at] {
        action = [id, at](Session& s) {
            queue::PostInput in;
            in.at = *at;
            auto p = queue::edit(s.db(), *id, in, s.now());
            auto a = s.db().account_by_id(p.account_id);
            if (s.out().json())
                s.out().document(post_json(p));
            else
                s.out().note(
                    fmt::format("post {} is due {}", p.id, local_time(p.due_at, a->time_zone)));
            return Exit::ok;
        };
    });

    auto* cancel = queue->add_subcommand(
        "cancel", "cancel a post that is not being published, or a photo post TikTok is still "
                  "downloading");
    cancel->add_option("id", *id, "the post")->required()->type_name("ID");
    cancel->callback([&action, id] {
        action = [id](Session& s) {
            // In flight, only TikTok can stop it (DESIGN §5): ask it.
            bool in_flight = queue::post_or_throw(s.db(), *id).state == "publishing";
            auto p = in_flight ? publish::cancel_in_flight(
                                     s.auth(), s.media(),
                                     [&s] {
                                         return media::open_host(
                                             s.db(), s.vault(), s.ctx().env(),
                                             {s.ctx().http(), s.ctx().clock(), s.ctx().random()});
                                     },
                                     *id)
                               : queue::cancel(s.db(), s.media(), *id);
            if (s.out().json())
                s.out().document(post_json(p));
            else
                s.out().note(fmt::format("post {} cancelled", p.id));
            return Exit::ok;
        };
    });

    auto* retry = queue->add_subcommand("retry", "queue a failed or needs_attention post again");
    retry->add_option("id", *id, "the post")->required()->type_name("ID");
    retry->callback([&action, id] {
        action = [id](Session& s) {
            auto [p, what] = queue::retry(s.db(), *id, s.now());
            if (s.out().json()) {
                auto doc = post_json(p);
                doc["next"] = what;
                s.out().document(doc);
            } else {
                s.out().line(what);
            }
            return Exit::ok;
        };
    });
}

} // namespace looppost::cli
