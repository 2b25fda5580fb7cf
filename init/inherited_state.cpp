#include "init/inherited_state.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/logging.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/sys/standard_fds.hpp"
#include "init/signals.hpp"

namespace keel::init {

InheritedState reset_inherited_state() {
    InheritedState state;
    std::vector<int> handled = forwarded_signals();
    handled.push_back(SIGCHLD);
    if (sys::block_signals(sys::make_signal_set(handled)) != 0) {
        state.error = std::string("rt_sigprocmask() failed: ") + std::strerror(errno);
    }
    for (const int signal : handled) {
        const int reset = sys::reset_if_ignored(signal);
        if (reset == 1) state.ignored.push_back(signal);
        if (reset < 0 && state.error.empty()) {
            state.error = "rt_sigaction(" + signal_name(signal) + ") failed: " + std::strerror(errno);
        }
    }
    state.reopened_standard_fds = sys::open_standard_fds();
    if (state.reopened_standard_fds < 0 && state.error.empty()) {
        state.error = std::string("opening /dev/null on a closed fd 0-2 failed: ") + std::strerror(errno);
    }
    return state;
}

void log_inherited_state(const InheritedState& state) {
    if (!state.ignored.empty()) {
        std::string names;
        for (const int signal : state.ignored) names += (names.empty() ? "" : " ") + signal_name(signal);
        log::debug("inherited as ignored, now default: {}", names);
    }
    if (state.reopened_standard_fds > 0) {
        log::debug("{} of fds 0-2 were closed: /dev/null opened on them", state.reopened_standard_fds);
    }
    if (!state.error.empty()) log::warn("resetting the inherited process state: {}", state.error);
}

}  // namespace keel::init
