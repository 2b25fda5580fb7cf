#pragma once
// `keel wait TARGET...` and the supervisor's `--wait TARGET`: what to wait for and how often to
// look. Pure: the options as typed in, the plan the wait loop (healthcheck/wait.hpp) runs out.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.hpp"
#include "common/result.hpp"
#include "healthcheck/probe_args.hpp"
#include "healthcheck/probe_config.hpp"

namespace keel::health {

// One option family for both forms (`keel wait --timeout` and the supervisor's
// `--wait-timeout` read the same KEEL_WAIT_TIMEOUT); text as typed, validated by the checks below.
struct WaitArgs {
    std::vector<std::string> targets;  // KEEL_WAIT: comma list
    std::string timeout = "30s";       // overall deadline; "0": none
    std::string interval = "250ms";    // first retry delay; doubles up to backoff_cap
    std::string ca_file;               // https targets; empty: the system bundle
    bool insecure = false;             // https targets: no certificate check
    std::string cert;                  // https, grpcs targets: mTLS client certificate (PEM); with key
    std::string key;                   // its private key
    std::string expect_status = "200-399";
};

struct WaitTarget {
    std::string label;  // as typed: what every progress line names
    bool file = false;  // file:///PATH: up when PATH exists
    std::string path;   // file targets
    ProbeConfig probe;  // every other target: the probe `keel healthcheck` runs
};

// Each target's retries: the first after `interval`, then doubling up to `cap` (or `interval`,
// if that is longer). Delays count from the start of the try before, so a slow failure does not
// stretch the schedule. A try that was refused (ProbeOutcome::refused: nothing listens yet, no
// socket or file yet) doubles only up to `refused_cap`: that answer costs both sides a few
// microseconds, so asking twice a second burdens nobody, and it keeps keel ahead of a poller that
// asks once a second (bench/README.md, "Waiting for a dependency"). Everything else (a timeout,
// a name that does not resolve, a TLS failure, an HTTP error status) may cost the other side real
// work or mean it is far away, and backs off to `cap`.
struct Backoff {
    Duration interval{250};
    Duration cap{2000};
    Duration refused_cap{500};
    // The delay between the start of try number `tries` (1 = the first) and the next one, after
    // that try failed (refused: as above).
    [[nodiscard]] Duration delay_after(int tries, bool refused = false) const;
};

// No single try takes longer than this, so a target that hangs (a SYN into a firewall) is asked
// again, not waited on until the deadline.
inline constexpr Duration max_attempt_time{2000};

// How long the try starting now may take: max_attempt_time, or less when the deadline is nearer.
Duration attempt_time(std::optional<Duration> left);

struct WaitPlan {
    std::vector<WaitTarget> targets;
    std::optional<Duration> deadline{Duration{30000}};  // nullopt: wait for ever
    Backoff backoff;
};

// "30s", "1m", or "0"/"0s" for no deadline (wait-for-it's --timeout=0).
Result<std::optional<Duration>> parse_wait_timeout(std::string_view text);
// Longer than 0 (a zero interval would be busy polling).
Result<Duration> parse_wait_interval(std::string_view text);
// http://, https://, tcp://, unix:// (anything `keel healthcheck` accepts), file:///PATH, or a bare
// HOST:PORT (tcp, the wait-for-it habit). A comma, which separates targets, is written %2C; in a
// file:// path every %XX is decoded. A probe target gets `options` (expect-status, insecure,
// ca-file; cert and key for https and grpcs targets only) as `keel healthcheck` would;
// parse_wait_target checks the text with the defaults.
Result<WaitTarget> make_wait_target(std::string_view text, const HealthcheckArgs& options);
Result<WaitTarget> parse_wait_target(std::string_view text);

// --ca-file, --cert and --key (CLI11 and the direct parser): "" when valid.
std::string check_path_option(std::string_view text);

// Validated args -> plan; the error names the value that failed.
Result<WaitPlan> make_wait_plan(const WaitArgs& args);

}  // namespace keel::health
