#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/media/image.hpp>
#include <looppost/media/source.hpp>
#include <looppost/media/video.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/queue/enqueue.hpp>
#include <looppost/schedule/slots.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/digest.hpp>
#include <looppost/util/strings.hpp>
#include <map>
#include <set>
#include <thread>

namespace looppost::queue {
namespace fs = std::filesystem;
namespace {

/// Problems found so far, by input line; a single post reports its first problem as is.
class Problems {
public:
    explicit Problems(bool bulk) : m_bulk(bulk) {}
    void add(std::size_t line, const Error& e) {
        if (!m_bulk)
            throw e;
        m_exit = m_items.empty() ? e.exit() : worse(m_exit, e.exit());
        m_items.push_back({line, e.what()});
    }
    bool any() const { return !m_items.empty(); }
    [[noreturn]] void raise(std::size_t max, std::size_t posts) const {
        auto items = m_items;
        std::stable_sort(items.begin(), items.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::string> lines;
        std::set<std::size_t> bad_lines;
        for (const auto& [line, message] : items) {
            bad_lines.insert(line);
            if (lines.size() < max)
                lines.push_back(fmt::format("line {}: {}", line, message));
        }
        if (items.size() > max)
            lines.push_back(fmt::format("… and {} more problems", items.size() - max));
        throw BatchError(m_exit,
                         fmt::format("{} of {} posts {} bad; nothing was enqueued",
                                     bad_lines.size(), posts, bad_lines.size() == 1 ? "is" : "are"),
                         std::move(lines));
    }

private:
    // When lines disagree, one order whatever the input's: missing configuration (78), then bad
    // data (65), then a missing file (66).
    static Exit worse(Exit a, Exit b) {
        for (Exit e : {Exit::config_missing, Exit::bad_input, Exit::no_input}) {
            if (a == e || b == e)
                return e;
        }
        return a;
    }
    bool m_bulk;
    Exit m_exit = Exit::bad_input;
    std::vector<std::pair<std::size_t, std::string>> m_items;
};

std::string what_of(const fs::path& p, bool video) {
    return fmt::format("{} \"{}\"", video ? "video" : "photo", p.string());
}

/// The sha256 of `p` once it is known to be a readable, non-empty regular file.
std::string hash_original(const fs::path& p, bool video) {
    media::check_source(p, video ? "video" : "photo");
    return util::sha256_file(p);
}

/// The outcome of checking one distinct original.
struct Checked {
    fs::path original;
    bool video = false;
    std::optional<std::string> error; ///< why it cannot be posted
    Exit error_exit = Exit::bad_input;
    store::MediaRow row; ///< sha256 of the bytes to store
    std::vector<std::string> changes;
    std::optional<fs::path> temp; ///< normalised bytes waiting to be adopted
    bool reused = false;
};

void check_media(Checked& c, const fs::path& temp_dir, bool fix) {
    try {
        if (c.video) {
            auto facts = media::probe_video(c.original);
            auto problems = media::video_problems(facts, c.original);
            if (!problems.empty()) {
                // Each message names the file; say it once, then each rule, then each command
                // that fixes them (one command usually fixes all).
                std::string prefix = what_of(c.original, true) + ": ";
                std::vector<std::string> parts;
                std::vector<std::string> fixes;
                for (const auto& p : problems) {
                    parts.push_back(p.message.rfind(prefix, 0) == 0
                                        ? p.message.substr(prefix.size())
                                        : p.message);
                    if (p.ffmpeg && std::find(fixes.begin(), fixes.end(), *p.ffmpeg) == fixes.end())
                        fixes.push_back(*p.ffmpeg);
                }
                c.error = prefix + util::join(parts, "; ");
                if (!fixes.empty())
                    *c.error += "; to fix: " + util::join(fixes, " or ");
                return;
            }
            c.row.kind = "video";
            c.row.mime = facts.mime;
            c.row.bytes = static_cast<std::int64_t>(facts.bytes);
            c.row.width = facts.width;
            c.row.height = facts.height;
            c.row.duration_ms = facts.duration_ms;
            return; // stored as given: row.sha256 is the original's
        }
        auto r = media::normalise_image(c.original, temp_dir, fix);
        c.row.kind = "photo";
        c.row.mime = r.mime;
        c.row.bytes = static_cast<std::int64_t>(r.bytes);
        c.row.width = r.width;
        c.row.height = r.height;
        c.changes = r.changes;
        if (r.changed) {
            c.temp = r.file;
            c.row.sha256 = util::sha256_file(r.file);
        }
    } catch (const Error& e) {
        c.error = e.what();
        c.error_exit = e.exit();
    }
}

/// Runs check_media over `work` on `jobs` threads.
void check_all(std::vector<Checked*>& work, const fs::path& temp_dir, bool fix, unsigned jobs) {
    if (work.empty())
        return;
    unsigned n = jobs != 0 ? jobs : std::max(1U, std::thread::hardware_concurrency());
    n = std::min<unsigned>(n, static_cast<unsigned>(work.size()));
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < work.size(); i = next++)
            check_media(*work[i], temp_dir, fix);
    };
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < n; ++i)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
        t.join();
}

