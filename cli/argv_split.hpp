#pragma once
// Splits `keel [OPTIONS] [--] PROGRAM [ARGS...]` into keel's own arguments and PROGRAM's.
//
// Everything from PROGRAM on belongs to PROGRAM, even words that look like keel's flags
// (`keel /app --help` passes --help to /app). CLI11 alone cannot express this contract: its
// prefix mode still consumes flags it recognises after the first positional, and lets --help win.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::cli {

struct SplitArgs {
    std::vector<std::string> keel_args;  // handed to CLI11 (subcommand and its arguments included)
    std::vector<std::string> program;    // PROGRAM and its ARGS; empty when a subcommand was named
    std::string subcommand;              // the subcommand named, if any ("healthcheck")
};

struct OptionShape {
    // True when `option` ("--grace", "-u") is one of keel's options that consumes the next
    // argument as its value (when no "=value" or attached value is given).
    std::function<bool(std::string_view option)> takes_value;
    std::function<bool(std::string_view word)> is_subcommand;
};

// args excludes argv[0]. The first word that is not an option (nor an option's value) is PROGRAM,
// unless it names a subcommand; "--" ends keel's options explicitly (`keel -- version` runs a
// program called "version").
SplitArgs split_at_program(const std::vector<std::string>& args, const OptionShape& shape);

}  // namespace keel::cli
