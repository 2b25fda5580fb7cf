#include "cli/global_options.hpp"

#include <CLI/CLI.hpp>

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
    app.add_option("--log-level", global.log_level, "keel's own log level")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
        ->capture_default_str();
    app.add_option("--log-format", global.log_format, "text or json lines on stderr")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
}

void apply_global_options(const GlobalOptions& global) {
    setup_logging(to_level(global.log_level), global.log_format == "json" ? LogFormat::json : LogFormat::text);
}

}  // namespace keel::cli
