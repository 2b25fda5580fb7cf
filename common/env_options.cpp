#include "common/env_options.hpp"

#include <CLI/CLI.hpp>

namespace keel {

std::string env_name_for(std::string_view prefix, std::string_view long_name) {
    std::string name(prefix);
    for (const char c : long_name) {
        if (c == '-') {
            name += '_';
        } else if (c >= 'a' && c <= 'z') {
            name += static_cast<char>(c - 'a' + 'A');
        } else {
            name += c;
        }
    }
    return name;
}

void bind_env_names(CLI::App& app, std::string_view prefix) {
    for (CLI::Option* option : app.get_options()) {
        const auto& long_names = option->get_lnames();
        if (long_names.empty() || long_names.front() == "help" || long_names.front() == "version") {
            continue;
        }
        option->envname(env_name_for(prefix, long_names.front()));
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        bind_env_names(*sub, env_name_for(prefix, sub->get_name()) + "_");
    }
}

}  // namespace keel
