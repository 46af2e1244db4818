// looppost-sandbox itself: start-up, answer shapes, the admin API, fault injection through the
// relay, and --serve-dir. Every request goes to 127.0.0.1; every wait is bounded.

#include "harness.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <httplib.h>
#include <memory>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <regex>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using nlohmann::json;
using namespace std::chrono;

std::unique_ptr<httplib::Client> client_for(const harness::Sandbox& sbx) {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", sbx.port());
    client->set_connection_timeout(5);
    client->set_read_timeout(10);
    client->set_write_timeout(10);
    return client;
}

json json_of(const httplib::Result& res) {
    REQUIRE(res);
    return json::parse(res->body);
}

/// The newest request-log line for `path`, or null.
json last_request(const harness::Sandbox& sbx, const std::string& path) {
    const json requests = sbx.get("state")["requests"];
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
        if ((*it)["path"] == path) {
            return *it;
        }
    }
    return nullptr;
}

bool is_log_id(const std::string& text) {
    static const std::regex k_log_id("[0-9]{14}[0-9A-F]{20}");
    return std::regex_match(text, k_log_id);
}

} // namespace

TEST_CASE("the sandbox prints LISTENING and shows every ledger section in its state") {
    harness::Sandbox sbx;
    CHECK(sbx.port() > 0);

    const json state = sbx.get("state");
    for (const char* key : {"tokens", "posts", "uploads", "pulled_urls", "requests"}) {
        CHECK_MESSAGE(state[key] == json::array(), key);
    }
    CHECK(state["request_counts"] == json::object());
    CHECK(state["now"].get<int64_t>() > 1700000000);
    REQUIRE(state["users"].size() == 2);
    CHECK(state["users"][0]["username"] == "alice");
    CHECK(state["users"][1]["username"] == "bob");
    CHECK(!state["users"][0]["open_id"].get<std::string>().empty());
    const json& config = state["config"];
    CHECK(config["audited"] == false);
    CHECK(config["account_private"] == true);
    CHECK(config["caps"] == true);
    CHECK(config["processing"] == "instant");
    CHECK(config["rate_limit_multiplier"] == 1.0);
    CHECK(config["clients"][0]["client_key"] == "sbx_client_key");

    auto client = client_for(sbx);
    const auto res = client->Get("/");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body)["sandbox"] == "looppost-sandbox");
}

TEST_CASE("bad command-line flags exit with status 2 and --help exits 0") {
    auto bogus = harness::run_program(SANDBOX_BIN, {"--bogus"}, {}, {}, seconds(10));
    CHECK(bogus.exit_code == 2);
    CHECK(bogus.err.find("--bogus") != std::string::npos);
    CHECK(bogus.out.empty());
    CHECK(harness::run_program(SANDBOX_BIN, {"--port", "x"}, {}, {}, seconds(10)).exit_code == 2);
    CHECK(harness::run_program(SANDBOX_BIN, {"--config", "/nonexistent.json"}, {}, {}, seconds(10))
              .exit_code == 2);
    auto help = harness::run_program(SANDBOX_BIN, {"--help"}, {}, {}, seconds(10));
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--serve-dir") != std::string::npos);
}

TEST_CASE("an unknown path answers 404 in the v2 envelope with a fresh log_id") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    const auto first = client->Post("/v2/post/publish/nothing/", "{}", "application/json");
    REQUIRE(first);
    CHECK(first->status == 404);
    const json body = json::parse(first->body);
    CHECK(body["data"] == json::object());
    CHECK(body["error"]["code"] == "not_found");
    const std::string log_id = body["error"]["log_id"];
    CHECK(is_log_id(log_id));
    CHECK(first->get_header_value("X-Tt-Logid") == log_id);

    const json second = json_of(client->Get("/v2/nothing/"));
    CHECK(second["error"]["log_id"] != log_id);
    CHECK(sbx.get("state")["request_counts"]["/v2/nothing/"] == 1);
}

TEST_CASE("an unknown path under /v2/oauth/ answers 404 in the flat OAuth shape") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    const auto res = client->Post("/v2/oauth/nothing/", "a=b", "application/x-www-form-urlencoded");
    REQUIRE(res);
    CHECK(res->status == 404);
    const json body = json::parse(res->body);
    CHECK(body["error"].is_string());
    CHECK(body["error_description"].is_string());
    CHECK(is_log_id(body["log_id"]));
    CHECK(!body.contains("data"));
}

TEST_CASE("advancing the clock moves the sandbox's now") {
    harness::Sandbox sbx;
    const int64_t before = sbx.get("state")["now"];
    const json answer = sbx.post("clock/advance", {{"seconds", 3600}});
    const int64_t now = answer["now"];
    CHECK(now >= before + 3600);
    CHECK(now <= before + 3600 + 5);
    CHECK(sbx.get("state")["now"].get<int64_t>() >= now);
    CHECK_THROWS(sbx.post("clock/advance", {{"seconds", "soon"}}));
}

