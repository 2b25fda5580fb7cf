#include "cli/supervise_options.hpp"

#include "cli/register_options.hpp"
#include "common/duration.hpp"
#include "healthcheck/wait.hpp"
#include "init/lifecycle/file_env.hpp"

#include <memory>

namespace keel::cli {

void add_supervisor_options(CLI::App& app, SupervisorArgs& args) {
    register_options(app, args, supervisor_option_specs());
}

health::WaitArgs wait_args_of(const SupervisorArgs& args) {
    health::WaitArgs wait;
    wait.targets = args.wait;
    wait.timeout = args.wait_timeout;
    wait.interval = args.wait_interval;
    wait.ca_file = args.wait_ca_file;
    wait.cert = args.wait_cert;
    wait.key = args.wait_key;
    wait.insecure = args.wait_insecure;
    wait.expect_status = args.wait_expect_status;
    return wait;
}

Result<init::SupervisorConfig> make_supervisor_config(const SupervisorArgs& args, std::vector<std::string> command) {
    init::SupervisorConfig config;
    config.command = std::move(command);
    config.forward_to_process_group = args.process_group;
    config.rewrite = init::build_rewrite_table(args.rewrite).value();
    config.grace = parse_duration(args.grace).value();
    config.success_exits = args.success_exits;
    if (!args.user.empty()) config.user = init::parse_user_spec(args.user).value();
    config.requirements = init::parse_requirements(args.require).value();
    config.warn_only = args.warn_only;
    for (const std::string& pattern : args.file_env) config.file_env.push_back(init::parse_file_env_pattern(pattern).value());
    config.stop_delay = parse_duration(args.stop_delay).value();
    if (!args.wait.empty()) {
        auto made = health::make_wait_plan(wait_args_of(args));
        if (!made) return fail(made.error());
        auto plan = std::make_shared<const health::WaitPlan>(std::move(made).value());
        // Runs in a child process (init/lifecycle/start_gate.hpp), which watches no signal itself:
        // the parent does, and kills it.
        config.start_gate = [plan] { return health::wait_for_targets(*plan, -1); };
    }
    return config;
}

}  // namespace keel::cli
