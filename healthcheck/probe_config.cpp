#include "healthcheck/probe_config.hpp"

#include "healthcheck/request.hpp"
#include "common/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_path_length = 8192;

// Runs `parse` on an option's value; a failure names the option and where the value came from.
template <typename Parse>
auto checked(std::string_view option, const std::string& value, const OriginOf& origin_of, Parse parse)
    -> decltype(parse(value)) {
    auto parsed = parse(value);
    if (!parsed) return fail(std::string(option) + ": " + parsed.error() + origin_of(option, value));
    return parsed;
}

Result<Duration> parse_timeout(std::string_view text) {
    auto parsed = parse_duration(text);
    if (parsed && parsed.value().count() == 0) return fail("must be longer than 0");
    return parsed;
}

Result<std::string> parse_method(std::string_view text) {
    std::string method = ascii_uppercase(text);
    if (method != "GET" && method != "HEAD") return fail("invalid method '" + std::string(text) + "': use GET or HEAD");
    return method;
}

Result<std::string> parse_request_path(std::string_view text) {
    if (text.empty() || text.front() != '/') return fail("must start with '/'");
    if (text.size() > max_path_length) return fail("longer than 8 KiB");
    if (has_space_or_control(text)) return fail("spaces and control characters are not allowed");
    return std::string(text);
}

Result<std::string> parse_expected_body(std::string_view text) {
    if (text.empty()) return fail("needs a non-empty text to look for");
    return std::string(text);
}

Result<std::string> parse_file_path(std::string_view text) {
    if (text.empty()) return fail("needs a path");
    return std::string(text);
}

std::string describe_unexpected(const std::vector<std::string>& words) {
    const std::string& word = words.front();
    const bool option = word.size() > 1 && word.front() == '-';
    return std::string(option ? "unknown option '" : "unexpected argument '") + word +
           "' (keel healthcheck --help lists the options)";
}

// A header as given, with where it came from for messages ("--header", "--header-file F line 3").
struct GivenHeader {
    HeaderField field;
    std::string origin;
};

// The --header values, each through parse_header_option.
Result<std::vector<GivenHeader>> command_line_headers(const HealthcheckArgs& args, const OriginOf& origin_of) {
    std::vector<GivenHeader> given;
    for (const auto& header : args.headers) {
        auto field = checked("--header", header, origin_of, parse_header_option);
        if (!field) return fail(field.error());
        given.push_back({std::move(field).value(), "--header"});
    }
    return given;
}

// --header-file's lines after them, through the same parser.
Result<bool> add_header_file(const HealthcheckArgs& args, const OriginOf& origin_of, const ReadHeaderFile& read_header_file,
                             std::vector<GivenHeader>& given) {
    if (!args.header_file) return true;
    auto path = checked("--header-file", *args.header_file, origin_of, parse_file_path);
    if (!path) return fail(path.error());
    const std::string where = "--header-file " + path.value();
    if (!read_header_file) return fail(where + ": not available here");
    auto text = read_header_file(path.value());
    if (!text) return fail(where + ": " + text.error());
    auto lines = header_file_lines(text.value());
    if (!lines) return fail(where + ": " + lines.error());
    if (lines.value().empty()) return fail(where + ": holds no 'Name: value' line (an empty secret mount?)");
    for (const auto& line : lines.value()) {
        const std::string origin = where + " line " + std::to_string(line.number);
        auto field = parse_header_option(line.text);
        if (!field) return fail(origin + ": " + field.error());
        given.push_back({std::move(field).value(), origin});
    }
    return true;
}

// Everything that shapes the HTTP exchange: expectations and the request bytes.
Result<bool> add_http_parts(const HealthcheckArgs& args, const OriginOf& origin_of, std::vector<GivenHeader> headers,
                            ProbeConfig& config) {
    auto ranges = checked("--expect-status", args.expect_status, origin_of, parse_status_ranges);
    if (!ranges) return fail(ranges.error());
    config.expect.status = std::move(ranges).value();
    config.expect.status_text = args.expect_status;
    auto method = checked("--method", args.method, origin_of, parse_method);
    if (!method) return fail(method.error());
    config.head_request = method.value() == "HEAD";
    if (args.expect_body) {
        auto body = checked("--expect-body", *args.expect_body, origin_of, parse_expected_body);
        if (!body) return fail(body.error());
        if (config.head_request) return fail("--expect-body: a HEAD response has no body (use GET)");
        config.expect.body = std::move(body).value();
    }
    RequestSpec spec{method.value(), config.url.target, config.authority ? config.authority->text : host_header(config.url), {}};
    for (auto& header : headers) {
        if (config.authority && same_header_name(header.field.name, "Host")) {
            return fail(header.origin + ": Host and --authority both name the server; keep --authority (it also sets the TLS name)");
        }
        spec.headers.push_back(std::move(header.field));
    }
    if (config.url.scheme == Scheme::unix_socket && args.path) {
        auto path = checked("--path", *args.path, origin_of, parse_request_path);
        if (!path) return fail(path.error());
        spec.target = path.value();
    } else if (config.url.scheme == Scheme::unix_socket) {
        spec.target = default_socket_request_path;
    }
    config.request = build_request(spec);
    return true;
}

