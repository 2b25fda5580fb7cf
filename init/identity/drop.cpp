#include "init/identity/drop.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keel::init {
namespace {

std::string errno_text() { return std::strerror(errno); }

std::string describe_groups(const std::vector<std::uint32_t>& groups) {
    std::string text;
    for (const auto gid : groups) text += (text.empty() ? "" : ",") + std::to_string(gid);
    return "[" + text + "]";
}

class RealPrivilegeOps final : public PrivilegeOps {
public:
    uid_t geteuid() override { return ::geteuid(); }

    int drop_bounding_set() override {
        for (int cap = 0; cap <= 63; ++cap) {
            if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
            if (errno == EINVAL) return 0;  // past the kernel's last capability
            return -1;
        }
        return 0;
    }

    int clear_ambient_caps() override {
        const int result = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        return (result != 0 && errno == EINVAL) ? 0 : result;  // kernels before 4.3: no ambient set
    }

    int setgroups(const std::vector<std::uint32_t>& groups) override {
        std::vector<gid_t> gids(groups.begin(), groups.end());
        return ::setgroups(gids.size(), gids.data());
    }

    int setresgid(std::uint32_t gid) override { return ::setresgid(gid, gid, gid); }
    int setresuid(std::uint32_t uid) override { return ::setresuid(uid, uid, uid); }

    int clear_all_caps() override {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
        return static_cast<int>(::syscall(SYS_capset, &header, data));
    }

    int set_no_new_privs() override { return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

    bool ids_match(std::uint32_t uid, std::uint32_t gid) override {
        uid_t ruid = 0, euid = 0, suid = 0;
        gid_t rgid = 0, egid = 0, sgid = 0;
        if (::getresuid(&ruid, &euid, &suid) != 0 || ::getresgid(&rgid, &egid, &sgid) != 0) return false;
        return ruid == uid && euid == uid && suid == uid && rgid == gid && egid == gid && sgid == gid;
    }

    bool can_regain_root() override { return ::setuid(0) == 0; }
};

// Supplementary groups, then the gid: both need privilege, so before the uid changes.
Result<bool> set_group_ids(const Identity& target, PrivilegeOps& ops) {
    if (ops.setgroups(target.groups) != 0) {
        return fail("setgroups(" + describe_groups(target.groups) + ") failed: " + errno_text());
    }
    if (ops.setresgid(target.gid) != 0) {
        return fail("setresgid(" + std::to_string(target.gid) + ") failed: " + errno_text());
    }
    return true;
}

}  // namespace

PrivilegeOps& real_privilege_ops() {
    static RealPrivilegeOps ops;
    return ops;
}

Result<bool> drop_privileges(const Identity& target, PrivilegeOps& ops) {
    const uid_t current = ops.geteuid();
    if (current != 0) {
        if (current != target.uid) {
            return fail("keel was started as uid " + std::to_string(current) + " and cannot switch to uid " +
                        std::to_string(target.uid) + " (only root can; drop -u or match the image's USER)");
        }
        if (ops.set_no_new_privs() != 0) return fail("prctl(PR_SET_NO_NEW_PRIVS) failed: " + errno_text());
        return true;
    }
    if (target.uid == 0) {
        // `-u root` (or `-u 0:GROUP`): stay root, only the groups change; capabilities stay.
        return set_group_ids(target, ops);
    }
    if (ops.drop_bounding_set() != 0) return fail("prctl(PR_CAPBSET_DROP) failed: " + errno_text());
    if (ops.clear_ambient_caps() != 0) return fail("prctl(PR_CAP_AMBIENT_CLEAR_ALL) failed: " + errno_text());
    if (auto groups = set_group_ids(target, ops); !groups) return groups;
    if (ops.setresuid(target.uid) != 0) return fail("setresuid(" + std::to_string(target.uid) + ") failed: " + errno_text());
    if (ops.clear_all_caps() != 0) return fail("capset() clearing capabilities failed: " + errno_text());
    if (ops.set_no_new_privs() != 0) return fail("prctl(PR_SET_NO_NEW_PRIVS) failed: " + errno_text());
    if (!ops.ids_match(target.uid, target.gid)) {
        return fail("privilege drop did not take: ids read back differ from uid " + std::to_string(target.uid) +
                    " gid " + std::to_string(target.gid));
    }
    if (ops.can_regain_root()) return fail("privilege drop did not take: setuid(0) still succeeds");
    return true;
}

}  // namespace keel::init
