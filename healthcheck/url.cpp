#include "healthcheck/url.hpp"

#include <arpa/inet.h>
#include <sys/un.h>

#include <algorithm>
#include <charconv>

#include "common/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_url_length = 8192;
constexpr std::size_t max_host_length = 253;  // RFC 1035: the longest DNS name in text form

struct SchemeInfo {
    std::string_view name;
    Scheme scheme;
    std::uint16_t default_port;
};
constexpr SchemeInfo schemes[] = {{"http", Scheme::http, 80},        {"https", Scheme::https, 443},
                                   {"tcp", Scheme::tcp, 0},           {"unix", Scheme::unix_socket, 0},
                                   {"grpc", Scheme::grpc, 0},         {"grpcs", Scheme::grpcs, 0},
                                   {"grpc+unix", Scheme::grpc_unix, 0}};
constexpr std::size_t max_service_length = 1024;

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool is_ip(int family, const std::string& text) {
    unsigned char address[16];
    return ::inet_pton(family, text.c_str(), address) == 1;
}

// Returns an error message, or "" when `text` (after the ':') is a valid port.
std::string parse_port(std::string_view text, ProbeUrl& url) {
    if (text.empty()) return "";  // "host:" means the default port (RFC 3986 3.2.3)
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.size() > 5 || value == 0 || value > 65535) {
        return "port must be a number from 1 to 65535";
    }
    url.port = static_cast<std::uint16_t>(value);
    url.default_port = false;
    return "";
}

// host, [v6], host:port or [v6]:port. Returns an error message or "".
std::string parse_authority(std::string_view authority, ProbeUrl& url) {
    if (authority.find('@') != std::string_view::npos) {
        return "user:password@ is not supported (send credentials with --header 'Authorization: ...')";
    }
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return "unterminated '[' in host";
        url.host = std::string(authority.substr(1, close - 1));
        if (!is_ip(AF_INET6, url.host)) return "'" + url.host + "' is not an IPv6 address";
        url.host_kind = HostKind::ipv6;
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') return "unexpected text after ']'";
        has_port = !after.empty();
        port_text = has_port ? after.substr(1) : std::string_view();
    } else {
        const std::size_t colon = authority.find(':');
        if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos) {
            return "an IPv6 address needs brackets: http://[::1]:8080/";
        }
        has_port = colon != std::string_view::npos;
        port_text = has_port ? authority.substr(colon + 1) : std::string_view();
        url.host = ascii_lowercase(authority.substr(0, colon));
        if (url.host.size() > max_host_length) return "host name longer than 253 characters";
        for (const char c : url.host) {
            if (!is_name_char(c)) return std::string("invalid character '") + c + "' in host";
        }
        url.host_kind = is_ip(AF_INET, url.host) ? HostKind::ipv4 : HostKind::name;
    }
    if (url.host.empty()) return "no host";
    return has_port ? parse_port(port_text, url) : "";
}

// unix:///run/app.sock: everything after "unix://" is the socket's absolute path.
std::string parse_unix(std::string_view rest, ProbeUrl& url) {
    if (rest.empty() || rest.front() != '/') {
        const std::string name(scheme_name(url.scheme));
        return name + ":// needs an absolute path: " + name + ":///run/app.sock";
    }
    if (rest.size() >= sizeof(sockaddr_un{}.sun_path)) return "socket path longer than 107 bytes";
    url.socket_path = std::string(rest);
    url.target = "/";
    return "";
}

// A service name as it travels in the request's protobuf: %XX decoded; control characters and
// NUL refused (they would reach the one output line).
std::string parse_service(std::string_view text, ProbeUrl& url) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            decoded += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return "incomplete %-escape in the service name";
        const int high = ascii_hex_value(text[i + 1]), low = ascii_hex_value(text[i + 2]);
        if (high < 0 || low < 0) return "invalid %-escape in the service name";
        decoded += static_cast<char>(high * 16 + low);
        i += 2;
    }
    if (decoded.size() > max_service_length) return "service name longer than 1024 bytes";
    if (has_space_or_control(decoded)) return "the service name contains a space or control character";
    url.service = std::move(decoded);
    return "";
}

// grpc+unix:///run/app.sock?service=billing
std::string parse_grpc_unix(std::string_view rest, ProbeUrl& url) {
    const std::size_t query = rest.find('?');
    if (std::string error = parse_unix(rest.substr(0, query), url); !error.empty()) return error;
    if (query == std::string_view::npos) return "";
    const std::string_view parameter = rest.substr(query + 1);
    if (!parameter.starts_with("service=") || parameter.find('&') != std::string_view::npos) {
        return "grpc+unix:// takes one query parameter, ?service=NAME";
    }
    return parse_service(parameter.substr(8), url);
}

