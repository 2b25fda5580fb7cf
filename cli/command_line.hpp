#pragma once
// keel's whole command line as CLI11 reads it: the supervisor's and the global options, every
// subcommand with its own, their KEEL_* variables and --help. cli.cpp runs what it parsed; the
// direct parser's test compares against it.

#include <memory>
#include <string>
#include <vector>

#include "cli/argv_split.hpp"
#include "cli/global_options.hpp"
#include "cli/supervise_options.hpp"
#include "healthcheck/probe_args.hpp"
#include "healthcheck/wait_plan.hpp"

namespace CLI {
class App;
class Option;
}

namespace keel::cli {

class CommandLine {
public:
    CommandLine();
    ~CommandLine();
    CommandLine(const CommandLine&) = delete;  // CLI11's options point into this object
    CommandLine& operator=(const CommandLine&) = delete;

    // keel's own words and PROGRAM's (argv_split.hpp), with this parser's option shapes.
    [[nodiscard]] SplitArgs split(const std::vector<std::string>& args) const;

    // Binds the KEEL_* names (only the probe's own KEEL_HEALTHCHECK_* when `healthcheck` is named:
    // an image's KEEL_LOG_LEVEL is the supervisor's) and parses split.keel_args into the members
    // below. Throws CLI::ParseError, --help and --version included.
    void parse(const SplitArgs& split);

    [[nodiscard]] CLI::App& app() { return *app_; }
    [[nodiscard]] bool probing(const SplitArgs& split) const;
    [[nodiscard]] bool healthcheck_parsed() const;
    [[nodiscard]] bool check_parsed() const;
    [[nodiscard]] bool version_parsed() const;
    [[nodiscard]] bool sleep_parsed() const;
    [[nodiscard]] bool wait_parsed() const;

    GlobalOptions global;
    SupervisorArgs supervisor;
    health::HealthcheckArgs healthcheck;
    std::string check_format = "text";
    std::string version_format = "text";
    std::string sleep_time;  // validated by parse_sleep_time
    health::WaitArgs wait;

private:
    std::unique_ptr<CLI::App> app_;
    CLI::App* healthcheck_ = nullptr;
    CLI::App* check_ = nullptr;
    CLI::App* version_ = nullptr;
    CLI::App* sleep_ = nullptr;
    CLI::App* wait_ = nullptr;
    CLI::Option* wait_targets_ = nullptr;
};

// `keel version`, `keel --version`: version, target, build type, TLS library.
std::string version_report();
// `keel version --format json`: the same and the commit and every library's version, one object
// (scripts and the release test's SBOM comparison read it).
std::string version_report_json();

}  // namespace keel::cli
