#pragma once
// Signal names, numbers and the --rewrite table: pure, no signal is sent or caught here.

#include <array>
#include <csignal>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::init {

// Highest signal number + 1 (Linux: 65 on x86_64 and aarch64).
inline constexpr int signal_limit = _NSIG;

// "TERM", "SIGTERM", "term", "15", "RTMIN+3", "SIGRTMAX-1" -> number. 0 is accepted only when
// allow_zero (the "drop" target of a rewrite).
Result<int> parse_signal(std::string_view text, bool allow_zero = false);

// 15 -> "SIGTERM", 36 -> "SIGRTMIN+2" (for logs).
std::string signal_name(int signal);

// Signals keel forwards: every catchable one except SIGCHLD (keel's own business). Real-time
// included, also 32-34 that libc reserves internally (a glibc app's SIGRTMIN is 34). The fault
// signals are forwarded only when someone sent them (see classify_signal).
bool is_forwarded(int signal);
std::vector<int> forwarded_signals();

// SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT: what the kernel raises for a fault in
// the process itself.
bool is_fault_signal(int signal);

// What the supervisor does with a signal it read, from the signal's number, its si_code and the
// sender's pid (signalfd_siginfo). The rule (docs/architecture.md):
// - sent by someone (kill, sigqueue, tgkill: si_code <= 0) -> forwarded, fault signals included;
//   `docker kill -s SEGV`, or a tool that probes with SIGABRT, must reach PROGRAM, not kill keel;
// - sent by keel to itself (the kernel's SIGPIPE or SIGXFSZ for one of keel's own writes) -> kept;
// - a fault signal the kernel raised for keel (si_code > 0) -> keel's own fault. A synchronous one
//   never gets here: it is delivered even while blocked, with the default action (keel dies, as a
//   fault must). Only an asynchronous one (a memory error report) can: keel stops PROGRAM's group
//   and dies of it the same way.
enum class SignalAction { forward, keel_own, keel_fault };
SignalAction classify_signal(int signal, int code, int sender, int self);

// What to send for each received signal: identity unless rewritten; 0 means drop.
class RewriteTable {
public:
    RewriteTable();
    void set(int from, int to) { to_[static_cast<std::size_t>(from)] = to; }
    [[nodiscard]] int translate(int from) const { return to_[static_cast<std::size_t>(from)]; }

private:
    std::array<int, signal_limit> to_{};
};

// One "FROM:TO" rule, e.g. "TERM:QUIT", "USR1:0".
struct RewriteRule {
    int from;
    int to;
};
Result<RewriteRule> parse_rewrite_rule(std::string_view text);
Result<RewriteTable> build_rewrite_table(const std::vector<std::string>& rules);

}  // namespace keel::init
