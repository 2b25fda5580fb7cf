#include <doctest/doctest.h>

#include <sys/wait.h>

#include <csignal>

#include "init/exit_status.hpp"

using namespace keel::init;

namespace {
// Wait statuses as the kernel encodes them (see <bits/waitstatus.h>).
int exited(int code) { return (code & 0xff) << 8; }
int killed(int signal, bool core = false) { return signal | (core ? 0x80 : 0); }
}  // namespace

TEST_CASE("wait status to exit code") {
    CHECK(exit_code_from_wait_status(exited(0)) == 0);
    CHECK(exit_code_from_wait_status(exited(3)) == 3);
    CHECK(exit_code_from_wait_status(exited(127)) == 127);
    CHECK(exit_code_from_wait_status(exited(255)) == 255);
    CHECK(exit_code_from_wait_status(killed(SIGKILL)) == 137);
    CHECK(exit_code_from_wait_status(killed(SIGTERM)) == 143);
    CHECK(exit_code_from_wait_status(killed(SIGSEGV, true)) == 139);
    CHECK(exit_code_from_wait_status(killed(SIGRTMAX)) == 128 + SIGRTMAX);
}

TEST_CASE("success exits map to 0, others pass through") {
    CHECK(apply_success_exits(3, {3}) == 0);
    CHECK(apply_success_exits(3, {1, 3}) == 0);
    CHECK(apply_success_exits(4, {3}) == 4);
    CHECK(apply_success_exits(143, {143}) == 0);
    CHECK(apply_success_exits(0, {}) == 0);
}

TEST_CASE("describing statuses") {
    CHECK(describe_wait_status(exited(3)) == "exited with code 3");
    CHECK(describe_wait_status(killed(SIGKILL)) == "killed by SIGKILL");
    CHECK(describe_wait_status(killed(SIGSEGV, true)) == "killed by SIGSEGV (core dumped)");
}
