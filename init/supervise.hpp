#pragma once
// The supervisor's one entry point (init/supervisor.cpp): what cli/ calls for `keel [OPTIONS] PROGRAM`.

#include "init/supervisor_config.hpp"

namespace keel::init {

// Runs PROGRAM under supervision until it and every other descendant are gone; returns keel's
// exit code (the child's, 128+N for a signal, 126/127 when it cannot start, 1 on keel failure).
int supervise(const SupervisorConfig& config);

}  // namespace keel::init
