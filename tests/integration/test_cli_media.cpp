// looppost media set|show|test: the dir host against looppost-sandbox --serve-dir, and the S3 host
// against a real S3-compatible server (s3rver from npm, tests/s3) behind a proxy that checks every
// signature with AWS's own SigV4 library.

#include "harness.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <httplib.h>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using harness::all_bytes_under;
using harness::Home;
using harness::Sandbox;
using harness::TempDir;
using nlohmann::json;

namespace {

std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file())
            out.push_back(e.path());
    }
    return out;
}

std::string media_base(const Sandbox& sbx) {
    return "http://127.0.0.1:" + std::to_string(sbx.port()) + "/media/";
}

// `node` on PATH, or a failure that says what is missing: the S3 test is never skipped silently.
std::string find_node() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "");
    for (std::string d; std::getline(dirs, d, ':');) {
        fs::path p = fs::path(d) / "node";
        if (!d.empty() && ::access(p.c_str(), X_OK) == 0)
            return p.string();
    }
    FAIL("node is not on PATH: the S3 media host test needs node and npm (scripts/install-deps.sh "
         "runs npm ci in tests/s3)");
    return {};
}

// s3rver on 127.0.0.1 behind the signature-checking proxy of tests/s3/server.js.
struct S3Server {
    TempDir data;
    std::unique_ptr<harness::Process> process;
    int port = 0;

    S3Server(const std::string& bucket, const std::string& region, const std::string& key_id,
             const std::string& secret) {
        std::string node = find_node();
        fs::path dir = fs::path(LOOPPOST_SOURCE_DIR) / "tests" / "s3";
        REQUIRE_MESSAGE(fs::is_directory(dir / "node_modules" / "s3rver"),
                        "tests/s3/node_modules is missing: run scripts/install-deps.sh (npm ci "
                        "in tests/s3) before the S3 media host test");
        process = std::make_unique<harness::Process>(
            node,
            std::vector<std::string>{(dir / "server.js").string(), "--dir", data.path().string(),
                                     "--bucket", bucket, "--region", region, "--access-key-id",
                                     key_id},
            harness::Env{{"S3_TEST_SECRET_ACCESS_KEY", secret}});
        std::string line = process->wait_for_line("LISTENING", std::chrono::seconds(30));
        port = std::stoi(line.substr(line.find("LISTENING") + 10));
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

    json log() const {
        httplib::Client c("127.0.0.1", port);
        auto res = c.Get("/_log");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        return json::parse(res->body);
    }
};

} // namespace

