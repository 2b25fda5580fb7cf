// The supervisor's pre-start gate (init/supervisor_config.hpp): a gate that says stop keeps
// PROGRAM from starting and gives keel's exit code; one that says go starts it. Each supervise()
// runs in a forked child, so its signal mask, subreaper flag and chdir never touch this process.

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "init/supervise.hpp"

namespace {

struct Run {
    int exit_code = -1;
    bool program_ran = false;
};

Run supervise_in_child(int gate_answer) {
    char dir[] = "/tmp/keel-gate-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string marker = std::string(dir) + "/ran";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        keel::init::SupervisorConfig config;
        config.command = {"/bin/sh", "-c", "echo > " + marker};
        int calls = 0;
        config.start_gate = [&calls, gate_answer] { return ++calls == 1 ? gate_answer : 99; };
        const int code = keel::init::supervise(config);
        ::_exit(calls == 1 ? code : 98);  // 98: the gate was not asked exactly once
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Run run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.program_ran = ::access(marker.c_str(), F_OK) == 0;
    ::unlink(marker.c_str());
    ::rmdir(dir);
    return run;
}

}  // namespace

TEST_CASE("a start gate that says stop: PROGRAM never starts, keel exits with the gate's code") {
    const Run run = supervise_in_child(7);
    CHECK(run.exit_code == 7);
    CHECK_FALSE(run.program_ran);
}

TEST_CASE("a start gate that says go: PROGRAM starts and its status is keel's") {
    const Run run = supervise_in_child(0);
    CHECK(run.exit_code == 0);
    CHECK(run.program_ran);
}
