#include "cli/check_command.hpp"

#include <algorithm>
#include <cstdio>

#include "init/preflight/checks.hpp"

namespace keel::cli {

int run_check_command(const std::string& require, const std::string& format) {
    const init::Requirements required = init::parse_requirements(require).value();
    const auto results = init::run_checks(required, init::Depth::full);
    const std::string report = format == "json" ? init::format_check_json(results, required) : init::format_check_text(results);
    std::fputs(report.c_str(), stdout);
    const bool ok = std::none_of(results.begin(), results.end(),
                                 [](const init::CheckResult& r) { return r.status == init::CheckStatus::fail; });
    return ok ? 0 : 1;
}

}  // namespace keel::cli