const date::time_zone& zone_of(const store::AccountRow& a) {
    return schedule::zone_or_system(a.time_zone);
}

std::vector<schedule::Slot> slots_of(const store::Db& db, std::int64_t account_id) {
    std::vector<schedule::Slot> out;
    for (const auto& s : db.slots(account_id))
        out.push_back({static_cast<std::uint8_t>(s.days), s.minute});
    return out;
}

void discard_temps(std::map<std::string, Checked>& checked) {
    for (auto& [sha, c] : checked) {
        if (c.temp) {
            std::error_code ec;
            fs::remove(*c.temp, ec);
        }
    }
}

/// Stores every new post of `out` in one transaction (ids filled in; posts another run stored
/// meanwhile become existing), after `first` (in the same transaction) has placed the media and
/// given next-slot posts their times.
void store_posts(store::Db& db, std::vector<Enqueued>& out, const std::function<void()>& first) {
    db.transaction([&] {
        first();
        std::map<std::string, std::int64_t> media_ids; // by the original's sha256
        std::map<std::string, std::int64_t> ids_by_key;
        for (auto& e : out) {
            if (e.existing && e.id != 0)
                continue;
            if (e.existing) { // a repeat within this input
                e.id = ids_by_key.at(e.key);
                continue;
            }
            if (auto id = db.post_id_by_key(e.draft.account.id,
                                            e.key)) { // enqueued meanwhile by another run
                e.id = *id;
                e.existing = true;
                ids_by_key[e.key] = e.id; // for this input's repeats of it
                continue;
            }
            store::NewPost p;
            p.account_id = e.draft.account.id;
            p.kind = e.draft.kind;
            p.mode = e.draft.mode;
            p.caption = e.draft.caption;
            p.title = e.draft.title;
            p.privacy = e.draft.privacy;
            p.options = e.draft.options.dump();
            p.due_at = e.due_at;
            p.at_text = e.draft.at_text;
            p.key = e.key;
            for (auto& m : e.media) {
                auto it = media_ids.find(m.original_sha256);
                if (it == media_ids.end()) {
                    std::int64_t id = db.media_put(m.row);
                    db.media_origin_put(m.original_sha256, id,
                                        m.changes.empty() ? "" : nlohmann::json(m.changes).dump());
                    it = media_ids.emplace(m.original_sha256, id).first;
                }
                m.row.id = it->second;
                p.media_ids.push_back(it->second);
            }
            e.id = db.post_insert(p);
            ids_by_key[e.key] = e.id;
        }
    });
}

} // namespace

void check_cover(const Draft& d, std::optional<std::int64_t> duration_ms) {
    auto cover = d.options.find("cover_ms");
    if (cover == d.options.end() || !duration_ms || cover->get<std::int64_t>() <= *duration_ms)
        return;
    throw Error(Exit::bad_input, fmt::format("cover_ms {} is past the video's end ({} ms)",
                                             cover->get<std::int64_t>(), *duration_ms));
}

void check_creator(const Draft& d, const tiktok::CreatorInfo& info,
                   std::optional<std::int64_t> duration_ms, std::string_view video) {
    const auto& opts = info.privacy_level_options;
    if (d.privacy && std::find(opts.begin(), opts.end(), *d.privacy) == opts.end()) {
        throw Error(Exit::bad_input,
                    fmt::format("privacy {} is not allowed for {} right now; TikTok offers: {}{}",
                                *d.privacy, d.account.name, util::join(opts, ", "),
                                opts.size() == 1 && opts[0] == "SELF_ONLY"
                                    ? " (an unaudited app or a private account can post only "
                                      "privately)"
                                    : ""));
    }
    auto on = [&](const char* k) { return d.options.value(k, false); };
    if (on("allow_comments") && info.comment_disabled)
        throw Error(Exit::bad_input, "the creator has turned comments off in TikTok; drop "
                                     "allow_comments or change the setting in the app");
    if (d.kind == "video" && on("allow_duet") && info.duet_disabled)
        throw Error(Exit::bad_input,
                    "duets are turned off for this account in TikTok; drop allow_duet");
    if (d.kind == "video" && on("allow_stitch") && info.stitch_disabled)
        throw Error(Exit::bad_input,
                    "stitches are turned off for this account in TikTok; drop allow_stitch");
    const auto& max = info.max_video_post_duration_sec;
    if (d.kind == "video" && duration_ms && max && *duration_ms > *max * 1000) {
        throw Error(Exit::bad_input,
                    fmt::format("{} lasts {:.1f} s; {} may post at most {} s: trim it in the "
                                "app, or e.g. ffmpeg -i IN -t {} -c copy OUT.mp4",
                                video, static_cast<double>(*duration_ms) / 1000, d.account.name,
                                *max, *max));
    }
}

