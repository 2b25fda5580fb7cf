#include "cli/env_options.hpp"

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "common/text.hpp"

namespace keel::cli {

std::string env_name_for(std::string_view prefix, std::string_view long_name) {
    std::string name(prefix);
    for (const char c : long_name) {
        if (c == '-') {
            name += '_';
        } else {
            name += ascii_upper(c);
        }
    }
    return name;
}

void bind_env_names(CLI::App& app, std::string_view prefix) {
    for (CLI::Option* option : app.get_options()) {
        const auto& long_names = option->get_lnames();
        // Positionals too ("URL" -> KEEL_HEALTHCHECK_URL).
        const std::string name = !long_names.empty()       ? long_names.front()
                                 : option->get_positional() ? option->get_single_name()
                                                            : std::string();
        if (name.empty() || name == "help" || name == "version") continue;
        option->envname(env_name_for(prefix, name));
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        bind_env_names(*sub, env_name_for(prefix, sub->get_name()) + "_");
    }
}

namespace {

const CLI::Option* find_option(const CLI::App& app, const std::string& name) {
    if (const CLI::Option* option = app.get_option_no_throw(name)) return option;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (const CLI::Option* option = find_option(*sub, name)) return option;
    }
    return nullptr;
}

}  // namespace

std::string env_origin_of_error(const CLI::App& app, std::string_view message,
                                const std::vector<std::string>& command_line) {
    const auto colon = message.find(':');
    if (message.rfind("--", 0) != 0 || colon == std::string_view::npos) return {};
    const std::string name(message.substr(0, colon));
    const CLI::Option* option = find_option(app, name);
    if (option == nullptr || option->get_envname().empty() || std::getenv(option->get_envname().c_str()) == nullptr) {
        return {};
    }
    for (const auto& word : command_line) {
        if (word == name || word.rfind(name + "=", 0) == 0) return {};
    }
    return " (from " + option->get_envname() + ")";
}

}  // namespace keel::cli
