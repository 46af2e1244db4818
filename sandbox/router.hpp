#pragma once
// Every route of the sandbox goes through the Router, which wraps the handler in what each
// request needs: a fresh log_id, the fault rules (before and after the handler), error answers in
// the path's shape when the handler throws, and a line in the ledger's request log.
//
// An endpoint family registers its routes from a function of its own, called in sandbox.cpp
// before Router::finish():
//
//     void register_oauth_routes(Router& router, Services& services) {
//         router.post("/v2/oauth/token/", [&services](Exchange& ex) {
//             …
//             if (bad) throw ApiError(400, "invalid_grant", "The refresh token is invalid.");
//             ex.json(200, {{"access_token", …}});
//         });
//     }

#include "exchange.hpp"
#include "faults.hpp"

#include <functional>
#include <httplib.h>
#include <string>

namespace sandbox {

struct Services;

/// An endpoint: reads ex.req, answers through ex (or throws ApiError).
using Handler = std::function<void(Exchange&)>;

class Router {
public:
    Router(httplib::Server& server, Services& services) : m_server(server), m_services(services) {}

    /// Routes for a path pattern (an ECMAScript regex matched against the whole path, without the
    /// query; groups are in ex.req.matches). get() answers HEAD as well.
    void get(const std::string& pattern, Handler handler);
    void post(const std::string& pattern, Handler handler);
    void put(const std::string& pattern, Handler handler);
    void patch(const std::string& pattern, Handler handler);
    void del(const std::string& pattern, Handler handler);
    /// A PUT whose body the handler streams through ex.content_reader (large uploads).
    void put_streaming(const std::string& pattern, Handler handler);

    /// Adds the 404 answers for every other path; call once, after all routes are registered
    /// (httplib tries routes in the order they were added).
    void finish();

private:
    httplib::Server::Handler wrap(Handler handler);
    void handle(const httplib::Request& req, httplib::Response& res, const Handler& handler,
                const httplib::ContentReader* reader = nullptr);
    /// Acts on a fault before the handler; returns whether the handler still runs.
    bool apply_before(const FaultAction& fault, Exchange& ex);
    void apply_after(const FaultAction& fault, Exchange& ex);

    httplib::Server& m_server;
    Services& m_services;
};

} // namespace sandbox
