#pragma once
// Every long option can also come from the environment: KEEL_<NAME> for the top level,
// KEEL_<SUBCOMMAND>_<NAME> for a subcommand's. The command line wins (CLI11 reads an env var only
// for options not given as flags), and --help lists the names.

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace keel::cli {

// "KEEL_", "grace" -> "KEEL_GRACE"; "KEEL_HEALTHCHECK_", "expect-status" -> "KEEL_HEALTHCHECK_EXPECT_STATUS".
std::string env_name_for(std::string_view prefix, std::string_view long_name);

// Gives every option of `app` with a long name, and every positional, its env var (help and
// version flags excluded),
// then recurses into subcommands with KEEL_<SUBCOMMAND>_ as their prefix.
void bind_env_names(CLI::App& app, std::string_view prefix = "KEEL_");

// For a CLI11 error message that starts with an option name ("--grace: invalid duration ..."):
// when that option's value came from its env var (set, and the flag not on the command line),
// returns " (from KEEL_GRACE)" so the user knows where to look; otherwise "".
std::string env_origin_of_error(const CLI::App& app, std::string_view message,
                                const std::vector<std::string>& command_line);

}  // namespace keel::cli
