#include "healthcheck/resolve.hpp"

#include <netdb.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include <boost/asio/post.hpp>

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

struct HostLookup::Shared {
    std::mutex mutex;
    bool abandoned = false;
};

std::optional<Endpoints> loopback_endpoints(std::string_view host, std::uint16_t port) {
    if (host.ends_with(".")) host.remove_suffix(1);  // "localhost." is the same name, fully qualified
    if (host != "localhost" && !host.ends_with(".localhost")) return std::nullopt;
    return Endpoints{{boost::asio::ip::address_v4::loopback(), port}, {boost::asio::ip::address_v6::loopback(), port}};
}

HostLookup::HostLookup(boost::asio::io_context& io) : io_(io), shared_(std::make_shared<Shared>()) {}

HostLookup::~HostLookup() { abandon(); }

void HostLookup::start(const std::string& host, std::uint16_t port, Handler handler) {
    work_.emplace(io_.get_executor());
    auto deliver = [this, shared = shared_, handler = std::move(handler)](Result<Endpoints> result) {
        {
            const std::lock_guard lock(shared->mutex);
            if (shared->abandoned) return;
        }
        work_.reset();
        handler(std::move(result));
    };
    try {
        std::thread([shared = shared_, executor = io_.get_executor(), host, port, deliver]() mutable {
            Result<Endpoints> result = resolve_blocking(host, port);
            const std::lock_guard lock(shared->mutex);
            if (!shared->abandoned) boost::asio::post(executor, [deliver, result = std::move(result)]() mutable { deliver(std::move(result)); });
        }).detach();
    } catch (const std::system_error& error) {
        boost::asio::post(io_, [deliver, why = std::string(error.what())] { deliver(fail("resolve: cannot start a thread: " + why)); });
    }
}

void HostLookup::abandon() {
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->abandoned = true;
    }
    work_.reset();
}

}  // namespace keel::health
