#include "init/lifecycle/sleep.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
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
    timespec deadline{};
    if (duration && ::clock_gettime(CLOCK_MONOTONIC, &deadline) != 0) {
        log::error("clock_gettime(CLOCK_MONOTONIC) failed: {}", std::strerror(errno));
        return 1;
    }
    if (duration) {
        const auto ms = duration->count();
        deadline.tv_sec += static_cast<time_t>(ms / 1000);
        deadline.tv_nsec += static_cast<long>(ms % 1000) * 1'000'000L;
        if (deadline.tv_nsec >= 1'000'000'000L) {
            deadline.tv_sec += 1;
            deadline.tv_nsec -= 1'000'000'000L;
        }
    }
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
            timespec now{};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            left.tv_sec = deadline.tv_sec - now.tv_sec;
            left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
            if (left.tv_nsec < 0) {
                left.tv_sec -= 1;
                left.tv_nsec += 1'000'000'000L;
            }
            if (left.tv_sec < 0) return 0;
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
