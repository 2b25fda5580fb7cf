#include "cli/wait_command.hpp"

#include <sys/signalfd.h>

#include <cstdio>
#include <exception>
#include <utility>

#include <boost/system/system_error.hpp>

#include "cli/cli.hpp"
#include "common/logging.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/sys/unique_fd.hpp"
#include "healthcheck/wait.hpp"

namespace keel::cli {

int run_wait_command(const health::WaitArgs& args) {
    if (args.targets.empty()) {
        std::fprintf(stderr, "keel: wait: no TARGET given (and KEEL_WAIT is not set)\nRun 'keel wait --help' for usage.\n");
        return exit_usage;
    }
    auto plan = health::make_wait_plan(args);
    if (!plan) {
        std::fprintf(stderr, "keel: wait: %s\nRun 'keel wait --help' for usage.\n", plan.error().c_str());
        return exit_usage;
    }
    if (auto files = health::check_client_files(args, ""); !files) {
        std::fprintf(stderr, "keel: wait: %s\n", files.error().c_str());
        return exit_usage;
    }
    // The signals whose default action ends a process (as for `keel sleep`) end the wait with
    // 128+N, as PID 1 too, where no default action applies; they stay blocked and come through
    // the signalfd. Every other signal acts the default way again, as for the probe: one mask
    // change, so a signal pending since the start is not taken by its default action in between.
    auto ends = sys::watch_signals(sys::ending_signals(), sys::MaskChange::exactly, SFD_NONBLOCK);
    if (!ends) {
        log::error("{}", ends.error());
        return exit_failure;
    }
    const sys::UniqueFd signal_fd = std::move(ends).value();
    try {
        return health::wait_for_targets(plan.value(), signal_fd.get());
    } catch (const boost::system::system_error& error) {
        log::error("cannot start the wait: {}", error.code().message());
    } catch (const std::exception& error) {
        log::error("the wait failed: {}", error.what());
    }
    return exit_failure;
}

}  // namespace keel::cli
