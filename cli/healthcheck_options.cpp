#include "cli/healthcheck_options.hpp"

#include <string>

#include <CLI/CLI.hpp>

namespace keel::cli {
namespace {

// Options take at most one value (expected(0, 1)): a value-less "--timeout" at the end of the
// command line then reaches make_probe_config as "" and fails there (exit 1), where CLI11 would
// have thrown (exit 2). TakeLast: a repeated option is not an error either. The default goes into
// the type name ("DURATION [2s]"), where CLI11 itself would show it.
template <typename Value>
void add_value(CLI::App& sub, const std::string& name, Value& value, const std::string& type, const std::string& help,
               const std::string& shown_default = "") {
    sub.add_option(name, value, help)
        ->type_name(shown_default.empty() ? type : type + " [" + shown_default + "]")
        ->expected(0, 1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

}  // namespace

void add_healthcheck_options(CLI::App& sub, health::HealthcheckArgs& args) {
    // Unknown words are collected and reported by run_healthcheck (exit 1) instead of falling
    // through to the top level, where CLI11 would reject them with exit 2.
    sub.fallthrough(false);
    sub.allow_extras();
    sub.final_callback([&sub, &args] {
        for (auto& word : sub.remaining()) {
            if (word != "--") args.unexpected.push_back(std::move(word));  // "-- URL" is fine
        }
    });
    sub.add_option("URL", args.url, std::string("http://, https://, tcp://HOST:PORT, unix:///PATH, grpc://HOST:PORT[/SERVICE], grpcs://HOST:PORT[/SERVICE] "
                               "or grpc+unix:///PATH[?service=NAME] (gRPC: healthy only on SERVING) [") + health::default_probe_url + "]");
    add_value(sub, "--timeout", args.timeout, "DURATION",
              "Deadline for the whole probe: resolve, connect, TLS, request and response", args.timeout);
    add_value(sub, "--expect-status", args.expect_status, "RANGE", "Healthy status codes: 200, 200-299, 200,204",
              args.expect_status);
    add_value(sub, "--expect-body", args.expect_body, "TEXT", "The body (at most 1 MiB is read) must contain TEXT");
    sub.add_option("--header", args.headers, "Extra request header 'Name: value', or gRPC metadata (repeatable)")
        ->type_name("'NAME: VALUE'")
        ->expected(0, 1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    add_value(sub, "--header-file", args.header_file, "PATH",
              "Extra headers (gRPC metadata) from a file of 'Name: value' lines; # comments; keeps tokens out of argv");
    add_value(sub, "--authority", args.authority, "NAME",
              "Host header or gRPC :authority, and the name TLS checks the certificate against (services reached by IP)");
    add_value(sub, "--method", args.method, "METHOD", "GET or HEAD", args.method);
    sub.add_flag("--insecure", args.insecure, "https, grpcs: do not verify the certificate")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    add_value(sub, "--ca-file", args.ca_file, "PATH", "https, grpcs: trust these PEM certificates instead of the system bundle");
    add_value(sub, "--cert", args.cert, "PATH", "https, grpcs: client certificate (PEM, chain after it) for mTLS; needs --key");
    add_value(sub, "--key", args.key, "PATH", "https, grpcs: the client certificate's private key (PEM, not encrypted)");
    add_value(sub, "--path", args.path, "PATH", "unix:// URLs: the request path", health::default_socket_request_path);
}

}  // namespace keel::cli
