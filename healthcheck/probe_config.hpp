#pragma once
// From the options as typed (HealthcheckArgs) to what one probe needs. Pure: every value goes
// through its parser here, so a bad option is one "unhealthy: --NAME: why" line and exit 1.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.hpp"
#include "common/result.hpp"
#include "healthcheck/probe_args.hpp"
#include "healthcheck/expectations.hpp"
#include "healthcheck/header_option.hpp"
#include "healthcheck/url.hpp"

namespace keel::health {

struct ProbeConfig {
    ProbeUrl url;
    Duration timeout{2000};
    std::string request;  // the HTTP request's bytes; empty for tcp://
    bool head_request = false;
    Expectations expect;
    bool insecure = false;
    std::string ca_file;  // --ca-file; empty: the bundle find_ca_location() finds
    std::string cert_file;  // --cert (mTLS); empty: no client certificate
    std::string key_file;   // --key, given with --cert
    std::vector<HeaderField> metadata;  // gRPC: --header fields sent as metadata
    std::optional<AuthorityName> authority;  // --authority; none: the URL's host names the server
};

// The name TLS sends (SNI) and checks the certificate against: --authority's host, else the URL's.
std::string tls_server_name(const ProbeConfig& config);
HostKind tls_server_kind(const ProbeConfig& config);

// Where a rejected value came from, appended to the message: " (from KEEL_HEALTHCHECK_TIMEOUT)"
// or "". Injected so this stays pure.
using OriginOf = std::function<std::string(std::string_view option, const std::string& value)>;

// Reads --header-file's file (the caller's syscall edge: sys::read_small_file with
// max_header_file_size). Without one, --header-file is refused.
using ReadHeaderFile = std::function<Result<std::string>(const std::string& path)>;

Result<ProbeConfig> make_probe_config(const HealthcheckArgs& args, const OriginOf& origin_of,
                                      const ReadHeaderFile& read_header_file = {});

// --insecure's text: "" (absent), true/yes/on/1, false/no/off/0, any case.
Result<bool> parse_flag_text(std::string_view text);

}  // namespace keel::health
