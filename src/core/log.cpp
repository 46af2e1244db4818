#include <cstdio>
#include <looppost/core/clock.hpp>
#include <looppost/core/log.hpp>
#include <looppost/core/settings.hpp>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::core::log {
namespace {

struct Logger {
    std::mutex mutex;
    bool to_stderr = false;
    std::FILE* file = nullptr;
    ~Logger() {
        if (file != nullptr) {
            std::fclose(file);
        }
    }
};

Logger& logger() {
    static Logger l;
    return l;
}

} // namespace

void enable(bool to_stderr, const std::optional<std::filesystem::path>& file) {
    Logger& l = logger();
    std::lock_guard lock(l.mutex);
    l.to_stderr = l.to_stderr || to_stderr;
    if (file && !file->empty() && l.file == nullptr) {
        // 0600: a log holds captions and ids even with secrets redacted.
        mode_t old = ::umask(077);
        l.file = std::fopen(file->c_str(), "ae");
        ::umask(old);
        if (l.file == nullptr) {
            std::fprintf(stderr, "looppost: warning: cannot open log file \"%s\"\n", file->c_str());
        }
    }
}

void enable_from(const Settings& settings) {
    auto file = settings.get_string("log_file");
    if (!file.empty()) {
        enable(false, std::filesystem::path(file));
    }
}

bool enabled() {
    Logger& l = logger();
    return l.to_stderr || l.file != nullptr;
}

void write(std::string_view line) {
    Logger& l = logger();
    std::string text =
        fmt::format("{} looppost[{}] {}\n", format_utc(std::chrono::system_clock::now()),
                    ::getpid(), redact(line));
    std::lock_guard lock(l.mutex);
    if (l.to_stderr) {
        std::fputs(text.c_str(), stderr);
    }
    if (l.file != nullptr) {
        std::fputs(text.c_str(), l.file);
        std::fflush(l.file);
    }
}

} // namespace looppost::core::log
