#include "init/lifecycle/start_gate.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <utility>

#include "common/logging.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/sys/unique_fd.hpp"
#include "init/signals.hpp"

namespace keel::init {
namespace {

constexpr int exit_keel_failure = 1;  // as the supervisor's own failures

// The gate's process, killed and reaped if it is still there when the parent leaves (an early
// return, an exception): never an orphan still probing after keel decided.
class GateChild {
public:
    explicit GateChild(pid_t pid) : pid_(pid) {}
    GateChild(const GateChild&) = delete;
    GateChild& operator=(const GateChild&) = delete;
    ~GateChild() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            reap(0);
        }
    }
    // waitpid with `flags`; the status, or -1 while the child runs (WNOHANG) or on error.
    int reap(int flags) {
        int status = 0;
        pid_t got = -1;
        do {
            got = ::waitpid(pid_, &status, flags);
        } while (got < 0 && errno == EINTR);
        if (got != pid_) return -1;
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_;
};

[[noreturn]] void run_in_child(const StartGate& gate, pid_t parent) {
    // The parent may die by SIGKILL: the gate must not go on waiting without it.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || ::getppid() != parent) ::_exit(exit_keel_failure);
    int code = exit_keel_failure;
    try {
        code = gate();
    } catch (const std::exception& error) {
        log::error("the wait failed: {}", error.what());
    } catch (...) {
        log::error("the wait failed");
    }
    // _exit: the parent's state (buffers, atexit handlers) is the parent's to flush. keel's log
    // lines are written unbuffered.
    ::_exit(code);
}

}  // namespace

int run_start_gate(const StartGate& gate) {
    // Blocked since the top of main (inherited_state.hpp); blocked again so this holds on its own.
    auto watched = sys::watch_signals(sys::make_signal_set({SIGTERM, SIGINT, SIGQUIT, SIGCHLD}), sys::MaskChange::add, SFD_NONBLOCK);
    if (!watched) {
        log::error("{}", watched.error());
        return exit_keel_failure;
    }
    const sys::UniqueFd signal_fd = std::move(watched).value();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        log::error("fork() for the wait failed: {}", std::strerror(errno));
        return exit_keel_failure;
    }
    if (pid == 0) run_in_child(gate, parent);
    GateChild child(pid);
    for (;;) {
        pollfd ready{signal_fd.get(), POLLIN, 0};
        if (::poll(&ready, 1, -1) < 0) {
            if (errno == EINTR) continue;
            log::error("poll() failed while waiting: {}", std::strerror(errno));
            return exit_keel_failure;
        }
        signalfd_siginfo info{};
        while (::read(signal_fd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            const int signal = static_cast<int>(info.ssi_signo);
            if (signal != SIGCHLD) {
                log::progress("{} arrived while waiting: PROGRAM does not start", signal_name(signal));
                return 128 + signal;  // ~GateChild kills and reaps the wait
            }
            const int status = child.reap(WNOHANG);
            if (status < 0) continue;  // another child's SIGCHLD (none exists yet, but be exact)
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            log::error("the wait ended by {}", signal_name(WTERMSIG(status)));
            return exit_keel_failure;
        }
    }
}

}  // namespace keel::init
