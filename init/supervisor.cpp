#include "init/supervise.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>
#include "common/logging.hpp"

#include "init/descendants.hpp"
#include "init/exit_status.hpp"
#include "init/identity/become_user.hpp"
#include "init/lifecycle/file_env.hpp"
#include "init/lifecycle/start_gate.hpp"
#include "init/preflight/checks.hpp"
#include "init/preflight/program_check.hpp"
#include "init/program_lookup.hpp"
#include "init/signals.hpp"
#include "init/spawn.hpp"
#include "common/sys/signal_mask.hpp"
#include "common/sys/unique_fd.hpp"

namespace keel::init {
namespace {

namespace asio = boost::asio;

constexpr int exit_keel_failure = 1;

sigset_t supervised_signals() {
    std::vector<int> signals = forwarded_signals();
    signals.push_back(SIGCHLD);
    return sys::make_signal_set(signals);
}

// stdin, when it is a terminal whose foreground process group is keel's own; else -1.
int foreground_terminal() {
    if (::isatty(STDIN_FILENO) == 0) return -1;
    return ::tcgetpgrp(STDIN_FILENO) == ::getpgrp() ? STDIN_FILENO : -1;
}

// --require: one line per failed check (what is missing, where keel looked, the Dockerfile fix).
bool image_passes_checks(const SupervisorConfig& config) {
    bool passed = true;
    for (const CheckResult& result : run_checks(config.requirements, Depth::quick)) {
        if (result.status != CheckStatus::fail) continue;
        if (config.warn_only) {
            log::warn("{}", describe_failure(result));
        } else {
            log::error("{}", describe_failure(result));
            passed = false;
        }
    }
    return passed;
}

// " (RLIMIT_NOFILE is 4)" after an EMFILE: the limit is what the reader needs to change.
std::string descriptor_limit_note(int error) {
    rlimit limit{};
    if (error != EMFILE || ::getrlimit(RLIMIT_NOFILE, &limit) != 0) return "";
    return " (RLIMIT_NOFILE is " + std::to_string(limit.rlim_cur) + "; keel needs a few descriptors beyond fds 0-2)";
}

// Kills PROGRAM's process group (and PROGRAM, should it have left it) before keel exits on a
// failure of its own: supervising nothing is worse than stopping.
void kill_program(pid_t child, const std::string& why) {
    log::error("{}: killing PROGRAM's process group (pid {}) before exiting", why, child);
    ::kill(-child, SIGKILL);
    ::kill(child, SIGKILL);
}

// keel's own fault, raised asynchronously (a synchronous one never reaches the signalfd): die of
// it the default way, as the fault would have, with PROGRAM stopped first.
[[noreturn]] void die_of_fault(int signal, pid_t child) {
    kill_program(child, signal_name(signal) + " raised by the kernel for keel itself");
    ::signal(signal, SIG_DFL);
    sys::unblock_all_signals();
    ::raise(signal);
    std::abort();
}

// True when no job-control shell sits above keel to resume it after a stop: keel is PID 1, or
// leads its own session (what a pty gives the first process, `docker run -it` included).
bool nobody_resumes_keel() { return ::getpid() == 1 || ::getsid(0) == ::getpid(); }

class Supervisor {
public:
    // Everything that can fail (the event loop, its epoll and timer fds, the signalfd's
    // descriptor) is made here, before PROGRAM starts; run() only uses it.
    Supervisor(const SupervisorConfig& config, sys::UniqueFd signal_fd, int tty)
        : config_(config), signals_(io_, signal_fd.release()), grace_timer_(io_), stop_delay_timer_(io_), tty_(tty) {}

    int run(pid_t child) {
        child_ = child;
        read_signals();
        // The first SIGCHLD may have come and gone before the signalfd was read.
        reap();
        io_.run();
        return apply_success_exits(exit_code_from_wait_status(main_status_), config_.success_exits);
    }

private:
    enum class Phase { running, draining, killing, done };

    void read_signals() {
        signals_.async_read_some(asio::buffer(pending_), [this](boost::system::error_code ec, std::size_t bytes) {
            if (ec) {
                // Nothing may kill PID 1 but its child's exit: log, and keep what can still run.
                if (ec != asio::error::operation_aborted) log::error("reading signals failed: {}", ec.message());
                return;
            }
            for (std::size_t i = 0; i < bytes / sizeof(signalfd_siginfo); ++i) on_signal(pending_[i]);
            if (phase_ != Phase::done) read_signals();
        });
    }