std::vector<Enqueued> enqueue(store::Db& db, media::LocalStore& store,
                              const std::vector<PostInput>& inputs, std::int64_t now,
                              const EnqueueOptions& options, const EnqueueHooks& hooks) {
    Problems problems(options.bulk);
    for (const auto& u : options.unreadable)
        problems.add(u.line, Error(Exit::bad_input, u.message));
    std::map<std::string, store::AccountRow> accounts;
    std::vector<Enqueued> out;

    // 1. Fields, and the originals' digests (each file read once per run).
    std::map<fs::path, std::string> digests;
    for (const auto& in : inputs) {
        try {
            std::string name = in.account.value_or("");
            if (!accounts.count(name))
                accounts.emplace(name, oauth::resolve_account(db, in.account, Exit::bad_input));
            Enqueued e;
            e.line = in.line;
            e.draft = check_post(in, accounts.at(name));
            std::vector<std::string> shas;
            for (const auto& p : e.draft.media) {
                auto it = digests.find(p);
                if (it == digests.end())
                    it = digests.emplace(p, hash_original(p, e.draft.kind == "video")).first;
                shas.push_back(it->second);
                e.media.push_back({p, it->second, {}, {}, false});
            }
            e.key = in.key ? *in.key : default_key(e.draft, shas);
            out.push_back(std::move(e));
        } catch (const Error& e) {
            problems.add(in.line, e);
        }
    }

    // 2. Posts already queued (this run's earlier lines included) are left as they are.
    std::map<std::string, std::size_t> first_with_key;
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto& e = out[i];
        if (auto id = db.post_id_by_key(e.draft.account.id, e.key)) {
            e.id = *id;
            e.existing = true;
        } else if (!first_with_key.emplace(e.key, i).second) {
            e.existing = true; // the same post twice in one input: stored once
        }
    }

    // 3. What TikTok allows each creator, asked once per account with direct posts.
    std::map<std::int64_t, std::optional<tiktok::CreatorInfo>> creators;
    for (const auto& e : out) {
        if (!e.existing && e.draft.mode == "direct" && hooks.creator_info &&
            !creators.count(e.draft.account.id))
            creators[e.draft.account.id] = hooks.creator_info(e.draft.account);
    }
    // 4. Media: each distinct original checked once, by earlier runs or now, on every core.
    std::map<std::string, Checked> checked;
    std::vector<Checked*> work;
    for (const auto& e : out) {
        if (e.existing)
            continue;
        for (const auto& m : e.media) {
            if (checked.count(m.original_sha256))
                continue;
            Checked& c = checked[m.original_sha256];
            c.original = m.original;
            c.video = e.draft.kind == "video";
            auto origin = db.media_origin(m.original_sha256);
            if (origin &&
                store.intact(origin->media.sha256, origin->media.mime, origin->media.bytes)) {
                c.row = origin->media;
                c.reused = true;
                auto changes = nlohmann::json::parse(origin->changes, nullptr, false);
                if (changes.is_array())
                    c.changes = changes.get<std::vector<std::string>>();
                if (!options.fix && !c.changes.empty()) {
                    c.error =
                        fmt::format("{} needs changes TikTok requires ({}); drop --no-fix "
                                    "to let looppost make them",
                                    what_of(c.original, c.video), util::join(c.changes, "; "));
                }
                continue;
            }
            if (origin && store.has(origin->media.sha256, origin->media.mime)) {
                // Its original was rewritten in place through the hard link: the copy is no
                // longer the content it is named by. Drop the link (the user's file stays).
                store.remove(origin->media.sha256, origin->media.mime);
            }
            c.row.sha256 = m.original_sha256;
            work.push_back(&c);
        }
    }
    fs::path temp_dir = work.empty() ? fs::path() : store.temp_dir();
    check_all(work, temp_dir, options.fix, options.jobs);

    std::vector<std::string> notes;         // said once the input has passed
    std::map<std::int64_t, bool> has_slots; // per account, asked once
    // 5. Per post: media verdicts, the creator's maximum duration, the cover, the time.
    for (auto& e : out) {
        if (e.existing)
            continue;
        try {
            for (auto& m : e.media) {
                const Checked& c = checked.at(m.original_sha256);
                if (c.error)
                    throw Error(c.error_exit, *c.error);
                m.row = c.row;
                m.changes = c.changes;
                m.reused = c.reused;
            }
            std::optional<std::int64_t> duration_ms;
            if (e.draft.kind == "video")
                duration_ms = e.media.front().row.duration_ms;
            check_cover(e.draft, duration_ms);
            if (auto it = creators.find(e.draft.account.id);
                e.draft.mode == "direct" && it != creators.end() && it->second)
                check_creator(e.draft, *it->second, duration_ms,
                              what_of(e.media.front().original, true));
            if (e.draft.at_text == "next-slot") {
                auto [it, first] = has_slots.try_emplace(e.draft.account.id, false);
                if (first)
                    it->second = !db.slots(e.draft.account.id).empty();
                if (!it->second) {
                    throw Error(Exit::config_missing,
                                fmt::format("account \"{}\" has no posting slots; add one: "
                                            "looppost slots add --account {} \"mon,wed,fri "
                                            "18:00\"",
                                            e.draft.account.name, e.draft.account.name));
                }
            } else {
                e.due_at = schedule::parse_at(e.draft.at_text, zone_of(e.draft.account), now);
                if (e.due_at < now - 60) {
                    notes.push_back(fmt::format(
                        "{}due {}, which has passed: it goes out at the next publish-due run",
                        e.line != 0 ? fmt::format("line {}: ", e.line) : std::string(),
                        schedule::format_local(e.due_at, zone_of(e.draft.account))));
                }
            }
        } catch (const Error& err) {
            if (!options.bulk)
                discard_temps(checked); // add() throws at once: nothing later cleans up
            problems.add(e.line, err);
        }
    }
    if (problems.any()) {
        discard_temps(checked);
        problems.raise(options.max_errors, inputs.size() + options.unreadable.size());
    }
    if (hooks.note) {
        for (const auto& n : notes)
            hooks.note(n);
    }

    // 6. The consent TikTok requires for direct posts (DESIGN §2), before anything is stored.
    if (hooks.consent) {
        std::map<std::int64_t, std::vector<const Draft*>> direct;
        for (const auto& e : out) {
            if (!e.existing && e.draft.mode == "direct")
                direct[e.draft.account.id].push_back(&e.draft);
        }
        for (const auto& [account_id, drafts] : direct) {
            auto it = creators.find(account_id);
            try {
                hooks.consent(drafts.front()->account,
                              it != creators.end() ? it->second : std::nullopt, drafts);
            } catch (...) {
                discard_temps(checked);
                throw;
            }
        }
    }

    // 7. Next free slots, in input order per account, after the account's last pending post.
    std::map<std::int64_t, std::int64_t> slot_after;
    std::map<std::int64_t, std::vector<schedule::Slot>> slots;
    auto assign_slots = [&] {
        slot_after.clear();
        for (auto& e : out) {
            if (e.existing || e.draft.at_text != "next-slot")
                continue;
            auto id = e.draft.account.id;
            if (!slot_after.count(id)) {
                slot_after[id] = std::max(now, db.last_pending_due(id).value_or(now));
                slots[id] = slots_of(db, id);
            }
            auto next = schedule::next_slot(slots[id], zone_of(e.draft.account), slot_after[id]);
            e.due_at = *next; // slots exist: checked above
            slot_after[id] = *next;
        }
    };
    if (options.dry_run) {
        assign_slots();
        discard_temps(checked);
        return out;
    }

    // 8. Unchanged originals staged beside the store; then, in one transaction (so a concurrent
    // release cannot delete a copy between its check and the rows), the copies put in place and
    // made durable, and every post stored. Copies placed by this run go again if it fails.
    std::vector<const Checked*> placed;
    try {
        for (auto& [sha, c] : checked) {
            if (!c.reused && !c.error && !c.temp)
                c.temp = store.stage_original(c.original);
        }
        auto place_media = [&] {
            placed.clear();
            for (auto& [sha, c] : checked) {
                if (!c.temp)
                    continue;
                if (store.place(*c.temp, c.row.sha256, c.row.mime))
                    placed.push_back(&c);
                c.temp.reset();
            }
            store.sync();
            for (const auto& e : out) {
                for (const auto& m : e.media) {
                    if (!e.existing && !store.has(m.row.sha256, m.row.mime)) {
                        throw Error(Exit::failed,
                                    fmt::format("the stored copy of \"{}\" was released by another "
                                                "looppost meanwhile; run enqueue again",
                                                m.original.string()));
                    }
                }
            }
            assign_slots();
        };
        store_posts(db, out, place_media);
    } catch (...) {
        discard_temps(checked);
        for (const auto* c : placed)
            store.remove(c->row.sha256, c->row.mime);
        throw;
    }
    return out;
}

std::size_t release_media(store::Db& db, media::LocalStore& store) {
    std::size_t n = 0;
    // Under the write lock: an enqueue places its copies and stores its rows under it too.
    db.transaction([&] {
        for (const auto& m : db.media_releasable()) {
            if (store.remove(m.sha256, m.mime))
                ++n;
        }
    });
    return n;
}

} // namespace looppost::queue
