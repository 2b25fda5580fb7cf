#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli/global_options.hpp"
#include "cli/supervise_options.hpp"

// keel skips building its parser when the command line has no keel option and no KEEL_*
// variable is set (cli.cpp, program_without_keel_options), and uses the option structs' own
// defaults instead. That is only right while parsing nothing leaves those structs unchanged.
TEST_CASE("an empty command line leaves every supervisor and global option at its default") {
    CLI::App app;
    keel::cli::GlobalOptions global;
    keel::cli::add_global_options(app, global);
    keel::cli::SupervisorArgs supervisor;
    keel::cli::add_supervisor_options(app, supervisor);
    app.parse(std::vector<std::string>{});
    CHECK(global == keel::cli::GlobalOptions{});
    CHECK(supervisor == keel::cli::SupervisorArgs{});
}

TEST_CASE("the comparison sees a parsed value (the check above can fail)") {
    CLI::App app;
    keel::cli::SupervisorArgs supervisor;
    keel::cli::add_supervisor_options(app, supervisor);
    app.parse(std::vector<std::string>{"--grace=1s"});
    CHECK_FALSE(supervisor == keel::cli::SupervisorArgs{});
}
