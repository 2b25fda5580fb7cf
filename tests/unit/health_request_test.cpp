#include <doctest/doctest.h>

#include "healthcheck/request.hpp"
#include "keel/build_info.hpp"

using keel::health::build_request;
using keel::health::RequestSpec;

TEST_CASE("the request: HTTP/1.1, Host, User-Agent, Connection: close, then extra headers") {
    const std::string expected = std::string("GET /health?x=1 HTTP/1.1\r\n"
                                             "Host: 127.0.0.1:8080\r\n"
                                             "User-Agent: keel-healthcheck/") +
                                 keel::build_info::version +
                                 "\r\n"
                                 "Accept: */*\r\n"
                                 "Connection: close\r\n"
                                 "X-Probe: 1\r\n"
                                 "\r\n";
    CHECK(build_request({"GET", "/health?x=1", "127.0.0.1:8080", {{"X-Probe", "1"}}}) == expected);
}

TEST_CASE("an extra Host, User-Agent or Accept replaces keel's own") {
    const std::string request = build_request({"HEAD", "/", "h", {{"host", "example.com"}, {"User-Agent", "me"}}});
    CHECK(request.rfind("HEAD / HTTP/1.1\r\n", 0) == 0);
    CHECK(request.find("Host: h\r\n") == std::string::npos);
    CHECK(request.find("host: example.com\r\n") != std::string::npos);
    CHECK(request.find("keel-healthcheck") == std::string::npos);
    CHECK(request.find("User-Agent: me\r\n") != std::string::npos);
    CHECK(request.find("Accept: */*\r\n") != std::string::npos);
    CHECK(request.find("Connection: close\r\n") != std::string::npos);
    CHECK(keel::health::user_agent() == std::string("keel-healthcheck/") + keel::build_info::version);
}
