#include "cli/cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/argv_split.hpp"
#include "cli/check_command.hpp"
#include "cli/env_options.hpp"
#include "cli/global_options.hpp"
#include "cli/healthcheck_command.hpp"
#include "cli/healthcheck_options.hpp"
#include "cli/supervise_options.hpp"
#include "common/logging.hpp"
#include "healthcheck/tls_info.hpp"
#include "common/sys/signal_mask.hpp"
#include "init/inherited_state.hpp"
#include "init/supervise.hpp"
#include "keel/build_info.hpp"

namespace keel::cli {
namespace {

std::string version_report() {
    std::string report = "keel ";
    report += build_info::version;
    report += "\ntarget: ";
    report += build_info::target;
    report += "\nbuild: ";
    report += build_info::build_type;
    report += "\nTLS: ";
    report += health::tls_library_version();
    return report;
}

constexpr const char* footer = R"(Exit codes:
  0        success (supervisor: the program exited 0 or with a --success-exit code)
  1        keel failed, or the probe found the target unhealthy
  2        bad command line or KEEL_* value
  126/127  PROGRAM not executable / not found
  128+N    PROGRAM was killed by signal N

Every long option can also be set through the environment variable shown beside it;
a flag on the command line wins over the variable.)";

constexpr const char* healthcheck_footer = R"(Exit codes:
  0        healthy: the output line starts with "healthy:"
  1        unhealthy, or any error (bad option or KEEL_HEALTHCHECK_* value, timeout, TLS, ...):
           the output line starts with "unhealthy:" and says why
  Never 2: Docker reserves it. Exactly one line goes to stdout.

Every long option can also be set through the environment variable shown beside it;
a flag on the command line wins over the variable.)";



int report_parse_error(const CLI::App& app, const CLI::ParseError& error, const std::vector<std::string>& keel_args) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
        // --help and --version arrive as "errors" that CLI11 prints itself.
        // Into strings, not CLI11's default std::cout/std::cerr: nothing else uses iostreams, and
        // referencing them links libc++'s iostream initialiser into every start.
        std::ostringstream out;
        std::ostringstream err;
        const int code = app.exit(error, out, err);
        std::fputs(out.str().c_str(), stdout);
        std::fputs(err.str().c_str(), stderr);
        return code;
    }
    std::fprintf(stderr, "keel: %s%s\nRun 'keel --help' for usage.\n", error.what(),
                 env_origin_of_error(app, error.what(), keel_args).c_str());
    return exit_usage;
}

OptionShape option_shape(const CLI::App& app) {
    return {
        [&app](std::string_view option) {
            const CLI::Option* found = app.get_option_no_throw(std::string(option));
            return found != nullptr && found->get_type_size_max() > 0;
        },
        [&app](std::string_view word) {
            return !app.get_subcommands([word](const CLI::App* sub) { return sub->get_name() == word; }).empty();
        },
    };
}


constexpr std::array<std::string_view, 3> subcommand_names = {"healthcheck", "check", "version"};

bool is_keel_variable(const char* entry) { return std::strncmp(entry, "KEEL_", 5) == 0; }

// `keel -- /app` or `keel /app` with no KEEL_* variable set: the usual container entrypoint
// has nothing to parse, every option keeps its default. Returns PROGRAM and its arguments then,
// so keel skips building the CLI11 parser (about 45 option objects, and the C++ locale CLI11
// trims every option name with): a large part of keel's start-up (bench/README.md). The defaults
// are the option structs' own (tests/unit/cli_defaults_test.cpp checks the parser leaves them
// unchanged).
std::vector<std::string> program_without_keel_options(const std::vector<std::string>& args) {
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (is_keel_variable(*entry)) return {};
    }
    const OptionShape no_options{
        [](std::string_view /*option*/) { return false; },
        [](std::string_view word) {
            return std::find(subcommand_names.begin(), subcommand_names.end(), word) != subcommand_names.end();
        },
    };
    SplitArgs split = split_at_program(args, no_options);
    return split.keel_args.empty() ? std::move(split.program) : std::vector<std::string>{};
}