TEST_CASE("media show says no media host is configured until media set") {
    Home home;
    auto r = home.looppost({"media", "show", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.json()["configured"] == false);
}

TEST_CASE("media test without a media host exits 78 naming media set") {
    Home home;
    auto r = home.looppost({"media", "test", "--json"});
    CHECK(r.exit_code == 78);
    CHECK(r.json()["error"]["code"] == "config_missing");
    CHECK(r.err.find("media set") != std::string::npos);
}

TEST_CASE("media set dir + media test against the sandbox's --serve-dir passes every step") {
    TempDir www;
    Sandbox sbx({"--serve-dir", www.path().string()});
    Home home(&sbx);
    auto set = home.looppost({"media", "set", "dir", "--path", www.path().string(),
                              "--public-base-url", media_base(sbx), "--json"});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    CHECK(set.json()["kind"] == "dir");

    auto show = home.looppost({"media", "show", "--json"});
    REQUIRE_MESSAGE(show.exit_code == 0, show.err);
    json h = show.json();
    CHECK(h["configured"] == true);
    CHECK(h["kind"] == "dir");
    CHECK(h["path"] == fs::canonical(www.path()).string());
    CHECK(h["public_base_url"] == media_base(sbx));

    auto test = home.looppost({"media", "test", "--json"});
    REQUIRE_MESSAGE(test.exit_code == 0, (test.err + test.out));
    json t = test.json();
    CHECK(t["ok"] == true);
    std::vector<std::string> names;
    for (const auto& s : t["steps"]) {
        names.push_back(s["name"]);
        CHECK(s["ok"] == true);
    }
    CHECK(names == std::vector<std::string>{"upload", "fetch", "compare", "delete", "gone"});
    // The probe's name is 64 random hex digits, and it is gone again.
    std::string url = t["url"];
    CHECK(url.rfind(media_base(sbx), 0) == 0);
    CHECK(url.size() == media_base(sbx).size() + 64 + 4);
    CHECK(files_under(www.path()).empty());
}

TEST_CASE("media test with a wrong public base URL exits 69 naming the fetch step") {
    TempDir www;
    Sandbox sbx({"--serve-dir", www.path().string()});
    Home home(&sbx);
    std::string wrong = "http://127.0.0.1:" + std::to_string(sbx.port()) + "/elsewhere/";
    auto set = home.looppost(
        {"media", "set", "dir", "--path", www.path().string(), "--public-base-url", wrong});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    auto test = home.looppost({"media", "test", "--json"});
    CHECK(test.exit_code == 69);
    json t = test.json();
    CHECK(t["ok"] == false);
    bool fetch_failed = false;
    for (const auto& s : t["steps"]) {
        if (s["name"] == "fetch")
            fetch_failed = s["ok"] == false;
    }
    CHECK(fetch_failed);
    CHECK(test.err.find("fetch") != std::string::npos);
    CHECK(files_under(www.path()).empty()); // the probe was deleted all the same
}

TEST_CASE("media set refuses a plain http public URL that is not loopback, and argv secrets") {
    TempDir www;
    Home home;
    auto r = home.looppost({"media", "set", "dir", "--path", www.path().string(),
                            "--public-base-url", "http://example.com/media/"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("https") != std::string::npos);
    auto s = home.looppost({"media", "set", "s3", "--endpoint", "https://s3.example.com",
                            "--bucket", "photos", "--region", "us-east-1", "--access-key-id",
                            "AKID", "--public-base-url", "https://cdn.example.com/",
                            "--secret-access-key", "oops"});
    CHECK(s.exit_code == 2);
    auto none = home.looppost({"media", "set", "s3", "--endpoint", "https://s3.example.com",
                               "--bucket", "photos", "--region", "us-east-1", "--access-key-id",
                               "AKID", "--public-base-url", "https://cdn.example.com/"},
                              "", {{"LOOPPOST_S3_SECRET_ACCESS_KEY", harness::k_unset}});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("--secret-access-key-stdin") != std::string::npos);
}

TEST_CASE("media set s3 seals the secret: not in media show, not in the database in the clear") {
    Home home;
    const std::string secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY";
    auto set = home.looppost({"media", "set", "s3", "--endpoint", "https://s3.example.com",
                              "--bucket", "photos", "--region", "eu-west-1", "--access-key-id",
                              "AKIDEXAMPLE", "--public-base-url", "https://cdn.example.com/p/",
                              "--prefix", "tiktok/", "--secret-access-key-stdin"},
                             secret + "\n");
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    auto show = home.looppost({"media", "show", "--json"});
    REQUIRE_MESSAGE(show.exit_code == 0, show.err);
    json h = show.json();
    CHECK(h["kind"] == "s3");
    CHECK(h["bucket"] == "photos");
    CHECK(h["region"] == "eu-west-1");
    CHECK(h["access_key_id"] == "AKIDEXAMPLE");
    CHECK(h["prefix"] == "tiktok/");
    CHECK(h["path_style"] == false);
    CHECK(h["secret_access_key"] == "sealed");
    CHECK(show.out.find(secret) == std::string::npos);
    auto text = home.looppost({"media", "show"});
    CHECK(text.out.find(secret) == std::string::npos);
    CHECK(all_bytes_under(home.path()).find(secret) == std::string::npos);

    // The environment works as well as stdin, and doctor reports the host.
    auto env = home.looppost({"media", "set", "s3", "--endpoint", "https://s3.example.com",
                              "--bucket", "photos", "--region", "eu-west-1", "--access-key-id",
                              "AKIDEXAMPLE", "--public-base-url", "https://cdn.example.com/p/"},
                             "", {{"LOOPPOST_S3_SECRET_ACCESS_KEY", secret}});
    REQUIRE_MESSAGE(env.exit_code == 0, env.err);
    CHECK(all_bytes_under(home.path()).find(secret) == std::string::npos);
}

TEST_CASE("media set s3 + media test against s3rver: signed with SigV4, stored, then deleted") {
    const std::string key_id = "S3RVER"; // the one access key id s3rver knows; it ignores secrets
    const std::string secret = "s3cr3t/Key+ForTheTest0123456789abcdefABCD";
    S3Server s3("photos", "eu-central-1", key_id, secret);
    Home home;
    auto set = home.looppost({"media", "set", "s3", "--endpoint", s3.url(), "--bucket", "photos",
                              "--region", "eu-central-1", "--access-key-id", key_id,
                              "--public-base-url", s3.url() + "/photos/", "--prefix", "lp/",
                              "--path-style", "--secret-access-key-stdin"},
                             secret);
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);

    auto test = home.looppost({"media", "test", "--json", "-v"});
    REQUIRE_MESSAGE(test.exit_code == 0, (test.err + test.out));
    json t = test.json();
    CHECK(t["ok"] == true);
    CHECK(t["kind"] == "s3");
    CHECK(test.err.find(secret) == std::string::npos); // -v logs no secret

    // Every signed request's signature checks out with AWS's own library, and its payload hash
    // is the body's: a PUT, a DELETE and a HEAD (the "gone" check); the GET is the public fetch.
    json log = s3.log();
    std::vector<std::string> methods;
    std::string key;
    for (const auto& r : log) {
        methods.push_back(r["method"]);
        INFO(r.dump());
        if (r["method"] == "GET") {
            CHECK(r["signed"] == false);
            CHECK(r["status"] == 200);
            continue;
        }
        CHECK(r["signed"] == true);
        CHECK(r["signature_ok"] == true);
        CHECK(r["payload_ok"] == true);
        CHECK(r["error"].is_null());
        if (r["method"] == "PUT") {
            CHECK(r["status"] == 200);
            key = r["path"].get<std::string>().substr(std::string("/photos/").size());
        }
    }
    CHECK(methods == std::vector<std::string>{"PUT", "GET", "DELETE", "HEAD"});
    CHECK(key.rfind("lp/", 0) == 0);
    CHECK(key.size() == 3 + 64 + 4);
    // s3rver kept the object until the DELETE: nothing of it is left.
    for (const auto& f : files_under(s3.data.path())) {
        CHECK_MESSAGE(f.string().find(key.substr(3)) == std::string::npos, f.string());
    }

    // A wrong secret is caught by the signature check (s3rver itself would accept it).
    auto wrong = home.looppost({"media", "test", "--json"}, "",
                               {{"LOOPPOST_S3_SECRET_ACCESS_KEY", "not-the-secret"}});
    json after = s3.log();
    bool mismatch = false;
    for (size_t i = log.size(); i < after.size(); ++i) {
        mismatch = mismatch || after[i]["signature_ok"] == false;
    }
    CHECK(mismatch);
    (void)wrong;
}
