// A program for keel's tests to supervise: each subcommand makes the child do one thing the
// tests then assert on (exit codes, received signals, its own signal state, orphans, ...).
// Only libc, so it builds static with the same toolchain and runs in a bare chroot.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;
#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

int record_fd = -1;
int exit_on_signal = SIGTERM;

void usage() {
    std::fprintf(stderr,
                 "usage: payload exit N\n"
                 "       payload signals FILE [--exit-on SIGNUM] [--ignore-term]   record received signals\n"
                 "       payload status                     print Sig*, pgid, sid, tty foreground\n"
                 "       payload fds FILE                   write what fds 0-2 are into FILE\n"
                 "       payload ids                        print own and parent's ids and caps, HOME/USER/LOGNAME\n"
                 "       payload cwd                        print its working directory, then wait for a signal\n"
                 "       payload env FILE                   write its environment into FILE, NUL after each entry\n"
                 "       payload sleep SECONDS\n"
                 "       payload orphans N                  make N orphans, wait until none is a zombie\n"
                 "       payload leave-sleepers N [--ignore-term]   fork N sleepers, then exit 0\n"
                 "       payload group-signals FILE1 FILE2  like signals, plus a grandchild in the same group\n"
                 "       payload twins                      child and grandchild exit at the same instant\n");
    std::exit(64);
}

// Async-signal-safe: formats "N\n" by hand and appends it.
void record_signal(int signal) {
    char line[8];
    int len = 0;
    if (signal >= 10) line[len++] = static_cast<char>('0' + signal / 10);
    line[len++] = static_cast<char>('0' + signal % 10);
    line[len++] = '\n';
    [[maybe_unused]] auto n = ::write(record_fd, line, static_cast<size_t>(len));
    if (signal == exit_on_signal) ::_exit(0);
}

void install_recorder(const char* file, bool ignore_term) {
    record_fd = ::open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (record_fd < 0) {
        std::perror(file);
        std::exit(70);
    }
    struct sigaction action {};
    action.sa_handler = record_signal;
    sigfillset(&action.sa_mask);
    for (int signal = 1; signal < NSIG; ++signal) {
        if (signal == SIGKILL || signal == SIGSTOP || signal == SIGCHLD) continue;
        if (signal >= 32 && signal < SIGRTMIN) continue;  // libc-internal
        if (ignore_term && signal == SIGTERM) {
            ::signal(SIGTERM, SIG_IGN);
            continue;
        }
        ::sigaction(signal, &action, nullptr);
    }
}

// Creates FILE.ready containing our pid, atomically, once handlers are in place.
void announce_ready(const std::string& file) {
    const std::string tmp = file + ".ready.tmp";
    FILE* out = std::fopen(tmp.c_str(), "w");
    if (out == nullptr) std::exit(70);
    std::fprintf(out, "%d\n", static_cast<int>(::getpid()));
    std::fclose(out);
    std::rename(tmp.c_str(), (file + ".ready").c_str());
}

[[noreturn]] void wait_forever() {
    for (;;) ::pause();
}

int count_zombie_children_of(pid_t parent) {
    int zombies = 0;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return -1;
    while (dirent* entry = ::readdir(proc)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        char path[300];
        std::snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
        FILE* stat = std::fopen(path, "r");
        if (stat == nullptr) continue;
        char buffer[512] = {};
        const size_t n = std::fread(buffer, 1, sizeof buffer - 1, stat);
        std::fclose(stat);
        buffer[n] = '\0';
        const char* close = std::strrchr(buffer, ')');  // comm may contain spaces and parens
        char state = 0;
        int ppid = 0;
        if (close != nullptr && std::sscanf(close + 1, " %c %d", &state, &ppid) == 2 && state == 'Z' && ppid == parent) {
            ++zombies;
        }
    }
    ::closedir(proc);
    return zombies;
}

