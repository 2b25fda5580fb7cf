#include "cli/cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/check_command.hpp"
#include "cli/command_line.hpp"
#include "cli/direct_parse.hpp"
#include "cli/env_options.hpp"
#include "cli/global_options.hpp"
#include "cli/healthcheck_command.hpp"
#include "cli/option_specs.hpp"
#include "cli/supervise_options.hpp"
#include "cli/wait_command.hpp"
#include "healthcheck/wait.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/duration.hpp"
#include "init/inherited_state.hpp"
#include "init/lifecycle/sleep.hpp"
#include "init/supervise.hpp"

namespace keel::cli {
namespace {

int report_parse_error(CLI::App& app, const CLI::ParseError& error, const SplitArgs& split) {
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
    // The named subcommand's options first: `keel wait`'s --timeout, not the probe's.
    std::string origin;
    if (!split.subcommand.empty()) {
        origin = env_origin_of_error(*app.get_subcommand(split.subcommand), error.what(), split.keel_args);
    }
    if (origin.empty()) origin = env_origin_of_error(app, error.what(), split.keel_args);
    std::fprintf(stderr, "keel: %s%s\nRun 'keel --help' for usage.\n", error.what(), origin.c_str());
    return exit_usage;
}

// The first supervisor option among keel's words ("-u", "--file-env"), or "": before the
// subcommand, and after it too, where CLI11's fallthrough would take it for the top level and
// the subcommand would then ignore it. (Used for sleep and wait, whose operands never start
// with '-'.)
std::string supervisor_option_in(const std::vector<std::string>& keel_args) {
    for (const std::string& word : keel_args) {
        if (word == "--") break;
        if (word.size() < 2 || word[0] != '-') continue;
        const std::string_view name = word[1] == '-' ? std::string_view(word).substr(2, word.find('=') - 2)
                                                     : std::string_view(word).substr(1, 1);
        for (const auto& spec : supervisor_option_specs()) {
            if (name == (word[1] == '-' ? spec.long_name : spec.short_name) && !name.empty()) return word;
        }
    }
    return {};
}

// For subcommands that take no supervisor option (sleep, wait): true, after one line naming the
// first one given and what to write instead.
bool refuses_supervisor_options(const SplitArgs& split, const char* instead) {
    const std::string option = supervisor_option_in(split.keel_args);
    if (option.empty()) return false;
    std::fprintf(stderr, "keel: %s is a supervisor option, and keel %s takes none; %s\nRun 'keel %s --help' for usage.\n",
                 option.c_str(), split.subcommand.c_str(), instead, split.subcommand.c_str());
    return true;
}

int run_supervisor(const GlobalOptions& global, const SupervisorArgs& supervisor, std::vector<std::string> program,
                   const init::InheritedState& inherited) {
    apply_global_options(global);
    init::log_inherited_state(inherited);
    // --wait's options together (each value was checked alone while parsing): a certificate
    // without its key, or files that cannot be read, are a bad command line, before anything starts.
    auto config = make_supervisor_config(supervisor, std::move(program));
    auto files = config && !supervisor.wait.empty() ? health::check_client_files(wait_args_of(supervisor), "wait-") : Result<bool>(true);
    if (!config || !files) {
        std::fprintf(stderr, "keel: --wait: %s\nRun 'keel --help' for usage.\n", (!config ? config.error() : files.error()).c_str());
        return exit_usage;
    }
    return init::supervise(config.value());
}

// Every command line the direct parser declined: CLI11 parses it, reports its errors and --help,
// and runs what was asked. Not inlined into run(): the usual start never comes here, and the
// parser's code (tens of KB once inlined) would otherwise sit among the functions of every start
// and widen the pages they fault in.
[[gnu::noinline]] int parse_and_run(const std::vector<std::string>& args, const init::InheritedState& inherited) {
    CommandLine line;
    SplitArgs split = line.split(args);
    try {
        line.parse(split);
    } catch (const CLI::ParseError& error) {
        // A bad option before `healthcheck` (keel --log-level=bogus healthcheck ...) is still the
        // probe's failure: one line, exit 1, never Docker's reserved 2.
        if (line.probing(split) && error.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
            return reject_healthcheck(std::string("keel: ") + error.what());
        }
        return report_parse_error(line.app(), error, split);
    }
    apply_global_options(line.global);

    if (line.version_parsed()) {
        std::printf("%s\n", (line.version_format == "json" ? version_report_json() : version_report()).c_str());
        return exit_ok;
    }
    // The probe and the report have no signalfd: signals act on them the default way again.
    if (line.healthcheck_parsed()) {
        sys::unblock_all_signals();
        return run_healthcheck(line.healthcheck);
    }
    if (line.sleep_parsed()) {
        // `keel -u app sleep 5` used to run PATH's sleep as app: refuse rather than sleep as root
        // with the option ignored. (KEEL_* variables are the image's supervisor settings, which a
        // preStop `keel sleep` shares: those are not an error.)
        if (refuses_supervisor_options(split, "to supervise PATH's sleep: keel [OPTIONS] -- sleep ...")) return exit_usage;
        return init::sleep_for(parse_sleep_time(line.sleep_time).value());
    }
    if (line.wait_parsed()) {
        if (refuses_supervisor_options(split, "to wait and then supervise: keel --wait TARGET [OPTIONS] -- PROGRAM ...")) {
            return exit_usage;
        }
        return run_wait_command(line.wait);
    }
    if (line.check_parsed()) {
        sys::unblock_all_signals();
        return run_check_command(line.supervisor.require, line.check_format);
    }
    if (split.program.empty()) {
        std::fprintf(stderr, "keel: no PROGRAM given\nRun 'keel --help' for usage.\n");
        return exit_usage;
    }
    return run_supervisor(line.global, line.supervisor, std::move(split.program), inherited);
}

}  // namespace

int run(int argc, char** argv) {
    // First, before anything can open a file or lose a signal.
    const init::InheritedState inherited = init::reset_inherited_state();
    const std::vector<std::string> args(argv + 1, argv + argc);
    // The usual ENTRYPOINT (`keel -u app -- /app`, KEEL_* variables included) needs no CLI11
    // parser: cli/direct_parse.hpp says which lines it takes.
    if (std::optional<SupervisorCommand> command = parse_supervisor_directly(args, environ)) {
        return run_supervisor(command->global, command->supervisor, std::move(command->program), inherited);
    }
    return parse_and_run(args, inherited);
}

}  // namespace keel::cli
