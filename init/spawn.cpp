#include "init/spawn.hpp"

#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "init/preflight/program_check.hpp"
#include "init/signals.hpp"

extern char** environ;

namespace keel::init {
namespace {

// Runs in the vforked child, on keel's memory: system calls only, no allocation, no return.
// A failed execve leaves its errno in `exec_error`, which is keel's own variable: vfork lends the
// child keel's memory and keeps keel suspended until the child has exec'd or exited, so no pipe
// is needed to carry it (glibc's posix_spawn does the same).
[[noreturn]] void exec_in_child(const char* path, char* const* argv, int foreground_tty, volatile int* exec_error) {
    ::setpgid(0, 0);
    if (foreground_tty >= 0) {
        // SIGTTOU is still blocked here, so a background caller may take the foreground.
        ::tcsetpgrp(foreground_tty, ::getpid());
    }
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < signal_limit; ++signal) {
        if (signal != SIGKILL && signal != SIGSTOP) ::sigaction(signal, &default_action, nullptr);
    }
    sigset_t empty;
    sigemptyset(&empty);
    ::sigprocmask(SIG_SETMASK, &empty, nullptr);
    ::execve(path, argv, environ);
    *exec_error = errno;  // keel chooses the message and exit code
    ::_exit(127);
}

}  // namespace

SpawnResult spawn_child(const SpawnRequest& request) {
    // Everything the child needs is built before vfork: no allocation after it.
    std::vector<char*> argv;
    argv.reserve(request.argv.size() + 1);
    for (const auto& arg : request.argv) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    volatile int exec_error = 0;

    // vfork: the child borrows keel's memory until execve instead of copying its page tables,
    // which was a fifth of keel's start-up time. Safe here because the child only makes system
    // calls on data prepared above and never returns (execve or _exit); keel's signals are all
    // blocked, so no handler can run on the shared stack; and the child's sigaction calls change
    // its own dispositions only (no CLONE_SIGHAND).
    const pid_t pid = ::vfork();
    if (pid < 0) {
        return {-1, 1, std::string("cannot start ") + request.path + ": vfork() failed: " + std::strerror(errno)};
    }
    if (pid == 0) exec_in_child(request.path.c_str(), argv.data(), request.foreground_tty, &exec_error);

    // The child has exec'd or exited by now (vfork suspends keel until then), in its own process
    // group, which it made first.
    const int error = exec_error;
    if (error == 0) return {pid, 0, {}};

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const ProgramLookupFailure failure = explain_exec_failure(request.path, error);
    return {-1, failure.exit_code, failure.message};
}

}  // namespace keel::init
