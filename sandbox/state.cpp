#include "state.hpp"

namespace sandbox {

State::State(Config loaded) : m_loaded(std::move(loaded)) {
    m_ledger.config = m_loaded;
}

Config State::config() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_ledger.config;
}

void State::set_config(Config config) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_ledger.config = std::move(config);
}

void State::set_loaded_config(Config config) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_loaded = std::move(config);
    m_ledger.config = m_loaded;
}

void State::record_request(RequestRecord record) {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_ledger.request_counts[record.path];
    m_ledger.requests.push_back(std::move(record));
    if (m_ledger.requests.size() > k_max_logged_requests) {
        m_ledger.requests.pop_front();
        ++m_ledger.requests_dropped;
    }
}

void State::record_pull(std::string url) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_ledger.pulled_urls.push_back(std::move(url));
}

nlohmann::json State::snapshot(std::int64_t now) const {
    using nlohmann::json;
    std::lock_guard<std::mutex> lock(m_mutex);
    const Ledger& ledger = m_ledger;
    json users = json::array();
    for (const auto& user : ledger.config.users) {
        users.push_back({{"open_id", user.open_id},
                         {"username", user.username},
                         {"display_name", user.display_name},
                         {"private", ledger.config.user_private(user)}});
    }
    json requests = json::array();
    for (const auto& record : ledger.requests) {
        requests.push_back({{"at", record.at},
                            {"method", record.method},
                            {"path", record.path},
                            {"status", record.status},
                            {"fault", record.fault.empty() ? json() : json(record.fault)}});
    }
    json posts = json::array();
    for (const auto& post : ledger.posts) {
        posts.push_back(post_json(post, now, ledger.config));
    }
    json uploads = json::array();
    for (const auto& task : ledger.uploads) {
        uploads.push_back(upload_json(task));
    }
    json fail_next = json::array();
    for (const auto& rule : ledger.fail_next) {
        fail_next.push_back(fail_rule_json(rule));
    }
    json doc = {{"config", to_json(ledger.config)},
                {"now", now},
                {"users", users},
                {"posts", posts},
                {"uploads", uploads},
                {"fail_next", fail_next},
                {"pulled_urls", ledger.pulled_urls},
                {"request_counts", ledger.request_counts},
                {"requests", requests},
                {"requests_dropped", ledger.requests_dropped}};
    doc.update(ledger.oauth.to_json(now)); // tokens, auth_codes, qr_sessions, refreshes, revokes
    return doc;
}

void State::reset() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_ledger = Ledger{};
    m_ledger.config = m_loaded;
}

} // namespace sandbox
