#pragma once
// Secret: a buffer for tokens, client secrets and keys. Wiped on destruction, never copied by
// accident, and impossible to print: there is no operator<<, no fmt formatter and no to_json.

#include <cstddef>
#include <fmt/format.h>
#include <iosfwd>
#include <string_view>

namespace looppost::vault {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string_view value);
    ~Secret();
    Secret(Secret&& o) noexcept;
    Secret& operator=(Secret&& o) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    /// The bytes, for the one place that must send them (an HTTP body, a cipher).
    std::string_view reveal() const { return {m_data, m_size}; }
    bool empty() const { return m_size == 0; }
    std::size_t size() const { return m_size; }
    bool operator==(const Secret& o) const;

private:
    void wipe();
    char* m_data = nullptr;
    std::size_t m_size = 0;
};

// Printing a Secret is a compile error.
template <class Stream> Stream& operator<<(Stream&, const Secret&) = delete;

} // namespace looppost::vault

// Not constructible, so fmt reports a Secret as unformattable at compile time.
template <> struct fmt::formatter<looppost::vault::Secret> { formatter() = delete; };
