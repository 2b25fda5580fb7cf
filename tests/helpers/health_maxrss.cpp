// keel_health_maxrss PROGRAM [ARGS...]: runs PROGRAM and prints, on stderr, "maxrss KIB" for it
// alone. bench/healthcheck.py needs this because ru_maxrss survives execve: a child forked from
// Python starts with Python's ~20 MiB as its high-water mark, whatever it then runs. Forked from
// this small static program, the floor is this program's own peak (VmHWM: its own memory, not the
// mark it inherited), printed as "floor KIB".

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: keel_health_maxrss PROGRAM [ARGS...]\n");
        return 2;
    }
    long floor = -1;
    if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, status) != nullptr) {
            if (std::sscanf(line, "VmHWM: %ld kB", &floor) == 1) break;
        }
        std::fclose(status);
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::fprintf(stderr, "keel_health_maxrss: fork: %s\n", std::strerror(errno));
        return 1;
    }
    if (pid == 0) {
        ::execvp(argv[1], argv + 1);
        std::fprintf(stderr, "keel_health_maxrss: exec %s: %s\n", argv[1], std::strerror(errno));
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::fprintf(stderr, "keel_health_maxrss: wait4: %s\n", std::strerror(errno));
            return 1;
        }
    }
    std::fprintf(stderr, "maxrss %ld floor %ld\n", usage.ru_maxrss, floor);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
