// The supervisor's pre-start gate (init/supervisor_config.hpp, run by init/lifecycle/start_gate):
// a gate that says stop keeps PROGRAM from starting and gives keel's exit code; one that says go
// starts it; the gate runs once, in a process of its own; a stop signal during the gate ends it
// at once with 128+N and kills the gate's process. Each supervise() runs in a forked child, so
// its signal mask, subreaper flag and chdir never touch this process.

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "init/lifecycle/start_gate.hpp"
#include "init/supervise.hpp"

namespace {

struct Run {
    int exit_code = -1;
    bool program_ran = false;
    std::string gate_log;  // one line per call: the gate's pid
    pid_t supervisor = -1;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Run supervise_in_child(int gate_answer) {
    char dir[] = "/tmp/keel-gate-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string marker = std::string(dir) + "/ran";
    const std::string gate_log = std::string(dir) + "/gate";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        keel::init::SupervisorConfig config;
        config.command = {"/bin/sh", "-c", "echo > " + marker};
        config.start_gate = [gate_log, gate_answer] {
            std::ofstream(gate_log, std::ios::app) << ::getpid() << "\n";
            return gate_answer;
        };
        ::_exit(keel::init::supervise(config));
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Run run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.program_ran = ::access(marker.c_str(), F_OK) == 0;
    run.gate_log = read_all(gate_log);
    run.supervisor = pid;
    ::unlink(marker.c_str());
    ::unlink(gate_log.c_str());
    ::rmdir(dir);
    return run;
}

}  // namespace

TEST_CASE("a start gate that says stop: PROGRAM never starts, keel exits with the gate's code") {
    const Run run = supervise_in_child(7);
    CHECK(run.exit_code == 7);
    CHECK_FALSE(run.program_ran);
    CHECK(run.gate_log.find('\n') == run.gate_log.size() - 1);  // asked exactly once
}

TEST_CASE("a start gate that says go: PROGRAM starts and its status is keel's") {
    const Run run = supervise_in_child(0);
    CHECK(run.exit_code == 0);
    CHECK(run.program_ran);
    REQUIRE(run.gate_log.find('\n') == run.gate_log.size() - 1);
    // In a process of its own, not the supervisor's: its resolver threads die with it.
    CHECK(std::stoi(run.gate_log) != run.supervisor);
}

TEST_CASE("SIGTERM while the gate runs: 128+15 at once, and the gate's process is gone") {
    // A subreaper: a gate process left behind (running, or a zombie never reaped) is reparented
    // here rather than to init, which would reap it and hide the leak. qemu-user has no
    // PR_SET_CHILD_SUBREAPER: there only a gate left running is caught.
    const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
    if (!subreaper) MESSAGE("no PR_SET_CHILD_SUBREAPER here: a zombie left unreaped would go unseen");
    char dir[] = "/tmp/keel-gate-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string gate_pid_file = std::string(dir) + "/pid";
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(ready[0]);
        const int write_end = ready[1];
        const int code = keel::init::run_start_gate([gate_pid_file, write_end]() -> int {
            std::ofstream(gate_pid_file) << ::getpid() << "\n";
            (void)::write(write_end, "r", 1);
            for (;;) ::pause();  // a wait that never ends by itself
        });
        ::_exit(code);
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    const pid_t gate = std::stoi(read_all(gate_pid_file));
    const auto sent = std::chrono::steady_clock::now();
    REQUIRE(::kill(pid, SIGTERM) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    const auto took = std::chrono::steady_clock::now() - sent;
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + SIGTERM);
    CHECK(took < std::chrono::seconds(2));
    // Killed and reaped by run_start_gate before it returned: no such process any more (not even
    // a zombie, which kill(0) would still find).
    const bool left = ::kill(gate, 0) == 0;
    if (left) {
        ::kill(gate, SIGKILL);
        ::waitpid(gate, nullptr, 0);
    }
    CHECK_FALSE(left);
    if (subreaper) REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) == 0);
    ::unlink(gate_pid_file.c_str());
    ::rmdir(dir);
}
