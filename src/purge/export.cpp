// looppost export: the store read in one snapshot with every secret left out, and the media
// files copied out under the names of their content.

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <limits>
#include <looppost/core/env.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/purge/export.hpp>
#include <looppost/util/digest.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::purge {

namespace fs = std::filesystem;

Export collect(const store::Db& db, const media::LocalStore& local,
               std::optional<std::int64_t> account_id) {
    Export e;
    db.read_transaction([&] {
        // Only what is stored: the environment's credentials are not the user's data here.
        auto app = oauth::describe_app(db, core::fixed_env({}));
        if (app.client_key)
            e.app = std::move(app);
        e.media_host = media::describe_host(db);
        e.settings = db.settings_all();
        for (auto& a : db.accounts()) {
            e.account_names[a.id] = a.name;
            if (account_id && a.id != *account_id)
                continue;
            ExportAccount x;
            x.logged_in = !a.refresh_token.empty();
            // Sealed, but secrets all the same: they do not travel further than this.
            a.access_token.clear();
            a.refresh_token.clear();
            x.slots = db.slots(a.id);
            for (auto& s : db.account_series(a.id))
                e.account_snapshots.emplace_back(a.name, std::move(s));
            std::map<std::string, std::vector<store::SnapshotRow>> series;
            for (auto& s : db.account_video_series(a.id))
                series[s.video_id].push_back(std::move(s));
            for (auto& v : db.videos_latest(a.id)) {
                auto snaps = std::move(series[v.video.id]);
                e.videos.push_back({std::move(v.video), a.name, std::move(snaps)});
            }
            x.account = std::move(a);
            e.accounts.push_back(std::move(x));
        }
        store::PostFilter f;
        f.account_id = account_id;
        f.limit = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
        for (auto& p : db.posts(f)) {
            p.upload_url.clear();
            auto events = db.post_events(p.id);
            e.posts.push_back({std::move(p), std::move(events)});
        }
        for (auto& m : db.media_all(account_id)) {
            bool present = local.intact(m.sha256, m.mime, m.bytes);
            e.media.push_back({std::move(m), present, std::nullopt});
        }
        e.events = db.events_without_post(account_id);
    });
    return e;
}

MediaCopy::MediaCopy(fs::path dir) : m_dir(std::move(dir)) {
    std::error_code ec;
    auto status = fs::symlink_status(m_dir, ec);
    if (fs::exists(status)) {
        if (!fs::is_directory(fs::status(m_dir, ec)))
            throw UsageError(fmt::format("--with-media \"{}\" is not a folder; name a new or "
                                         "empty folder",
                                         m_dir.string()));
        if (!fs::is_empty(m_dir, ec) || ec)
            throw UsageError(fmt::format("--with-media folder \"{}\" is not empty; name a new or "
                                         "empty folder",
                                         m_dir.string()));
        return;
    }
    auto parent = m_dir.parent_path().empty() ? fs::path(".") : m_dir.parent_path();
    if (!fs::is_directory(parent, ec))
        throw UsageError(fmt::format("--with-media \"{}\": folder \"{}\" does not exist",
                                     m_dir.string(), parent.string()));
}

MediaCopy::~MediaCopy() {
    if (m_keep)
        return;
    for (const auto& p : m_copied)
        ::unlink(p.c_str());
    if (m_created)
        ::rmdir(m_dir.c_str());
}

namespace {

/// Copies `from` to the new file `to` (0600, never over an existing one) and returns the
/// sha256 of the bytes copied.
std::string copy_hashing(const fs::path& from, const fs::path& to) {
    util::Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in)
        throw Error(Exit::no_input, fmt::format("cannot read \"{}\": {}", from.string(),
                                                util::errno_message(errno)));
    util::Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        throw Error(Exit::failed, fmt::format("cannot create \"{}\": {}", to.string(),
                                              util::errno_message(errno)));
    util::Sha256 hash;
    std::vector<char> buf(1 << 16);
    for (;;) {
        ssize_t n = ::read(in.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw Error(Exit::no_input, fmt::format("cannot read \"{}\": {}", from.string(),
                                                    util::errno_message(errno)));
        if (n == 0)
            break;
        std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
        hash.update(chunk);
        while (!chunk.empty()) {
            ssize_t w = ::write(out.get(), chunk.data(), chunk.size());
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                throw Error(Exit::failed, fmt::format("cannot write \"{}\": {}", to.string(),
                                                      util::errno_message(errno)));
            chunk.remove_prefix(static_cast<std::size_t>(w));
        }
    }
    return hash.hex();
}

} // namespace

void MediaCopy::copy(Export& e, const media::LocalStore& local) {
    if (!fs::exists(m_dir)) {
        if (::mkdir(m_dir.c_str(), 0700) != 0)
            throw Error(Exit::failed, fmt::format("cannot create \"{}\": {}", m_dir.string(),
                                                  util::errno_message(errno)));
        m_created = true;
    }
    for (auto& m : e.media) {
        if (!m.present)
            continue;
        auto name = fmt::format("{}.{}", m.media.sha256, media::extension_for(m.media.mime));
        auto to = m_dir / name;
        m_copied.push_back(to);
        auto digest = copy_hashing(local.path_of(m.media.sha256, m.media.mime), to);
        if (digest != m.media.sha256) {
            // Rewritten in place since it was stored: no longer the content it is named by.
            ::unlink(to.c_str());
            m_copied.pop_back();
            m.present = false;
            continue;
        }
        m.file = name;
    }
}

} // namespace looppost::purge