    void on_signal(const signalfd_siginfo& info) {
        const int signal = static_cast<int>(info.ssi_signo);
        if (signal == SIGCHLD) {
            reap();
            return;
        }
        switch (classify_signal(signal, info.ssi_code, static_cast<int>(info.ssi_pid), ::getpid())) {
            case SignalAction::keel_own:
                log::debug("{} raised by keel itself (a write to a closed pipe?): not forwarded", signal_name(signal));
                return;
            case SignalAction::keel_fault:
                die_of_fault(signal, child_);
            case SignalAction::forward:
                break;
        }
        if (signal == SIGCONT && tty_ >= 0 && child_ > 0) {
            // Resumed by the shell's `fg`: hand the terminal back to the child's group.
            ::tcsetpgrp(tty_, child_);
        }
        if (signal == SIGTERM && config_.stop_delay.count() > 0 && !term_seen_ && phase_ == Phase::running) {
            term_seen_ = true;
            delay_term();
            return;
        }
        if (term_delayed_ && ends_stop_delay(signal)) {
            // The stop is urgent now: this signal at once, then the held SIGTERM (once).
            log::info("{} during --stop-delay: forwarding it now{}", signal_name(signal),
                      signal == SIGTERM ? "" : ", then the held SIGTERM");
            if (signal != SIGTERM) forward(signal);
            end_term_delay();
            return;
        }
        forward(signal);
    }

    // --stop-delay: the first SIGTERM is held, so load balancers and endpoint controllers stop
    // sending traffic before PROGRAM starts shutting down.
    void delay_term() {
        term_delayed_ = true;
        log::info("SIGTERM received: forwarding it in {} (--stop-delay)",
                  format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(config_.stop_delay)));
        stop_delay_timer_.expires_after(config_.stop_delay);
        stop_delay_timer_.async_wait([this](boost::system::error_code ec) {
            if (ec || !term_delayed_) return;
            log::info("--stop-delay over: forwarding SIGTERM");
            end_term_delay();
        });
    }

    // A second SIGTERM, or a SIGINT or SIGQUIT: but one that --rewrite drops is no request to stop.
    bool ends_stop_delay(int signal) const {
        return signal == SIGTERM || ((signal == SIGINT || signal == SIGQUIT) && config_.rewrite.translate(signal) != 0);
    }

    void drop_held_term() {
        term_delayed_ = false;
        stop_delay_timer_.cancel();
    }

    void end_term_delay() {
        drop_held_term();
        forward(SIGTERM);
    }

    void forward(int signal) {
        if (phase_ != Phase::running) {
            log::debug("{} received after the program exited: not forwarded", signal_name(signal));
            return;
        }
        const int translated = config_.rewrite.translate(signal);
        if (translated == 0) {
            log::debug("{} dropped (--rewrite)", signal_name(signal));
            return;
        }
        const pid_t target = config_.forward_to_process_group ? -child_ : child_;
        if (::kill(target, translated) != 0 && errno != ESRCH) {
            log::warn("forwarding {} to {} {} failed: {}", signal_name(translated),
                         config_.forward_to_process_group ? "process group" : "pid", child_, std::strerror(errno));
            return;
        }
        log::debug("forwarded {} as {} to {} {}", signal_name(signal), signal_name(translated),
                      config_.forward_to_process_group ? "process group" : "pid", child_);
    }

    // Collects every exited child (orphans included) without blocking.
    void reap() {
        for (;;) {
            int status = 0;
            const pid_t pid = ::waitpid(-1, &status, WNOHANG | WUNTRACED);
            if (pid > 0) {
                on_child_changed(pid, status);
                continue;
            }
            if (pid < 0 && errno == EINTR) continue;
            if (pid < 0 && errno != ECHILD) log::error("waitpid() failed: {}", std::strerror(errno));
            const bool children_left = pid == 0;
            if (!main_exited_) return;
            if (!children_left) {
                finish();
            } else if (phase_ == Phase::running) {
                start_grace();
            } else if (phase_ == Phase::killing) {
                // Processes reparented to keel after the SIGKILL round get theirs now.
                signal_descendants(SIGKILL, child_);
            }
            return;
        }
    }

    void on_child_changed(pid_t pid, int status) {
        if (pid != child_) {
            if (!WIFSTOPPED(status)) log::debug("reaped pid {} ({})", pid, describe_wait_status(status));
            return;
        }
        if (WIFSTOPPED(status)) {
            stop_with_child();
            return;
        }
        main_status_ = status;
        main_exited_ = true;
        log::info("{} (pid {}) {}", config_.command.front(), pid, describe_wait_status(status));
    }

    // Job control: the child stopped (Ctrl-Z), so keel stops too and the shell above it gets its
    // terminal back; its `fg` resumes keel with SIGCONT, which keel passes on.
    void stop_with_child() {
        if (tty_ < 0) return;
        // As PID 1 or a session leader (docker run -it, a pty) there is no shell above to take
        // the terminal or to resume a stopped keel: keel keeps running, and a SIGCONT sent to it
        // resumes the child.
        if (nobody_resumes_keel()) {
            log::info("{} stopped; no job-control shell above keel: send SIGCONT to keel to resume it",
                      config_.command.front());
            return;
        }
        ::tcsetpgrp(tty_, ::getpgrp());
        ::kill(::getpid(), SIGSTOP);
    }