TEST_CASE("a status fault answers in the path's shape and stops after its times") {
    harness::Sandbox sbx;
    sbx.post("faults", {{"rules",
                         {{{"path_prefix", "/v2/post/"},
                           {"kind", "status"},
                           {"http_status", 500},
                           {"error_code", "internal_error"},
                           {"times", 2}},
                          {{"path_prefix", "/v2/oauth/token/"},
                           {"method", "post"},
                           {"kind", "status"},
                           {"http_status", 400},
                           {"error_code", "invalid_grant"},
                           {"message", "The refresh token is invalid."}}}}});
    auto client = client_for(sbx);
    for (int i = 0; i < 2; ++i) {
        const auto res = client->Post("/v2/post/publish/status/fetch/", "{}", "application/json");
        REQUIRE(res);
        CHECK(res->status == 500);
        const json body = json::parse(res->body);
        CHECK(body["error"]["code"] == "internal_error");
        CHECK(body["data"] == json::object());
    }
    // The rule is spent: the endpoint itself answers (no token here).
    CHECK(client->Post("/v2/post/publish/status/fetch/", "{}", "application/json")->status == 401);

    CHECK(client->Get("/v2/oauth/token/")->status == 404); // the rule is for POST only
    const auto oauth = client->Post("/v2/oauth/token/", "grant_type=refresh_token",
                                    "application/x-www-form-urlencoded");
    REQUIRE(oauth);
    CHECK(oauth->status == 400);
    const json flat = json::parse(oauth->body);
    CHECK(flat["error"] == "invalid_grant");
    CHECK(flat["error_description"] == "The refresh token is invalid.");
    CHECK(is_log_id(flat["log_id"]));

    const json rules = sbx.get("faults")["rules"];
    REQUIRE(rules.size() == 2);
    CHECK(rules[0]["remaining"] == 0);
    CHECK(rules[0]["fired"] == 2);
    CHECK(last_request(sbx, "/v2/oauth/token/")["fault"] == "status");
    CHECK(last_request(sbx, "/v2/post/publish/status/fetch/")["fault"].is_null());
}

TEST_CASE("fault rules are validated and never touch the admin API") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    for (const json& bad : {json{{"path_prefix", "/_sandbox/"}, {"kind", "drop"}},
                            json{{"path_prefix", "/v2/"}, {"kind", "explode"}},
                            json{{"path_prefix", "/v2/"}, {"kind", "delay"}, {"delay", 5}},
                            json{{"path_prefix", "/v2/"}, {"kind", "status"}, {"times", 0}}}) {
        const auto res = client->Post("/_sandbox/faults", bad.dump(), "application/json");
        REQUIRE(res);
        CHECK_MESSAGE(res->status == 400, bad.dump());
    }
    sbx.post("faults", {{"path_prefix", "/"}, {"kind", "status"}, {"times", 5}});
    CHECK(sbx.get("state")["requests"].empty()); // admin calls are neither faulted nor logged
    CHECK(client->Get("/")->status == 500);
    CHECK(sbx.del("faults")["cleared"] == 1);
    CHECK(sbx.get("faults")["rules"].empty());
}

TEST_CASE("probability faults follow the same pattern for the same seed") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    const json rule{{"path_prefix", "/v2/p/"},
                    {"kind", "status"},
                    {"http_status", 503},
                    {"probability", 0.5},
                    {"seed", 42}};
    auto pattern = [&]() {
        std::string out;
        for (int i = 0; i < 40; ++i) {
            const auto res = client->Get("/v2/p/x");
            REQUIRE(res);
            out += res->status == 503 ? 'F' : '.';
        }
        return out;
    };
    sbx.post("faults", rule);
    const std::string first = pattern();
    sbx.del("faults");
    sbx.post("faults", rule);
    CHECK(pattern() == first);
    CHECK(first.find('F') != std::string::npos);
    CHECK(first.find('.') != std::string::npos);
    CHECK(sbx.get("faults")["rules"][0]["remaining"].is_null());
}

