#include <fmt/format.h>
#include <iostream>
#include <looppost/cli/post_options.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>

namespace looppost::cli {

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
    auto take = [&](const char* name, std::optional<bool>& field) {
        if (f.toggles.at(name)->count() > 0)
            field = f.toggle_values.at(name);
    };
    take("allow-comments", f.post.allow_comments);
    take("allow-duet", f.post.allow_duet);
    take("allow-stitch", f.post.allow_stitch);
    take("auto-music", f.post.auto_music);
    take("brand-organic", f.post.brand_organic);
    take("brand-content", f.post.brand_content);
    take("aigc", f.post.aigc);

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
