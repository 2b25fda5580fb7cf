#pragma once
// `keel healthcheck`: runs one probe from the options as typed and prints its verdict.

#include "healthcheck/probe_args.hpp"

namespace keel::cli {

// Validates the options, runs one probe, prints exactly one line on stdout ("healthy: ..." or
// "unhealthy: ..."); returns 0 healthy, 1 otherwise (never 2: Docker reserves it).
int run_healthcheck(const health::HealthcheckArgs& args);

}  // namespace keel::cli