TEST_CASE("a drop-before fault closes the connection and the endpoint does not run") {
    harness::TempDir dir;
    std::ofstream(dir.path() / "a.txt") << "hello";
    harness::Sandbox sbx({"--serve-dir", dir.path().string()});
    auto client = client_for(sbx);
    client->set_keep_alive(true);
    REQUIRE(client->Get("/")); // the drop then hits a kept-alive connection

    sbx.post("faults", {{"path_prefix", "/media/"}, {"kind", "drop"}, {"when", "before"}});
    CHECK(!client->Get("/media/a.txt"));
    const json state = sbx.get("state");
    CHECK(state["pulled_urls"].empty());
    const json line = last_request(sbx, "/media/a.txt");
    CHECK(line["fault"] == "drop");
    CHECK(line["status"] == 0);

    const auto again = client->Get("/media/a.txt"); // the rule is spent; a new connection works
    REQUIRE(again);
    CHECK(again->body == "hello");
}

TEST_CASE("a drop-after fault closes the connection after the endpoint took effect") {
    harness::TempDir dir;
    std::ofstream(dir.path() / "a.txt") << "hello";
    harness::Sandbox sbx({"--serve-dir", dir.path().string()});
    auto client = client_for(sbx);
    sbx.post("faults", {{"path_prefix", "/media/"}, {"kind", "drop"}, {"when", "after"}});

    const std::string answer =
        harness::raw_exchange(sbx.port(), "GET /media/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(answer.empty()); // not a single byte of the answer
    CHECK(sbx.get("state")["pulled_urls"].size() == 1);
    const json line = last_request(sbx, "/media/a.txt");
    CHECK(line["fault"] == "drop");
    CHECK(line["status"] == 200);
    CHECK(client->Get("/media/a.txt")->status == 200);
}

TEST_CASE("a delay fault holds the answer for its milliseconds") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    sbx.post("faults", {{"path_prefix", "/v2/slow/"}, {"kind", "delay"}, {"ms", 400}});
    const auto start = steady_clock::now();
    const auto res = client->Get("/v2/slow/");
    const auto elapsed = duration_cast<milliseconds>(steady_clock::now() - start).count();
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(elapsed >= 400);
    CHECK(elapsed < 5000);
    CHECK(last_request(sbx, "/v2/slow/")["fault"] == "delay");
}

TEST_CASE("a truncate fault announces the full length and sends less") {
    harness::Sandbox sbx;
    sbx.post("faults", {{"path_prefix", "/v2/cut/"}, {"kind", "truncate"}, {"times", 2}});
    auto client = client_for(sbx);
    CHECK(!client->Get("/v2/cut/"));

    const std::string answer =
        harness::raw_exchange(sbx.port(), "GET /v2/cut/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const auto header_end = answer.find("\r\n\r\n");
    REQUIRE(header_end != std::string::npos);
    CHECK(answer.rfind("HTTP/1.1 404", 0) == 0);
    std::smatch length;
    const std::string head = answer.substr(0, header_end);
    REQUIRE(std::regex_search(head, length, std::regex("Content-Length: ([0-9]+)")));
    const size_t announced = std::stoul(length[1]);
    const size_t sent = answer.size() - header_end - 4;
    CHECK(sent > 0);
    CHECK(sent < announced);
    CHECK(last_request(sbx, "/v2/cut/")["fault"] == "truncate");
}

TEST_CASE("a garbage fault answers with a body that is not JSON") {
    harness::Sandbox sbx;
    sbx.post("faults",
             {{"rules",
               {{{"path_prefix", "/v2/junk/"}, {"kind", "garbage"}},
                {{"path_prefix", "/v2/oauth/"}, {"kind", "garbage"}, {"http_status", 502}}}}});
    auto client = client_for(sbx);
    const auto junk = client->Get("/v2/junk/");
    REQUIRE(junk);
    CHECK(junk->status == 200);
    CHECK(json::parse(junk->body, nullptr, false).is_discarded());
    const auto gateway =
        client->Post("/v2/oauth/token/", "a=b", "application/x-www-form-urlencoded");
    REQUIRE(gateway);
    CHECK(gateway->status == 502);
    CHECK(json::parse(gateway->body, nullptr, false).is_discarded());
    CHECK(last_request(sbx, "/v2/junk/")["fault"] == "garbage");
}

TEST_CASE("serve-dir serves files with byte ranges and refuses paths out of the folder") {
    harness::TempDir dir;
    std::filesystem::create_directory(dir.path() / "media");
    std::string content;
    for (int i = 0; i < 1000; ++i) {
        content += static_cast<char>('a' + i % 26);
    }
    std::ofstream(dir.path() / "media" / "clip.bin", std::ios::binary) << content;
    std::ofstream(dir.path() / "secret.txt") << "do not serve";
    harness::Sandbox sbx({"--serve-dir", (dir.path() / "media").string()});
    auto client = client_for(sbx);

    const auto full = client->Get("/media/clip.bin");
    REQUIRE(full);
    CHECK(full->status == 200);
    CHECK(full->body == content);

    const auto part = client->Get("/media/clip.bin", {{"Range", "bytes=10-19"}});
    REQUIRE(part);
    CHECK(part->status == 206);
    CHECK(part->body == content.substr(10, 10));
    CHECK(part->get_header_value("Content-Range") == "bytes 10-19/1000");
    CHECK(client->Get("/media/clip.bin", {{"Range", "bytes=-5"}})->body == content.substr(995));
    CHECK(client->Get("/media/clip.bin", {{"Range", "bytes=990-5000"}})->body ==
          content.substr(990));
    CHECK(client->Get("/media/clip.bin", {{"Range", "bytes=2000-"}})->status == 416);

    const auto head = client->Head("/media/clip.bin");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->get_header_value("Content-Length") == "1000");

    for (const char* escape : {"/media/../secret.txt", "/media/%2e%2e/secret.txt"}) {
        const auto res = client->Get(escape);
        REQUIRE(res);
        CHECK_MESSAGE(res->status == 403, escape);
        CHECK(res->body.find("do not serve") == std::string::npos);
    }
    CHECK(client->Get("/media/")->status == 404);
    CHECK(client->Get("/media/missing.bin")->status == 404);

    const json state = sbx.get("state");
    const std::string url = "http://127.0.0.1:" + std::to_string(sbx.port()) + "/media/clip.bin";
    CHECK(state["pulled_urls"][0] == url);
    CHECK(state["config"]["verified_url_prefixes"][0] ==
          "http://127.0.0.1:" + std::to_string(sbx.port()) + "/media/");
}