// Everything with options: builds the CLI11 parser, parses, runs what was asked. Not inlined into
// run(): the usual start never comes here, and the parser's code (tens of KB once inlined) would
// otherwise sit among the functions of every start and widen the pages they fault in.
[[gnu::noinline]] int parse_and_run(std::vector<std::string>& args, const init::InheritedState& inherited) {
    CLI::App app{"keel: PID 1 supervisor and health probe for scratch containers.\n"
                 "Usage: keel [OPTIONS] [--] PROGRAM [ARGS...]\n"
                 "       keel SUBCOMMAND [OPTIONS]\n"
                 "Everything from PROGRAM on is passed to PROGRAM; use -- before a PROGRAM named like a subcommand.",
                 "keel"};
    app.footer(footer);
    GlobalOptions global;
    add_global_options(app, global);
    app.set_version_flag("-V,--version", version_report, "Print version, target, build type and TLS library");
    SupervisorArgs supervisor_args;
    add_supervisor_options(app, supervisor_args);

    CLI::App* healthcheck = app.add_subcommand(std::string(subcommand_names[0]), "Probe a URL: exit 0 healthy, 1 unhealthy");
    CLI::App* check = app.add_subcommand(std::string(subcommand_names[1]), "Report the image's CA bundle, timezone data and basics");
    CLI::App* version = app.add_subcommand(std::string(subcommand_names[2]), "Print version, target, build type and TLS library");
    for (CLI::App* sub : {healthcheck, check, version}) sub->fallthrough();
    std::string check_format = "text";
    check->add_option("--format", check_format, "text: one line per check; json: one object")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    health::HealthcheckArgs healthcheck_args;
    add_healthcheck_options(*healthcheck, healthcheck_args);
    healthcheck->footer(healthcheck_footer);

    SplitArgs split = split_at_program(args, option_shape(app));
    // The probe reads its own variables only (KEEL_HEALTHCHECK_*): an image's KEEL_LOG_LEVEL or
    // KEEL_GRACE is the supervisor's, and a bad one must not turn every probe into exit 2.
    const bool probing = split.subcommand == subcommand_names[0];
    if (probing) {
        bind_env_names(*healthcheck, env_name_for("KEEL_", healthcheck->get_name()) + "_");
    } else {
        bind_env_names(app);
    }
    try {
        // CLI11 takes a vector of arguments last-first.
        std::vector<std::string> keel_args(split.keel_args.rbegin(), split.keel_args.rend());
        app.parse(keel_args);
    } catch (const CLI::ParseError& error) {
        // A bad option before `healthcheck` (keel --log-level=bogus healthcheck ...) is still the
        // probe's failure: one line, exit 1, never Docker's reserved 2.
        if (probing && error.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
            return reject_healthcheck(std::string("keel: ") + error.what());
        }
        return report_parse_error(app, error, split.keel_args);
    }
    apply_global_options(global);

    if (version->parsed()) {
        std::printf("%s\n", version_report().c_str());
        return exit_ok;
    }
    // The probe and the report have no signalfd: signals act on them the default way again.
    if (healthcheck->parsed()) {
        sys::unblock_all_signals();
        return run_healthcheck(healthcheck_args);
    }
    if (check->parsed()) {
        sys::unblock_all_signals();
        return run_check_command(supervisor_args.require, check_format);
    }
    if (split.program.empty()) {
        std::fprintf(stderr, "keel: no PROGRAM given\nRun 'keel --help' for usage.\n");
        return exit_usage;
    }
    init::log_inherited_state(inherited);
    return init::supervise(make_supervisor_config(supervisor_args, std::move(split.program)));
}

}  // namespace

int run(int argc, char** argv) {
    // First, before anything can open a file or lose a signal.
    const init::InheritedState inherited = init::reset_inherited_state();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (std::vector<std::string> program = program_without_keel_options(args); !program.empty()) {
        apply_global_options(GlobalOptions{});
        init::log_inherited_state(inherited);
        return init::supervise(make_supervisor_config(SupervisorArgs{}, std::move(program)));
    }
    return parse_and_run(args, inherited);
}

}  // namespace keel::cli
