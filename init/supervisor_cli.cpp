#include "init/supervisor_cli.hpp"

#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "common/cli_validators.hpp"

namespace keel::init {
void add_supervisor_options(CLI::App& app, SupervisorArgs& args) {
    app.add_option("-u,--user", args.user,
                   "USER[:GROUP] (names or numbers): run keel and PROGRAM as this user, without privileges")
        ->check(validator_from(parse_user_spec, "USER[:GROUP]"));
    app.add_option("--require", args.require,
                   "Checks that must pass before PROGRAM starts: ca-certs,tzdata,non-root,tmp or none")
        ->check(validator_from(parse_requirements, "LIST"))
        ->capture_default_str();
    app.add_flag("--warn-only", args.warn_only, "Report failed --require checks as warnings and start PROGRAM anyway");
    app.add_flag("-g,--process-group", args.process_group,
                 "Forward signals to PROGRAM's whole process group instead of PROGRAM alone");
    app.add_option("--rewrite", args.rewrite,
                   "FROM:TO: forward signal FROM as TO (names or numbers; TO=0 drops it); repeatable, comma list")
        ->delimiter(',')
        ->check(validator_from(parse_rewrite_rule, "FROM:TO"));
    app.add_option("--grace", args.grace,
                   "After PROGRAM exits: how long leftover processes get between SIGTERM and SIGKILL")
        ->check(validator_from(parse_duration, "DURATION"))
        ->capture_default_str();
    app.add_option("--success-exit", args.success_exits, "Exit code of PROGRAM to report as 0; repeatable, comma list")
        ->delimiter(',')
        ->check(CLI::Range(0, 255));
}

int run_check_command(const std::string& require, const std::string& format) {
    const Requirements required = parse_requirements(require).value();
    const auto results = run_checks(required, Depth::full);
    std::fputs((format == "json" ? format_check_json(results, required) : format_check_text(results)).c_str(), stdout);
    const bool ok = std::none_of(results.begin(), results.end(),
                                 [](const CheckResult& r) { return r.status == CheckStatus::fail; });
    return ok ? 0 : 1;
}

SupervisorConfig make_supervisor_config(const SupervisorArgs& args, std::vector<std::string> command) {
    SupervisorConfig config;
    config.command = std::move(command);
    config.forward_to_process_group = args.process_group;
    config.rewrite = build_rewrite_table(args.rewrite).value();
    config.grace = parse_duration(args.grace).value();
    config.success_exits = args.success_exits;
    if (!args.user.empty()) config.user = parse_user_spec(args.user).value();
    config.requirements = parse_requirements(args.require).value();
    config.warn_only = args.warn_only;
    return config;
}

}  // namespace keel::init
