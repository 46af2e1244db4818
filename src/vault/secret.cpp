#include <cstring>
#include <looppost/vault/secret.hpp>
#include <sodium.h>

namespace looppost::vault {

Secret::Secret(std::string_view value) : m_data(new char[value.size() + 1]), m_size(value.size()) {
    std::memcpy(m_data, value.data(), value.size());
    m_data[m_size] = '\0';
}

Secret::~Secret() {
    wipe();
}

Secret::Secret(Secret&& o) noexcept : m_data(o.m_data), m_size(o.m_size) {
    o.m_data = nullptr;
    o.m_size = 0;
}

Secret& Secret::operator=(Secret&& o) noexcept {
    if (this != &o) {
        wipe();
        m_data = o.m_data;
        m_size = o.m_size;
        o.m_data = nullptr;
        o.m_size = 0;
    }
    return *this;
}

bool Secret::operator==(const Secret& o) const {
    return m_size == o.m_size && (m_size == 0 || sodium_memcmp(m_data, o.m_data, m_size) == 0);
}

void Secret::wipe() {
    if (m_data != nullptr) {
        sodium_memzero(m_data, m_size + 1);
        delete[] m_data;
        m_data = nullptr;
        m_size = 0;
    }
}

} // namespace looppost::vault
