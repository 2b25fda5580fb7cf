#include "init/signals.hpp"

#include <cstdio>

#include "common/text.hpp"

namespace keel::init {
namespace {

struct NamedSignal {
    std::string_view name;  // without the SIG prefix
    int number;
};

constexpr NamedSignal named_signals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},         {"POLL", SIGPOLL},   {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

// Parses a small non-negative decimal; -1 when text is not one.
int parse_small_number(std::string_view text) {
    if (text.empty() || text.size() > 3) return -1;
    int value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

// "RTMIN", "RTMIN+3", "RTMAX-2" (prefix already stripped); -1 when not of that form.
int parse_realtime(std::string_view name) {
    const bool from_min = name.size() >= 5 && equals_ignoring_ascii_case(name.substr(0, 5), "RTMIN");
    const bool from_max = name.size() >= 5 && equals_ignoring_ascii_case(name.substr(0, 5), "RTMAX");
    if (!from_min && !from_max) return -1;
    const int base = from_min ? SIGRTMIN : SIGRTMAX;
    std::string_view rest = name.substr(5);
    if (rest.empty()) return base;
    const char sign = rest[0];
    if ((from_min && sign != '+') || (from_max && sign != '-')) return -1;
    const int offset = parse_small_number(rest.substr(1));
    if (offset < 0) return -1;
    const int number = from_min ? base + offset : base - offset;
    return (number >= SIGRTMIN && number <= SIGRTMAX) ? number : -1;
}

}  // namespace

Result<int> parse_signal(std::string_view text, bool allow_zero) {
    const std::string quoted = "'" + std::string(text) + "'";
    const int number = parse_small_number(text);
    if (number >= 0) {
        if (number == 0 && allow_zero) return 0;
        if (number >= 1 && number < signal_limit) return number;
        return fail("invalid signal " + quoted + ": number out of range 1-" + std::to_string(signal_limit - 1));
    }
    std::string_view name = text;
    if (name.size() > 3 && equals_ignoring_ascii_case(name.substr(0, 3), "SIG")) name.remove_prefix(3);
    for (const auto& named : named_signals) {
        if (equals_ignoring_ascii_case(name, named.name)) return named.number;
    }
    const int realtime = parse_realtime(name);
    if (realtime > 0) return realtime;
    return fail("invalid signal " + quoted + ": expected a name like TERM or SIGHUP, RTMIN+N, or a number");
}

std::string signal_name(int signal) {
    for (const auto& named : named_signals) {
        if (named.number == signal) return "SIG" + std::string(named.name);
    }
    if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
        return signal == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
    }
    return "signal " + std::to_string(signal);
}

bool is_forwarded(int signal) {
    switch (signal) {
        case SIGCHLD: case SIGKILL: case SIGSTOP:
            return false;
        default:
            // 32-34 included: libcs reserve them for their thread machinery, which single-threaded
            // keel never uses, and a glibc-built app's SIGRTMIN is 34 (musl's is 35).
            return signal >= 1 && signal < signal_limit;
    }
}

bool is_fault_signal(int signal) {
    switch (signal) {
        case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: case SIGSYS: case SIGABRT:
            return true;
        default:
            return false;
    }
}

SignalAction classify_signal(int signal, int code, int sender, int self) {
    const bool sent = code <= 0;  // SI_USER, SI_QUEUE, SI_TKILL, SI_TIMER, ...: a process sent it
    if (sent && sender == self) return SignalAction::keel_own;
    if (sent) return SignalAction::forward;
    if (is_fault_signal(signal)) return SignalAction::keel_fault;
    // The kernel's own for anything else (SIGIO with POLL_IN, ...): not something keel asked for,
    // but PROGRAM might have (an fd it shares with keel); pass it on as before.
    return SignalAction::forward;
}

std::vector<int> forwarded_signals() {
    std::vector<int> signals;
    for (int signal = 1; signal < signal_limit; ++signal) {
        if (is_forwarded(signal)) signals.push_back(signal);
    }
    return signals;
}

RewriteTable::RewriteTable() {
    for (int signal = 0; signal < signal_limit; ++signal) to_[static_cast<std::size_t>(signal)] = signal;
}

Result<RewriteRule> parse_rewrite_rule(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return fail("invalid rewrite '" + std::string(text) + "': expected FROM:TO, e.g. TERM:QUIT or USR1:0");
    }
    auto from = parse_signal(text.substr(0, colon));
    if (!from) return fail("invalid rewrite '" + std::string(text) + "': " + from.error());
    if (!is_forwarded(from.value())) {
        return fail("invalid rewrite '" + std::string(text) + "': " + signal_name(from.value()) +
                    " is never forwarded, so it cannot be rewritten");
    }
    auto to = parse_signal(text.substr(colon + 1), /*allow_zero=*/true);
    if (!to) return fail("invalid rewrite '" + std::string(text) + "': " + to.error());
    return RewriteRule{from.value(), to.value()};
}

Result<RewriteTable> build_rewrite_table(const std::vector<std::string>& rules) {
    RewriteTable table;
    for (const auto& text : rules) {
        auto rule = parse_rewrite_rule(text);
        if (!rule) return fail(rule.error());
        table.set(rule.value().from, rule.value().to);
    }
    return table;
}

}  // namespace keel::init
