#include <doctest/doctest.h>

#include "healthcheck/probe_config.hpp"

using keel::health::HealthcheckArgs;
using keel::health::make_probe_config;

namespace {

std::string no_origin(std::string_view, const std::string&) { return ""; }

}  // namespace

TEST_CASE("defaults: the default URL, 2 s, 200-399, GET") {
    const auto config = make_probe_config(HealthcheckArgs{}, no_origin);
    REQUIRE(config.ok());
    CHECK(config.value().url.host == "127.0.0.1");
    CHECK(config.value().url.port == 8080);
    CHECK(config.value().url.target == "/health");
    CHECK(config.value().timeout == std::chrono::seconds(2));
    CHECK(config.value().expect.status_text == "200-399");
    CHECK(config.value().request.rfind("GET /health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", 0) == 0);
    CHECK_FALSE(config.value().insecure);
}

TEST_CASE("every option is checked, and the message names the option and its origin") {
    struct Case {
        void (*set)(HealthcheckArgs&);
        const char* message_start;
        bool names_origin = true;
    };
    const Case cases[] = {
        {[](HealthcheckArgs& a) { a.timeout = ""; }, "--timeout: invalid duration ''"},
        {[](HealthcheckArgs& a) { a.timeout = "0s"; }, "--timeout: must be longer than 0"},
        {[](HealthcheckArgs& a) { a.expect_status = "2xx"; }, "--expect-status: invalid status range"},
        {[](HealthcheckArgs& a) { a.method = "POST"; }, "--method: invalid method 'POST'"},
        {[](HealthcheckArgs& a) { a.headers = {"bad"}; }, "--header: invalid header"},
        {[](HealthcheckArgs& a) { a.insecure = "maybe"; }, "--insecure: invalid flag value 'maybe'"},
        {[](HealthcheckArgs& a) { a.ca_file = ""; }, "--ca-file: needs a path"},
        {[](HealthcheckArgs& a) { a.expect_body = ""; }, "--expect-body: needs a non-empty text"},
        {[](HealthcheckArgs& a) { a.url = "ftp://x"; }, "invalid URL 'ftp://x'"},
        {[](HealthcheckArgs& a) { a.unexpected = {"--bogus"}; }, "unknown option '--bogus'", false},
        {[](HealthcheckArgs& a) { a.unexpected = {"two"}; }, "unexpected argument 'two'", false},
        {[](HealthcheckArgs& a) {
             a.method = "head";
             a.expect_body = "x";
         },
         "--expect-body: a HEAD response has no body", false},
        {[](HealthcheckArgs& a) {
             a.url = "unix:///s";
             a.path = "health";
         },
         "--path: must start with '/'"},
    };
    for (const auto& c : cases) {
        HealthcheckArgs args;
        c.set(args);
        const auto config = make_probe_config(args, [](std::string_view option, const std::string&) {
            return " (from " + std::string(option) + ")";
        });
        CAPTURE(c.message_start);
        REQUIRE_FALSE(config.ok());
        CHECK(config.error().rfind(c.message_start, 0) == 0);
        CHECK((config.error().find(" (from ") != std::string::npos) == c.names_origin);
    }
}

TEST_CASE("HEAD, headers, unix paths and flags shape the request") {
    HealthcheckArgs args;
    args.url = "unix:///run/app.sock";
    args.path = "/ready?full=1";
    args.method = "head";
    args.headers = {"X-A: 1", "X-B: 2"};
    args.insecure = "TRUE";
    const auto config = make_probe_config(args, no_origin);
    REQUIRE_MESSAGE(config.ok(), config.error());
    CHECK(config.value().head_request);
    CHECK(config.value().insecure);
    CHECK(config.value().request.rfind("HEAD /ready?full=1 HTTP/1.1\r\nHost: localhost\r\n", 0) == 0);
    CHECK(config.value().request.find("X-A: 1\r\nX-B: 2\r\n\r\n") != std::string::npos);

    args.path.reset();
    CHECK(make_probe_config(args, no_origin).value().request.rfind("HEAD /health HTTP/1.1", 0) == 0);
}

TEST_CASE("tcp:// needs no request; https needs TLS in the build") {
    HealthcheckArgs args;
    args.url = "tcp://127.0.0.1:5432";
    const auto tcp = make_probe_config(args, no_origin);
    REQUIRE(tcp.ok());
    CHECK(tcp.value().request.empty());

    args.url = "https://localhost/";
    const auto https = make_probe_config(args, no_origin);
#if KEEL_TLS
    CHECK(https.ok());
#else
    REQUIRE_FALSE(https.ok());
    CHECK(https.error() == "https is not available: keel was built without TLS");
#endif
}

TEST_CASE("flag text") {
    for (const char* yes : {"true", "1", "yes", "ON"}) CHECK(keel::health::parse_flag_text(yes).value());
    for (const char* no : {"", "false", "0", "no", "Off"}) CHECK_FALSE(keel::health::parse_flag_text(no).value());
    CHECK_FALSE(keel::health::parse_flag_text("2").ok());
}
