// looppost doctor: checks and reports; exits with the most urgent failure's status.

#include <fmt/format.h>
#include <looppost/cli/app.hpp>
#include <looppost/health/doctor.hpp>

namespace looppost::cli {

void add_doctor_command(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand("doctor", "check the home, database, key, app credentials, "
                                             "accounts, the API's reachability and the clock");
    cmd->callback([&action] {
        action = [](Session& s) {
            auto report = health::run_doctor(s.ctx());
            if (s.out().json()) {
                nlohmann::json checks = nlohmann::json::array();
                for (const auto& c : report.checks) {
                    checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
                }
                s.out().document({{"ok", report.ok()}, {"checks", checks}});
            } else {
                for (const auto& c : report.checks) {
                    s.out().line(fmt::format("{}  {:<9} {}",
                                             c.ok ? s.out().paint("ok  ", "32")
                                                  : s.out().paint("FAIL", "31"),
                                             c.name, c.detail));
                }
            }
            return report.exit();
        };
    });
}

} // namespace looppost::cli
