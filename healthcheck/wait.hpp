#pragma once
// The wait itself: every target of a plan (healthcheck/wait_plan.hpp) probed in parallel on one
// event loop, each retried on its own backoff, one deadline over all. Progress goes to keel's log
// at info, the default level: it is the first thing a user reads when a container does not start.

#include <string_view>

#include "common/result.hpp"
#include "healthcheck/wait_plan.hpp"

namespace keel::health {

inline constexpr int wait_all_up = 0;
inline constexpr int wait_timed_out = 1;

// Returns wait_all_up, wait_timed_out, or 128+N when signal N was read from `stop_fd` first (a
// signalfd the caller made; -1 to watch none). Throws boost::system::system_error when the event
// loop cannot be made (out of descriptors).
//
// Host names resolve on detached threads (healthcheck/resolve.hpp), which the process may still
// hold, blocked in getaddrinfo, when this returns: the supervisor therefore runs its wait in a
// child process (init/lifecycle/start_gate.hpp), so no such thread lives on beside PROGRAM.
int wait_for_targets(const WaitPlan& plan, int stop_fd);

// Before the wait: the client certificate and key (WaitArgs cert, key) can be read, so a wrong
// path is a bad command line (exit 2), not a target that never comes up. Each try reads them again
// (a rotated secret is picked up). `option_prefix` is "" for keel wait, "wait-" for the supervisor.
Result<bool> check_client_files(const WaitArgs& args, std::string_view option_prefix);

}  // namespace keel::health
