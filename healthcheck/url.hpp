#pragma once
// The probe's URL: http://, https://, tcp://HOST:PORT, unix:///PATH, grpc://HOST:PORT[/SERVICE],
// grpcs://HOST:PORT[/SERVICE] or grpc+unix:///PATH[?service=NAME]. Pure: text in, parts out.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace keel::health {

enum class Scheme { http, https, tcp, unix_socket, grpc, grpcs, grpc_unix };

enum class HostKind { name, ipv4, ipv6 };

struct ProbeUrl {
    Scheme scheme = Scheme::http;
    std::string host;         // lowercased name, or an IP literal without brackets; empty for unix
    HostKind host_kind = HostKind::name;
    std::uint16_t port = 0;   // the scheme's default when the URL names none (tcp:// must name one)
    bool default_port = false;
    std::string target;       // request-target for http(s): path and query, "/" at least
    std::string socket_path;  // unix:// and grpc+unix:// only
    std::string service;      // gRPC only: the service whose health is asked; "" for the server's
};

// grpc://, grpcs:// or grpc+unix://.
bool is_grpc(Scheme scheme);

// unix:// or grpc+unix://: no host, a socket path.
bool is_unix(Scheme scheme);

// Errors say what is wrong and quote the input (userinfo hidden): "invalid URL 'ftp://x': scheme must be ...".
Result<ProbeUrl> parse_probe_url(std::string_view text);

// --authority NAME: the name a service reached by address answers to. `text` is what goes in
// :authority or Host (HOST or HOST:PORT as given, the host lowercased); `host` is what TLS sends
// as SNI and checks the certificate against.
struct AuthorityName {
    std::string text;
    std::string host;
    HostKind host_kind = HostKind::name;
};
Result<AuthorityName> parse_authority_name(std::string_view text);

// The text with a URL's user:password@ shown as ***@: every message that quotes a URL goes
// through this, since credentials there must never reach a log or the verdict line.
std::string without_userinfo(std::string_view text);

// "http", "https", "tcp", "unix", "grpc", "grpcs", "grpc+unix".
std::string_view scheme_name(Scheme scheme);

// "127.0.0.1:8080", "[::1]:8080", "example.com:443": how messages name the peer.
std::string host_port(const ProbeUrl& url);

// The Host header: like host_port, but without a default port (RFC 9110 7.2); "localhost" for
// unix sockets, which have no authority.
std::string host_header(const ProbeUrl& url);

// gRPC's :authority: HOST:PORT as grpc-go sends it, "localhost" for a unix socket.
std::string grpc_authority(const ProbeUrl& url);

}  // namespace keel::health
