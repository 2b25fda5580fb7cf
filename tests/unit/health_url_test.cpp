#include <doctest/doctest.h>

#include "healthcheck/url.hpp"

using keel::health::HostKind;
using keel::health::parse_probe_url;
using keel::health::Scheme;

TEST_CASE("probe URLs: schemes, hosts, ports and targets") {
    struct Case {
        const char* text;
        Scheme scheme;
        const char* host;
        HostKind kind;
        unsigned port;
        const char* target;
    };
    const Case cases[] = {
        {"http://127.0.0.1:8080/health", Scheme::http, "127.0.0.1", HostKind::ipv4, 8080, "/health"},
        {"http://example.com", Scheme::http, "example.com", HostKind::name, 80, "/"},
        {"HTTPS://Example.COM/a/b?x=1#frag", Scheme::https, "example.com", HostKind::name, 443, "/a/b?x=1"},
        {"http://[::1]:8080/", Scheme::http, "::1", HostKind::ipv6, 8080, "/"},
        {"https://[2001:db8::1]/", Scheme::https, "2001:db8::1", HostKind::ipv6, 443, "/"},
        {"http://h?q", Scheme::http, "h", HostKind::name, 80, "/?q"},
        {"http://h:/x", Scheme::http, "h", HostKind::name, 80, "/x"},
        {"tcp://db:5432", Scheme::tcp, "db", HostKind::name, 5432, "/"},
        {"tcp://[::1]:1/", Scheme::tcp, "::1", HostKind::ipv6, 1, "/"},
        {"http://my_service.internal:65535", Scheme::http, "my_service.internal", HostKind::name, 65535, "/"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto url = parse_probe_url(c.text);
        REQUIRE_MESSAGE(url.ok(), url.error());
        CHECK(url.value().scheme == c.scheme);
        CHECK(url.value().host == c.host);
        CHECK(url.value().host_kind == c.kind);
        CHECK(url.value().port == c.port);
        CHECK(url.value().target == c.target);
    }
}

TEST_CASE("unix:// URLs name an absolute socket path") {
    const auto url = parse_probe_url("unix:///run/app.sock");
    REQUIRE(url.ok());
    CHECK(url.value().scheme == Scheme::unix_socket);
    CHECK(url.value().socket_path == "/run/app.sock");
    CHECK(keel::health::host_header(url.value()) == "localhost");
    CHECK_FALSE(parse_probe_url("unix://run/app.sock").ok());
    CHECK_FALSE(parse_probe_url("unix://").ok());
    CHECK_FALSE(parse_probe_url("unix:///" + std::string(107, 'x')).ok());  // sun_path holds 107 + NUL
    CHECK(parse_probe_url("unix:///" + std::string(106, 'x')).ok());
}

TEST_CASE("bad URLs say why and quote the input") {
    struct Case {
        const char* text;
        const char* why;
    };
    const Case cases[] = {
        {"127.0.0.1:8080", "expected http://"},
        {"ftp://h/", "scheme must be"},
        {"http://", "no host"},
        {"http:///x", "no host"},
        {"http://:80/", "no host"},
        {"http://h:0/", "port must be"},
        {"http://h:65536/", "port must be"},
        {"http://h:80x/", "port must be"},
        {"http://h:-1/", "port must be"},
        {"http://h:000080/", "port must be"},
        {"http://::1:80/", "needs brackets"},
        {"http://[::1/", "unterminated"},
        {"http://[1.2.3.4]/", "not an IPv6 address"},
        {"http://[::1]x/", "after ']'"},
        {"http://h%41/", "invalid character"},
        {"tcp://h", "needs a port"},
        {"tcp://h:1/x", "no path"},
        {"grpc://h", "needs a port"},
        {"grpcs://h/svc", "needs a port"},
        {"grpc://h:1/a/b", "has no '/'"},
        {"grpc://h:1/?service=x", "no query"},
        {"grpc://h:1/a%4", "incomplete %-escape"},
        {"grpc://h:1/a%zz", "invalid %-escape"},
        {"grpc://h:1/a%00", "control character"},
        {"grpc+unix://run/app.sock", "grpc+unix:// needs an absolute path"},
        {"grpc+unix:///s?name=x", "?service=NAME"},
        {"grpc+unix:///s?service=x&y=1", "?service=NAME"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto url = parse_probe_url(c.text);
        REQUIRE_FALSE(url.ok());
        CHECK(url.error().find(c.why) != std::string::npos);
        CHECK(url.error().find(std::string("'") + c.text + "'") != std::string::npos);
    }
    // Controls and spaces are refused without being echoed (the output is one line).
    for (const char* text : {"http://h/a b", "http://h/\r\nX: y", "http://h/\x7f"}) {
        const auto url = parse_probe_url(text);
        REQUIRE_FALSE(url.ok());
        CHECK(url.error().find('\n') == std::string::npos);
    }
    CHECK_FALSE(parse_probe_url("http://" + std::string(254, 'a') + "/").ok());
    CHECK_FALSE(parse_probe_url("http://h/" + std::string(9000, 'a')).ok());
}

TEST_CASE("credentials in a URL never reach a message") {
    for (const char* text : {"http://user:s3cret@h/", "http://user:s3/cret@h/", "http://u:s3cret#x@h/", "https://s3cret@h:443/x", "grpc://a:s3cret@h:1/svc", "tcp://s3cret@h:1",
                             "http://user:s3cret@[::1/"}) {
        CAPTURE(text);
        const auto url = parse_probe_url(text);
        REQUIRE_FALSE(url.ok());
        CHECK(url.error().find("s3cret") == std::string::npos);
        CHECK(url.error().find("***@") != std::string::npos);
    }
    CHECK(keel::health::without_userinfo("http://u:p@h:1/a?c") == "http://***@h:1/a?c");
    CHECK(keel::health::without_userinfo("http://u:p/a?b#c@h:1/") == "http://***@h:1/");  // '/', '?', '#' in a password
    CHECK(keel::health::without_userinfo("http://h/a@b") == "http://***@b");  // over-hiding a path costs nothing
    CHECK(keel::health::without_userinfo("user:pw@db:5432") == "***@db:5432");
    CHECK(keel::health::without_userinfo("db:5432") == "db:5432");
}

TEST_CASE("--authority names: HOST or HOST:PORT, the host lowercased, IPv6 bracketed") {
    using keel::health::parse_authority_name;
    const auto name = parse_authority_name("API.example.com");
    REQUIRE_MESSAGE(name.ok(), name.error());
    CHECK(name.value().text == "api.example.com");
    CHECK(name.value().host == "api.example.com");
    CHECK(name.value().host_kind == keel::health::HostKind::name);
    const auto with_port = parse_authority_name("api.example.com:8443");
    REQUIRE(with_port.ok());
    CHECK(with_port.value().text == "api.example.com:8443");
    CHECK(with_port.value().host == "api.example.com");
    const auto v6 = parse_authority_name("[::1]:50051");
    REQUIRE(v6.ok());
    CHECK(v6.value().text == "[::1]:50051");
    CHECK(v6.value().host == "::1");
    CHECK(v6.value().host_kind == keel::health::HostKind::ipv6);
    const auto dotted = parse_authority_name("api.example.com.");
    REQUIRE(dotted.ok());
    CHECK(dotted.value().host == "api.example.com");  // SNI and the certificate check go without the dot
    CHECK(dotted.value().text == "api.example.com.");
    for (const char* bad : {"", "a b", "h/x", "h?x", "u:p@h", "h:0", "h:x", "::1", "[::1", "h_%", ".", "..", "a..b", ".a", "a.."}) {
        CAPTURE(bad);
        const auto refused = parse_authority_name(bad);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().find('\n') == std::string::npos);
        CHECK(refused.error().find("u:p") == std::string::npos);
    }
}

TEST_CASE("host_port and host_header bracket IPv6 and drop default ports") {
    auto parsed = [](const char* text) { return parse_probe_url(text).value(); };
    CHECK(keel::health::host_port(parsed("http://[::1]:8080/")) == "[::1]:8080");
    CHECK(keel::health::host_port(parsed("https://example.com/")) == "example.com:443");
    CHECK(keel::health::host_header(parsed("https://example.com/")) == "example.com");
    CHECK(keel::health::host_header(parsed("http://[::1]/")) == "[::1]");
    CHECK(keel::health::host_header(parsed("http://h:8080/")) == "h:8080");
    CHECK(keel::health::scheme_name(Scheme::unix_socket) == "unix");
}

TEST_CASE("gRPC URLs carry the service: the path for grpc:// and grpcs://, ?service= for grpc+unix://") {
    struct Case {
        const char* text;
        Scheme scheme;
        const char* host;
        std::uint16_t port;
        const char* service;
    };
    const Case cases[] = {
        {"grpc://127.0.0.1:50051", Scheme::grpc, "127.0.0.1", 50051, ""},
        {"grpc://127.0.0.1:50051/", Scheme::grpc, "127.0.0.1", 50051, ""},
        {"GRPCS://Api.Example:443/billing.v1.Billing", Scheme::grpcs, "api.example", 443, "billing.v1.Billing"},
        {"grpc://[::1]:9000/svc", Scheme::grpc, "::1", 9000, "svc"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto url = parse_probe_url(c.text);
        REQUIRE_MESSAGE(url.ok(), url.error());
        CHECK(url.value().scheme == c.scheme);
        CHECK(url.value().host == c.host);
        CHECK(url.value().port == c.port);
        CHECK(url.value().service == c.service);
        CHECK(url.value().target == "/grpc.health.v1.Health/Check");
        CHECK(keel::health::is_grpc(url.value().scheme));
    }
    CHECK(parse_probe_url("grpc://h:1/svc%2Ev1").value().service == "svc.v1");
    CHECK_FALSE(parse_probe_url("grpc://h:1/a%20b").ok());  // a decoded space would reach the output line

    const auto unix_url = parse_probe_url("grpc+unix:///run/app.sock?service=billing");
    REQUIRE_MESSAGE(unix_url.ok(), unix_url.error());
    CHECK(unix_url.value().scheme == Scheme::grpc_unix);
    CHECK(unix_url.value().socket_path == "/run/app.sock");
    CHECK(unix_url.value().service == "billing");
    CHECK(keel::health::is_unix(Scheme::grpc_unix));
    CHECK(keel::health::host_port(unix_url.value()) == "/run/app.sock");
    CHECK(parse_probe_url("grpc+unix:///run/app.sock").value().service.empty());
    CHECK_FALSE(keel::health::is_grpc(Scheme::https));
    CHECK(keel::health::scheme_name(Scheme::grpc_unix) == "grpc+unix");
}

TEST_CASE("gRPC service names are at most 1 KiB") {
    CHECK_FALSE(parse_probe_url("grpc://h:1/" + std::string(1025, 'a')).ok());
    CHECK(parse_probe_url("grpc://h:1/" + std::string(1024, 'a')).ok());
}