TEST_CASE("a config POST merges keys and refuses unknown ones") {
    harness::Sandbox sbx;
    const json merged = sbx.post("config", {{"audited", true}, {"rate_limit_multiplier", 0}});
    CHECK(merged["config"]["audited"] == true);
    CHECK(merged["config"]["account_private"] == true);
    CHECK(merged["config"]["users"].size() == 2);
    CHECK(sbx.get("state")["config"]["rate_limit_multiplier"] == 0);

    sbx.post("config", {{"users", {{{"username", "carol"}, {"private", false}}}}});
    const json users = sbx.get("state")["users"];
    REQUIRE(users.size() == 1);
    CHECK(users[0]["display_name"] == "carol");
    CHECK(users[0]["private"] == false);
    CHECK(!users[0]["open_id"].get<std::string>().empty());

    auto client = client_for(sbx);
    const auto unknown = client->Post("/_sandbox/config", R"({"audit": true})", "application/json");
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
    CHECK(json::parse(unknown->body)["error"]["message"].get<std::string>().find("\"audit\"") !=
          std::string::npos);
    CHECK(
        client->Post("/_sandbox/config", R"({"processing": "slow"})", "application/json")->status ==
        400);
    CHECK(sbx.get("state")["config"]["audited"] == true); // a refused POST changes nothing
}

TEST_CASE("reset returns to the loaded config and clears the ledger, faults and clock") {
    harness::TempDir dir;
    const auto config_file = dir.path() / "profile.json";
    std::ofstream(config_file) << R"({"audited": true, "users": [{"username": "dora"}]})";
    harness::Sandbox sbx({"--config", config_file.string()});
    CHECK(sbx.get("state")["config"]["audited"] == true);
    CHECK(sbx.get("state")["users"][0]["username"] == "dora");

    auto client = client_for(sbx);
    client->Get("/v2/anything/");
    sbx.post("config", {{"audited", false}});
    sbx.post("faults", {{"path_prefix", "/v2/"}, {"kind", "status"}});
    const int64_t later = sbx.post("clock/advance", {{"seconds", 86400}})["now"];

    sbx.post("reset");
    const json state = sbx.get("state");
    CHECK(state["config"]["audited"] == true);
    CHECK(state["requests"].empty());
    CHECK(state["request_counts"] == json::object());
    CHECK(state["now"].get<int64_t>() < later - 86000);
    CHECK(sbx.get("faults")["rules"].empty());

    std::ofstream(dir.path() / "bad.json") << R"({"audited": true, "colour": "red"})";
    const auto bad = harness::run_program(
        SANDBOX_BIN, {"--config", (dir.path() / "bad.json").string()}, {}, {}, seconds(10));
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("colour") != std::string::npos);
}

TEST_CASE("the relay carries a large body and keeps the connection alive") {
    harness::Sandbox sbx;
    auto client = client_for(sbx);
    client->set_keep_alive(true);
    const std::string body(24 * 1024 * 1024, 'x');
    const auto res = client->Put("/v2/big/", body, "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 404); // the whole body was read and routed
    for (int i = 0; i < 20; ++i) {
        const auto again = client->Get("/");
        REQUIRE(again);
        CHECK(again->status == 200);
    }
    CHECK(sbx.get("state")["request_counts"]["/"] == 20);
}
