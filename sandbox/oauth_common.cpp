#include "oauth_common.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sodium.h>
#include <stdexcept>

namespace sandbox {
namespace {

constexpr std::string_view k_alnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view k_digits = "0123456789";

void ensure_sodium() {
    static const int k_ready = sodium_init();
    if (k_ready < 0) {
        throw std::runtime_error("libsodium could not be initialised");
    }
}

std::string random_chars(std::size_t length, std::string_view alphabet) {
    ensure_sodium();
    std::string out(length, '\0');
    for (char& c : out) {
        c = alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))];
    }
    return out;
}

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

} // namespace

Form read_form(const Exchange& ex) {
    const std::string type = ex.req.get_header_value("Content-Type");
    if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
        throw ApiError(400, "invalid_request",
                       "The request must be sent as application/x-www-form-urlencoded.");
    }
    Form form;
    httplib::detail::parse_query_text(ex.req.body, form);
    return form;
}

std::string form_value(const Form& form, const std::string& key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
}

const ClientApp& check_client(const Config& config, std::string_view key, std::string_view secret) {
    const ClientApp* client = config.find_client(key);
    if (client == nullptr || secret.empty() || client->client_secret != secret) {
        throw ApiError(401, "invalid_client", "Client key or secret is invalid.");
    }
    return *client;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        if (!item.empty()) {
            items.emplace_back(item);
        }
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return items;
}

std::string join_list(const std::vector<std::string>& items) {
    return fmt::format("{}", fmt::join(items, ","));
}

std::string scope_problem(const ClientApp& client, const std::vector<std::string>& scopes) {
    if (scopes.empty()) {
        return "No scope was requested.";
    }
    const auto& known = known_scopes();
    const auto& approved = client.approved_scopes;
    for (const auto& scope : scopes) {
        if (std::find(known.begin(), known.end(), scope) == known.end()) {
            return fmt::format("The scope \"{}\" is unknown.", scope);
        }
        if (std::find(approved.begin(), approved.end(), scope) == approved.end()) {
            return fmt::format("The scope \"{}\" is not approved for this app.", scope);
        }
    }
    return {};
}

std::string new_auth_code() {
    return fmt::format("{}*{}!{}.va", random_chars(48, k_alnum), random_chars(1, k_digits),
                       random_chars(4, k_digits));
}

std::string new_token(std::string_view prefix) {
    return fmt::format("{}{}!{}.va", prefix, random_chars(60, k_alnum), random_chars(4, k_digits));
}

std::string new_qr_token() {
    return random_chars(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

std::string sha256_hex(std::string_view text) {
    ensure_sodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::string hex;
    for (unsigned char byte : digest) {
        hex += fmt::format("{:02x}", byte);
    }
    return hex;
}

bool valid_code_verifier(std::string_view verifier) {
    return verifier.size() >= 43 && verifier.size() <= 128 &&
           std::all_of(verifier.begin(), verifier.end(), unreserved);
}

bool valid_code_challenge(std::string_view challenge) {
    return challenge.size() == 64 && std::all_of(challenge.begin(), challenge.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string percent_encode(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (unreserved(c)) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

} // namespace sandbox
