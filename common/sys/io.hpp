#pragma once
// The EINTR-safe read and write loops every fd of keel's goes through, and a stat-based existence
// test. Signals are blocked in keel, but a read from a FIFO or /proc can still be interrupted (a
// debugger, SIGSTOP/SIGCONT from job control), and a short write to a pipe is legal.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace keel::sys {

// read(2) restarted on EINTR: bytes read (> 0), 0 at end of file, or -1 with errno set.
ssize_t read_some(int fd, void* buffer, std::size_t size);

// Reads until `size` bytes or end of file: the number read, or -1 with errno set.
ssize_t read_full(int fd, void* buffer, std::size_t size);

// Writes all of `data`, restarting on EINTR and after short writes. false (errno set) when the
// fd failed or stopped accepting bytes; the caller decides whether that is worth reporting.
bool write_all(int fd, std::string_view data);

// stat(2) succeeds: the path names something (a dangling symlink does not).
bool path_exists(const std::string& path);

// stat(2) succeeds and names a directory (a symlink to one counts).
bool is_directory(const std::string& path);

}  // namespace keel::sys
