#pragma once
// The supervisor's usual command lines, parsed without CLI11.
//
// An ENTRYPOINT such as `keel -u app --require ca-certs -- /app` runs at every container start.
// Building CLI11's parser for it (about 45 option objects, each with its strings, callbacks and
// validators) was most of keel's start-up work (bench/README.md, "Direct parse"). This parser
// reads the same option table (cli/option_specs.hpp) and takes only the plainest forms of it:
//
//   --name VALUE, --name=VALUE, -u VALUE, -g, --flag, comma lists, KEEL_<NAME> variables
//
// Anything else — a subcommand, --help or --version, an unknown or repeated option, a bad value,
// clustered or attached short options, a value that starts with '-', a flag variable other than
// 0/1/true/false — returns nullopt, and CLI11 parses the command line as it always did, errors and
// their messages included. So this parser never rejects anything: it only declines.
// tests/unit/direct_parse_test.cpp checks that, whenever it accepts, CLI11 yields the same options.

#include <optional>
#include <string>
#include <vector>

#include "cli/global_options.hpp"
#include "cli/supervise_options.hpp"

namespace keel::cli {

struct SupervisorCommand {
    GlobalOptions global;
    SupervisorArgs supervisor;
    std::vector<std::string> program;  // PROGRAM and its arguments, never empty
    bool operator==(const SupervisorCommand&) const = default;
};

// args excludes argv[0]; environment is a null-terminated `environ`-style array.
std::optional<SupervisorCommand> parse_supervisor_directly(const std::vector<std::string>& args,
                                                           const char* const* environment);

}  // namespace keel::cli
