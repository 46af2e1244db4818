#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>

using namespace looppost;

TEST_CASE("a run reports the first outcome that applies in the order 77, 78, 1, 69, 75, 0") {
    const Exit order[] = {Exit::reauth_required, Exit::config_missing, Exit::failed,
                          Exit::unavailable,     Exit::deferred,       Exit::ok};
    for (size_t i = 0; i < std::size(order); ++i) {
        for (size_t j = i; j < std::size(order); ++j) {
            CHECK(more_urgent(order[i], order[j]) == order[i]);
            CHECK(more_urgent(order[j], order[i]) == order[i]);
        }
    }
}

TEST_CASE("exit statuses have the JSON names of the contract") {
    CHECK(exit_name(Exit::usage) == "usage");
    CHECK(exit_name(Exit::bad_input) == "bad_input");
    CHECK(exit_name(Exit::no_input) == "no_input");
    CHECK(exit_name(Exit::unavailable) == "unavailable");
    CHECK(exit_name(Exit::deferred) == "deferred");
    CHECK(exit_name(Exit::reauth_required) == "reauth_required");
    CHECK(exit_name(Exit::config_missing) == "config_missing");
    CHECK(exit_name(Exit::failed) == "failed");
    CHECK(Fatal("x").code() == "internal");
    CHECK(static_cast<int>(UsageError("x").exit()) == 2);
}
