#include "unit_support.hpp"

#include <deque>
#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/media/host.hpp>
#include <looppost/net/http.hpp>
#include <looppost/util/digest.hpp>
#include <looppost/vault/vault.hpp>
#include <set>
#include <sys/stat.h>

using namespace looppost;
namespace fs = std::filesystem;

namespace {

struct CountingRandom : core::Random {
    unsigned char next = 0;
    void fill(std::span<unsigned char> out) override {
        for (auto& b : out) {
            b = next++;
        }
    }
};

struct FakeClock : core::Clock {
    core::TimePoint t{};
    core::TimePoint now() const override { return t; }
    void sleep_for(std::chrono::milliseconds d) override { t += d; }
};

// Serves GETs from the dir host's folder (the web server), recording every request.
/// What a fake server keeps of a request (a streamed body cannot be copied).
net::Request recorded(const net::Request& r) {
    net::Request copy;
    copy.method = r.method;
    copy.url = r.url;
    copy.headers = r.headers;
    copy.aws_sigv4 = r.aws_sigv4;
    return copy;
}

struct FolderServer : net::HttpClient {
    std::string base;
    fs::path dir;
    std::vector<net::Request> seen;
    net::Result send(const net::Request& r) override {
        seen.push_back(recorded(r));
        net::Response resp;
        if (r.url.rfind(base, 0) != 0 || !fs::exists(dir / r.url.substr(base.size()))) {
            resp.status = 404;
            return resp;
        }
        resp.status = 200;
        resp.body = test::slurp(dir / r.url.substr(base.size()));
        return resp;
    }
};

media::HostConfig s3_config() {
    media::HostConfig c;
    c.kind = "s3";
    c.endpoint = "https://s3.eu-west-1.amazonaws.com/";
    c.bucket = "photos";
    c.region = "eu-west-1";
    c.access_key_id = "AKIDEXAMPLE";
    c.public_base_url = "https://cdn.example.com/p";
    return c;
}

} // namespace

TEST_CASE("an object key is the prefix, 64 random hex digits and the type's extension") {
    CountingRandom random;
    std::string key = media::make_object_key(random, "tiktok/", "image/jpeg");
    REQUIRE(key.size() == std::string("tiktok/").size() + 64 + 4);
    CHECK(key.rfind("tiktok/000102030405", 0) == 0);
    CHECK(key.substr(key.size() - 4) == ".jpg");
    CHECK(media::make_object_key(random, "", "image/webp").substr(64) == ".webp");
}

TEST_CASE("object keys differ each time and never contain the content's sha256") {
    core::SodiumRandom random;
    std::string sha = util::sha256_hex("photo");
    std::set<std::string> keys;
    for (int i = 0; i < 100; ++i) {
        auto key = media::make_object_key(random, "", "image/jpeg");
        CHECK(key.find(sha.substr(0, 16)) == std::string::npos);
        keys.insert(key);
    }
    CHECK(keys.size() == 100);
}

TEST_CASE("URLs join with exactly one slash") {
    CHECK(media::join_url("https://a.example/p/", "k.jpg") == "https://a.example/p/k.jpg");
    CHECK(media::join_url("https://a.example/p", "/k.jpg") == "https://a.example/p/k.jpg");
}

TEST_CASE("S3 object URLs are path style or virtual-hosted") {
    auto c = media::validated(s3_config());
    CHECK(media::s3_object_url(c, "a/k.jpg") ==
          "https://photos.s3.eu-west-1.amazonaws.com/a/k.jpg");
    c.path_style = true;
    CHECK(media::s3_object_url(c, "a/k.jpg") ==
          "https://s3.eu-west-1.amazonaws.com/photos/a/k.jpg");
    c.endpoint = "http://127.0.0.1:9000";
    CHECK(media::s3_object_url(c, "k.jpg") == "http://127.0.0.1:9000/photos/k.jpg");
    c.path_style = false;
    c.endpoint = "https://minio.example:9000";
    CHECK(media::s3_object_url(c, "k.jpg") == "https://photos.minio.example:9000/k.jpg");
}

