#include "common/sys/standard_fds.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace keel::sys {
namespace {

bool is_closed(int fd) { return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF; }

// Puts `source` on `target` (unless it is already there) and closes the original.
int move_fd(int source, int target) {
    if (source == target) return 0;
    const int result = ::dup2(source, target);
    const int error = errno;
    ::close(source);
    errno = error;
    return result == target ? 0 : -1;
}

// A pipe end in place of /dev/null: fd 0 gets a read end (end of file at once), 1 and 2 a write
// end whose reader is gone (EPIPE; SIGPIPE is blocked in keel, and PROGRAM starts with defaults).
int fill_with_pipe(int fd) {
    int ends[2];
    if (::pipe2(ends, 0) != 0) return -1;
    const int keep = fd == 0 ? ends[0] : ends[1];
    const int drop = fd == 0 ? ends[1] : ends[0];
    if (drop != fd) ::close(drop);
    return move_fd(keep, fd);
}

}  // namespace

int open_standard_fds() {
    int reopened = 0;
    for (int fd = 0; fd <= 2; ++fd) {
        if (!is_closed(fd)) continue;
        // Lower fds are open by now, so open() returns fd itself; move_fd copes if not.
        const int null_fd = ::open("/dev/null", O_RDWR | O_NOCTTY);
        const int result = null_fd >= 0 ? move_fd(null_fd, fd) : fill_with_pipe(fd);
        if (result != 0) return -1;
        ++reopened;
    }
    return reopened;
}

}  // namespace keel::sys