    void start_grace() {
        phase_ = Phase::draining;
        drop_held_term();  // PROGRAM is gone: a held SIGTERM has no one to go to
        log::info("other processes remain: sending SIGTERM, SIGKILL in {} ms", config_.grace.count());
        signal_descendants(SIGTERM, child_);
        signal_descendants(SIGCONT, child_);  // a stopped process would never see its SIGTERM
        grace_timer_.expires_after(config_.grace);
        grace_timer_.async_wait([this](boost::system::error_code ec) {
            if (ec || phase_ != Phase::draining) return;
            phase_ = Phase::killing;
            log::info("grace period over: sending SIGKILL to what is left");
            signal_descendants(SIGKILL, child_);
            reap();
        });
    }

    void finish() {
        phase_ = Phase::done;
        grace_timer_.cancel();
        drop_held_term();
        io_.stop();
    }

    const SupervisorConfig& config_;
    asio::io_context io_{1};
    asio::posix::stream_descriptor signals_;
    asio::steady_timer grace_timer_;
    asio::steady_timer stop_delay_timer_;
    std::array<signalfd_siginfo, 16> pending_{};
    pid_t child_ = -1;
    int tty_;
    Phase phase_ = Phase::running;
    bool main_exited_ = false;
    bool term_seen_ = false;     // --stop-delay applies to the first SIGTERM only
    bool term_delayed_ = false;  // a SIGTERM is held by --stop-delay
    int main_status_ = 0;
};

}  // namespace

int supervise(const SupervisorConfig& config) {
    // Secrets first, while keel may still read root-only files (Docker's /run/secrets/NAME is
    // 0400 root): PROGRAM gets the values in its environment, never the files, and after -u
    // nothing running can read them again (README, "Secrets from files").
    if (!config.file_env.empty()) {
        if (auto applied = apply_file_env(config.file_env); !applied) {
            log::error("{}", applied.error());
            return exit_keel_failure;
        }
    }
    // Identity next: resolve (fail before any change), then drop for good. PROGRAM is looked up
    // afterwards, so "not executable" is judged for the user that will run it.
    if (config.user) {
        if (auto identity = become_user(*config.user); !identity) {
            log::error("{}", identity.error());
            return exit_keel_failure;
        }
    }
    const ProgramLocation program = locate_program(config.command.front(), std::getenv("PATH"), probe_file);
    if (!program.found()) {
        log::error("{}", program.failure.message);
        return program.failure.exit_code;
    }
    if (auto missing = check_program_interpreter(program.path)) {
        log::error("{}", missing->message);
        return missing->exit_code;
    }
    if (!image_passes_checks(config)) return exit_keel_failure;
    if (config.start_gate) {
        if (const int stop = run_start_gate(config.start_gate); stop != 0) return stop;
    }

    // Block before the child exists: a signal arriving between fork and the first read stays
    // pending in the signalfd and is forwarded, never lost or acted on by default.
    const sigset_t handled = supervised_signals();
    if (sys::block_signals(handled) != 0) {
        log::error("rt_sigprocmask() failed: {}", std::strerror(errno));
        return exit_keel_failure;
    }
    sys::UniqueFd signal_fd(::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signal_fd.valid()) {
        const int error = errno;
        log::error("signalfd() failed: {}{}", std::strerror(error), descriptor_limit_note(error));
        return exit_keel_failure;
    }
    if (::getpid() != 1 && ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        log::warn("prctl(PR_SET_CHILD_SUBREAPER) failed: {}; orphans will not be reaped by keel",
                     std::strerror(errno));
    }

    const int tty = foreground_terminal();
    std::optional<Supervisor> made;
    try {
        made.emplace(config, std::move(signal_fd), tty);
    } catch (const boost::system::system_error& error) {
        // Asio's epoll, eventfd or timerfd: out of descriptors, typically (RLIMIT_NOFILE).
        const std::string what = error.what();  // "epoll: No file descriptors available [system:24]"
        log::error("cannot create the event loop ({}): {}{}", what.substr(0, what.find(':')), error.code().message(),
                   descriptor_limit_note(error.code().value()));
        return exit_keel_failure;
    }
    Supervisor& supervisor = *made;
    const SpawnResult spawned = spawn_child({program.path, config.command, tty});
    if (spawned.pid < 0) {
        log::error("{}", spawned.error);
        return spawned.exit_code;
    }
    log::debug("started {} as pid {}", program.path, spawned.pid);

    try {
        return supervisor.run(spawned.pid);
    } catch (const std::exception& error) {
        kill_program(spawned.pid, std::string("internal error while supervising: ") + error.what());
    } catch (...) {
        kill_program(spawned.pid, "internal error while supervising");
    }
    return exit_keel_failure;
}

}  // namespace keel::init
