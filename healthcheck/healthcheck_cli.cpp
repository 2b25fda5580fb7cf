#include "healthcheck/healthcheck_cli.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>

#include <CLI/CLI.hpp>
#include <boost/system/system_error.hpp>

#include "common/env_options.hpp"
#include "healthcheck/probe.hpp"
#include "healthcheck/probe_config.hpp"
#include "healthcheck/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_line_length = 1024;

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

// " (from KEEL_HEALTHCHECK_TIMEOUT)" when that variable holds the rejected value.
std::string env_origin(std::string_view option, const std::string& value) {
    std::string name = option.rfind("--", 0) == 0 ? std::string(option.substr(2)) : std::string(option);
    const std::string variable = env_name_for("KEEL_HEALTHCHECK_", name);
    const char* set = std::getenv(variable.c_str());
    return set != nullptr && value == set ? " (from " + variable + ")" : "";
}

// Exactly one line, whatever the server or the user put in a message. write(2) rather than stdio:
// nothing else writes to stdout here, and the probe is measured against busybox wget.
void print_line(bool healthy, const std::string& message) {
    std::string line = healthy ? "healthy: " : "unhealthy: ";
    for (const char c : message) {
        if (line.size() == max_line_length) break;
        line += is_ascii_control(c) ? '?' : c;
    }
    line += '\n';
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // stdout closed: the exit code still says it all
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

void add_healthcheck_options(CLI::App& sub, HealthcheckArgs& args) {
    // Unknown words are collected and reported by run_healthcheck (exit 1) instead of falling
    // through to the top level, where CLI11 would reject them with exit 2.
    sub.fallthrough(false);
    sub.allow_extras();
    sub.final_callback([&sub, &args] {
        for (auto& word : sub.remaining()) {
            if (word != "--") args.unexpected.push_back(std::move(word));  // "-- URL" is fine
        }
    });
    sub.add_option("URL", args.url, std::string("http://, https://, tcp://HOST:PORT or unix:///PATH [") + default_probe_url + "]");
    add_value(sub, "--timeout", args.timeout, "DURATION",
              "Deadline for the whole probe: resolve, connect, TLS, request and response", args.timeout);
    add_value(sub, "--expect-status", args.expect_status, "RANGE", "Healthy status codes: 200, 200-299, 200,204",
              args.expect_status);
    add_value(sub, "--expect-body", args.expect_body, "TEXT", "The body (at most 1 MiB is read) must contain TEXT");
    sub.add_option("--header", args.headers, "Extra request header 'Name: value' (repeatable)")
        ->type_name("'NAME: VALUE'")
        ->expected(0, 1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    add_value(sub, "--method", args.method, "METHOD", "GET or HEAD", args.method);
    sub.add_flag("--insecure", args.insecure, "https: do not verify the certificate")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    add_value(sub, "--ca-file", args.ca_file, "PATH", "https: trust these PEM certificates instead of the system bundle");
    add_value(sub, "--path", args.path, "PATH", "unix:// URLs: the request path", default_socket_request_path);
}

int run_healthcheck(const HealthcheckArgs& args) {
    try {
        auto config = make_probe_config(args, env_origin);
        if (!config) {
            print_line(false, config.error());
            return 1;
        }
        const ProbeOutcome outcome = run_probe(config.value());
        print_line(outcome.healthy, outcome.message);
        return outcome.healthy ? 0 : 1;
    } catch (const boost::system::system_error& error) {
        // Asio could not create its event loop (epoll, eventfd): out of descriptors, typically.
        print_line(false, "cannot start the probe: " + lowercase_first(error.code().message()));
        return 1;
    } catch (const std::exception& error) {
        // Only other resource exhaustion gets here (bad_alloc, no thread): still one line, exit 1.
        print_line(false, std::string("keel failed: ") + error.what());
        return 1;
    }
}

}  // namespace keel::health