TEST_CASE("a host's URLs must be https, or http only to a loopback host") {
    auto c = s3_config();
    c.public_base_url = "http://cdn.example.com/";
    CHECK_THROWS_AS(media::validated(c), UsageError);
    c = s3_config();
    c.endpoint = "http://s3.example.com";
    CHECK_THROWS_AS(media::validated(c), UsageError);
    c = s3_config();
    c.endpoint = "ftp://s3.example.com";
    CHECK_THROWS_AS(media::validated(c), UsageError);
    c = s3_config();
    c.public_base_url = "http://127.0.0.1:8080/media";
    c.endpoint = "http://localhost:9000";
    auto v = media::validated(c);
    CHECK(v.public_base_url == "http://127.0.0.1:8080/media/");
    CHECK(v.endpoint == "http://localhost:9000");
}

TEST_CASE("bucket, region, access key id and prefix are checked") {
    auto bad = [](auto change) {
        auto c = s3_config();
        change(c);
        CHECK_THROWS_AS(media::validated(c), UsageError);
    };
    bad([](auto& c) { c.bucket = "Photos"; });
    bad([](auto& c) { c.bucket = "ab"; });
    bad([](auto& c) { c.region = ""; });
    bad([](auto& c) { c.region = "eu west"; });
    bad([](auto& c) { c.access_key_id = ""; });
    bad([](auto& c) { c.prefix = "/abs"; });
    bad([](auto& c) { c.prefix = "a/../b"; });
    bad([](auto& c) { c.prefix = "a b"; });
    auto c = s3_config();
    c.prefix = "tiktok/2026_11/";
    CHECK(media::validated(c).prefix == "tiktok/2026_11/");
}

TEST_CASE("a dir host needs an existing folder") {
    test::TempDir tmp;
    media::HostConfig c;
    c.kind = "dir";
    c.public_base_url = "https://example.com/t/";
    c.path = tmp.path() / "missing";
    CHECK_THROWS_AS(media::validated(c), Error);
    c.path = tmp.path();
    CHECK(media::validated(c).path == tmp.path());
}

