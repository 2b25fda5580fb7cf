#pragma once
// `keel wait [OPTIONS] TARGET...`: wait until every target is up (healthcheck/wait.hpp), for
// init containers, Compose `command:` lines and scripts in images without a shell.

#include "healthcheck/wait_plan.hpp"

namespace keel::cli {

// 0 all up, 1 timeout (or keel could not wait), 2 no target or a bad one, 128+N a signal.
int run_wait_command(const health::WaitArgs& args);

}  // namespace keel::cli
