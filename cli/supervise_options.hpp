#pragma once
// The supervisor's command-line options (and so their KEEL_* env vars), and the step from the
// validated options to init's SupervisorConfig.

#include <string>
#include <vector>

#include "common/result.hpp"
#include "healthcheck/wait_plan.hpp"
#include "init/preflight/checks.hpp"
#include "init/supervisor_config.hpp"

namespace CLI {
class App;
}

namespace keel::cli {

struct SupervisorArgs {
    bool process_group = false;
    std::vector<std::string> rewrite;
    std::string grace = "5s";
    std::vector<int> success_exits;
    std::string user;
    std::string require{init::default_requirements};
    bool warn_only = false;
    std::vector<std::string> file_env;
    std::string stop_delay = "0s";
    // --wait and its family: the same options, defaults and KEEL_WAIT_* variables as `keel wait`
    // (health::WaitArgs), flat here because the option table points at members of this struct.
    std::vector<std::string> wait;
    std::string wait_timeout = health::WaitArgs{}.timeout;
    std::string wait_interval = health::WaitArgs{}.interval;
    std::string wait_ca_file;
    std::string wait_cert;
    std::string wait_key;
    bool wait_insecure = false;
    std::string wait_expect_status = health::WaitArgs{}.expect_status;
    bool operator==(const SupervisorArgs&) const = default;
};

// Registers -u/--user, -g/--process-group, --rewrite, --grace, --success-exit on the top-level app, each
// validated by the pure parsers so a bad value fails at parse time (exit 2, value quoted).
void add_supervisor_options(CLI::App& app, SupervisorArgs& args);

// The wait options as `keel wait` takes them.
health::WaitArgs wait_args_of(const SupervisorArgs& args);

// Args whose every value was validated + PROGRAM -> config (with --wait, a start gate that runs
// the wait). Fails only when the --wait options do not fit together (a certificate without its key).
Result<init::SupervisorConfig> make_supervisor_config(const SupervisorArgs& args, std::vector<std::string> command);

}  // namespace keel::cli
