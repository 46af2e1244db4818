#pragma once
// `looppost doctor`: checks the home and its permissions, the key, the database schema, the app
// credentials, and whether TikTok's API base answers (with the clock skew its Date header shows).
// Every check runs and reports, even after an earlier one failed.

#include <looppost/core/context.hpp>
#include <looppost/core/errors.hpp>
#include <string>
#include <vector>

namespace looppost::health {

struct Check {
    std::string name;
    bool ok = false;
    std::string detail;
    Exit failure = Exit::ok; ///< the exit status this failure stands for
};

struct Report {
    std::vector<Check> checks;
    bool ok() const;
    /// The most urgent failure's exit status (Exit::ok when all passed).
    Exit exit() const;
};

/// Runs every check. Creates the folders, the database and (in key-file mode) the key when they
/// are missing, as any first command would.
Report run_doctor(core::Context& ctx);

} // namespace looppost::health
