#pragma once
// `keel healthcheck [OPTIONS] [URL]`: its options on the CLI11 subcommand (and so their
// KEEL_HEALTHCHECK_* env vars).

#include "healthcheck/probe_args.hpp"

namespace CLI {
class App;
}

namespace keel::cli {

// Registers the subcommand's options and its URL positional on `sub`.
void add_healthcheck_options(CLI::App& sub, health::HealthcheckArgs& args);

}  // namespace keel::cli
