#pragma once
// What the supervisor was asked to do: plain values, validated by the CLI layer.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.hpp"
#include "init/identity/identity.hpp"
#include "init/lifecycle/file_env.hpp"
#include "init/preflight/checks.hpp"
#include "init/signals.hpp"

namespace keel::init {

// A pre-start gate: runs after the image checks, before PROGRAM starts, in a child process
// (init/lifecycle/start_gate.hpp). Returns 0 to start it, or
// the exit code keel stops with instead (PROGRAM never starts). cli/ builds it from the probe
// engine (healthcheck/probe.hpp) for waits on dependencies, so init/ never includes healthcheck/.
using StartGate = std::function<int()>;

struct SupervisorConfig {
    std::vector<std::string> command;            // PROGRAM and its ARGS
    bool forward_to_process_group = false;       // -g: signal the child's whole group
    RewriteTable rewrite;                        // --rewrite FROM:TO
    Duration grace = std::chrono::seconds(5);    // SIGTERM -> SIGKILL delay for leftovers
    std::vector<int> success_exits;              // exit codes reported as 0
    std::optional<UserSpec> user;                // -u: drop to this user before starting PROGRAM
    Requirements requirements;                   // --require: image checks before PROGRAM starts
    bool warn_only = false;                      // --warn-only: report failed checks, start anyway
    StartGate start_gate;                        // empty: start PROGRAM right after the checks
    std::vector<FileEnvPattern> file_env;        // --file-env: NAME from $NAME_FILE, read before -u
    Duration stop_delay{0};                      // --stop-delay: hold the first SIGTERM this long
};

}  // namespace keel::init
