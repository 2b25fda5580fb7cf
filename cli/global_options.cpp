#include "cli/global_options.hpp"

#include "cli/register_options.hpp"

namespace keel::cli {
namespace {

LogLevel to_level(const std::string& name) {
    if (name == "error") return LogLevel::error;
    if (name == "info") return LogLevel::info;
    if (name == "debug") return LogLevel::debug;
    return LogLevel::warn;
}

}  // namespace

void add_global_options(CLI::App& app, GlobalOptions& global) {
    register_options(app, global, global_option_specs());
}

void apply_global_options(const GlobalOptions& global) {
    setup_logging(to_level(global.log_level), global.log_format == "json" ? LogFormat::json : LogFormat::text);
}

}  // namespace keel::cli
