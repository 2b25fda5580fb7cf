#include "cli/command_line.hpp"

#include <string_view>
#include <type_traits>
#include <variant>

#include <boost/version.hpp>
#include <CLI/CLI.hpp>
#include <CLI/Version.hpp>
#include <fmt/core.h>

#include "cli/env_options.hpp"
#include "cli/healthcheck_options.hpp"
#include "cli/option_specs.hpp"
#include "cli/register_options.hpp"
#include "common/duration.hpp"
#include "common/logging.hpp"
#include "healthcheck/tls_info.hpp"
#include "keel/build_info.hpp"

namespace keel::cli {
namespace {

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

constexpr const char* sleep_footer = R"(Exit codes:
  0        DURATION passed
  128+N    signal N arrived first (SIGTERM: 143; SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2
           and SIGALRM end it too, also when keel sleep is PID 1)
  2        bad command line)";

constexpr const char* wait_footer = R"(TARGET: HOST:PORT (tcp), tcp://HOST:PORT, http://..., https://..., unix:///PATH (GET /health
over the socket, as keel healthcheck sends), grpc://HOST:PORT[/SERVICE], grpcs://...,
grpc+unix:///PATH[?service=NAME] (up once SERVING) or file:///PATH (up once PATH exists).
Every target is tried at once, each again after --interval, doubling up to 2s (up to 500ms
while it refuses: nothing listens yet); one try takes at most 2s. Targets also come from
KEEL_WAIT (comma list; a comma in a URL is %2C).

Exit codes:
  0        every TARGET is up
  1        --timeout passed first (each target still down is named with its last error)
  2        bad command line or KEEL_WAIT* value
  128+N    signal N arrived first (SIGTERM: 143; also SIGINT, SIGQUIT, SIGHUP, SIGUSR1,
           SIGUSR2 and SIGALRM, also when keel wait is PID 1))";

}  // namespace

void register_option(CLI::App& app, const OptionRules& rules, const OptionTarget& target) {
    std::string names;
    if (!rules.short_name.empty()) names.append("-").append(rules.short_name).append(",");
    names.append("--").append(rules.long_name);
    const std::string help(rules.help);
    std::visit(
        [&](auto* value) {
            using Value = std::remove_pointer_t<decltype(value)>;
            if constexpr (std::is_same_v<Value, bool>) {
                app.add_flag(names, *value, help);
            } else {
                CLI::Option* option = app.add_option(names, *value, help);
                if constexpr (!std::is_same_v<Value, std::string>) option->delimiter(',');
                if (rules.check != nullptr) {
                    const CheckValue check = rules.check;
                    option->check(CLI::Validator([check](std::string& text) { return check(text); },
                                                 std::string(rules.check_name)));
                }
                if (!rules.choices.empty()) {
                    option->check(CLI::IsMember(std::vector<std::string>(rules.choices.begin(), rules.choices.end())));
                }
                if (rules.show_default) option->capture_default_str();
            }
        },
        target);
}

namespace {

// "text" as a JSON string, escaped as keel's JSON log lines and check reports are.
std::string json_string(std::string_view text) { return "\"" + json_escape(text) + "\""; }

std::string dotted(long number, long major_div, long minor_div) {
    return std::to_string(number / major_div) + "." + std::to_string(number / minor_div % (major_div / minor_div)) + "." +
           std::to_string(number % minor_div);
}

}  // namespace

std::string version_report_json() {
    // Versions from the headers keel was compiled with (OpenSSL's from the library linked in).
    std::string libraries = "\"boost\": " + json_string(dotted(BOOST_VERSION, 100000, 100)) +
                            ", \"cli11\": " + json_string(CLI11_VERSION) +
                            ", \"spdlog\": " + json_string(logging_library_version()) +
                            ", \"fmt\": " + json_string(dotted(FMT_VERSION, 10000, 100));
#ifdef _LIBCPP_VERSION
    libraries += ", \"libc++\": " + json_string(std::to_string(_LIBCPP_VERSION / 10000) + "." +
                                                std::to_string(_LIBCPP_VERSION / 100 % 100));
#endif
    if (const std::string openssl = health::tls_library_number(); !openssl.empty()) {
        libraries += ", \"openssl\": " + json_string(openssl);
    }
    if (const std::string grpc = health::grpc_library_version(); grpc != "off") {
        libraries += ", \"nghttp2\": " + json_string(grpc.substr(grpc.find(' ') + 1));
    }
    return std::string("{\"version\": ") + json_string(build_info::version) +
           ", \"commit\": " + json_string(build_info::commit()) + ", \"target\": " + json_string(build_info::target) +
           ", \"build\": " + json_string(build_info::build_type) +
           ", \"tls\": " + json_string(health::tls_library_version()) +
           ", \"grpc\": " + json_string(health::grpc_library_version()) + ", \"libraries\": {" + libraries + "}}";
}

std::string version_report() {
    std::string report = "keel ";
    report += build_info::version;
    report += "\ntarget: ";
    report += build_info::target;
    report += "\nbuild: ";
    report += build_info::build_type;
    report += "\nTLS: ";
    report += health::tls_library_version();
    report += "\ngRPC: ";
    report += health::grpc_library_version();
    return report;
}

