#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <looppost/cli/post_options.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/util/strings.hpp>
#include <unistd.h>

namespace looppost::cli {
namespace {

/// A post option's flag: its name with dashes ("allow_comments" → "allow-comments").
std::string flag_name(std::string_view option) {
    std::string n(option);
    std::replace(n.begin(), n.end(), '_', '-');
    return n;
}

constexpr const char* k_music_url =
    "https://www.tiktok.com/legal/page/global/music-usage-confirmation/en";
constexpr const char* k_branded_url = "https://www.tiktok.com/legal/page/global/bc-policy/en";

std::optional<tiktok::CreatorInfo> ask_creator(Session& s, const store::AccountRow& a) {
    try {
        auto& env = s.auth();
        auto r = oauth::with_token<tiktok::CreatorInfo>(
            env, a.id, [&](const vault::Secret& t) { return env.api.creator_info(t); });
        if (r)
            return *r;
        if (r.error().kind == tiktok::Failure::Kind::api && r.error().http_status == 200) {
            // "Cannot post right now" (reference §4.2): the post is for later; say it.
            s.out().warning(fmt::format("TikTok says {} cannot post right now ({}); the post is "
                                        "queued and publish-due will try when it is due",
                                        a.name, r.error().describe()));
            return std::nullopt;
        }
        s.out().warning(fmt::format("could not ask TikTok for {}'s posting settings ({}); they "
                                    "are checked again before publishing",
                                    a.name, r.error().describe()));
    } catch (const Error& e) {
        if (e.exit() == Exit::reauth_required || e.exit() == Exit::config_missing)
            throw;
        s.out().warning(fmt::format("could not ask TikTok for {}'s posting settings ({}); they "
                                    "are checked again before publishing",
                                    a.name, e.what()));
    }
    return std::nullopt;
}

/// TikTok's declaration for direct posts (reference §4.15), shown on a terminal before storing.
void consent(bool ask, const store::AccountRow& a, const std::optional<tiktok::CreatorInfo>& info,
             const std::vector<const queue::Draft*>& drafts) {
    bool branded = false;
    bool own_brand = false;
    for (const auto* d : drafts) {
        branded = branded || d->options.value("brand_content", false);
        own_brand = own_brand || d->options.value("brand_organic", false);
    }
    std::string who = info ? fmt::format("{} (@{})", info->nickname, info->username)
                           : a.display_name.value_or(a.name);
    fmt::print(stderr, "Direct post{} to TikTok as {}.\n",
               drafts.size() == 1 ? "" : fmt::format("s ({})", drafts.size()), who);
    if (branded)
        fmt::print(stderr, "Labelled \"Paid partnership\".\n");
    else if (own_brand)
        fmt::print(stderr, "Labelled \"Promotional content\".\n");
    if (branded) {
        fmt::print(stderr,
                   "By posting, you agree to TikTok's Branded Content Policy ({}) and Music "
                   "Usage Confirmation ({}).\n",
                   k_branded_url, k_music_url);
    } else {
        fmt::print(stderr, "By posting, you agree to TikTok's Music Usage Confirmation ({}).\n",
                   k_music_url);
    }
    if (!ask)
        return;
    fmt::print(stderr, "Queue {}? [y/N] ", drafts.size() == 1 ? "it" : "them");
    std::fflush(stderr);
    std::string answer;
    std::getline(std::cin, answer);
    answer = util::to_lower(util::trim(answer));
    if (answer != "y" && answer != "yes")
        throw Error(Exit::failed, "not queued: the declaration was not accepted");
}

} // namespace

queue::EnqueueHooks direct_post_hooks(Session& s, bool yes) {
    queue::EnqueueHooks hooks;
    hooks.creator_info = [&s](const store::AccountRow& a) { return ask_creator(s, a); };
    // The declaration goes to stderr, so it is shown on a terminal even under --json.
    if (::isatty(2) == 1) {
        bool ask = ::isatty(0) == 1 && !yes;
        hooks.consent = [ask](const store::AccountRow& a,
                              const std::optional<tiktok::CreatorInfo>& info,
                              const std::vector<const queue::Draft*>& drafts) {
            consent(ask, a, info, drafts);
        };
    }
    hooks.note = [&s](const std::string& n) { s.out().note(n); };
    return hooks;
}

void add_post_options(CLI::App& cmd, PostFlags& f) {
    cmd.add_option("--caption", f.post.caption,
                   "video caption or photo description (\"-\": read it from stdin)")
        ->type_name("TEXT");
    cmd.add_option("--caption-file", f.caption_file, "read the caption from FILE")
        ->type_name("FILE");
    cmd.add_option("--title", f.post.title, "photo title (at most 90 UTF-16 units)")
        ->type_name("TEXT");
    cmd.add_option("--at", f.post.at,
                   "when: ISO 8601 with offset, \"YYYY-MM-DD HH:MM\" in the account's zone, "
                   "+90m/+2h/+1d2h30m, or now")
        ->type_name("TIME");
    cmd.add_option("--mode", f.post.mode, "inbox (a draft to finish in the app) or direct")
        ->type_name("MODE");
    cmd.add_option("--privacy", f.post.privacy,
                   "direct posts: public, friends, followers or private (no default)")
        ->type_name("LEVEL");
    const std::vector<std::pair<std::string, std::string>> toggles = {
        {"allow-comments", "let viewers comment"},
        {"allow-duet", "let viewers duet (videos)"},
        {"allow-stitch", "let viewers stitch (videos)"},
        {"auto-music", "let TikTok add music (photos)"},
        {"brand-organic", "disclose: promotes your own brand"},
        {"brand-content", "disclose: paid partnership (cannot be private)"},
        {"aigc", "label as AI-generated content (videos)"},
    };
    for (const auto& [name, help] : toggles) {
        f.toggles[name] = cmd.add_flag(fmt::format("--{},!--no-{}", name, name),
                                       f.toggle_values[name], help + " (--no-" + name + ": off)");
    }
    cmd.add_option("--cover-index", f.post.cover_index, "photos: the cover photo, from 0")
        ->type_name("N");
    cmd.add_option("--cover-ms", f.post.cover_ms, "videos: the cover frame's time in ms")
        ->type_name("MS");
}

std::string read_stdin() {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

void finish_post_options(PostFlags& f) {
    for (const auto& field : queue::option_fields()) {
        const auto* flag = std::get_if<queue::OptionField::Flag>(&field.member);
        std::string name = flag_name(field.name);
        if (flag && f.toggles.at(name)->count() > 0)
            f.post.** flag = f.toggle_values.at(name);
    }

    auto& caption = f.post.caption;
    if (f.caption_file && caption)
        throw UsageError("give --caption or --caption-file, not both");
    if (f.caption_file)
        caption = *f.caption_file == "-" ? read_stdin() : util::read_file(*f.caption_file);
    else if (caption == "-")
        caption = read_stdin();
    else
        return;
    // A file's final newline is not part of the caption.
    while (!caption->empty() && (caption->back() == '\n' || caption->back() == '\r'))
        caption->pop_back();
}

} // namespace looppost::cli
