#pragma once
// `keel healthcheck [OPTIONS] [URL]`: options (and so KEEL_HEALTHCHECK_* env vars) and the entry
// point the CLI calls.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace keel::health {

struct HealthcheckArgs {
    std::string url;  // empty: $KEEL_HEALTHCHECK_URL (bound like every option), else the default
};

// Registers the subcommand's options and its URL positional on `sub`.
void add_healthcheck_options(CLI::App& sub, HealthcheckArgs& args);

// Runs one probe; prints exactly one line on stdout; returns 0 healthy, 1 otherwise (never 2).
int run_healthcheck(const HealthcheckArgs& args);

}  // namespace keel::health