CommandLine::CommandLine()
    : app_(std::make_unique<CLI::App>(
          "keel: PID 1 supervisor and health probe for scratch containers.\n"
          "Usage: keel [OPTIONS] [--] PROGRAM [ARGS...]\n"
          "       keel SUBCOMMAND [OPTIONS]\n"
          "Everything from PROGRAM on is passed to PROGRAM; use -- before a PROGRAM named like a subcommand.",
          "keel")) {
    CLI::App& app = *app_;
    app.footer(footer);
    add_global_options(app, global);
    app.set_version_flag("-V,--version", version_report, "Print version, target, build type and TLS library");
    add_supervisor_options(app, supervisor);

    healthcheck_ = app.add_subcommand(std::string(subcommand_names[0]), "Probe a URL: exit 0 healthy, 1 unhealthy");
    check_ = app.add_subcommand(std::string(subcommand_names[1]), "Report the image's CA bundle, timezone data and basics");
    version_ = app.add_subcommand(std::string(subcommand_names[2]), "Print version, target, build type and TLS library");
    sleep_ = app.add_subcommand(std::string(subcommand_names[3]),
                                "Wait DURATION, then exit 0 (preStop hooks and images without sleep)");
    wait_ = app.add_subcommand(std::string(subcommand_names[4]),
                               "Wait until every TARGET is up (tcp, http(s), unix socket, file), then exit 0");
    for (CLI::App* sub : {healthcheck_, check_, version_, sleep_, wait_}) sub->fallthrough();
    register_options(*wait_, wait, wait_option_specs());
    wait_targets_ = wait_->add_option("TARGET", wait.targets, "HOST:PORT or a URL; several, or a comma list")
                        ->delimiter(',')
                        ->check(CLI::Validator(
                            [](std::string& text) { return check_with<health::parse_wait_target>(text); }, "TARGET"));
    wait_->footer(wait_footer);
    sleep_->add_option("DURATION", sleep_time, "Seconds (5, 0.5), a duration (500ms, 1m30s) or infinity")
        ->required()
        ->check(CLI::Validator(
            [](std::string& text) {
                auto parsed = parse_sleep_time(text);
                return parsed ? std::string() : parsed.error();
            },
            "DURATION"));
    sleep_->footer(sleep_footer);
    check_->add_option("--format", check_format, "text: one line per check; json: one object")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    version_->add_option("--format", version_format, "text: one line per item; json: one object")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    add_healthcheck_options(*healthcheck_, healthcheck);
    healthcheck_->footer(healthcheck_footer);
}

CommandLine::~CommandLine() = default;

SplitArgs CommandLine::split(const std::vector<std::string>& args) const {
    const CLI::App& app = *app_;
    const OptionShape shape{
        [&app](std::string_view option) {
            // A flag's type size is 1 (it may be given "=false"), but it expects no value: a
            // word after `-g` is PROGRAM.
            const CLI::Option* found = app.get_option_no_throw(std::string(option));
            return found != nullptr && found->get_expected_max() > 0;
        },
        [&app](std::string_view word) {
            return !app.get_subcommands([word](const CLI::App* sub) { return sub->get_name() == word; }).empty();
        },
    };
    return split_at_program(args, shape);
}

bool CommandLine::probing(const SplitArgs& split) const { return split.subcommand == subcommand_names[0]; }

void CommandLine::parse(const SplitArgs& split) {
    // The probe reads its own variables only (KEEL_HEALTHCHECK_*): an image's KEEL_LOG_LEVEL or
    // KEEL_GRACE is the supervisor's, and a bad one must not turn every probe into exit 2.
    if (probing(split)) {
        bind_env_names(*healthcheck_, env_name_for("KEEL_", healthcheck_->get_name()) + "_");
    } else {
        bind_env_names(*app_);
    }
    if (split.subcommand != subcommand_names[4]) {
        // CLI11 also reads and checks the variables of a subcommand that was not named. keel wait
        // shares every KEEL_WAIT_* name with the supervisor's --wait-* options, so its --timeout
        // would reject a bad KEEL_WAIT_TIMEOUT that `--wait-timeout 30s` on the command line
        // overrides: only the named form reads them.
        for (CLI::Option* option : wait_->get_options()) option->envname("");
    } else {
        // KEEL_WAIT lists the targets for both forms: --wait's, and keel wait's operands.
        wait_targets_->envname("KEEL_WAIT");
        // keel wait reads KEEL_WAIT* and the global KEEL_LOG_*, not the supervisor's settings
        // (an image's KEEL_USER, or a bad KEEL_GRACE, is for `keel PROGRAM`, and must neither
        // change nor break an init container's wait).
        for (const auto& spec : supervisor_option_specs()) {
            app_->get_option("--" + std::string(spec.long_name))->envname("");
        }
    }
    // CLI11 takes a vector of arguments last-first.
    std::vector<std::string> keel_args(split.keel_args.rbegin(), split.keel_args.rend());
    app_->parse(keel_args);
}

bool CommandLine::healthcheck_parsed() const { return healthcheck_->parsed(); }
bool CommandLine::check_parsed() const { return check_->parsed(); }
bool CommandLine::version_parsed() const { return version_->parsed(); }
bool CommandLine::sleep_parsed() const { return sleep_->parsed(); }
bool CommandLine::wait_parsed() const { return wait_->parsed(); }

}  // namespace keel::cli
