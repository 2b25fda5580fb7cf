#include "cli/supervise_options.hpp"

#include <CLI/CLI.hpp>

#include "cli/validators.hpp"

namespace keel::cli {

void add_supervisor_options(CLI::App& app, SupervisorArgs& args) {
    app.add_option("-u,--user", args.user,
                   "USER[:GROUP] (names or numbers): run keel and PROGRAM as this user, without privileges")
        ->check(validator_from(init::parse_user_spec, "USER[:GROUP]"));
    app.add_option("--require", args.require,
                   "Checks that must pass before PROGRAM starts: ca-certs,tzdata,non-root,tmp or none")
        ->check(validator_from(init::parse_requirements, "LIST"))
        ->capture_default_str();
    app.add_flag("--warn-only", args.warn_only, "Report failed --require checks as warnings and start PROGRAM anyway");
    app.add_flag("-g,--process-group", args.process_group,
                 "Forward signals to PROGRAM's whole process group instead of PROGRAM alone");
    app.add_option("--rewrite", args.rewrite,
                   "FROM:TO: forward signal FROM as TO (names or numbers; TO=0 drops it); repeatable, comma list")
        ->delimiter(',')
        ->check(validator_from(init::parse_rewrite_rule, "FROM:TO"));
    app.add_option("--grace", args.grace,
                   "After PROGRAM exits: how long leftover processes get between SIGTERM and SIGKILL")
        ->check(validator_from(parse_duration, "DURATION"))
        ->capture_default_str();
    app.add_option("--success-exit", args.success_exits, "Exit code of PROGRAM to report as 0; repeatable, comma list")
        ->delimiter(',')
        ->check(CLI::Range(0, 255));
}

init::SupervisorConfig make_supervisor_config(const SupervisorArgs& args, std::vector<std::string> command) {
    init::SupervisorConfig config;
    config.command = std::move(command);
    config.forward_to_process_group = args.process_group;
    config.rewrite = init::build_rewrite_table(args.rewrite).value();
    config.grace = parse_duration(args.grace).value();
    config.success_exits = args.success_exits;
    if (!args.user.empty()) config.user = init::parse_user_spec(args.user).value();
    config.requirements = init::parse_requirements(args.require).value();
    config.warn_only = args.warn_only;
    return config;
}

}  // namespace keel::cli
