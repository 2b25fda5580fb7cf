#include "common/sys/signal_mask.hpp"

#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

namespace keel::sys {
namespace {
// The kernel's sigset: 64 bits, bit N-1 for signal N (its size is _NSIG/8 bytes).
constexpr std::size_t kernel_sigset_bytes = _NSIG / 8;
}  // namespace

sigset_t make_signal_set(const std::vector<int>& signals) {
    unsigned long long bits = 0;
    for (const int signal : signals) {
        if (signal >= 1 && signal < _NSIG) bits |= 1ULL << (signal - 1);
    }
    sigset_t set;
    sigemptyset(&set);
    static_assert(sizeof(set) >= kernel_sigset_bytes && sizeof(bits) == kernel_sigset_bytes);
    std::memcpy(&set, &bits, kernel_sigset_bytes);  // little- and big-endian: word 0 holds 1..64
    return set;
}

int block_signals(const sigset_t& set) {
    return static_cast<int>(::syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, nullptr, kernel_sigset_bytes));
}

int set_signal_mask(const sigset_t& set) {
    return static_cast<int>(::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, nullptr, kernel_sigset_bytes));
}

int unblock_all_signals() {
    const sigset_t none = make_signal_set({});
    return static_cast<int>(::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, kernel_sigset_bytes));
}

namespace {
// The kernel's struct sigaction on x86_64 and aarch64 (both define SA_RESTORER).
struct KernelSigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long long mask;
};
static_assert(sizeof(unsigned long long) == kernel_sigset_bytes);
}  // namespace

int reset_if_ignored(int signal) {
    KernelSigaction current{};
    if (::syscall(SYS_rt_sigaction, signal, nullptr, &current, kernel_sigset_bytes) != 0) return -1;
    if (current.handler != SIG_IGN) return 0;
    KernelSigaction default_action{};
    default_action.handler = SIG_DFL;
    if (::syscall(SYS_rt_sigaction, signal, &default_action, nullptr, kernel_sigset_bytes) != 0) return -1;
    return 1;
}

sigset_t ending_signals() { return make_signal_set({SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM}); }

Result<UniqueFd> watch_signals(const sigset_t& set, MaskChange change, int flags) {
    if ((change == MaskChange::add ? block_signals(set) : set_signal_mask(set)) != 0) {
        return fail(std::string("rt_sigprocmask() failed: ") + std::strerror(errno));
    }
    UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC | flags));
    if (!fd.valid()) return fail(std::string("signalfd() failed: ") + std::strerror(errno));
    return fd;
}

}  // namespace keel::sys
