#include "healthcheck/resolve.hpp"

#include <netdb.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace keel::health {
namespace {

using boost::asio::ip::tcp;

// Blocking; runs on the lookup thread.
Result<Endpoints> resolve_blocking(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
        const std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
        return fail("resolve " + host + ": " + why);
    }
    Endpoints endpoints;
    for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
        if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
        tcp::endpoint endpoint;
        std::memcpy(endpoint.data(), entry->ai_addr, entry->ai_addrlen);
        endpoint.resize(entry->ai_addrlen);
        endpoint.port(port);
        endpoints.push_back(endpoint);
    }
    ::freeaddrinfo(found);
    if (endpoints.empty()) return fail("resolve " + host + ": no IPv4 or IPv6 address");
    return endpoints;
}

}  // namespace

std::optional<Endpoints> loopback_endpoints(std::string_view host, std::uint16_t port) {
    if (host.ends_with(".")) host.remove_suffix(1);  // "localhost." is the same name, fully qualified
    if (host != "localhost" && !host.ends_with(".localhost")) return std::nullopt;
    return Endpoints{{boost::asio::ip::address_v4::loopback(), port}, {boost::asio::ip::address_v6::loopback(), port}};
}

void HostLookup::start(const std::string& host, std::uint16_t port, Handler handler) {
    call_.start([host, port] { return resolve_blocking(host, port); }, std::move(handler),
                [](const std::string& why) -> Result<Endpoints> { return fail("resolve: cannot start a thread: " + why); });
}

}  // namespace keel::health
