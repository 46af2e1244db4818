#include "curl_api.hpp"

#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/log.hpp>
#include <looppost/core/settings.hpp>
#include <looppost/net/curl_client.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>
#include <looppost/version.hpp>
#include <sodium.h>

namespace looppost::net {
using detail::curl_api;

namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* headers = static_cast<Headers*>(user);
    std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        headers->clear(); // a new status line (after 100 Continue or a 1xx)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        headers->emplace_back(std::string(util::trim(line.substr(0, colon))),
                              std::string(util::trim(line.substr(colon + 1))));
    }
    return size * n;
}

size_t on_read(char* buf, size_t size, size_t n, void* user) {
    return static_cast<BodySource*>(user)->read(buf, size * n);
}

NetErrorKind classify(CURLcode rc) {
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return NetErrorKind::connect;
    case CURLE_OPERATION_TIMEDOUT:
        return NetErrorKind::timeout;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return NetErrorKind::tls;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return NetErrorKind::dropped;
    default:
        return NetErrorKind::other;
    }
}

std::string log_body(std::string_view body) {
    constexpr size_t k_max = 2048;
    if (body.size() <= k_max) {
        return std::string(body);
    }
    return fmt::format("{}… ({} bytes)", body.substr(0, k_max), body.size());
}

struct WipeOnExit {
    std::string& s;
    ~WipeOnExit() { sodium_memzero(s.data(), s.size()); }
};

class CurlHttpClient final : public HttpClient {
public:
    explicit CurlHttpClient(const CurlOptions& options)
        : m_options(options), m_easy(curl_api().easy_init()) {
        if (!m_easy) {
            throw Fatal("curl_easy_init failed");
        }
    }

    Result send(const Request& req) override {
        if (!util::is_allowed_url(req.url)) {
            throw Error(Exit::config_missing,
                        fmt::format("refusing \"{}\": looppost talks https only (plain http only "
                                    "to 127.0.0.1, ::1 or localhost)",
                                    core::redact(req.url)));
        }
        const auto& api = curl_api();
        CURL* h = m_easy.get();
        api.easy_reset(h); // keeps the connection cache: connections are reused
        auto set = [&](CURLoption opt, auto value) {
            CURLcode rc = api.easy_setopt(h, opt, value);
            if (rc != CURLE_OK) {
                throw Fatal(fmt::format("curl_easy_setopt({}) failed: {}", static_cast<int>(opt),
                                        api.easy_strerror(rc)));
            }
        };
        set(CURLOPT_URL, req.url.c_str());
        set(CURLOPT_NOSIGNAL, 1L);
        set(CURLOPT_SSL_VERIFYPEER, 1L);
        set(CURLOPT_SSL_VERIFYHOST, 2L);
        set(CURLOPT_FOLLOWLOCATION, 0L);
        set(CURLOPT_PROTOCOLS_STR, "http,https");
        auto timeout = req.timeout.count() > 0 ? req.timeout : m_options.timeout;
        set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count() * 1000));
        set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count() * 1000));
        std::string agent = fmt::format("looppost/{}", k_version);
        set(CURLOPT_USERAGENT, agent.c_str());
        if (req.at_most_once) {
            // A connection of its own, closed afterwards: not kept idle where the server holds a
            // worker for it (the next request opens a new one anyway).
            set(CURLOPT_FRESH_CONNECT, 1L);
            set(CURLOPT_FORBID_REUSE, 1L);
        }

        if (req.body_source != nullptr) {
            set(CURLOPT_UPLOAD, 1L);
            set(CURLOPT_READFUNCTION, &on_read);
            set(CURLOPT_READDATA, static_cast<void*>(req.body_source));
            set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.body_source->size()));
            if (req.method != "PUT") {
                set(CURLOPT_CUSTOMREQUEST, req.method.c_str());
            }
        } else if (req.method == "GET") {
            set(CURLOPT_HTTPGET, 1L);
        } else if (req.method == "HEAD") {
            set(CURLOPT_NOBODY, 1L);
        } else if (req.method == "DELETE" && req.body.empty()) {
            // No body and no form Content-Type: nothing that a signature would have to cover.
            set(CURLOPT_HTTPGET, 1L);
            set(CURLOPT_CUSTOMREQUEST, "DELETE");
        } else {
            set(CURLOPT_POSTFIELDS, req.body.c_str());
            set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
            if (req.method != "POST") {
                set(CURLOPT_CUSTOMREQUEST, req.method.c_str());
            }
        }

        detail::Slist headers;
        auto append = [&](const std::string& line) {
            curl_slist* l = api.slist_append(headers.get(), line.c_str());
            if (l == nullptr) {
                throw Fatal("curl_slist_append failed");
            }
            headers.release();
            headers.reset(l);
        };
        std::string header_log;
        for (const auto& [name, value] : req.headers) {
            append(name + ": " + value);
            header_log += fmt::format("\n  {}: {}", name, value);
        }
        if (req.aws_sigv4) {
            // libcurl 7.88 signs every header of the list, even "Expect:" that only removes one,
            // so the server would miss a signed header; don't wait for a 100 Continue instead.
            set(CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
        } else {
            append("Expect:"); // no 100-continue round trip before uploads
        }
        set(CURLOPT_HTTPHEADER, headers.get());

        // libcurl copies the credentials; the copy here is wiped when the request is done.
        std::string password;
        WipeOnExit wipe{password};
        if (req.aws_sigv4) {
            password.assign(req.aws_sigv4->secret);
            set(CURLOPT_AWS_SIGV4, req.aws_sigv4->provider.c_str());
            set(CURLOPT_USERNAME, req.aws_sigv4->access_key_id.c_str());
            set(CURLOPT_PASSWORD, password.c_str());
        }

        Response resp;
        set(CURLOPT_WRITEFUNCTION, &on_body);
        set(CURLOPT_WRITEDATA, static_cast<void*>(&resp.body));
        set(CURLOPT_HEADERFUNCTION, &on_header);
        set(CURLOPT_HEADERDATA, static_cast<void*>(&resp.headers));

        core::log::debug("http: {} {}{}{}", req.method, req.url, header_log,
                         req.body.empty() ? std::string() : "\n  " + log_body(req.body));
        auto started = std::chrono::steady_clock::now();
        CURLcode rc = api.easy_perform(h);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
        if (rc != CURLE_OK) {
            NetError err{classify(rc), api.easy_strerror(rc)};
            core::log::debug("http: {} {} failed after {} ms: {}", req.method, req.url, ms,
                             err.message);
            return util::unexpected(std::move(err));
        }
        api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
        core::log::debug("http: {} {} → {} in {} ms\n  {}", req.method, req.url, resp.status, ms,
                         log_body(resp.body));
        return resp;
    }

private:
    CurlOptions m_options;
    detail::EasyHandle m_easy;
};

} // namespace

std::unique_ptr<HttpClient> make_curl_client(const CurlOptions& options) {
    return std::make_unique<CurlHttpClient>(options);
}

CurlOptions curl_options(const core::Settings& settings) {
    CurlOptions o;
    o.timeout = std::chrono::seconds(settings.get_int("http_timeout"));
    return o;
}

bool curl_loaded() {
    return detail::curl_api_loaded();
}

} // namespace looppost::net
