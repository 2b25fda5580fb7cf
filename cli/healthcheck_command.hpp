#pragma once
// `keel healthcheck`: runs one probe from the options as typed and prints its verdict.

#include <string>

#include "healthcheck/probe_args.hpp"

namespace keel::cli {

// Validates the options, runs one probe, prints exactly one line on stdout ("healthy: ..." or
// "unhealthy: ..."); returns 0 healthy, 1 otherwise (never 2: Docker reserves it).
int run_healthcheck(const health::HealthcheckArgs& args);

// A command line the probe cannot run (a bad global option before `healthcheck`): the one
// "unhealthy: ..." line, exit 1, as for the probe's own options.
int reject_healthcheck(const std::string& reason);

}  // namespace keel::cli
