// redact(): everything the debug log writes passes through here first (DESIGN §6).

#include <array>
#include <cctype>
#include <looppost/core/log.hpp>

namespace looppost::core {
namespace {

constexpr std::string_view k_mask = "[redacted]";

// Field names whose values are secret in form bodies, query strings and JSON.
constexpr std::array<std::string_view, 13> k_secret_fields = {
    "access_token", "refresh_token",     "client_secret",  "code",     "code_verifier",
    "token",        "upload_token",      "client_ticket",  "password", "passphrase",
    "id_token",     "secret_access_key", "X-Amz-Signature"};

constexpr std::array<std::string_view, 5> k_secret_headers = {
    "authorization:", "proxy-authorization:", "x-amz-security-token:", "cookie:", "set-cookie:"};

// TikTok's token prefixes (reference §1.2): a token is recognised even where no field names it.
constexpr std::array<std::string_view, 3> k_token_prefixes = {"act.", "rft.", "clt."};

bool iequals_at(std::string_view text, size_t pos, std::string_view word) {
    if (pos + word.size() > text.size()) {
        return false;
    }
    for (size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[pos + i])) !=
            std::tolower(static_cast<unsigned char>(word[i]))) {
            return false;
        }
    }
    return true;
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == '*' || c == '!' || c == '~' || c == '%';
}

// Header lines: the whole value goes.
std::string redact_headers(std::string_view in) {
    std::string out;
    size_t i = 0;
    while (i < in.size()) {
        size_t eol = in.find('\n', i);
        std::string_view line = in.substr(i, eol == std::string_view::npos ? eol : eol - i + 1);
        bool masked = false;
        // Log lines indent headers ("\n  Authorization: …"): match after the indentation.
        size_t indent = line.find_first_not_of(" \t");
        indent = indent == std::string_view::npos ? 0 : indent;
        for (auto h : k_secret_headers) {
            if (iequals_at(line, indent, h)) {
                out += line.substr(0, indent + h.size());
                out += ' ';
                out += k_mask;
                if (!line.empty() && line.back() == '\n') {
                    out += line.size() >= 2 && line[line.size() - 2] == '\r' ? "\r\n" : "\n";
                }
                masked = true;
                break;
            }
        }
        if (!masked) {
            out += line;
        }
        i += line.size();
    }
    return out;
}

// `field=value` in form bodies and query strings, `"field": "value"` in JSON.
std::string redact_fields(std::string_view in) {
    std::string out;
    size_t i = 0;
    while (i < in.size()) {
        bool done = false;
        for (auto f : k_secret_fields) {
            // form / query: field=value, at a boundary
            if ((i == 0 || !is_word_char(in[i - 1])) && in.compare(i, f.size(), f) == 0 &&
                i + f.size() < in.size() && in[i + f.size()] == '=' &&
                (i == 0 || in[i - 1] != '"')) {
                out += f;
                out += '=';
                size_t j = i + f.size() + 1;
                size_t end = in.find_first_of("& \t\r\n\"'#,", j);
                end = end == std::string_view::npos ? in.size() : end;
                if (end > j) {
                    out += k_mask;
                }
                i = end;
                done = true;
                break;
            }
            // JSON: "field" : "value"
            if (in[i] == '"' && in.compare(i + 1, f.size(), f) == 0 &&
                i + 1 + f.size() < in.size() && in[i + 1 + f.size()] == '"') {
                size_t j = i + f.size() + 2;
                while (j < in.size() && std::isspace(static_cast<unsigned char>(in[j])))
                    ++j;
                if (j >= in.size() || in[j] != ':')
                    break;
                ++j;
                while (j < in.size() && std::isspace(static_cast<unsigned char>(in[j])))
                    ++j;
                if (j >= in.size() || in[j] != '"')
                    break;
                size_t k = j + 1;
                while (k < in.size() && in[k] != '"') {
                    k += in[k] == '\\' ? 2 : 1;
                }
                std::string_view value = in.substr(j + 1, std::min(k, in.size()) - j - 1);
                // "code" is also the name of the error code in TikTok's envelope
                // ("error":{"code":"ok"}); those are lowercase words and stay readable.
                bool plain_word =
                    !value.empty() && value.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") ==
                                          std::string_view::npos;
                out += in.substr(i, j + 1 - i);
                out += (f == "code" && plain_word) || value.empty() ? value : k_mask;
                i = std::min(k, in.size());
                done = true;
                break;
            }
        }
        if (!done) {
            out += in[i];
            ++i;
        }
    }
    return out;
}

std::string redact_token_prefixes(std::string_view in) {
    std::string out;
    size_t i = 0;
    while (i < in.size()) {
        bool matched = false;
        if (i == 0 || !std::isalnum(static_cast<unsigned char>(in[i - 1]))) {
            for (auto p : k_token_prefixes) {
                if (in.compare(i, p.size(), p) == 0 && i + p.size() < in.size() &&
                    is_token_char(in[i + p.size()])) {
                    size_t j = i + p.size();
                    while (j < in.size() && is_token_char(in[j]))
                        ++j;
                    out += k_mask;
                    i = j;
                    matched = true;
                    break;
                }
            }
        }
        if (!matched) {
            out += in[i];
            ++i;
        }
    }
    return out;
}

} // namespace

std::string redact(std::string_view text) {
    return redact_token_prefixes(redact_fields(redact_headers(text)));
}

} // namespace looppost::core
