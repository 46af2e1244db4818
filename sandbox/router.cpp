#include "router.hpp"

#include "services.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <memory>
#include <thread>

namespace sandbox {
namespace {

constexpr const char* k_garbage_body =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

void clear_content(httplib::Response& res) {
    res.body.clear();
    res.content_provider_ = nullptr;
    res.content_length_ = 0;
    auto types = res.headers.equal_range("Content-Type");
    res.headers.erase(types.first, types.second);
}

void run_handler(const Handler& handler, Exchange& ex) {
    try {
        handler(ex);
        if (ex.res.status == -1) {
            ex.res.status = 200;
        }
    } catch (const ApiError& e) {
        clear_content(ex.res);
        ex.error(e.http_status(), e.code(), e.what());
    } catch (const nlohmann::json::exception& e) {
        // A field of the wrong type in the request body.
        clear_content(ex.res);
        ex.error(400, ex.oauth_shape() ? "invalid_request" : "invalid_params", e.what());
    } catch (const std::exception& e) {
        fmt::print(stderr, "looppost-sandbox: {} {} failed: {}\n", ex.req.method, ex.req.path,
                   e.what());
        clear_content(ex.res);
        ex.error(500, ex.oauth_shape() ? "server_error" : "internal_error", e.what());
    }
}

// Replaces the answer with one that announces its full length but ends after `keep` bytes; httplib
// then closes the connection, so the client sees a short read.
void truncate_answer(httplib::Response& res, std::optional<std::size_t> keep_bytes) {
    if (res.content_provider_ && res.content_length_ > 0) {
        const std::size_t total = res.content_length_;
        const std::size_t keep = std::min(keep_bytes.value_or(total / 2), total - 1);
        auto inner = res.content_provider_;
        res.content_provider_ = [inner, keep](std::size_t offset, std::size_t length,
                                              httplib::DataSink& sink) {
            return offset < keep && inner(offset, std::min(length, keep - offset), sink);
        };
        return;
    }
    auto body = std::make_shared<std::string>(res.body.empty() ? "{}" : std::move(res.body));
    const std::string type =
        res.has_header("Content-Type") ? res.get_header_value("Content-Type") : "application/json";
    const std::size_t keep = std::min(keep_bytes.value_or(body->size() / 2), body->size() - 1);
    clear_content(res);
    res.set_content_provider(
        body->size(), type,
        [body, keep](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
            if (offset >= keep) {
                return false;
            }
            return sink.write(body->data() + offset, std::min(length, keep - offset));
        });
}

void garbage_answer(const FaultAction& fault, httplib::Response& res) {
    clear_content(res);
    res.status = fault.http_status != 0 ? fault.http_status : 200;
    res.set_content(fault.body.empty() ? std::string(k_garbage_body) : fault.body, "text/html");
}

} // namespace

void Router::get(const std::string& pattern, Handler handler) {
    m_server.Get(pattern, wrap(std::move(handler)));
}

void Router::post(const std::string& pattern, Handler handler) {
    m_server.Post(pattern, wrap(std::move(handler)));
}

void Router::put(const std::string& pattern, Handler handler) {
    m_server.Put(pattern, wrap(std::move(handler)));
}

void Router::patch(const std::string& pattern, Handler handler) {
    m_server.Patch(pattern, wrap(std::move(handler)));
}

void Router::del(const std::string& pattern, Handler handler) {
    m_server.Delete(pattern, wrap(std::move(handler)));
}

void Router::put_streaming(const std::string& pattern, Handler handler) {
    m_server.Put(pattern,
                 [this, handler = std::move(handler)](
                     const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader) { handle(req, res, handler, &reader); });
}

void Router::finish() {
    Handler not_found = [](Exchange& ex) {
        const std::string message = fmt::format("The path \"{}\" does not exist.", ex.req.path);
        ex.error(404, ex.oauth_shape() ? "invalid_request" : "not_found", message);
    };
    get(".*", not_found);
    post(".*", not_found);
    put(".*", not_found);
    patch(".*", not_found);
    del(".*", not_found);
    m_server.Options(".*", wrap(not_found));
}

httplib::Server::Handler Router::wrap(Handler handler) {
    return [this, handler = std::move(handler)](
               const httplib::Request& req, httplib::Response& res) { handle(req, res, handler); };
}

void Router::handle(const httplib::Request& req, httplib::Response& res, const Handler& handler,
                    const httplib::ContentReader* reader) {
    // httplib 0.11 applies a Range header to every answer it writes, even error answers, and
    // miscounts ranges past the end. The one route that serves ranges (/media/) does it itself,
    // so httplib's copy is emptied. The Request object is a mutable local of httplib's
    // process_request, so this const_cast is well defined.
    const_cast<httplib::Request&>(req).ranges.clear();

    Exchange ex(req, res, new_log_id(m_services.clock));
    ex.content_reader = reader;
    res.set_header("Date", http_date(m_services.clock));
    const bool admin = is_admin_path(req.path);
    const std::optional<FaultAction> fault =
        admin ? std::nullopt : m_services.faults.take(req.method, req.path);

    const bool run = !fault || apply_before(*fault, ex);
    if (run) {
        run_handler(handler, ex);
        if (fault) {
            apply_after(*fault, ex);
        }
    }

    if (reader != nullptr && !ex.body_read) { // an unread body would be taken for the next request
        (*reader)([](const char*, std::size_t) { return true; });
    }

    const bool dropped = fault && fault->kind == FaultKind::drop;
    const int status = dropped && fault->when == FaultWhen::before ? 0 : res.status;
    const std::string fault_name = fault ? std::string(to_string(fault->kind)) : std::string();
    if (!admin) {
        m_services.state.record_request(
            {m_services.clock.now_seconds(), req.method, req.path, status, fault_name});
    }
    fmt::print(stderr, "looppost-sandbox: {} {} {}{}\n", req.method, req.path, status,
               fault_name.empty() ? "" : " (fault: " + fault_name + ")");
}

bool Router::apply_before(const FaultAction& fault, Exchange& ex) {
    switch (fault.kind) {
    case FaultKind::delay:
        std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
        return true;
    case FaultKind::status: {
        const int status = fault.http_status != 0 ? fault.http_status : 500;
        std::string code = fault.error_code;
        if (code.empty()) {
            code = ex.oauth_shape() ? "server_error" : "internal_error";
        }
        ex.error(status, code, fault.message);
        return false;
    }
    case FaultKind::drop:
        if (fault.when == FaultWhen::after) {
            return true;
        }
        // The relay needs some answer to notice; it never reaches the client.
        ex.error(500, ex.oauth_shape() ? "server_error" : "internal_error", "dropped");
        m_services.drops.mark(ex.req.remote_port);
        return false;
    case FaultKind::garbage:
        if (fault.when == FaultWhen::after) {
            return true;
        }
        garbage_answer(fault, ex.res);
        return false;
    case FaultKind::truncate:
        return true;
    }
    return true;
}

void Router::apply_after(const FaultAction& fault, Exchange& ex) {
    switch (fault.kind) {
    case FaultKind::drop:
        m_services.drops.mark(ex.req.remote_port);
        break;
    case FaultKind::garbage:
        garbage_answer(fault, ex.res);
        break;
    case FaultKind::truncate:
        truncate_answer(ex.res, fault.keep_bytes);
        break;
    case FaultKind::delay:
    case FaultKind::status:
        break;
    }
}

} // namespace sandbox
