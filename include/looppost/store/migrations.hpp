#pragma once

#include <string_view>
#include <vector>

namespace looppost::store {

/// One schema step. Shipped migrations are never edited: a change is a new migration.
struct Migration {
    int version;
    std::string_view description;
    std::string_view sql;
};

/// All migrations, in order; version N is the N-th.
const std::vector<Migration>& migrations();

} // namespace looppost::store
