#pragma once
// Registers a table of OptionSpec (cli/option_specs.hpp) with CLI11: names, help, the value check
// as a validator (a bad value fails at parse time, exit 2, with the parser's own message), comma
// lists for vectors.

#include <span>

#include "cli/option_specs.hpp"

namespace CLI {
class App;
}

namespace keel::cli {

// One option (cli/command_line.cpp, with the rest of keel's CLI11 code).
void register_option(CLI::App& app, const OptionRules& rules, const OptionTarget& target);

template <typename Options>
void register_options(CLI::App& app, Options& options, std::span<const OptionSpec<Options>> specs) {
    for (const OptionSpec<Options>& spec : specs) register_option(app, rules_of(spec), target_in(spec, options));
}

}  // namespace keel::cli
