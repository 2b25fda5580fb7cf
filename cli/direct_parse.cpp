#include "cli/direct_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "cli/option_specs.hpp"
#include "cli/env_options.hpp"

namespace keel::cli {
namespace {

// A value the option's check (or choice list) accepts; false when it does not, or when it is a
// form this parser leaves to CLI11.
bool valid_value(const OptionRules& rules, std::string_view value) {
    if (value.empty()) return false;
    if (rules.check != nullptr && !rules.check(value).empty()) return false;
    return rules.choices.empty() || std::find(rules.choices.begin(), rules.choices.end(), value) != rules.choices.end();
}

// Stores `value` into the option; false to decline. `from_env`: a flag's value comes with it.
bool store(const OptionRules& rules, const OptionTarget& target, std::string_view value, bool from_env) {
    return std::visit(
        [&](auto* stored) {
            using Value = std::remove_pointer_t<decltype(stored)>;
            if constexpr (std::is_same_v<Value, bool>) {
                if (!from_env) {
                    *stored = true;
                    return true;
                }
                if (value == "1" || value == "true") {
                    *stored = true;
                } else if (value == "0" || value == "false") {
                    *stored = false;
                } else {
                    return false;
                }
                return true;
            } else if constexpr (std::is_same_v<Value, std::string>) {
                if (!valid_value(rules, value)) return false;
                *stored = std::string(value);
                return true;
            } else {
                // A comma list: every element must be valid on its own (an empty one is not).
                for (std::string_view rest = value;;) {
                    const std::size_t comma = rest.find(',');
                    const std::string_view element = rest.substr(0, comma);
                    if (!valid_value(rules, element)) return false;
                    if constexpr (std::is_same_v<Value, std::vector<int>>) {
                        int code = 0;
                        std::from_chars(element.data(), element.data() + element.size(), code);  // checked above
                        stored->push_back(code);
                    } else {
                        stored->emplace_back(element);
                    }
                    if (comma == std::string_view::npos) return true;
                    rest.remove_prefix(comma + 1);
                }
            }
        },
        target);
}

bool is_flag(const OptionTarget& target) { return std::holds_alternative<bool*>(target); }
bool is_list(const OptionTarget& target) {
    return std::holds_alternative<std::vector<std::string>*>(target) || std::holds_alternative<std::vector<int>*>(target);
}

// One table's options as they are read: which were given on the command line or taken from a
// variable, so a repeat declines and the command line wins over the environment.
template <typename Options>
class TableParse {
public:
    TableParse(Options& options, std::span<const OptionSpec<Options>> specs)
        : options_(options), specs_(specs) {}

    // The spec's index for "--name" or "-n", or -1.
    [[nodiscard]] int find(std::string_view name, bool is_long) const {
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            if ((is_long ? specs_[i].long_name : specs_[i].short_name) == name) return static_cast<int>(i);
        }
        return -1;
    }

    [[nodiscard]] bool is_flag_option(int index) const {
        return is_flag(target_in(specs_[static_cast<std::size_t>(index)], options_));
    }

    bool take_from_command_line(int index, std::string_view value) {
        const auto i = static_cast<std::size_t>(index);
        const OptionTarget target = target_in(specs_[i], options_);
        if (has(on_command_line_, i) && !is_list(target)) return false;  // a repeated option: CLI11's rules
        on_command_line_ |= bit(i);
        return store(rules_of(specs_[i]), target, value, false);
    }

    // KEEL_<NAME>=value; true when the variable is not this table's or was stored.
    bool take_from_environment(std::string_view name, std::string_view value) {
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            if (env_name_for("KEEL_", specs_[i].long_name) != name) continue;
            // getenv() finds a name's first entry, so a later duplicate is not read; the command
            // line wins; an empty variable counts as unset (CLI11's rules, both).
            if (has(from_env_ | on_command_line_, i)) return true;
            from_env_ |= bit(i);
            return value.empty() || store(rules_of(specs_[i]), target_in(specs_[i], options_), value, true);
        }
        return true;
    }

private:
    // One bit per option: the tables are short (a test checks they fit).
    static std::uint64_t bit(std::size_t index) { return std::uint64_t{1} << index; }
    static bool has(std::uint64_t set, std::size_t index) { return (set & bit(index)) != 0; }

    Options& options_;
    std::span<const OptionSpec<Options>> specs_;
    std::uint64_t on_command_line_ = 0;
    std::uint64_t from_env_ = 0;
};

}  // namespace

std::optional<SupervisorCommand> parse_supervisor_directly(const std::vector<std::string>& args,
                                                           const char* const* environment) {
    SupervisorCommand command;
    TableParse supervisor(command.supervisor, supervisor_option_specs());
    TableParse global(command.global, global_option_specs());

    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view word = args[i];
        if (word == "--") {
            command.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            break;
        }
        if (word.size() < 2 || word[0] != '-') {
            if (std::find(subcommand_names.begin(), subcommand_names.end(), word) != subcommand_names.end()) {
                return std::nullopt;
            }
            command.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
            break;
        }
        const bool is_long = word.substr(0, 2) == "--";
        if (!is_long && word.size() != 2) return std::nullopt;  // "-gu", "-uapp": CLI11's
        std::string_view name = word.substr(is_long ? 2 : 1);
        std::string_view value;
        bool has_value = false;
        if (const std::size_t equals = name.find('='); is_long && equals != std::string_view::npos) {
            value = name.substr(equals + 1);
            name = name.substr(0, equals);
            has_value = true;
        }
        const int in_supervisor = supervisor.find(name, is_long);
        const int in_global = in_supervisor < 0 ? global.find(name, is_long) : -1;
        if (in_supervisor < 0 && in_global < 0) return std::nullopt;  // --help, --version, unknown
        const bool flag = in_supervisor >= 0 ? supervisor.is_flag_option(in_supervisor) : global.is_flag_option(in_global);
        if (flag) {
            if (has_value) return std::nullopt;  // "--warn-only=true"
        } else if (!has_value) {
            if (i + 1 == args.size() || args[i + 1].empty() || args[i + 1][0] == '-') return std::nullopt;
            value = args[++i];
        }
        const bool stored = in_supervisor >= 0 ? supervisor.take_from_command_line(in_supervisor, value)
                                               : global.take_from_command_line(in_global, value);
        if (!stored) return std::nullopt;
    }
    if (command.program.empty()) return std::nullopt;  // CLI11 reports it

    for (const char* const* entry = environment; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, "KEEL_", 5) != 0) continue;
        const std::string_view text = *entry;
        const std::size_t equals = text.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view name = text.substr(0, equals);
        const std::string_view value = text.substr(equals + 1);
        if (!supervisor.take_from_environment(name, value) || !global.take_from_environment(name, value)) {
            return std::nullopt;
        }
    }
    return command;
}

}  // namespace keel::cli
