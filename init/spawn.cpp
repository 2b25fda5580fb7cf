#include "init/spawn.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/sys/io.hpp"
#include "init/preflight/program_check.hpp"
#include "common/sys/unique_fd.hpp"

extern char** environ;

namespace keel::init {
namespace {

// Runs in the vforked child, on keel's memory: system calls only, no allocation, no return.
[[noreturn]] void exec_in_child(const char* path, char* const* argv, int foreground_tty, int error_pipe) {
    ::setpgid(0, 0);
    if (foreground_tty >= 0) {
        // SIGTTOU is still blocked here, so a background caller may take the foreground.
        ::tcsetpgrp(foreground_tty, ::getpid());
    }
    // Every disposition is already SIG_DFL in keel (init/inherited_state.hpp) and execve resets
    // whatever handler the runtime installed (a sanitizer's): only the mask is keel's to undo.
    sigset_t empty;
    sigemptyset(&empty);
    ::sigprocmask(SIG_SETMASK, &empty, nullptr);
    ::execve(path, argv, environ);
    const int error = errno;
    // The parent reads the errno and chooses the message and exit code.
    [[maybe_unused]] const auto written = ::write(error_pipe, &error, sizeof error);
    ::_exit(127);
}

// Reads the exec errno the child sends; 0 when the pipe closed on a successful exec.
int read_exec_error(int fd) {
    int error = 0;
    const ssize_t n = sys::read_some(fd, &error, sizeof error);
    return n == static_cast<ssize_t>(sizeof error) ? error : 0;
}

}  // namespace

SpawnResult spawn_child(const SpawnRequest& request) {
    // Everything the child needs is built before vfork: no allocation after it.
    std::vector<char*> argv;
    argv.reserve(request.argv.size() + 1);
    for (const auto& arg : request.argv) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return {-1, 1, std::string("pipe2() failed: ") + std::strerror(errno)};
    }
    sys::UniqueFd read_end(pipe_fds[0]);
    sys::UniqueFd write_end(pipe_fds[1]);

    // vfork: the child borrows keel's memory until execve instead of copying its page tables,
    // which was a fifth of keel's start-up time. Safe here because the child only makes system
    // calls on data prepared above and never returns (execve or _exit), and keel installs no
    // signal handler, so none can run on the shared stack.
    const pid_t pid = ::vfork();
    if (pid < 0) {
        return {-1, 1, std::string("cannot start ") + request.path + ": vfork() failed: " + std::strerror(errno)};
    }
    if (pid == 0) exec_in_child(request.path.c_str(), argv.data(), request.foreground_tty, write_end.get());

    // The child has exec'd or exited by now (vfork suspends keel until then) and made its own
    // group first; this fails with EACCES after the exec and is kept for an exec that failed.
    ::setpgid(pid, pid);
    write_end.reset();
    const int exec_error = read_exec_error(read_end.get());
    if (exec_error == 0) return {pid, 0, {}};

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const ProgramLookupFailure failure = explain_exec_failure(request.path, exec_error);
    return {-1, failure.exit_code, failure.message};
}

}  // namespace keel::init
