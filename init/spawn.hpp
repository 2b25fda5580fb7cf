#pragma once
// fork + exec of PROGRAM as keel's only direct child.
//
// The child gets its own process group inside keel's session (as tini does, unlike dumb-init's
// setsid): it keeps the controlling terminal, so when keel owns the terminal's foreground the
// child's group takes it over and Ctrl-C / Ctrl-Z from the terminal reach the app directly,
// while keel still forwards signals sent to it (docker stop / kill) to the child or its group.

#include <sys/types.h>

#include <string>
#include <vector>

namespace keel::init {

struct SpawnRequest {
    std::string path;               // resolved PROGRAM
    std::vector<std::string> argv;  // argv[0] is PROGRAM as the user wrote it
    int foreground_tty = -1;        // terminal whose foreground the child's group takes, or -1
};

struct SpawnResult {
    pid_t pid = -1;         // > 0 on success
    int exit_code = 0;      // on failure: 1 (fork, working directory), 126/127 (exec)
    std::string error;      // on failure: one line without the "keel: " prefix
};

// Blocks until the child has exec'd (or failed to). On exec failure the child is reaped.
// PROGRAM starts in keel's working directory (the image's WORKDIR) and keel leaves it for /, so it
// keeps no directory, and so no mount, busy: before PROGRAM exists when keel can open it, else
// right after the exec (see leave_start_directory in spawn.cpp).
// Must be called with keel's signals blocked; the child starts with an empty mask and default
// dispositions.
SpawnResult spawn_child(const SpawnRequest& request);

}  // namespace keel::init
