// IANA zones from the system's zoneinfo (DESIGN §9), looked up only when a command needs one.

#include <cstdlib>
#include <date/tz.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/strings.hpp>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace looppost::schedule {

namespace {

// The first lookup lists the zoneinfo tree (about 600 files, under a millisecond); with
// USE_OS_TZDB even a zone built by hand would trigger that listing when its file is read, so
// there is nothing cheaper to call than locate_zone.
const date::tzdb& database() {
    try {
        return date::get_tzdb();
    } catch (const std::exception& e) {
        throw Error(Exit::config_missing,
                    fmt::format("cannot read the time zone database ({}); install the tzdata "
                                "package",
                                util::trim(e.what())));
    }
}

const date::time_zone* find_zone(std::string_view name) {
    if (name.empty()) {
        return nullptr;
    }
    try {
        const date::time_zone* z = date::locate_zone(name);
        // The zone's file is read on first use; read it now so a broken or non-zone file
        // (zoneinfo holds a few) fails here rather than in the middle of a schedule.
        (void)z->get_info(date::sys_seconds{});
        return z;
    } catch (const std::exception&) {
        return nullptr;
    }
}

} // namespace

const date::time_zone& zone(std::string_view name) {
    const date::tzdb& db = database();
    if (const date::time_zone* z = find_zone(name)) {
        return *z;
    }
    std::vector<std::string> names;
    names.reserve(db.zones.size());
    for (const auto& z : db.zones) {
        names.push_back(z.name());
    }
    throw Error(Exit::bad_input,
                fmt::format("unknown time zone \"{}\"{}; use an IANA name such as Europe/Berlin or "
                            "America/New_York (the tzdata package lists them)",
                            name, util::did_you_mean(name, names)));
}

const date::time_zone& zone_or_system(const std::optional<std::string>& name) {
    static std::mutex mutex;
    static std::map<std::string, const date::time_zone*> zones;
    std::lock_guard lock(mutex);
    std::string key = name.value_or("");
    auto it = zones.find(key);
    if (it == zones.end())
        it = zones.emplace(key, &zone(name ? *name : system_zone_name())).first;
    return *it->second;
}

std::string system_zone_name() {
    try {
        if (const char* tz = std::getenv("TZ"); tz != nullptr) {
            std::string_view name = tz;
            if (!name.empty() && name.front() == ':') {
                name.remove_prefix(1);
            }
            // glibc also reads TZ=":/usr/share/zoneinfo/Europe/Berlin".
            constexpr std::string_view k_zoneinfo = "/usr/share/zoneinfo/";
            if (name.substr(0, k_zoneinfo.size()) == k_zoneinfo) {
                name.remove_prefix(k_zoneinfo.size());
            }
            if (const date::time_zone* z = find_zone(name)) {
                return z->name();
            }
        }
        return date::current_zone()->name();
    } catch (...) {
        return "UTC";
    }
}

} // namespace looppost::schedule
