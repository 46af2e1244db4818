// looppost slots add | list | remove

#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/cli/posts_view.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/schedule/slots.hpp>
#include <looppost/schedule/time.hpp>

namespace looppost::cli {
namespace {

const date::time_zone& zone_of(const store::AccountRow& a) {
    return schedule::zone_or_system(a.time_zone);
}

Exit add(Session& s, const std::string& spec) {
    auto parsed = schedule::parse_slot_spec(spec);
    auto account = oauth::resolve_account(s.db(), s.ctx().options().account);
    std::vector<store::SlotRow> added;
    s.db().transaction([&] {
        for (int minute : parsed.minutes) {
            auto id = s.db().slot_add(account.id, parsed.days, minute);
            added.push_back({id, account.id, account.name, parsed.days, minute});
        }
    });
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& slot : added) {
        auto next = schedule::next_slot({{static_cast<std::uint8_t>(slot.days), slot.minute}},
                                        zone_of(account), s.now());
        arr.push_back(slot_json(slot, next));
        if (!s.out().json()) {
            s.out().line(std::to_string(slot.id));
            s.out().note(fmt::format("slot {}: {} {} for {} ({}); next {}", slot.id,
                                     schedule::format_days(static_cast<std::uint8_t>(slot.days)),
                                     slot_time(slot.minute), account.name,
                                     account.time_zone.value_or(schedule::system_zone_name()),
                                     local_time(*next, account.time_zone)));
        }
    }
    if (s.out().json())
        s.out().document(arr);
    return Exit::ok;
}

Exit list(Session& s) {
    std::optional<std::int64_t> account_id;
    if (const auto& name = s.ctx().options().account)
        account_id = oauth::resolve_account(s.db(), name).id;
    auto slots = s.db().slots(account_id);
    std::map<std::int64_t, store::AccountRow> accounts;
    for (const auto& a : s.db().accounts())
        accounts[a.id] = a;
    nlohmann::json arr = nlohmann::json::array();
    std::vector<std::vector<std::string>> rows = {{"ID", "ACCOUNT", "DAYS", "TIME", "NEXT"}};
    for (const auto& slot : slots) {
        const auto& a = accounts.at(slot.account_id);
        auto next = schedule::next_slot({{static_cast<std::uint8_t>(slot.days), slot.minute}},
                                        zone_of(a), s.now());
        arr.push_back(slot_json(slot, next));
        rows.push_back({std::to_string(slot.id), slot.account,
                        schedule::format_days(static_cast<std::uint8_t>(slot.days)),
                        slot_time(slot.minute), next ? local_time(*next, a.time_zone) : "-"});
    }
    if (s.out().json())
        s.out().document(arr);
    else if (slots.empty())
        s.out().note("no posting slots; add one: looppost slots add --account NAME \"mon,wed,fri "
                     "18:00\"");
    else
        s.out().table(rows);
    return Exit::ok;
}

} // namespace

void add_slots_command(CLI::App& app, Action& action) {
    auto* slots =
        app.add_subcommand("slots", "weekly posting times per account, for enqueue --next-slot");
    slots->require_subcommand(1);
    auto spec = std::make_shared<std::string>();
    auto* add_cmd = slots->add_subcommand(
        "add", "add weekly slots in the account's zone: \"mon,wed,fri 18:00\", \"mon-fri "
               "09:00,18:30\", \"daily 12:00\"");
    add_cmd->add_option("spec", *spec, "days and times")->required()->type_name("SPEC");
    add_cmd->callback([&action, spec] { action = [spec](Session& s) { return add(s, *spec); }; });
    auto* list_cmd = slots->add_subcommand("list", "the slots, with each one's next time");
    list_cmd->callback([&action] { action = [](Session& s) { return list(s); }; });
    auto id = std::make_shared<std::int64_t>(0);
    auto* remove = slots->add_subcommand("remove", "remove a slot");
    remove->add_option("id", *id, "the slot")->required()->type_name("ID");
    remove->callback([&action, id] {
        action = [id](Session& s) {
            if (!s.db().slot_remove(*id))
                throw Error(Exit::bad_input,
                            fmt::format("no slot {}; see looppost slots list", *id));
            if (s.out().json())
                s.out().document({{"removed", *id}});
            else
                s.out().note(fmt::format("slot {} removed", *id));
            return Exit::ok;
        };
    });
}

} // namespace looppost::cli