// gRPC: the call is fixed (POST /grpc.health.v1.Health/Check, the service in the URL), so the
// HTTP options that would change it are refused rather than ignored; --header fields become
// metadata, except those the protocol itself sets.
Result<bool> add_grpc_parts(const HealthcheckArgs& args, std::vector<GivenHeader> headers, ProbeConfig& config) {
    const char* const http_only = "is for HTTP probes: a gRPC probe calls grpc.health.v1.Health/Check";
    if (ascii_uppercase(args.method) != "GET") return fail(std::string("--method ") + http_only);
    if (args.expect_status != "200-399") return fail(std::string("--expect-status ") + http_only + " and is healthy only on SERVING");
    if (args.expect_body) return fail(std::string("--expect-body ") + http_only + " and is healthy only on SERVING");
    if (args.path) return fail(std::string("--path ") + http_only + "; the service goes in the URL: grpc+unix:///PATH?service=NAME");
    for (auto& header : headers) {
        const std::string name = ascii_lowercase(header.field.name);
        if (name == "host" || name == "te" || name == "content-type" || name.starts_with("grpc-")) {
            return fail(header.origin + ": " + name + " is set by the gRPC protocol itself" +
                        (name == "host" ? " (--authority NAME sets :authority)" : ""));
        }
        config.metadata.push_back(std::move(header.field));
    }
    return true;
}

}  // namespace

Result<bool> parse_flag_text(std::string_view text) {
    const std::string lowered = ascii_lowercase(text);
    for (const char* yes : {"true", "yes", "on", "1"}) {
        if (lowered == yes) return true;
    }
    for (const char* no : {"", "false", "no", "off", "0"}) {
        if (lowered == no) return false;
    }
    return fail("invalid flag value '" + std::string(text) + "': use true or false");
}

std::string tls_server_name(const ProbeConfig& config) { return config.authority ? config.authority->host : config.url.host; }

HostKind tls_server_kind(const ProbeConfig& config) {
    return config.authority ? config.authority->host_kind : config.url.host_kind;
}

Result<ProbeConfig> make_probe_config(const HealthcheckArgs& args, const OriginOf& origin_of,
                                      const ReadHeaderFile& read_header_file) {
    // Headers first: a misquoted one (`--header Authorization: Bearer TOKEN`) leaves its value
    // as the URL or an extra word, which the messages below would quote.
    auto headers = command_line_headers(args, origin_of);
    if (!headers) return fail(headers.error());
    if (!args.unexpected.empty()) return fail(describe_unexpected(args.unexpected));
    ProbeConfig config;
    const std::string url_text = args.url.empty() ? default_probe_url : args.url;
    auto url = parse_probe_url(url_text);
    if (!url) return fail(url.error() + origin_of("URL", url_text));
    config.url = std::move(url).value();
    if (!KEEL_TLS && config.url.scheme == Scheme::https) return fail("https is not available: keel was built without TLS");
    if (!KEEL_GRPC && is_grpc(config.url.scheme)) return fail("built without gRPC");
    if (!KEEL_TLS && config.url.scheme == Scheme::grpcs) return fail("grpcs is not available: keel was built without TLS");
    auto timeout = checked("--timeout", args.timeout, origin_of, parse_timeout);
    if (!timeout) return fail(timeout.error());
    config.timeout = timeout.value();
    auto insecure = checked("--insecure", args.insecure, origin_of, parse_flag_text);
    if (!insecure) return fail(insecure.error());
    config.insecure = insecure.value();
    if (args.ca_file) {
        auto ca_file = checked("--ca-file", *args.ca_file, origin_of, parse_file_path);
        if (!ca_file) return fail(ca_file.error());
        config.ca_file = ca_file.value();
    }
    if (args.cert.has_value() != args.key.has_value()) {
        return fail(args.cert ? "--cert needs --key (the certificate's private key)" : "--key needs --cert (the client certificate)");
    }
    if (args.cert) {
        if (config.url.scheme != Scheme::https && config.url.scheme != Scheme::grpcs) {
            return fail("--cert and --key are for https:// and grpcs:// URLs");
        }
        auto cert = checked("--cert", *args.cert, origin_of, parse_file_path);
        if (!cert) return fail(cert.error());
        auto key = checked("--key", *args.key, origin_of, parse_file_path);
        if (!key) return fail(key.error());
        config.cert_file = cert.value();
        config.key_file = key.value();
    }
    if (args.authority) {
        if (config.url.scheme == Scheme::tcp) return fail("--authority is for http(s) and gRPC URLs: a tcp:// probe sends no name");
        auto name = checked("--authority", *args.authority, origin_of, parse_authority_name);
        if (!name) return fail(name.error());
        config.authority = std::move(name).value();
    }
    if (config.url.scheme == Scheme::tcp) {
        if (!args.headers.empty() || args.header_file) return fail("--header and --header-file are for http(s) and gRPC URLs: a tcp:// probe sends nothing");
        return config;
    }
    std::vector<GivenHeader> given = std::move(headers).value();
    if (auto file = add_header_file(args, origin_of, read_header_file, given); !file) return fail(file.error());
    if (is_grpc(config.url.scheme)) {
        if (auto grpc = add_grpc_parts(args, std::move(given), config); !grpc) return fail(grpc.error());
    } else {
        if (auto http = add_http_parts(args, origin_of, std::move(given), config); !http) return fail(http.error());
    }
    return config;
}

}  // namespace keel::health
