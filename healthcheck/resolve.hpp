#pragma once
// Host name -> TCP endpoints for the probe, bounded by the probe's deadline.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/result.hpp"

namespace keel::health {

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

// RFC 6761 6.3: "localhost" and names under ".localhost" are the loopback addresses (127.0.0.1,
// then ::1), answered without the resolver: a scratch image has no /etc/hosts, and musl would
// then ask a DNS server that does not exist. nullopt for any other name. Pure.
std::optional<Endpoints> loopback_endpoints(std::string_view host, std::uint16_t port);

// The libc resolver (getaddrinfo) on a detached thread. getaddrinfo cannot be cancelled, and
// Asio's resolver joins its thread at shutdown, so a dead DNS server would hold the process past
// the deadline for the resolver's own timeouts (musl: 5 s per try). Here the probe just stops
// waiting: after abandon() (or destruction) the handler never runs and the thread's result is
// dropped; the process exits without waiting for it.
class HostLookup {
public:
    // Errors: "resolve db.internal: Name does not resolve" (gai_strerror's text).
    using Handler = std::function<void(Result<Endpoints>)>;

    explicit HostLookup(boost::asio::io_context& io);
    ~HostLookup();
    HostLookup(const HostLookup&) = delete;
    HostLookup& operator=(const HostLookup&) = delete;

    void start(const std::string& host, std::uint16_t port, Handler handler);
    void abandon();

private:
    struct Shared;
    boost::asio::io_context& io_;
    std::shared_ptr<Shared> shared_;
    // Keeps io_context::run() going while the thread works (the thread itself is not Asio work).
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace keel::health
