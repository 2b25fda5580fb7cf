#include "cli/option_specs.hpp"

#include <array>
#include <charconv>

#include "common/duration.hpp"
#include "healthcheck/status_range.hpp"
#include "healthcheck/wait_plan.hpp"
#include "init/identity/identity.hpp"
#include "init/lifecycle/file_env.hpp"
#include "init/preflight/checks.hpp"
#include "init/signals.hpp"

namespace keel::cli {
namespace {

using Supervisor = OptionSpec<SupervisorArgs>;
using Global = OptionSpec<GlobalOptions>;

constexpr std::array supervisor_specs{
    Supervisor{"u", "user", "USER[:GROUP] (names or numbers): run keel and PROGRAM as this user, without privileges",
               &SupervisorArgs::user, check_with<init::parse_user_spec>, "USER[:GROUP]", {}, false},
    Supervisor{"", "require", "Checks that must pass before PROGRAM starts: ca-certs,tzdata,non-root,tmp or none",
               &SupervisorArgs::require, check_with<init::parse_requirements>, "LIST", {}, true},
    Supervisor{"", "warn-only", "Report failed --require checks as warnings and start PROGRAM anyway",
               &SupervisorArgs::warn_only, nullptr, "", {}, false},
    Supervisor{"g", "process-group", "Forward signals to PROGRAM's whole process group instead of PROGRAM alone",
               &SupervisorArgs::process_group, nullptr, "", {}, false},
    Supervisor{"", "rewrite",
               "FROM:TO: forward signal FROM as TO (names or numbers; TO=0 drops it); repeatable, comma list",
               &SupervisorArgs::rewrite, check_with<init::parse_rewrite_rule>, "FROM:TO", {}, false},
    Supervisor{"", "grace", "After PROGRAM exits: how long leftover processes get between SIGTERM and SIGKILL",
               &SupervisorArgs::grace, check_with<parse_duration>, "DURATION", {}, true},
    Supervisor{"", "success-exit", "Exit code of PROGRAM to report as 0; repeatable, comma list",
               &SupervisorArgs::success_exits, check_exit_code, "CODE", {}, false},
    Supervisor{"", "file-env",
               "NAME or PREFIX*: set NAME from the file $NAME_FILE names, and remove NAME_FILE (Docker secrets), "
               "before -u drops privileges; repeatable, comma list",
               &SupervisorArgs::file_env, check_with<init::parse_file_env_pattern>, "NAME", {}, false},
    Supervisor{"", "stop-delay",
               "On the first SIGTERM, wait this long before forwarding it (load balancers drain first); a second "
               "SIGTERM, SIGINT or SIGQUIT ends the wait",
               &SupervisorArgs::stop_delay, check_with<parse_duration>, "DURATION", {}, true},
    Supervisor{"", "wait",
               "Before PROGRAM starts, wait until TARGET is up: HOST:PORT, tcp://, http(s)://, unix:// or file:///PATH; "
               "repeatable, comma list (a comma in a URL is %2C)",
               &SupervisorArgs::wait, check_with<health::parse_wait_target>, "TARGET", {}, false},
    Supervisor{"", "wait-timeout", "--wait: give up (exit 1, PROGRAM not started) after this long; 0: never",
               &SupervisorArgs::wait_timeout, check_with<health::parse_wait_timeout>, "DURATION", {}, true},
    Supervisor{"", "wait-interval", "--wait: first retry delay, doubled after each try up to 2s (500ms while the target refuses)",
               &SupervisorArgs::wait_interval, check_with<health::parse_wait_interval>, "DURATION", {}, true},
    Supervisor{"", "wait-ca-file", "--wait: https and grpcs targets trust these PEM certificates instead of the system bundle",
               &SupervisorArgs::wait_ca_file, health::check_path_option, "PATH", {}, false},
    Supervisor{"", "wait-cert", "--wait: https and grpcs targets present this client certificate (PEM, chain after it); needs --wait-key",
               &SupervisorArgs::wait_cert, health::check_path_option, "PATH", {}, false},
    Supervisor{"", "wait-key", "--wait: the client certificate's private key (PEM, not encrypted)",
               &SupervisorArgs::wait_key, health::check_path_option, "PATH", {}, false},
    Supervisor{"", "wait-insecure", "--wait: https and grpcs targets are not checked against any certificate",
               &SupervisorArgs::wait_insecure, nullptr, "", {}, false},
    Supervisor{"", "wait-expect-status", "--wait: http(s) status codes that count as up: 200, 200-299, 200,204",
               &SupervisorArgs::wait_expect_status, check_with<health::parse_status_ranges>, "RANGE", {}, true},
};

constexpr std::array<std::string_view, 4> log_levels{"error", "warn", "info", "debug"};
constexpr std::array<std::string_view, 2> log_formats{"text", "json"};

constexpr std::array global_specs{
    Global{"", "log-level", "keel's own log level", &GlobalOptions::log_level, nullptr, "", log_levels, true},
    Global{"", "log-format", "text or json lines on stderr", &GlobalOptions::log_format, nullptr, "", log_formats, true},
};

using Wait = OptionSpec<health::WaitArgs>;

// The supervisor's --wait-* options above, under the names `keel wait` gives them; the same
// checks, defaults and (bound with the KEEL_WAIT_ prefix) variables.
constexpr std::array wait_specs{
    Wait{"", "timeout", "Give up (exit 1) after this long; 0: never", &health::WaitArgs::timeout,
         check_with<health::parse_wait_timeout>, "DURATION", {}, true},
    Wait{"", "interval", "First retry delay, doubled after each try up to 2s (500ms while the target refuses)", &health::WaitArgs::interval,
         check_with<health::parse_wait_interval>, "DURATION", {}, true},
    Wait{"", "ca-file", "https and grpcs targets trust these PEM certificates instead of the system bundle",
         &health::WaitArgs::ca_file, health::check_path_option, "PATH", {}, false},
    Wait{"", "cert", "https and grpcs targets present this client certificate (PEM, chain after it); needs --key",
         &health::WaitArgs::cert, health::check_path_option, "PATH", {}, false},
    Wait{"", "key", "The client certificate's private key (PEM, not encrypted)", &health::WaitArgs::key,
         health::check_path_option, "PATH", {}, false},
    Wait{"", "insecure", "https and grpcs targets are not checked against any certificate", &health::WaitArgs::insecure,
         nullptr, "", {}, false},
    Wait{"", "expect-status", "http(s) status codes that count as up: 200, 200-299, 200,204",
         &health::WaitArgs::expect_status, check_with<health::parse_status_ranges>, "RANGE", {}, true},
};

}  // namespace

std::span<const OptionSpec<health::WaitArgs>> wait_option_specs() { return wait_specs; }

std::span<const OptionSpec<SupervisorArgs>> supervisor_option_specs() { return supervisor_specs; }
std::span<const OptionSpec<GlobalOptions>> global_option_specs() { return global_specs; }

std::string check_exit_code(std::string_view value) {
    // Decimal only, no leading zero: CLI11 would read "010" as octal and "0x10" as hex.
    int code = -1;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), code);
    const bool plain = !value.empty() && value.size() <= 3 && (value.size() == 1 || value.front() != '0');
    if (!plain || error != std::errc() || end != value.data() + value.size() || code < 0 || code > 255) {
        return "'" + std::string(value) + "' is not an exit code (0-255, decimal)";
    }
    return {};
}

}  // namespace keel::cli
