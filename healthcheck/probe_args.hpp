#pragma once
// The options of `keel healthcheck` as typed (cli/healthcheck_options.cpp registers them; their
// KEEL_HEALTHCHECK_* variables bind there). make_probe_config (probe_config.hpp) validates them.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace keel::health {

// The options as typed. Nothing is validated at parse time: a bad value must end in exit 1 with
// an "unhealthy:" line like any other failure (Docker reserves exit 2), so run_healthcheck checks
// everything. Values are text for the same reason (a flag's bad KEEL_* value included).
struct HealthcheckArgs {
    std::string url;  // empty: $KEEL_HEALTHCHECK_URL (bound like every option), else the default
    std::string timeout = "2s";
    std::string expect_status = "200-399";
    std::optional<std::string> expect_body;
    std::vector<std::string> headers;
    std::optional<std::string> header_file;  // --header-file: `Name: value` lines (secrets stay out of argv)
    std::optional<std::string> authority;    // --authority: :authority / Host, and the TLS server name
    std::string method = "GET";
    std::string insecure;  // "" (not given), "true" (bare flag), or the text of --insecure=VALUE
    std::optional<std::string> ca_file;
    std::optional<std::string> cert;  // --cert: the client certificate (PEM) for mTLS
    std::optional<std::string> key;   // --key: its private key (PEM, unencrypted)
    std::optional<std::string> path;
    std::vector<std::string> unexpected;  // words CLI11 did not recognise
};

// --cert and --key files (a client certificate with its chain, or a key) are far below this;
// keel wait's up-front check and the TLS client read them with the same bound.
inline constexpr std::size_t max_client_pem_size = std::size_t{1} << 20;

inline constexpr const char* default_probe_url = "http://127.0.0.1:8080/health";
inline constexpr const char* default_socket_request_path = "/health";  // --path, for unix:// URLs

}  // namespace keel::health
