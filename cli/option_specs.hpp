#pragma once
// One description per supervisor and global option, read by both of keel's parsers: CLI11, which
// parses every command line it is handed and writes --help (cli/register_options.hpp), and the
// direct parser of the usual ENTRYPOINT lines (cli/direct_parse.hpp). Names, kinds and value
// checks are written here once, so the two cannot drift apart in what they accept; how each
// parser treats a word is held equal by tests/unit/direct_parse_test.cpp.

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/global_options.hpp"
#include "cli/supervise_options.hpp"
#include "healthcheck/wait_plan.hpp"

namespace keel::cli {

// "" when `value` (one element, for a list) is valid, else the pure parser's message.
using CheckValue = std::string (*)(std::string_view value);

template <typename Options>
struct OptionSpec {
    // A flag (bool), one value (string), or a comma list that may be repeated (vector).
    using Target = std::variant<bool Options::*, std::string Options::*, std::vector<std::string> Options::*,
                                std::vector<int> Options::*>;
    std::string_view short_name;  // "u", or "" for none
    std::string_view long_name;   // "user": --user, and KEEL_USER
    std::string_view help;
    Target target;
    CheckValue check = nullptr;                  // per value; nullptr: `choices` or the target's own rule
    std::string_view check_name;                 // what --help calls a value: "USER[:GROUP]"
    std::span<const std::string_view> choices;   // non-empty: the value must be one of these
    bool show_default = false;                   // --help shows the default value
};

// The words that name a subcommand where PROGRAM could stand (`keel -- version` runs a program).
inline constexpr std::array<std::string_view, 5> subcommand_names{"healthcheck", "check", "version", "sleep", "wait"};

// At most 64 options per table: the direct parser keeps one bit per option.
// Where one option's value goes, in one options struct: what both parsers write through (one
// non-template path per value type, whatever the struct).
using OptionTarget = std::variant<bool*, std::string*, std::vector<std::string>*, std::vector<int>*>;

template <typename Options>
OptionTarget target_in(const OptionSpec<Options>& spec, Options& options) {
    return std::visit([&options](auto member) -> OptionTarget { return &(options.*member); }, spec.target);
}

// The spec without its struct type: name, help and checks, for code shared by both tables.
struct OptionRules {
    std::string_view short_name;
    std::string_view long_name;
    std::string_view help;
    CheckValue check;
    std::string_view check_name;
    std::span<const std::string_view> choices;
    bool show_default;
};

template <typename Options>
OptionRules rules_of(const OptionSpec<Options>& spec) {
    return {spec.short_name, spec.long_name, spec.help, spec.check, spec.check_name, spec.choices, spec.show_default};
}

std::span<const OptionSpec<SupervisorArgs>> supervisor_option_specs();
std::span<const OptionSpec<GlobalOptions>> global_option_specs();
// `keel wait`'s options (its TARGET operands are registered beside them, cli/command_line.cpp).
std::span<const OptionSpec<health::WaitArgs>> wait_option_specs();

// Adapts a pure parser returning Result<T> to a CheckValue (option tables, and the operands that
// CLI11 checks the same way: keel wait's TARGET).
template <auto Parse>
std::string check_with(std::string_view value) {
    auto parsed = Parse(value);
    return parsed ? std::string() : parsed.error();
}

// --success-exit's values: 0..255, decimal digits only.
std::string check_exit_code(std::string_view value);

}  // namespace keel::cli
