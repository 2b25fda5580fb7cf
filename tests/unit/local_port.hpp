#pragma once
// A TCP port on 127.0.0.1 for the probe and wait tests: bound at once (so nothing else takes it),
// listening from the start or only once listen() is called; until then connections are refused.
// Nothing ever accepts: a connect succeeds, nothing is answered.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

class LocalPort {
public:
    explicit LocalPort(bool listening) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        socklen_t size = sizeof address;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port_ = ntohs(address.sin_port);
        if (listening) listen();
    }
    ~LocalPort() { ::close(fd_); }
    LocalPort(const LocalPort&) = delete;
    LocalPort& operator=(const LocalPort&) = delete;

    void listen() const { REQUIRE(::listen(fd_, 8) == 0); }
    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string host_port() const { return "127.0.0.1:" + std::to_string(port_); }

private:
    int fd_;
    int port_ = 0;
};