int make_orphans(int count) {
    // Each child forks a grandchild and exits; the grandchild exits at once, so it dies as an
    // orphan of whoever reaps for us (keel as PID 1 or as subreaper).
    for (int i = 0; i < count; ++i) {
        const pid_t child = ::fork();
        if (child < 0) {
            std::perror("fork");
            return 70;
        }
        if (child == 0) {
            if (::fork() == 0) ::_exit(0);
            ::_exit(0);
        }
        ::waitpid(child, nullptr, 0);
    }
    const pid_t reaper = ::getppid();
    const std::time_t deadline = std::time(nullptr) + 20;
    int zombies = 0;
    while ((zombies = count_zombie_children_of(reaper)) != 0 && std::time(nullptr) < deadline) ::usleep(10'000);
    std::printf("orphans=%d zombies_left=%d\n", count, zombies);
    return zombies == 0 ? 0 : 1;
}

int leave_sleepers(int count, bool ignore_term) {
    for (int i = 0; i < count; ++i) {
        if (::fork() == 0) {
            if (ignore_term) ::signal(SIGTERM, SIG_IGN);
            ::setsid();  // out of our process group: only keel's leftover sweep reaches them
            for (int s = 0; s < 60; ++s) ::sleep(1);
            ::_exit(0);
        }
    }
    ::usleep(100'000);  // let the sleepers set up their dispositions
    return 0;
}

int twins() {
    int go[2];
    if (::pipe(go) != 0) return 70;
    if (::fork() == 0) {
        char byte;
        [[maybe_unused]] auto n = ::read(go[0], &byte, 1);
        ::_exit(0);
    }
    ::close(go[0]);
    ::usleep(50'000);
    ::close(go[1]);  // wakes the grandchild; both exit now
    return 0;
}

// Prints the identity lines of /proc/<pid>/status, each prefixed (e.g. "self.Uid:\t...").
void print_identity(const char* prefix, const std::string& status_path) {
    FILE* status = std::fopen(status_path.c_str(), "r");
    char line[512];
    while (status != nullptr && std::fgets(line, sizeof line, status)) {
        for (const char* key : {"Uid:", "Gid:", "Groups:", "NoNewPrivs:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"}) {
            if (std::strncmp(line, key, std::strlen(key)) == 0) std::printf("%s.%s", prefix, line);
        }
    }
    if (status != nullptr) std::fclose(status);
}

void print_ids() {
    print_identity("self", "/proc/self/status");
    print_identity("parent", "/proc/" + std::to_string(::getppid()) + "/status");
    for (const char* name : {"HOME", "USER", "LOGNAME"}) {
        const char* value = std::getenv(name);
        std::printf("env.%s:\t%s\n", name, value != nullptr ? value : "(unset)");
    }
}

void print_status() {
    FILE* status = std::fopen("/proc/self/status", "r");
    char line[256];
    while (status != nullptr && std::fgets(line, sizeof line, status)) {
        if (std::strncmp(line, "Sig", 3) == 0 || std::strncmp(line, "Shd", 3) == 0) std::fputs(line, stdout);
    }
    if (status != nullptr) std::fclose(status);
    std::printf("pid:\t%d\nppid:\t%d\npgid:\t%d\nsid:\t%d\ntty_foreground:\t%d\n", ::getpid(), ::getppid(),
                ::getpgrp(), ::getsid(0), static_cast<int>(::tcgetpgrp(STDIN_FILENO)));
}

// What fds 0-2 are ("/dev/null", "pipe:[123]", "closed"), one per line, into FILE: stdout itself
// may be what is being looked at.
int describe_standard_fds(const char* file) {
    const int out = ::open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) return 70;
    for (int fd = 0; fd <= 2; ++fd) {
        char link[32];
        std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        char target[256];
        const ssize_t n = ::readlink(link, target, sizeof target - 1);
        const std::string line = std::to_string(fd) + " " + (n < 0 ? std::string("closed") : std::string(target, static_cast<std::size_t>(n))) + "\n";
        [[maybe_unused]] auto written = ::write(out, line.data(), line.size());
    }
    ::close(out);
    return 0;
}

// Every entry of environ, each followed by a NUL byte: values may hold newlines.
int write_environment(const char* file) {
    FILE* out = std::fopen(file, "w");
    if (out == nullptr) {
        std::perror(file);
        return 70;
    }
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::fputs(*entry, out);
        std::fputc('\0', out);
    }
    return std::fclose(out) == 0 ? 0 : 70;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage();
    const std::string command = argv[1];
    const auto arg = [&](int i) -> const char* { return i < argc ? argv[i] : (usage(), ""); };
    const auto has_flag = [&](const char* flag) {
        for (int i = 2; i < argc; ++i)
            if (std::strcmp(argv[i], flag) == 0) return true;
        return false;
    };
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    if (command == "exit") return std::atoi(arg(2));
    if (command == "sleep") {
        ::sleep(static_cast<unsigned>(std::atoi(arg(2))));
        return 0;
    }
    if (command == "ids") {
        print_ids();
        return 0;
    }
    if (command == "cwd") {
        // Its own working directory, then it stays until killed (the test reads keel's meanwhile).
        char path[4096];
        if (::getcwd(path, sizeof path) == nullptr) {
            std::perror("getcwd");
            return 70;
        }
        std::printf("%s\n", path);
        std::fflush(stdout);
        ::pause();
        return 0;
    }
    if (command == "fds") return describe_standard_fds(arg(2));
    if (command == "env") return write_environment(arg(2));
    if (command == "status") {
        print_status();
        return 0;
    }
    if (command == "signals") {
        for (int i = 3; i + 1 < argc; ++i)
            if (std::strcmp(argv[i], "--exit-on") == 0) exit_on_signal = std::atoi(argv[i + 1]);
        install_recorder(arg(2), has_flag("--ignore-term"));
        announce_ready(arg(2));
        wait_forever();
    }
    if (command == "group-signals") {
        const pid_t grandchild = ::fork();
        if (grandchild == 0) {
            install_recorder(arg(3), false);
            announce_ready(arg(3));
            wait_forever();
        }
        install_recorder(arg(2), false);
        announce_ready(arg(2));
        wait_forever();
    }
    if (command == "orphans") return make_orphans(std::atoi(arg(2)));
    if (command == "leave-sleepers") return leave_sleepers(std::atoi(arg(2)), has_flag("--ignore-term"));
    if (command == "twins") return twins();
    usage();
}
