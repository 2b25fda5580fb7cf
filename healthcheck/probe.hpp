#pragma once
// One probe: resolve, connect, (TLS), send the request, read and judge the response, all under
// one deadline. Asio, single-threaded; nothing throws once the probe runs.

#include <string>

#include "healthcheck/probe_config.hpp"

namespace keel::health {

struct ProbeOutcome {
    bool healthy = false;
    // "200 OK in 1.2 ms", "connect to 127.0.0.1:8080: connection refused after 0.3 ms",
    // "timeout after 2.0 s while reading headers".
    std::string message;
};

ProbeOutcome run_probe(const ProbeConfig& config);

}  // namespace keel::health
