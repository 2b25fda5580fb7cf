#pragma once
// Finding and signalling what is left after the main child exits.

#include <sys/types.h>

#include <string_view>
#include <vector>

namespace keel::init {

// Pids in a /proc/<pid>/task/<tid>/children file ("12 15 40 ").
std::vector<pid_t> parse_pid_list(std::string_view text);

// keel's direct children right now (orphans reparented to keel included).
std::vector<pid_t> direct_children();

// Sends `signal` to every process keel is responsible for: as PID 1, the whole namespace
// (kill(-1)); as a subreaper, its direct children and the main child's process group — never
// kill(-1) there, which would hit every process of the user outside keel's tree.
void signal_descendants(int signal, pid_t main_group);

}  // namespace keel::init
