#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <looppost/core/log.hpp>
#include <looppost/core/settings.hpp>
#include <looppost/net/http.hpp>
#include <looppost/util/strings.hpp>

namespace looppost::net {
using namespace std::chrono;

std::optional<std::string> Response::header(std::string_view name) const {
    std::string want = util::to_lower(name);
    for (const auto& [k, v] : headers) {
        if (util::to_lower(k) == want) {
            return v;
        }
    }
    return std::nullopt;
}

RetryPolicy retry_policy(const core::Settings& settings) {
    RetryPolicy p;
    p.max_attempts = static_cast<int>(settings.get_int("http_attempts"));
    return p;
}

bool is_retryable(const Result& r, bool replay_ambiguous) {
    if (!r) {
        if (!replay_ambiguous) {
            return r.error().kind == NetErrorKind::connect;
        }
        return r.error().kind != NetErrorKind::tls;
    }
    if (!replay_ambiguous) {
        return r->status == 429;
    }
    return r->status == 429 || (r->status >= 500 && r->status <= 599);
}

milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts, const Result& last,
                           core::Random& random) {
    if (last) {
        if (auto ra = last->header("Retry-After")) {
            long secs = -1;
            auto [p, ec] = std::from_chars(ra->data(), ra->data() + ra->size(), secs);
            if (ec == std::errc() && p == ra->data() + ra->size() && secs >= 0) {
                return std::min<milliseconds>(seconds(secs), policy.max_delay);
            }
        }
    }
    int shift = std::clamp(failed_attempts - 1, 0, 30);
    auto full = std::min<milliseconds>(policy.base_delay * (int64_t{1} << shift), policy.max_delay);
    auto half = full / 2;
    auto jitter = milliseconds(
        static_cast<int64_t>(random.below(static_cast<uint64_t>((full - half).count()) + 1)));
    return half + jitter;
}

Result perform(HttpClient& client, const Request& request, core::Clock& clock,
               core::Random& random) {
    if (!request.retry) {
        return client.send(request);
    }
    int max_attempts = std::max(1, request.retry->max_attempts);
    for (int attempt = 1;; ++attempt) {
        if (attempt > 1 && request.body_source != nullptr) {
            request.body_source->rewind();
        }
        Result r = client.send(request);
        if (attempt >= max_attempts || !is_retryable(r, request.retry->replay_ambiguous)) {
            return r;
        }
        auto wait = backoff_delay(*request.retry, attempt, r, random);
        core::log::debug("http: {} {} gave {}; attempt {} of {} in {} ms", request.method,
                         request.url, describe(r), attempt + 1, max_attempts, wait.count());
        clock.sleep_for(wait);
    }
}

std::string describe(const Result& r) {
    if (r) {
        return fmt::format("HTTP {}", r->status);
    }
    return r.error().message;
}

} // namespace looppost::net
