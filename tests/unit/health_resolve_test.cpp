#include <doctest/doctest.h>

#include "healthcheck/resolve.hpp"

using keel::health::loopback_endpoints;

TEST_CASE("localhost names are the loopback addresses, IPv4 first") {
    for (const char* name : {"localhost", "localhost.", "app.localhost"}) {
        CAPTURE(name);
        const auto endpoints = loopback_endpoints(name, 8080);
        REQUIRE(endpoints.has_value());
        REQUIRE(endpoints->size() == 2);
        CHECK((*endpoints)[0].address().to_string() == "127.0.0.1");
        CHECK((*endpoints)[1].address().to_string() == "::1");
        CHECK((*endpoints)[1].port() == 8080);
    }
    for (const char* name : {"localhost.example.com", "notlocalhost", "example.com", "localhostx"}) {
        CAPTURE(name);
        CHECK_FALSE(loopback_endpoints(name, 80).has_value());
    }
}
