#include "init/lifecycle/sleep.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <utility>

#include "common/logging.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/sys/unique_fd.hpp"

namespace keel::init {

int sleep_for(std::optional<Duration> duration) {
    // Blocked (keel blocks them at start already): read from a signalfd, never taken by a default
    // action, which PID 1 would not get anyway. A signalfd rather than sigtimedwait: the
    // supervisor's way, and one valgrind runs faithfully.
    auto ends = sys::watch_signals(sys::ending_signals(), sys::MaskChange::add, 0);
    if (!ends) {
        log::error("{}", ends.error());
        return 1;
    }
    const sys::UniqueFd fd = std::move(ends).value();
    const auto deadline = std::chrono::steady_clock::now() + duration.value_or(Duration{0});
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
