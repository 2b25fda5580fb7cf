#pragma once
// What keel puts right before anything else runs (the top of main): a PID 1 inherits whatever
// state its starter left, and production starters leave odd state (a runtime that ignores
// SIGCHLD, a shell that blocks SIGTERM, a closed stderr).
//
// 1. Every signal the supervisor handles (SIGCHLD and all it forwards) is blocked: from here on a
//    `docker stop` sent to keel as PID 1 waits in the signalfd instead of being dropped.
// 2. Each of them inherited as ignored is set to SIG_DFL (SIGCHLD ignored makes the kernel reap
//    PROGRAM behind keel's back, so keel never saw it exit). With every disposition default in
//    keel, PROGRAM starts with defaults too: the vforked child has nothing to reset.
// 3. fds 0-2 are open (common/sys/standard_fds.hpp).
// The probe and `keel check` unblock everything again (cli/): they have no signalfd.

#include <string>
#include <vector>

namespace keel::init {

struct InheritedState {
    std::vector<int> ignored;       // signals that were SIG_IGN, now SIG_DFL
    int reopened_standard_fds = 0;  // of fds 0-2, how many were closed (now /dev/null)
    std::string error;              // a step that failed (keel goes on; the supervisor logs it)
};

InheritedState reset_inherited_state();

// Debug lines for what was reset; a failed step as a warning. Called once logging is set up.
void log_inherited_state(const InheritedState& state);

}  // namespace keel::init