std::string parse_after_scheme(std::string_view rest, ProbeUrl& url) {
    if (url.scheme == Scheme::unix_socket) return parse_unix(rest, url);
    if (url.scheme == Scheme::grpc_unix) return parse_grpc_unix(rest, url);
    rest = rest.substr(0, rest.find('#'));  // a fragment is never sent
    const std::size_t authority_end = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, authority_end);
    const std::string_view target = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (std::string error = parse_authority(authority, url); !error.empty()) return error;
    if (url.scheme == Scheme::tcp) {
        if (url.default_port) return "tcp:// needs a port: tcp://127.0.0.1:5432";
        if (!target.empty() && target != "/") return "tcp:// takes no path or query";
    }
    if (is_grpc(url.scheme)) {
        // gRPC has no default port (the well-known ones differ per service).
        if (url.default_port) return std::string(scheme_name(url.scheme)) + ":// needs a port: " + std::string(scheme_name(url.scheme)) + "://127.0.0.1:50051";
        if (target.find('?') != std::string_view::npos) return "a gRPC URL takes no query: the service is the path, grpc://HOST:PORT/SERVICE";
        const std::string_view service = target.empty() ? target : target.substr(1);
        if (service.find('/') != std::string_view::npos) return "a gRPC service name has no '/': grpc://HOST:PORT/SERVICE";
        url.target = "/grpc.health.v1.Health/Check";
        return parse_service(service, url);
    }
    url.target = target.empty() ? "/" : target.front() == '?' ? "/" + std::string(target) : std::string(target);
    return "";
}

}  // namespace

Result<ProbeUrl> parse_probe_url(std::string_view text) {
    if (text.size() > max_url_length) return fail("invalid URL: longer than 8 KiB");
    auto bad = [&](const std::string& why) { return fail("invalid URL '" + without_userinfo(text) + "': " + why); };
    // Not quoted: a control character would break the request line and the one output line.
    if (has_space_or_control(text)) return fail("invalid URL: contains a space or control character");
    const std::size_t separator = text.find("://");
    if (separator == std::string_view::npos) return bad("expected http://, https://, tcp://, unix://, grpc://, grpcs:// or grpc+unix://");
    const std::string scheme = ascii_lowercase(text.substr(0, separator));
    ProbeUrl url;
    const SchemeInfo* info = nullptr;
    for (const auto& candidate : schemes) {
        if (candidate.name == scheme) info = &candidate;
    }
    if (info == nullptr) return bad("scheme must be http, https, tcp, unix, grpc, grpcs or grpc+unix");
    url.scheme = info->scheme;
    url.port = info->default_port;
    url.default_port = true;
    if (std::string error = parse_after_scheme(text.substr(separator + 3), url); !error.empty()) return bad(error);
    return url;
}

Result<AuthorityName> parse_authority_name(std::string_view text) {
    auto bad = [&](const std::string& why) { return fail("invalid authority '" + without_userinfo(text) + "': " + why); };
    if (text.empty()) return fail("needs a host name: --authority api.example.com");
    if (text.size() > max_host_length + 8) return bad("longer than a host name and port");
    if (has_space_or_control(text)) return fail("contains a space or control character");
    if (text.find_first_of("/?#") != std::string_view::npos) return bad("a host name, or HOST:PORT, without a path");
    ProbeUrl parsed;
    parsed.default_port = true;
    if (std::string error = parse_authority(text, parsed); !error.empty()) return bad(error);
    AuthorityName name{parsed.host_kind == HostKind::ipv6 ? "[" + parsed.host + "]" : parsed.host, parsed.host, parsed.host_kind};
    // "api.example.com." is the same name, fully qualified; SNI and the certificate carry it
    // without the dot (RFC 6066 3).
    if (name.host.ends_with('.')) name.host.pop_back();
    if (name.host.empty() || name.host.ends_with('.') || name.host.starts_with('.') || name.host.find("..") != std::string::npos) {
        return bad("not a host name");
    }
    if (!parsed.default_port) name.text += ":" + std::to_string(parsed.port);
    return name;
}

std::string without_userinfo(std::string_view text) {
    // A bare HOST:PORT (keel wait's habit) has its authority at the start.
    const std::size_t separator = text.find("://");
    // Up to the last '@' anywhere, not only in the authority: a password may hold '/', '?' or
    // '#', and hiding part of a path that holds '@' costs a message nothing.
    const std::size_t start = separator == std::string_view::npos ? 0 : separator + 3;
    const std::size_t at = text.rfind('@');
    if (at == std::string_view::npos || at < start) return std::string(text);
    return std::string(text.substr(0, start)) + "***" + std::string(text.substr(at));
}

bool is_grpc(Scheme scheme) { return scheme == Scheme::grpc || scheme == Scheme::grpcs || scheme == Scheme::grpc_unix; }

bool is_unix(Scheme scheme) { return scheme == Scheme::unix_socket || scheme == Scheme::grpc_unix; }

std::string_view scheme_name(Scheme scheme) {
    for (const auto& candidate : schemes) {
        if (candidate.scheme == scheme) return candidate.name;
    }
    return "?";
}

std::string host_port(const ProbeUrl& url) {
    if (is_unix(url.scheme)) return url.socket_path;
    const std::string host = url.host_kind == HostKind::ipv6 ? "[" + url.host + "]" : url.host;
    return host + ":" + std::to_string(url.port);
}

std::string host_header(const ProbeUrl& url) {
    if (is_unix(url.scheme)) return "localhost";
    if (!url.default_port) return host_port(url);
    return url.host_kind == HostKind::ipv6 ? "[" + url.host + "]" : url.host;
}

std::string grpc_authority(const ProbeUrl& url) { return is_unix(url.scheme) ? "localhost" : host_port(url); }

}  // namespace keel::health
