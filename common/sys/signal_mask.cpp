#include "common/sys/signal_mask.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstring>

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

}  // namespace keel::sys
