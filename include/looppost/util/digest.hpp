#pragma once
// SHA-256 (libsodium) as lowercase hex: media are stored under it, idempotency keys are made of it.

#include <filesystem>
#include <string>
#include <string_view>

namespace looppost::util {

/// Incremental SHA-256.
class Sha256 {
public:
    Sha256();
    void update(std::string_view bytes);
    /// The digest as 64 lowercase hex digits; call once.
    std::string hex();

private:
    alignas(16) unsigned char m_state[128];
};

/// hex(sha256(bytes)).
std::string sha256_hex(std::string_view bytes);

/// hex(sha256(file)), read in blocks with bounded memory; throws Error(no_input) naming the file
/// when it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

} // namespace looppost::util
