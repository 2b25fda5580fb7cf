#pragma once
// `keel check [--require LIST] [--format text|json]`: the image report.

#include <string>

namespace keel::cli {

// Runs every check, prints them as text lines or one JSON object; 0 when every required check
// passes, 1 otherwise. `require` is already validated (init::parse_requirements).
int run_check_command(const std::string& require, const std::string& format);

}  // namespace keel::cli
