// Several publish-due processes on one queue at once (DESIGN §5: no global lock, leases): each
// post reaches TikTok once and ends once; one account's posts go one at a time in due order.

#include "test_cli_publish.hpp"

#include <chrono>
#include <fmt/format.h>
#include <map>
#include <regex>

using namespace publish_test;

namespace {

/// "2026-11-23T18:00:00+00:00", `minutes_ago` minutes before now.
std::string minutes_ago(int minutes) {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                        std::chrono::minutes(minutes));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    return buf;
}

} // namespace

TEST_CASE("four publish-due processes at once: every post reaches TikTok once and ends once") {
    World w({"alice", "bob"});
    w.unlimited();
    w.use_dir_host();
    struct Item {
        std::int64_t id = 0;
        std::string account, mode, caption;
        fs::path video;
        std::uint64_t size = 0;
    };
    std::vector<Item> items;
    const std::uint64_t base = fs::file_size(w.in("clip.mp4")) + 1000;
    std::string jsonl;
    for (int i = 0; i < 10; ++i) {
        Item item;
        item.account = i % 2 == 0 ? "alice" : "bob";
        item.mode = i % 3 == 0 ? "direct" : "inbox";
        item.caption = fmt::format("concurrent {}", i);
        item.size = base + static_cast<std::uint64_t>(i) * 8;
        item.video = w.in(fmt::format("concurrent-{}.mp4", i));
        harness::pad_mp4(w.in("clip.mp4"), item.video, item.size);
        json line = {{"account", item.account}, {"video", item.video.string()},
                     {"caption", item.caption}, {"mode", item.mode},
                     {"at", minutes_ago(30 - i)}};
        if (item.mode == "direct")
            line["privacy"] = "private";
        jsonl += line.dump() + "\n";
        items.push_back(item);
    }
    auto queued = w.run({"enqueue", "--from", "-", "--format", "jsonl", "--json"}, jsonl);
    REQUIRE_MESSAGE(queued.exit_code == 0, queued.err);
    for (std::size_t i = 0; i < items.size(); ++i)
        items[i].id = queued.json()["posts"][i]["id"];

    std::vector<std::unique_ptr<harness::Process>> runs;
    for (int i = 0; i < 4; ++i)
        runs.push_back(w.home.start({"publish-due"}));
    std::string all_err;
    for (auto& p : runs) {
        auto r = p->finish(std::chrono::seconds(90));
        INFO("stderr: ", r.err);
        CHECK((r.exit_code == 0 || r.exit_code == 75));
        CHECK(r.out.empty());
        all_err += r.err;
    }
    // Whatever one run left (a post another process held), the next runs finish.
    for (int i = 0; i < 3; ++i) {
        bool done = true;
        for (const auto& item : items)
            done = done && settled(w.post(item.id)["state"]);
        if (done)
            break;
        auto r = w.publish();
        all_err += r.err;
    }

    INFO("stderr of all runs:\n", all_err);
    const json state = w.state();
    CHECK(init_requests(state) == items.size());
    REQUIRE(state["posts"].size() == items.size());
    std::map<std::string, std::vector<std::size_t>> order; // user → item indices in init order
    for (const auto& sent : state["posts"]) {
        std::size_t found = items.size();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (sent["video_size"] == items[i].size)
                found = i;
        }
        REQUIRE_MESSAGE(found < items.size(), show(sent));
        CHECK(sent["user"] == items[found].account);
        order[sent["user"]].push_back(found);
    }
    for (const auto& [user, seq] : order) {
        INFO(user);
        CHECK(std::is_sorted(seq.begin(), seq.end())); // one at a time, in due order
    }
    std::size_t inbox_items = 0;
    for (const auto& item : items) {
        const json post = w.post(item.id);
        INFO(show(post));
        const json sent = ledger_post(state, post["publish_id"].is_string()
                                                 ? post["publish_id"].get<std::string>()
                                                 : std::string());
        REQUIRE(sent.is_object());
        CHECK(sent["video_size"] == item.size);
        CHECK(sent["sha256"] == harness::sha256_of(item.video));
        if (item.mode == "direct") {
            CHECK(post["state"] == "published");
        } else {
            ++inbox_items;
            CHECK(post["state"] == "in_inbox");
            // Its landing is told once, by one of the processes.
            const std::string line = fmt::format("post {} ({}) is in your TikTok inbox", item.id,
                                                 item.account);
            std::size_t told = 0;
            for (auto at = all_err.find(line); at != std::string::npos;
                 at = all_err.find(line, at + 1))
                ++told;
            CHECK(told == 1);
        }
    }
    CHECK(lines_in(all_err) == inbox_items);
}
