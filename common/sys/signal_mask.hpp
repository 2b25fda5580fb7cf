#pragma once
// Signal sets and masks through the raw syscalls: libc's sigaddset/sigprocmask refuse or silently
// drop the signals they reserve for threads (32-34), which keel must still catch and forward.

#include <signal.h>

#include <vector>

namespace keel::sys {

sigset_t make_signal_set(const std::vector<int>& signals);

// rt_sigprocmask(SIG_BLOCK, ...): returns 0 or -1 with errno set.
int block_signals(const sigset_t& set);

// rt_sigprocmask(SIG_SETMASK, set): exactly these blocked, in one step (a pending signal that
// stays blocked is never taken by its default action in between). 0 or -1 with errno set.
int set_signal_mask(const sigset_t& set);

// rt_sigprocmask(SIG_SETMASK, empty): every signal unblocked. 0 or -1 with errno set.
int unblock_all_signals();

// Through rt_sigaction: a signal inherited as ignored (SIG_IGN survives execve, a handler does
// not) is set back to SIG_DFL. 1 when it was ignored, 0 when it was not, -1 with errno set.
int reset_if_ignored(int signal);

}  // namespace keel::sys
