#include "init/exit_status.hpp"

#include <sys/wait.h>

#include <algorithm>

#include "init/signals.hpp"

namespace keel::init {

int exit_code_from_wait_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;  // stopped/continued are not terminal; callers never pass them
}

int apply_success_exits(int code, const std::vector<int>& success_codes) {
    return std::find(success_codes.begin(), success_codes.end(), code) != success_codes.end() ? 0 : code;
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        return "killed by " + signal_name(WTERMSIG(status)) + (WCOREDUMP(status) ? " (core dumped)" : "");
    }
    return "changed state";
}

}  // namespace keel::init
