#pragma once
// keel's options that apply to every subcommand: its own log level and format.

#include <string>

#include "common/logging.hpp"

namespace CLI {
class App;
}

namespace keel::cli {

struct GlobalOptions {
    std::string log_level = "warn";
    std::string log_format = "text";
    bool operator==(const GlobalOptions&) const = default;
};

// Registers --log-level and --log-format on the top-level app.
void add_global_options(CLI::App& app, GlobalOptions& global);

// Applies them to keel's logger.
void apply_global_options(const GlobalOptions& global);

}  // namespace keel::cli
