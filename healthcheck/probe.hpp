#pragma once
// One probe: resolve, connect, (TLS), send the request, read and judge the response, all under
// one deadline. Asio, single-threaded; nothing throws once the probe runs.

#include <functional>
#include <memory>
#include <string>

#include "healthcheck/probe_config.hpp"

namespace boost::asio {
class io_context;
}

namespace keel::health {

struct ProbeOutcome {
    bool healthy = false;
    // "200 OK in 1.2 ms", "connect to 127.0.0.1:8080: connection refused after 0.3 ms",
    // "timeout after 2.0 s while reading headers".
    std::string message;
    // Unhealthy because nothing listens yet: every address refused the connection, or the unix
    // socket does not exist (or refuses). An answer that costs both sides next to nothing, so
    // `keel wait` may ask again soon (healthcheck/wait_plan.hpp, Backoff).
    bool refused = false;
};

// The probe on its own event loop: `keel healthcheck`.
ProbeOutcome run_probe(const ProbeConfig& config);

class Probe;

// The probe on a loop shared with others (several targets waited for at once). `done` runs once,
// from io.run(), after every operation of the probe has completed or been aborted, so it may
// destroy this object. cancel() ends it early ("cancelled"; done still runs). Destroy it only
// once done has run, or once io will not run again (its handlers refer to it). `config` must
// outlive the probe.
class AsyncProbe {
public:
    AsyncProbe(boost::asio::io_context& io, const ProbeConfig& config);
    ~AsyncProbe();
    AsyncProbe(const AsyncProbe&) = delete;
    AsyncProbe& operator=(const AsyncProbe&) = delete;

    void start(std::function<void(ProbeOutcome)> done);
    void cancel();

private:
    std::unique_ptr<Probe> probe_;
};

}  // namespace keel::health
