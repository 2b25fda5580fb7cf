#include "cli/argv_split.hpp"

namespace keel::cli {
namespace {

// How many following arguments an option word consumes: 1 for "--grace 5s" or "-u app", 0 for
// "--grace=5s", "-uapp", flags and unknown options (CLI11 reports those later).
std::size_t values_consumed(const std::string& word, const OptionShape& shape) {
    if (word.rfind("--", 0) == 0) {
        if (word.find('=') != std::string::npos) return 0;
        return shape.takes_value(word) ? 1 : 0;
    }
    // A cluster of short options ("-gv", "-uapp"): the first one that takes a value takes the
    // rest of the word, or the next argument when it is last.
    for (std::size_t i = 1; i < word.size(); ++i) {
        if (shape.takes_value(std::string{'-', word[i]})) return i + 1 == word.size() ? 1 : 0;
    }
    return 0;
}

}  // namespace

SplitArgs split_at_program(const std::vector<std::string>& args, const OptionShape& shape) {
    SplitArgs split;
    std::size_t i = 0;
    while (i < args.size()) {
        const std::string& word = args[i];
        if (word == "--") {
            split.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            return split;
        }
        if (word.size() > 1 && word[0] == '-') {
            const std::size_t take = 1 + values_consumed(word, shape);
            for (std::size_t k = 0; k < take && i < args.size(); ++k) split.keel_args.push_back(args[i++]);
            continue;
        }
        if (shape.is_subcommand(word)) {
            split.subcommand = word;
            split.keel_args.insert(split.keel_args.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
            return split;
        }
        split.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
        return split;
    }
    return split;
}

}  // namespace keel::cli
