#include "init/lifecycle/sleep.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <chrono>
#include <ctime>

#include "common/logging.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/sys/unique_fd.hpp"

namespace keel::init {

int sleep_for(std::optional<Duration> duration) {
    // The signals whose default action ends a sleeping process; the job-control and
    // ignored-by-default ones (SIGCHLD, SIGWINCH, SIGCONT, ...) stay blocked and pending.
    const sigset_t ends = sys::make_signal_set({SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM});
    // Blocked (keel blocks them at start already): read from the signalfd, never taken by a
    // default action, which PID 1 would not get anyway.
    if (sys::block_signals(ends) != 0) {
        log::error("rt_sigprocmask() failed: {}", std::strerror(errno));
        return 1;
    }
    const auto deadline = std::chrono::steady_clock::now() + duration.value_or(Duration{0});
    // A signalfd rather than sigtimedwait: the supervisor's way, and one valgrind runs faithfully.
    const sys::UniqueFd fd(::signalfd(-1, &ends, SFD_CLOEXEC));
    if (!fd.valid()) {
        log::error("signalfd() failed: {}", std::strerror(errno));
        return 1;
    }
    log::debug("sleeping {}; SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 or SIGALRM ends it",
               duration ? "for " + format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(*duration))
                        : std::string("until a signal"));
    for (;;) {
        timespec left{};
        if (duration) {
            const auto remaining = deadline - std::chrono::steady_clock::now();  // CLOCK_MONOTONIC
            if (remaining < remaining.zero()) return 0;
            const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(remaining);
            left.tv_sec = static_cast<time_t>(seconds.count());
            left.tv_nsec = static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(remaining - seconds).count());
        }
        pollfd wait{fd.get(), POLLIN, 0};
        const int ready = ::ppoll(&wait, 1, duration ? &left : nullptr, nullptr);
        if (ready == 0) return 0;  // the time has passed
        if (ready < 0 && errno == EINTR) continue;  // a stop and SIGCONT: wait for what is left
        if (ready < 0) {
            log::error("ppoll() failed: {}", std::strerror(errno));
            return 1;
        }
        signalfd_siginfo info{};
        if (::read(fd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            return 128 + static_cast<int>(info.ssi_signo);
        }
    }
}

}  // namespace keel::init
