#include <looppost/util/digest.hpp>

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>
#include <sodium.h>
#include <unistd.h>

namespace looppost::util {

static_assert(sizeof(crypto_hash_sha256_state) <= 128);

namespace {
crypto_hash_sha256_state* state(unsigned char* raw) {
    return reinterpret_cast<crypto_hash_sha256_state*>(raw);
}
} // namespace

Sha256::Sha256() {
    crypto_hash_sha256_init(state(m_state));
}

void Sha256::update(std::string_view bytes) {
    crypto_hash_sha256_update(state(m_state), reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
}

std::string Sha256::hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(state(m_state), digest);
    char out[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(out, sizeof out, digest, sizeof digest);
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.hex();
}

std::string sha256_file(const std::filesystem::path& file) {
    Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        throw Error(Exit::no_input,
                    fmt::format("cannot read \"{}\": {}", file.string(), errno_message(errno)));
    }
    Sha256 h;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            throw Error(Exit::no_input,
                        fmt::format("cannot read \"{}\": {}", file.string(), errno_message(errno)));
        }
        if (n == 0)
            break;
        h.update({buf, static_cast<std::size_t>(n)});
    }
    return h.hex();
}

} // namespace looppost::util
