#include <doctest/doctest.h>

#include "init/signals.hpp"

using namespace keel::init;

TEST_CASE("signal names, prefixes, case and numbers") {
    CHECK(parse_signal("TERM").value() == SIGTERM);
    CHECK(parse_signal("SIGTERM").value() == SIGTERM);
    CHECK(parse_signal("sigterm").value() == SIGTERM);
    CHECK(parse_signal("hup").value() == SIGHUP);
    CHECK(parse_signal("15").value() == 15);
    CHECK(parse_signal("64").value() == 64);
    CHECK(parse_signal("RTMIN").value() == SIGRTMIN);
    CHECK(parse_signal("SIGRTMIN+3").value() == SIGRTMIN + 3);
    CHECK(parse_signal("RTMAX-1").value() == SIGRTMAX - 1);
    CHECK(parse_signal("0", true).value() == 0);
}

TEST_CASE("bad signal specs are refused and quoted") {
    for (const char* bad : {"", "0", "65", "999", "TERMX", "SIG", "RTMIN+99", "RTMAX+1", "RTMIN-1", "-1", "1.5", "SIGSIGTERM"}) {
        CAPTURE(bad);
        const auto parsed = parse_signal(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().find(std::string("'") + bad + "'") != std::string::npos);
    }
}

TEST_CASE("signal names for logs") {
    CHECK(signal_name(SIGTERM) == "SIGTERM");
    CHECK(signal_name(SIGRTMIN) == "SIGRTMIN");
    CHECK(signal_name(SIGRTMIN + 2) == "SIGRTMIN+2");
}

TEST_CASE("what is forwarded") {
    for (int s : {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGTSTP, SIGTTIN,
                  SIGTTOU, SIGWINCH, SIGPWR, SIGURG, 32, 33, 34, SIGRTMIN, SIGRTMAX}) {
        CAPTURE(s);
        CHECK(is_forwarded(s));
    }
    // Fault signals are forwarded when someone sent them (classify_signal below).
    for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT}) {
        CAPTURE(s);
        CHECK(is_forwarded(s));
        CHECK(is_fault_signal(s));
    }
    for (int s : {SIGCHLD, SIGKILL, SIGSTOP, 0, 65}) {
        CAPTURE(s);
        CHECK_FALSE(is_forwarded(s));
    }
    CHECK_FALSE(is_fault_signal(SIGTERM));
    const auto all = forwarded_signals();
    CHECK(all.size() == 64 - 3);  // all but SIGCHLD, SIGKILL and SIGSTOP
}

TEST_CASE("sent signals are forwarded, keel's own are kept, a kernel fault signal is keel's fault") {
    constexpr int self = 1;
    constexpr int other = 4242;
    constexpr int si_user = 0, si_queue = -1, si_tkill = -6, si_kernel = 0x80, segv_maperr = 1, bus_mceerr_ao = 5;
    // kill(2), sigqueue(3), tgkill(2) from another process: forwarded, fault signals included.
    for (int code : {si_user, si_queue, si_tkill}) {
        CAPTURE(code);
        for (int s : {SIGTERM, SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGRTMIN}) {
            CAPTURE(s);
            CHECK(classify_signal(s, code, other, self) == SignalAction::forward);
        }
    }
    // The kernel's SIGPIPE for keel's own write carries keel's pid, as does keel's own abort().
    CHECK(classify_signal(SIGPIPE, si_user, self, self) == SignalAction::keel_own);
    CHECK(classify_signal(SIGABRT, si_tkill, self, self) == SignalAction::keel_own);
    // A fault the kernel raised for keel itself.
    CHECK(classify_signal(SIGSEGV, segv_maperr, 0, self) == SignalAction::keel_fault);
    CHECK(classify_signal(SIGBUS, bus_mceerr_ao, 0, self) == SignalAction::keel_fault);
    // The terminal's signals (hangup, window size, Ctrl-C) come from the kernel: forwarded.
    for (int s : {SIGHUP, SIGWINCH, SIGINT, SIGTSTP}) {
        CAPTURE(s);
        CHECK(classify_signal(s, si_kernel, 0, self) == SignalAction::forward);
    }
}

TEST_CASE("rewrite rules and table") {
    auto table = build_rewrite_table({"TERM:QUIT", "USR1:0", "SIGHUP:SIGUSR2", "RTMIN+1:10"});
    REQUIRE(table.ok());
    CHECK(table.value().translate(SIGTERM) == SIGQUIT);
    CHECK(table.value().translate(SIGUSR1) == 0);
    CHECK(table.value().translate(SIGHUP) == SIGUSR2);
    CHECK(table.value().translate(SIGRTMIN + 1) == 10);
    CHECK(table.value().translate(SIGINT) == SIGINT);

    for (const char* bad : {"TERM", "TERM:", ":QUIT", "TERM:NOPE", "CHLD:TERM", "KILL:TERM", "TERM:QUIT:1", "0:TERM"}) {
        CAPTURE(bad);
        const auto rule = parse_rewrite_rule(bad);
        REQUIRE_FALSE(rule.ok());
        CHECK(rule.error().find(std::string("'") + bad + "'") != std::string::npos);
    }
}
