#pragma once
// Signal sets and masks through the raw syscalls: libc's sigaddset/sigprocmask refuse or silently
// drop the signals they reserve for threads (32-34), which keel must still catch and forward.

#include <signal.h>

#include <vector>

#include "common/result.hpp"
#include "common/sys/unique_fd.hpp"

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

// The signals whose default action ends a sleeping or waiting process: they end `keel sleep` and
// `keel wait` with 128+N, as PID 1 too, where no default action applies. The job-control and
// ignored-by-default ones (SIGCHLD, SIGWINCH, SIGCONT, ...) are not among them.
sigset_t ending_signals();

// How watch_signals changes the mask: `add` blocks the set on top of what is blocked; `exactly`
// makes it the whole mask in one step, so every other signal acts the default way again.
enum class MaskChange { add, exactly };

// Blocks `set` and opens a signalfd (SFD_CLOEXEC | flags) that reads it: the one way keel takes
// signals outside the supervisor. The error names the call that failed, with its errno.
Result<UniqueFd> watch_signals(const sigset_t& set, MaskChange change, int flags);

}  // namespace keel::sys
