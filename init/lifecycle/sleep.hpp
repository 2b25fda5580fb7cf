#pragma once
// `keel sleep DURATION`: a sleep for images without one (Kubernetes preStop exec hooks, scripts).

#include <optional>

#include "common/duration.hpp"

namespace keel::init {

// Waits `duration` (nullopt: for ever). Returns 0 when it has passed, or 128+N when a signal N
// that would end a plain `sleep` arrives first (SIGTERM: 143), also as PID 1, where the kernel
// would drop a signal the process has no handler for.
int sleep_for(std::optional<Duration> duration);

}  // namespace keel::init
