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

namespace {

keel::health::ReadHeaderFile file_holding(std::string text) {
    return [text](const std::string& path) -> keel::Result<std::string> {
        if (path == "/missing") return keel::fail("cannot open: No such file or directory");
        return text;
    };
}

}  // namespace

TEST_CASE("--header-file adds its lines after --header; errors name the line, never the value") {
    HealthcheckArgs args;
    args.headers = {"X-A: 1"};
    args.header_file = "/run/secrets/probe-headers";
    const auto config = make_probe_config(args, no_origin, file_holding("# probe\nAuthorization: Bearer abc\n"));
    REQUIRE_MESSAGE(config.ok(), config.error());
    CHECK(config.value().request.find("X-A: 1\r\nAuthorization: Bearer abc\r\n\r\n") != std::string::npos);

    const auto bad_line = make_probe_config(args, no_origin, file_holding("X-B: 2\nAuthorization Bearer s3cret\n"));
    REQUIRE_FALSE(bad_line.ok());
    CHECK(bad_line.error() == "--header-file /run/secrets/probe-headers line 2: invalid header: expected 'Name: value'");

    args.header_file = "/missing";
    const auto missing = make_probe_config(args, no_origin, file_holding(""));
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error() == "--header-file /missing: cannot open: No such file or directory");
    args.header_file = "/run/secrets/probe-headers";
    const auto no_reader = make_probe_config(args, no_origin);  // refused, not ignored
    REQUIRE_FALSE(no_reader.ok());
    CHECK(no_reader.error() == "--header-file /run/secrets/probe-headers: not available here");
    const auto comments_only = make_probe_config(args, no_origin, file_holding("# nothing yet\n\n"));
    REQUIRE_FALSE(comments_only.ok());
    CHECK(comments_only.error().find("holds no 'Name: value' line") != std::string::npos);

    args.url = "grpc://127.0.0.1:50051";
    args.header_file = "/run/secrets/probe-headers";
    const auto grpc = make_probe_config(args, no_origin, file_holding("authorization: Bearer abc\n"));
    REQUIRE_MESSAGE(grpc.ok(), grpc.error());
    REQUIRE(grpc.value().metadata.size() == 2);
    CHECK(grpc.value().metadata[1].name == "authorization");
    const auto reserved = make_probe_config(args, no_origin, file_holding("\ngrpc-timeout: 1S\n"));
    REQUIRE_FALSE(reserved.ok());
    CHECK(reserved.error() == "--header-file /run/secrets/probe-headers line 2: grpc-timeout is set by the gRPC protocol itself");

    args.url = "tcp://127.0.0.1:5432";
    args.headers.clear();
    const auto tcp = make_probe_config(args, no_origin, file_holding("X-A: 1\n"));
    REQUIRE_FALSE(tcp.ok());
    CHECK(tcp.error().rfind("--header and --header-file are for http(s) and gRPC URLs", 0) == 0);
}

TEST_CASE("a misquoted --header is named before its stray value can be quoted as the URL or a word") {
    HealthcheckArgs args;
    args.headers = {"X-Api-Key:"};
    args.url = "abc123tok";
    args.unexpected = {"s3cret"};
    const auto config = make_probe_config(args, no_origin);
    REQUIRE_FALSE(config.ok());
    CHECK(config.error() == "--header: invalid header 'X-Api-Key': no value after ':' (quote the whole 'Name: value' as one argument)");
}

TEST_CASE("--authority sets Host or :authority and the TLS name, and conflicts with a Host header") {
    HealthcheckArgs args;
    args.url = "https://127.0.0.1:8443/health";
    args.authority = "API.example.com";
    const auto https = make_probe_config(args, no_origin);
#if KEEL_TLS
    REQUIRE_MESSAGE(https.ok(), https.error());
    CHECK(https.value().request.rfind("GET /health HTTP/1.1\r\nHost: api.example.com\r\n", 0) == 0);
    CHECK(keel::health::tls_server_name(https.value()) == "api.example.com");
    CHECK(keel::health::tls_server_kind(https.value()) == keel::health::HostKind::name);
#endif
    args.url = "http://127.0.0.1:8080/health";
    const auto plain = make_probe_config(args, no_origin);
    REQUIRE(plain.ok());
    CHECK(keel::health::tls_server_name(plain.value()) == "api.example.com");
    args.authority.reset();
    CHECK(keel::health::tls_server_name(make_probe_config(args, no_origin).value()) == "127.0.0.1");

    args.authority = "api.example.com";
    args.headers = {"Host: other"};
    const auto both = make_probe_config(args, no_origin);
    REQUIRE_FALSE(both.ok());
    CHECK(both.error().rfind("--header: Host and --authority both name the server", 0) == 0);

    args.headers.clear();
    args.url = "tcp://127.0.0.1:5432";
    CHECK(make_probe_config(args, no_origin).error().rfind("--authority is for http(s) and gRPC URLs", 0) == 0);
    args.url = "http://h/";
    args.authority = "a b";
    CHECK(make_probe_config(args, no_origin).error().rfind("--authority: ", 0) == 0);
#if KEEL_GRPC
    args.url = "grpc://10.0.0.7:50051/billing";
    args.authority = "billing.internal:443";
    const auto grpc = make_probe_config(args, no_origin);
    REQUIRE_MESSAGE(grpc.ok(), grpc.error());
    CHECK(grpc.value().authority->text == "billing.internal:443");
    CHECK(keel::health::tls_server_name(grpc.value()) == "billing.internal");
#endif
}

TEST_CASE("flag text") {
    for (const char* yes : {"true", "1", "yes", "ON"}) CHECK(keel::health::parse_flag_text(yes).value());
    for (const char* no : {"", "false", "0", "no", "Off"}) CHECK_FALSE(keel::health::parse_flag_text(no).value());
    CHECK_FALSE(keel::health::parse_flag_text("2").ok());
}
