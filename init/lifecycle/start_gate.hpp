#pragma once
// Runs the supervisor's pre-start gate (`--wait`) in a child process while keel, in the parent,
// watches for the stop signals. A child, because the wait resolves host names on threads that may
// still be blocked in getaddrinfo when it ends (healthcheck/wait.hpp): none of them then lives on
// in the process that supervises PROGRAM. The parent also stays single-threaded for -u's
// setresuid and for vfork.

#include "init/supervisor_config.hpp"

namespace keel::init {

// The gate's own exit code (0: start PROGRAM), or 128+N when SIGTERM, SIGINT or SIGQUIT arrived
// first (the gate's child is killed and reaped before this returns; other signals stay pending,
// for PROGRAM once it runs), or 1 when the child could not be made or did not exit normally.
int run_start_gate(const StartGate& gate);

}  // namespace keel::init
