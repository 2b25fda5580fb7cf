#pragma once
// Host name -> TCP endpoints for the probe, bounded by the probe's deadline.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/result.hpp"
#include "healthcheck/detached_call.hpp"

namespace keel::health {

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

// RFC 6761 6.3: "localhost" and names under ".localhost" are the loopback addresses (127.0.0.1,
// then ::1), answered without the resolver: a scratch image has no /etc/hosts, and musl would
// then ask a DNS server that does not exist. nullopt for any other name. Pure.
std::optional<Endpoints> loopback_endpoints(std::string_view host, std::uint16_t port);

// The libc resolver (getaddrinfo) on a detached thread (healthcheck/detached_call.hpp says why):
// after abandon() (or destruction) the handler never runs, and the process exits without waiting
// for a DNS server that does not answer.
class HostLookup {
public:
    // Errors: "resolve db.internal: Name does not resolve" (gai_strerror's text).
    using Handler = std::function<void(Result<Endpoints>)>;

    explicit HostLookup(boost::asio::io_context& io) : call_(io) {}

    void start(const std::string& host, std::uint16_t port, Handler handler);
    void abandon() { call_.abandon(); }

private:
    DetachedCall<Result<Endpoints>> call_;
};

}  // namespace keel::health
