#pragma once
// Helpers for the media tests: fixtures made with the ffmpeg and vips command-line tools.

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace test {

/// Runs a shell command; throws when it fails, so a broken fixture fails loudly.
inline void run(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
        throw std::runtime_error("fixture command failed: " + cmd);
    }
}

/// Runs a shell command and returns its stdout; "" when it fails.
inline std::string capture(const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((cmd + " 2>/dev/null").c_str(), "r"),
                                               ::pclose);
    if (!pipe) {
        return "";
    }
    std::string out;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get())) {
        out.append(buf.data(), n);
    }
    return out;
}

inline std::string q(const std::filesystem::path& p) {
    return "'" + p.string() + "'";
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
}

} // namespace test
