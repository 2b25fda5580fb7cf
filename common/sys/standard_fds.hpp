#pragma once
// fds 0, 1 and 2 open, whatever keel inherited. Started with one of them closed, the first file
// keel opens would take its number, and a log line meant for stderr would land in it (a socket to
// the probed server, the signalfd, a bundle being read).

namespace keel::sys {

// Opens /dev/null on each of fds 0-2 that is closed (when /dev/null cannot be opened: a pipe end
// whose other end is closed, so reads see end of file and writes fail, and never block). Returns
// how many were closed, or -1 with errno set when one could not be filled.
int open_standard_fds();

}  // namespace keel::sys
