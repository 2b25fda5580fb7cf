#include "init/spawn.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/logging.hpp"
#include "common/sys/io.hpp"
#include "init/preflight/program_check.hpp"
#include "common/sys/unique_fd.hpp"

extern char** environ;

namespace keel::init {
namespace {

// What the child reports through the pipe when it cannot exec.
struct ChildFailure {
    int step;  // 0: execve, 1: fchdir
    int error;
};
constexpr int failed_exec = 0;
constexpr int failed_chdir = 1;

// Runs in the vforked child, on keel's memory: system calls only, no allocation, no return.
[[noreturn]] void exec_in_child(const char* path, char* const* argv, int foreground_tty, int working_directory,
                                int error_pipe) {
    if (working_directory >= 0 && ::fchdir(working_directory) != 0) {
        const ChildFailure failure{failed_chdir, errno};
        [[maybe_unused]] const auto written = ::write(error_pipe, &failure, sizeof failure);
        ::_exit(127);
    }
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
    // The parent reads the errno and chooses the message and exit code.
    const ChildFailure failure{failed_exec, errno};
    [[maybe_unused]] const auto written = ::write(error_pipe, &failure, sizeof failure);
    ::_exit(127);
}

// Reads what the child sends; error 0 when the pipe closed on a successful exec.
ChildFailure read_child_failure(int fd) {
    ChildFailure failure{failed_exec, 0};
    const ssize_t n = sys::read_some(fd, &failure, sizeof failure);
    return n == static_cast<ssize_t>(sizeof failure) ? failure : ChildFailure{failed_exec, 0};
}

// keel moves to / before PROGRAM exists, and the child returns to the start directory through the
// returned fd (O_PATH: no read access needed; closed when spawn_child returns, so it pins nothing
// either). Opened after the error pipe, so a tight RLIMIT_NOFILE costs this step, not the start.
// When the directory cannot be opened (not searchable by the user keel now runs as, or no
// descriptor left), -1: the child inherits it as it is and keel leaves it after the exec.
sys::UniqueFd leave_start_directory() {
    sys::UniqueFd directory(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!directory.valid()) {
        log::debug("cannot open the working directory ({}): PROGRAM inherits it, keel leaves it after the exec",
                   std::strerror(errno));
        return directory;
    }
    if (::chdir("/") != 0) {
        log::debug("chdir(\"/\") failed: {}", std::strerror(errno));
        return sys::UniqueFd();
    }
    return directory;
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
    const sys::UniqueFd start_directory = leave_start_directory();

    // vfork: the child borrows keel's memory until execve instead of copying its page tables,
    // which was a fifth of keel's start-up time. Safe here because the child only makes system
    // calls on data prepared above and never returns (execve or _exit), and keel installs no
    // signal handler, so none can run on the shared stack.
    const pid_t pid = ::vfork();
    if (pid < 0) {
        return {-1, 1, std::string("cannot start ") + request.path + ": vfork() failed: " + std::strerror(errno)};
    }
    if (pid == 0) {
        exec_in_child(request.path.c_str(), argv.data(), request.foreground_tty, start_directory.get(),
                      write_end.get());
    }

    // The child has exec'd or exited by now (vfork suspends keel until then) and made its own
    // group first; this fails with EACCES after the exec and is kept for an exec that failed.
    ::setpgid(pid, pid);
    write_end.reset();
    const ChildFailure child = read_child_failure(read_end.get());
    if (!start_directory.valid() && ::chdir("/") != 0) log::debug("chdir(\"/\") failed: {}", std::strerror(errno));
    if (child.error == 0) return {pid, 0, {}};

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (child.step == failed_chdir) {
        return {-1, 1, std::string("cannot start ") + request.path + " in keel's working directory: fchdir() failed: " +
                           std::strerror(child.error)};
    }
    // A relative PROGRAM path is explained from where it was resolved; keel exits after this.
    if (start_directory.valid() && ::fchdir(start_directory.get()) != 0) {
        log::debug("fchdir() back to the start directory failed: {}", std::strerror(errno));
    }
    const ProgramLookupFailure failure = explain_exec_failure(request.path, child.error);
    return {-1, failure.exit_code, failure.message};
}

}  // namespace keel::init
