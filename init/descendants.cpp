#include "init/descendants.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>

#include "common/sys/io.hpp"
#include "common/sys/unique_fd.hpp"

namespace keel::init {

std::vector<pid_t> parse_pid_list(std::string_view text) {
    std::vector<pid_t> pids;
    long value = -1;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value) * 10 + (c - '0');
            if (value > 0x3fffffff) value = 0x3fffffff;  // pid_max limit; keeps garbage bounded
        } else {
            if (value > 0) pids.push_back(static_cast<pid_t>(value));
            value = -1;
        }
    }
    if (value > 0) pids.push_back(static_cast<pid_t>(value));
    return pids;
}

std::vector<pid_t> direct_children() {
    const std::string path = "/proc/self/task/" + std::to_string(::getpid()) + "/children";
    const sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return {};
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = sys::read_some(fd.get(), buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return parse_pid_list(text);
}

void signal_descendants(int signal, pid_t main_group) {
    if (::getpid() == 1) {
        ::kill(-1, signal);  // everyone in the namespace but keel itself
        return;
    }
    if (main_group > 0) ::kill(-main_group, signal);
    for (const pid_t child : direct_children()) ::kill(child, signal);
}

}  // namespace keel::init
