#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace looppost::core {

/// Reads an environment variable; a seam so tests can supply their own environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment. An empty value counts as unset.
EnvLookup process_env();

/// A fixed environment (tests).
EnvLookup fixed_env(std::map<std::string, std::string> vars);

} // namespace looppost::core
