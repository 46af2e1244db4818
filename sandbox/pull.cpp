#include "pull.hpp"

#include "posts.hpp"

#include <charconv>
#include <httplib.h>

namespace sandbox {
namespace {

unsigned byte_at(std::string_view bytes, std::size_t at) {
    return static_cast<unsigned char>(bytes[at]);
}

unsigned be16(std::string_view b, std::size_t at) {
    return byte_at(b, at) << 8 | byte_at(b, at + 1);
}

unsigned le16(std::string_view b, std::size_t at) {
    return byte_at(b, at) | byte_at(b, at + 1) << 8;
}

unsigned le24(std::string_view b, std::size_t at) {
    return le16(b, at) | byte_at(b, at + 2) << 16;
}

ImageInfo inspect_jpeg(std::string_view b) {
    ImageInfo info{ImageKind::jpeg};
    std::size_t at = 2;
    while (at + 4 <= b.size()) {
        if (byte_at(b, at) != 0xff) {
            return info; // not a marker where one belongs
        }
        const unsigned marker = byte_at(b, at + 1);
        if (marker == 0xff) { // fill byte
            ++at;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { // no length
            at += 2;
            continue;
        }
        if (marker == 0xd9 || marker == 0xda) { // end of image or start of scan: no frame header
            return info;
        }
        const std::size_t length = be16(b, at + 2);
        const bool sof =
            marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
        if (sof) {
            if (length < 7 || at + 9 > b.size()) {
                return info;
            }
            info.height = static_cast<int>(be16(b, at + 5));
            info.width = static_cast<int>(be16(b, at + 7));
            return info;
        }
        if (length < 2) {
            return info;
        }
        at += 2 + length;
    }
    return info;
}

ImageInfo inspect_webp(std::string_view b) {
    ImageInfo info{ImageKind::webp};
    if (b.size() < 30) {
        return info;
    }
    const std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8 ") {
        // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
        if (byte_at(b, 23) == 0x9d && byte_at(b, 24) == 0x01 && byte_at(b, 25) == 0x2a) {
            info.width = static_cast<int>(le16(b, 26) & 0x3fff);
            info.height = static_cast<int>(le16(b, 28) & 0x3fff);
        }
    } else if (chunk == "VP8L") {
        if (byte_at(b, 20) == 0x2f) {
            const std::uint32_t bits = le16(b, 21) | static_cast<std::uint32_t>(le16(b, 23)) << 16;
            info.width = static_cast<int>((bits & 0x3fff) + 1);
            info.height = static_cast<int>(((bits >> 14) & 0x3fff) + 1);
        }
    } else if (chunk == "VP8X") {
        info.width = static_cast<int>(le24(b, 24) + 1);
        info.height = static_cast<int>(le24(b, 27) + 1);
    }
    return info;
}

} // namespace

Fetched fetch_url(const std::string& url, std::int64_t max_bytes, std::size_t keep) {
    Fetched out;
    constexpr std::string_view k_scheme = "http://";
    if (url.rfind(k_scheme, 0) != 0) {
        return out;
    }
    const std::size_t slash = url.find('/', k_scheme.size());
    const std::string authority = url.substr(k_scheme.size(), slash - k_scheme.size());
    const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
    std::string host = authority;
    int port = 80;
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        host = authority.substr(0, colon);
        const std::string digits = authority.substr(colon + 1);
        const auto* end = digits.data() + digits.size();
        if (digits.empty() || std::from_chars(digits.data(), end, port).ptr != end) {
            return out;
        }
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }

    httplib::Client client(host, port);
    client.set_follow_location(false);
    client.set_connection_timeout(10);
    client.set_read_timeout(30);
    crypto_hash_sha256_state hash;
    crypto_hash_sha256_init(&hash);
    const auto result = client.Get(
        path,
        [&](const httplib::Response& response) {
            out.http_status = response.status;
            return response.status == 200;
        },
        [&](const char* data, std::size_t length) {
            out.bytes += static_cast<std::int64_t>(length);
            if (out.bytes > max_bytes) {
                out.too_large = true;
                return false;
            }
            if (out.kept.size() < keep) {
                out.kept.append(data, std::min(length, keep - out.kept.size()));
            }
            crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char*>(data), length);
            return true;
        });
    if (result && out.http_status == 200 && !out.too_large) {
        out.ok = true;
        out.sha256 = sha256_hex(hash);
    }
    return out;
}

ImageInfo inspect_image(std::string_view bytes) {
    if (bytes.size() >= 3 && byte_at(bytes, 0) == 0xff && byte_at(bytes, 1) == 0xd8 &&
        byte_at(bytes, 2) == 0xff) {
        return inspect_jpeg(bytes);
    }
    if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") {
        return inspect_webp(bytes);
    }
    return {};
}

bool looks_like_video(std::string_view head) {
    if (head.size() >= 4 && byte_at(head, 0) == 0x1a && byte_at(head, 1) == 0x45 &&
        byte_at(head, 2) == 0xdf && byte_at(head, 3) == 0xa3) {
        return true; // EBML: WebM / Matroska
    }
    if (head.size() < 8) {
        return false;
    }
    const std::string_view box = head.substr(4, 4);
    return box == "ftyp" || box == "moov" || box == "mdat" || box == "wide" || box == "free";
}

} // namespace sandbox
