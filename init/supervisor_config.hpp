#pragma once
// What the supervisor was asked to do: plain values, validated by the CLI layer.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.hpp"
#include "init/identity/identity.hpp"
#include "init/preflight/checks.hpp"
#include "init/signals.hpp"

namespace keel::init {

struct SupervisorConfig {
    std::vector<std::string> command;            // PROGRAM and its ARGS
    bool forward_to_process_group = false;       // -g: signal the child's whole group
    RewriteTable rewrite;                        // --rewrite FROM:TO
    Duration grace = std::chrono::seconds(5);    // SIGTERM -> SIGKILL delay for leftovers
    std::vector<int> success_exits;              // exit codes reported as 0
    std::optional<UserSpec> user;                // -u: drop to this user before starting PROGRAM
    Requirements requirements;                   // --require: image checks before PROGRAM starts
    bool warn_only = false;                      // --warn-only: report failed checks, start anyway
};

// Runs PROGRAM under supervision until it and every other descendant are gone; returns keel's
// exit code (the child's, 128+N for a signal, 126/127 when it cannot start, 1 on keel failure).
int supervise(const SupervisorConfig& config);

}  // namespace keel::init
