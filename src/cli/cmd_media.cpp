// looppost media set s3|dir | media show | media test: where photos are hosted for TikTok to
// pull (DESIGN §1.3).

#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <looppost/cli/app.hpp>
#include <looppost/cli/config_view.hpp>
#include <looppost/core/clock.hpp>
#include <looppost/media/host.hpp>
#include <looppost/oauth/app.hpp>

namespace looppost::cli {
namespace {

struct MediaSetOptions {
    media::HostConfig config;
    std::string path;
    bool secret_stdin = false;
};

void print_host(Output& out, const std::optional<media::HostConfig>& h) {
    if (out.json()) {
        out.document(host_json(h));
        return;
    }
    if (!h) {
        out.line("no media host configured (photos need one: looppost media set dir|s3 …)");
        return;
    }
    std::vector<std::vector<std::string>> rows = {{"kind", h->kind}};
    if (h->kind == "dir") {
        rows.push_back({"path", h->path.string()});
    } else {
        rows.push_back({"endpoint", h->endpoint});
        rows.push_back({"bucket", h->bucket});
        rows.push_back({"region", h->region});
        rows.push_back({"access key id", h->access_key_id});
        rows.push_back({"secret access key", "stored, sealed"});
        rows.push_back({"addressing", h->path_style ? "path style" : "virtual-hosted"});
    }
    rows.push_back({"public base url", h->public_base_url});
    rows.push_back({"prefix", h->prefix.empty() ? "(none)" : h->prefix});
    out.table(rows);
}

// The S3 secret: stdin, else LOOPPOST_S3_SECRET_ACCESS_KEY; never argv.
std::optional<vault::Secret> s3_secret(Session& s, bool from_stdin) {
    if (from_stdin) {
        std::string raw{std::istreambuf_iterator<char>(std::cin), {}};
        return oauth::read_secret("secret access key on stdin", std::move(raw));
    }
    if (auto v = s.ctx().env()("LOOPPOST_S3_SECRET_ACCESS_KEY"); v && !v->empty()) {
        return oauth::read_secret("LOOPPOST_S3_SECRET_ACCESS_KEY", *v);
    }
    return std::nullopt;
}

Exit store_host(Session& s, media::HostConfig config, std::optional<vault::Secret> secret) {
    media::set_host(s.db(), s.vault(), std::move(config), std::move(secret));
    auto stored = media::describe_host(s.db());
    if (s.out().json()) {
        print_host(s.out(), stored);
    } else {
        s.out().note(fmt::format("media host stored: {}, public base URL {} (check it with "
                                 "looppost media test)",
                                 stored->kind, stored->public_base_url));
    }
    return Exit::ok;
}

void add_set_s3(CLI::App& set, Action& action) {
    auto o = std::make_shared<MediaSetOptions>();
    auto* s3 = set.add_subcommand("s3", "an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, "
                                        "B2); the secret from stdin or "
                                        "LOOPPOST_S3_SECRET_ACCESS_KEY");
    s3->add_option("--endpoint", o->config.endpoint, "the S3 API endpoint, https://…")
        ->type_name("URL")
        ->required();
    s3->add_option("--bucket", o->config.bucket, "the bucket")->type_name("B")->required();
    s3->add_option("--region", o->config.region, "the bucket's region (auto for R2)")
        ->type_name("R")
        ->required();
    s3->add_option("--access-key-id", o->config.access_key_id, "the access key id")
        ->type_name("ID")
        ->required();
    s3->add_option("--public-base-url", o->config.public_base_url,
                   "the URL that publishes the bucket, on a domain verified with TikTok")
        ->type_name("URL")
        ->required();
    s3->add_option("--prefix", o->config.prefix, "put objects under this prefix (e.g. tiktok/)")
        ->type_name("P");
    s3->add_flag("--path-style", o->config.path_style,
                 "address the bucket as endpoint/bucket (MinIO) instead of bucket.endpoint");
    s3->add_flag("--secret-access-key-stdin", o->secret_stdin,
                 "read the secret access key from stdin");
    s3->callback([&action, o] {
        action = [o](Session& s) {
            media::HostConfig config = o->config;
            config.kind = "s3";
            return store_host(s, std::move(config), s3_secret(s, o->secret_stdin));
        };
    });
}

void add_set_dir(CLI::App& set, Action& action) {
    auto o = std::make_shared<MediaSetOptions>();
    auto* dir = set.add_subcommand("dir", "a folder that your own web server publishes");
    dir->add_option("--path", o->path, "the folder photos are written to")
        ->type_name("DIR")
        ->required();
    dir->add_option("--public-base-url", o->config.public_base_url,
                    "the URL under which the web server publishes the folder")
        ->type_name("URL")
        ->required();
    dir->add_option("--prefix", o->config.prefix, "put files under this sub-path")->type_name("P");
    dir->callback([&action, o] {
        action = [o](Session& s) {
            media::HostConfig config = o->config;
            config.kind = "dir";
            config.path = o->path;
            return store_host(s, std::move(config), std::nullopt);
        };
    });
}

Exit run_test(Session& s) {
    auto& ctx = s.ctx();
    media::HostEnv seams{ctx.http(), ctx.clock(), ctx.random()};
    auto host = media::open_host(s.db(), s.vault(), ctx.env(), seams);
    auto report = media::probe_host(*host, seams, s.media().temp_dir());
    if (s.out().json()) {
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& st : report.steps) {
            steps.push_back({{"name", st.name}, {"ok", st.ok}, {"detail", st.detail}});
        }
        s.out().document(
            {{"ok", report.ok()},
             {"kind", host->kind()},
             {"url", report.url.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.url)},
             {"steps", steps}});
    } else {
        for (const auto& st : report.steps) {
            s.out().line(fmt::format(
                "{}  {:<8} {}", st.ok ? s.out().paint("ok  ", "32") : s.out().paint("FAIL", "31"),
                st.name, st.detail));
        }
    }
    if (report.ok()) {
        return Exit::ok;
    }
    for (const auto& st : report.steps) {
        if (!st.ok) {
            s.out().error_line(Error(Exit::unavailable,
                                     fmt::format("media test: {} failed: {}", st.name, st.detail)));
        }
    }
    return Exit::unavailable;
}

} // namespace

void add_media_command(CLI::App& app, Action& action) {
    auto* cmd =
        app.add_subcommand("media", "the media host photos are pulled from: set, show, test");
    cmd->require_subcommand(1);

    auto* set = cmd->add_subcommand("set", "store the media host (s3 or dir)");
    set->require_subcommand(1);
    add_set_s3(*set, action);
    add_set_dir(*set, action);

    auto* show = cmd->add_subcommand("show", "show the media host (never the secret)");
    show->callback([&action] {
        action = [](Session& s) {
            print_host(s.out(), media::describe_host(s.db()));
            return Exit::ok;
        };
    });

    auto* test = cmd->add_subcommand(
        "test", "upload a probe photo, fetch it through the public URL, delete it");
    test->callback([&action] { action = [](Session& s) { return run_test(s); }; });
}

} // namespace looppost::cli