TEST_CASE("the dir host writes a world-readable file under a random name, and removes it") {
    test::TempDir tmp;
    fs::create_directories(tmp.path() / "www");
    fs::path src = tmp.path() / "in.jpg";
    { std::ofstream(src, std::ios::binary) << "jpeg bytes"; }
    media::HostConfig c;
    c.kind = "dir";
    c.path = tmp.path() / "www";
    c.prefix = "p/";
    c.public_base_url = "https://example.com/t/";
    core::SodiumRandom random;
    auto host = media::make_dir_host(media::validated(c), random);
    auto obj = host->put(src, util::sha256_hex("jpeg bytes"), "image/jpeg");
    CHECK(obj.key.rfind("p/", 0) == 0);
    CHECK(obj.url == "https://example.com/t/" + obj.key);
    fs::path stored = c.path / obj.key;
    CHECK(test::slurp(stored) == "jpeg bytes");
    struct stat st {};
    REQUIRE(::stat(stored.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    CHECK(host->exists(obj.key));
    host->remove(obj.key);
    CHECK_FALSE(host->exists(obj.key));
    host->remove(obj.key); // absent is fine
    // Nothing but the prefix folder is left behind (no temporary files).
    CHECK(test::snapshot(c.path).empty());
}

TEST_CASE("media test against a dir host passes every step and leaves nothing behind") {
    test::TempDir tmp;
    fs::create_directories(tmp.path() / "www");
    media::HostConfig c;
    c.kind = "dir";
    c.path = tmp.path() / "www";
    c.public_base_url = "https://example.com/media/";
    core::SodiumRandom random;
    FakeClock clock;
    FolderServer web;
    web.base = c.public_base_url;
    web.dir = c.path;
    auto host = media::make_dir_host(media::validated(c), random);
    auto report = media::probe_host(*host, {web, clock, random}, tmp.path() / "work");
    REQUIRE(report.steps.size() == 5);
    CHECK(report.ok());
    CHECK(report.steps[0].name == "upload");
    CHECK(report.steps[4].name == "gone");
    CHECK(test::snapshot(c.path).empty());

    // A public URL that does not publish the folder fails the fetch, and still cleans up.
    c.public_base_url = "https://example.com/elsewhere/";
    auto wrong = media::make_dir_host(media::validated(c), random);
    auto bad = media::probe_host(*wrong, {web, clock, random}, tmp.path() / "work");
    CHECK_FALSE(bad.ok());
    REQUIRE(bad.steps.size() >= 2);
    CHECK(bad.steps[1].name == "fetch");
    CHECK_FALSE(bad.steps[1].ok);
    CHECK(bad.steps.back().name == "gone");
    CHECK(test::snapshot(c.path).empty());
}

TEST_CASE("S3 requests are signed with the region and carry the payload's sha256") {
    test::TempDir tmp;
    fs::path src = tmp.path() / "in.jpg";
    { std::ofstream(src, std::ios::binary) << "jpeg bytes"; }
    core::SodiumRandom random;
    FakeClock clock;
    struct Ok : net::HttpClient {
        std::vector<net::Request> seen;
        net::Result send(const net::Request& r) override {
            seen.push_back(recorded(r));
            net::Response resp;
            resp.status = r.method == "HEAD" ? 404 : 200;
            return resp;
        }
    } http;
    auto c = media::validated(s3_config());
    auto host = media::make_s3_host(c, vault::Secret("s3cr3t"), {http, clock, random});
    std::string sha = util::sha256_hex("jpeg bytes");
    auto obj = host->put(src, sha, "image/jpeg");
    host->remove(obj.key);
    CHECK_FALSE(host->exists(obj.key));
    REQUIRE(http.seen.size() == 3);
    const auto& put = http.seen[0];
    CHECK(put.method == "PUT");
    CHECK(put.url == "https://photos.s3.eu-west-1.amazonaws.com/" + obj.key);
    REQUIRE(put.aws_sigv4);
    CHECK(put.aws_sigv4->provider == "aws:amz:eu-west-1:s3");
    CHECK(put.aws_sigv4->access_key_id == "AKIDEXAMPLE");
    CHECK(put.aws_sigv4->secret == "s3cr3t");
    auto header = [](const net::Request& r, const std::string& name) {
        for (const auto& [n, v] : r.headers) {
            if (n == name) {
                return v;
            }
        }
        return std::string();
    };
    CHECK(header(put, "x-amz-content-sha256") == sha);
    CHECK(header(http.seen[1], "x-amz-content-sha256") == util::sha256_hex(""));
    CHECK(http.seen[1].method == "DELETE");
    CHECK(http.seen[2].method == "HEAD");
    CHECK(obj.url == "https://cdn.example.com/p/" + obj.key);
}

TEST_CASE("set_host seals the S3 secret and describe_host never returns it") {
    test::TempDir dir;
    auto paths = core::Paths::resolve(dir.path(), core::fixed_env({}));
    paths.ensure();
    auto db = store::Db::open(paths.db_file());
    struct NoPassphrase : vault::PassphraseSource {
        vault::Secret get(bool) override { return vault::Secret("unused"); }
    } pass;
    auto v = vault::Vault::open(paths, *db, vault::KeyMode::file, pass);
    CHECK_FALSE(media::describe_host(*db));
    CHECK_THROWS_AS(media::set_host(*db, v, s3_config(), std::nullopt), UsageError);
    media::set_host(*db, v, s3_config(), vault::Secret("wJalrXUtnFEMI-secret"));
    auto h = media::describe_host(*db);
    REQUIRE(h);
    CHECK(h->kind == "s3");
    CHECK(h->endpoint == "https://s3.eu-west-1.amazonaws.com");
    CHECK(h->public_base_url == "https://cdn.example.com/p/");
    auto row = db->media_host_get();
    REQUIRE(row);
    std::string sealed(row->secret_key_sealed.begin(), row->secret_key_sealed.end());
    CHECK(sealed.find("wJalrXUtnFEMI") == std::string::npos);
}
