// The S3 media host: PUT, HEAD and DELETE on an S3-compatible bucket (AWS S3, Cloudflare R2,
// MinIO, B2), signed by libcurl (CURLOPT_AWS_SIGV4). libcurl 7.88 signs the payload hash it
// finds in x-amz-content-sha256, so every request carries it (DESIGN §9).

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/log.hpp>
#include <looppost/media/host.hpp>
#include <looppost/net/http.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace looppost::media {
namespace {

// sha256 of nothing: the payload hash of HEAD and DELETE.
constexpr std::string_view k_empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The file, streamed in blocks so memory stays bounded.
class FileBody final : public net::BodySource {
public:
    explicit FileBody(const fs::path& file) {
        m_fd = util::Fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        struct stat st {};
        if (!m_fd || ::fstat(m_fd.get(), &st) != 0) {
            throw Error(Exit::no_input, fmt::format("cannot read \"{}\": {}", file.string(),
                                                    util::errno_message(errno)));
        }
        m_size = st.st_size;
    }
    std::int64_t size() const override { return m_size; }
    std::size_t read(char* buf, std::size_t max) override {
        for (;;) {
            ssize_t n = ::read(m_fd.get(), buf, max);
            if (n >= 0) {
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) {
                return 0; // the upload ends short and the server refuses it
            }
        }
    }
    void rewind() override { ::lseek(m_fd.get(), 0, SEEK_SET); }

private:
    util::Fd m_fd;
    std::int64_t m_size = 0;
};

class S3Host final : public MediaHost {
public:
    S3Host(HostConfig config, vault::Secret secret, HostEnv seams)
        : m_config(std::move(config)), m_secret(std::move(secret)), m_seams(seams) {}

    std::string kind() const override { return "s3"; }

    std::string new_key(std::string_view mime) override {
        return make_object_key(m_seams.random, m_config.prefix, mime);
    }

    HostedObject put_as(const std::string& key, const fs::path& file, std::string_view sha256,
                        std::string_view mime) override {
        FileBody body(file);
        auto req = signed_request("PUT", key, sha256);
        req.headers.emplace_back("Content-Type", std::string(mime));
        req.body_source = &body;
        auto r = send(req);
        if (!r || r->status / 100 != 2) {
            throw failure("upload", key, r);
        }
        return {key, public_url(key)};
    }

    void remove(const std::string& key) override {
        auto r = send(signed_request("DELETE", key, k_empty_sha256));
        if (!r || (r->status / 100 != 2 && r->status != 404)) {
            throw failure("delete", key, r);
        }
    }

    bool exists(const std::string& key) override {
        auto r = send(signed_request("HEAD", key, k_empty_sha256));
        if (r && r->status / 100 == 2) {
            return true;
        }
        if (r && r->status == 404) {
            return false;
        }
        if (r && r->status == 403) {
            // S3 answers 403 rather than 404 for a missing object when the key may not list.
            throw Error(Exit::unavailable,
                        fmt::format("media host: check of \"{}\" in bucket \"{}\" answered HTTP "
                                    "403: the access key may not read the object, or (for a "
                                    "missing object) may not list the bucket (s3:ListBucket)",
                                    key, m_config.bucket));
        }
        throw failure("check", key, r);
    }

    std::string public_url(const std::string& key) const override {
        return join_url(m_config.public_base_url, key);
    }

private:
    net::Request signed_request(std::string method, const std::string& key,
                                std::string_view payload_sha256) const {
        net::Request req;
        req.method = std::move(method);
        req.url = s3_object_url(m_config, key);
        req.headers.emplace_back("x-amz-content-sha256", std::string(payload_sha256));
        req.aws_sigv4 = net::AwsSigV4{fmt::format("aws:amz:{}:s3", m_config.region),
                                      m_config.access_key_id, m_secret.reveal()};
        net::RetryPolicy retry;
        retry.max_attempts = 3;
        retry.base_delay = std::chrono::milliseconds(500);
        req.retry = retry;
        return req;
    }

    net::Result send(const net::Request& req) {
        return net::perform(m_seams.http, req, m_seams.clock, m_seams.random);
    }

    Error failure(std::string_view what, const std::string& key, const net::Result& r) const {
        std::string detail = net::describe(r);
        if (r && !r->body.empty()) {
            // S3 errors are XML: <Code>SignatureDoesNotMatch</Code> says most.
            auto b = r->body.find("<Code>");
            auto e = r->body.find("</Code>");
            if (b != std::string::npos && e != std::string::npos && e > b) {
                detail += " " + r->body.substr(b + 6, e - b - 6);
            }
        }
        return Error(Exit::unavailable,
                     fmt::format("media host: {} of \"{}\" in bucket \"{}\" failed: {}", what, key,
                                 m_config.bucket, detail));
    }

    HostConfig m_config;
    vault::Secret m_secret;
    HostEnv m_seams;
};

} // namespace

std::unique_ptr<MediaHost> make_s3_host(const HostConfig& config, vault::Secret secret,
                                        HostEnv seams) {
    return std::make_unique<S3Host>(config, std::move(secret), seams);
}

} // namespace looppost::media
