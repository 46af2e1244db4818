// Who holds a claim, and which accounts have work: the part of publish-due an idle tick runs.

#include <cerrno>
#include <charconv>
#include <csignal>
#include <looppost/core/clock.hpp>
#include <looppost/publish/publish.hpp>
#include <looppost/util/strings.hpp>
#include <set>
#include <unistd.h>

namespace looppost::publish {
namespace {

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "localhost";
    return buf;
}

} // namespace

const std::string& lease_owner() {
    static const std::string owner = [] {
        core::SodiumRandom random;
        return host_name() + ":" + std::to_string(::getpid()) + ":" + random.hex(4);
    }();
    return owner;
}

bool owner_gone(const std::string& owner) {
    // "host:pid:random"; the host may itself hold no colon (hostnames do not).
    auto first = owner.find(':');
    auto second = owner.find(':', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos)
        return false;
    if (owner.compare(0, first, host_name()) != 0)
        return false; // another machine's process: only its lease's end tells
    pid_t pid = 0;
    const char* b = owner.data() + first + 1;
    const char* e = owner.data() + second;
    if (std::from_chars(b, e, pid).ec != std::errc{} || pid <= 0)
        return false;
    if (owner == lease_owner())
        return false;
    // A reused pid only makes us wait for the lease to run out: safe.
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::vector<std::int64_t> accounts_with_work(const store::Db& db, std::int64_t now,
                                             std::optional<std::int64_t> account_id) {
    return accounts_with_work(db, db.due(now, account_id), now);
}

std::vector<std::int64_t>
accounts_with_work(const store::Db& db, const std::vector<store::DueRow>& due, std::int64_t now) {
    std::vector<std::int64_t> out;
    std::set<std::int64_t> busy; // held by a live process: that one works on the account
    for (const auto& r : due) {
        bool ready = r.state == "queued" ||
                     (r.state == "deferred" && (!r.next_attempt_at || *r.next_attempt_at <= now));
        if (r.state == "publishing") {
            bool held = r.lease_owner && r.lease_until && *r.lease_until > now &&
                        !owner_gone(*r.lease_owner);
            if (held)
                busy.insert(r.account_id);
            ready = !held;
        }
        if (ready && std::find(out.begin(), out.end(), r.account_id) == out.end())
            out.push_back(r.account_id);
    }
    std::erase_if(out, [&](std::int64_t id) { return busy.count(id) != 0; });
    if (out.empty())
        return out; // the idle tick ends here
    std::set<std::int64_t> paused;
    for (const auto& a : db.accounts()) {
        if (a.paused)
            paused.insert(a.id);
    }
    std::erase_if(out, [&](std::int64_t id) { return paused.count(id) != 0; });
    return out;
}

} // namespace looppost::publish
