// TikTok's limits as looppost counts them (reference §4.13, §5.5), and `looppost quota`.

#include <looppost/core/settings.hpp>
#include <looppost/publish/publish.hpp>

namespace looppost::publish {
namespace {

constexpr std::int64_t k_minute = 60;
constexpr std::int64_t k_day = 86400;

} // namespace

Limits Limits::from(const core::Settings& s) {
    Limits l;
    l.inits_per_minute = static_cast<int>(s.get_int("limit_inits_per_minute"));
    l.creator_info_per_minute = static_cast<int>(s.get_int("limit_creator_info_per_minute"));
    l.status_per_minute = static_cast<int>(s.get_int("limit_status_per_minute"));
    l.direct_posts_per_day = static_cast<int>(s.get_int("limit_direct_posts_per_day"));
    l.inbox_shares_per_day = static_cast<int>(s.get_int("limit_inbox_shares_per_day"));
    l.display_per_minute = static_cast<int>(s.get_int("limit_display_per_minute"));
    return l;
}

std::vector<store::QuotaUse> Limits::init(std::string_view mode) const {
    return {{"init", inits_per_minute, k_minute},
            mode == "direct" ? store::QuotaUse{"direct", direct_posts_per_day, k_day}
                             : store::QuotaUse{"inbox", inbox_shares_per_day, k_day}};
}

std::vector<store::QuotaUse> Limits::creator_info() const {
    return {{"creator_info", creator_info_per_minute, k_minute}};
}

std::vector<store::QuotaUse> Limits::status() const {
    return {{"status", status_per_minute, k_minute}};
}

store::QuotaUse Limits::display() const {
    return {"display", display_per_minute, k_minute};
}

QuotaReport quota_report(const store::Db& db, const store::AccountRow& account, const Limits& l,
                         std::int64_t now) {
    QuotaReport r;
    r.account = account.name;
    struct Row {
        const char* name;
        const char* kind;
        int limit;
        std::int64_t window;
    };
    const Row rows[] = {
        {"inits_per_minute", "init", l.inits_per_minute, k_minute},
        {"creator_info_per_minute", "creator_info", l.creator_info_per_minute, k_minute},
        {"status_per_minute", "status", l.status_per_minute, k_minute},
        {"direct_posts_per_day", "direct", l.direct_posts_per_day, k_day},
        {"inbox_shares_per_day", "inbox", l.inbox_shares_per_day, k_day},
        {"display_per_minute", "display", l.display_per_minute, k_minute},
    };
    for (const auto& row : rows) {
        auto [used, oldest] = db.quota_used(account.id, row.kind, now - row.window);
        QuotaLine line{row.name, row.limit, used, std::nullopt};
        if (oldest)
            line.resets_at = *oldest + row.window;
        r.lines.push_back(line);
    }
    r.holds = db.quota_holds(account.id, now);
    return r;
}

} // namespace looppost::publish
