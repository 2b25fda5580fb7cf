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

// Signals keel forwards: every catchable one except SIGCHLD (keel's own business) and the
// synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT), which the kernel
// raises for keel's own bugs and which must keep their default action. Real-time included, also
// 32-34 that libc reserves internally (a glibc app's SIGRTMIN is 34).
bool is_forwarded(int signal);
std::vector<int> forwarded_signals();

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
