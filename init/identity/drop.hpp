#pragma once
// The irreversible switch to the target identity, in keel itself before it forks, so the whole
// tree (keel included) runs unprivileged.
//
// Order matters and every step is checked:
//   1. capability bounding set emptied and ambient set cleared — needs CAP_SETPCAP, so while root.
//      Without CAP_SETPCAP (a pod that drops ALL and adds back SETUID and SETGID) the bounding set
//      stays, as with gosu and su-exec: steps 3-5 still leave no capability and no way to get one;
//   2. setgroups, then setresgid — both need privilege, so before the uid changes. In a user
//      namespace that denies setgroups (`unshare -r`), an identity with no extra groups skips it;
//   3. setresuid — real, effective and saved uid all become the target: no way back;
//   4. inheritable capabilities cleared (setuid already emptied permitted/effective);
//   5. PR_SET_NO_NEW_PRIVS — no setuid binary or file capability can re-grant anything;
//   6. verify: the ids read back are the target's, and setuid(0) fails.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "init/identity/identity.hpp"

namespace keel::init {

// The syscalls, behind a seam so unit tests can check order and stop-on-failure. Each returns 0
// or -1 with errno set, like the calls they wrap.
class PrivilegeOps {
public:
    virtual ~PrivilegeOps() = default;
    virtual uid_t geteuid() = 0;
    virtual gid_t getegid() = 0;
    virtual std::vector<std::uint32_t> getgroups() = 0;
    // The kernel's limit on supplementary groups (/proc/sys/kernel/ngroups_max).
    virtual std::size_t groups_limit() = 0;
    virtual int drop_bounding_set() = 0;
    virtual int clear_ambient_caps() = 0;
    virtual int setgroups(const std::vector<std::uint32_t>& groups) = 0;
    virtual int setresgid(std::uint32_t gid) = 0;
    virtual int setresuid(std::uint32_t uid) = 0;
    virtual int clear_all_caps() = 0;
    virtual int set_no_new_privs() = 0;
    // Reads back real/effective/saved uid and gid; false on error.
    virtual bool ids_match(std::uint32_t uid, std::uint32_t gid) = 0;
    virtual bool can_regain_root() = 0;  // true if setuid(0) succeeds (must never be)
};

PrivilegeOps& real_privilege_ops();

// Runs the sequence. Already non-root, keel cannot change ids, and never pretends it did:
// - a different uid is an error naming both;
// - a `:GROUP` it does not already have is an error (a setresgid to it is tried first: a non-root
//   process may switch among its own real and saved gids);
// - a gid or groups derived from /etc/passwd and /etc/group that differ from what the runtime gave
//   (Kubernetes runAsGroup, fsGroup) are kept, with a warning: such pods must keep starting;
// then only no_new_privs is set. More groups than the kernel allows is an error in every case.
Result<bool> drop_privileges(const Identity& target, PrivilegeOps& ops);

}  // namespace keel::init
