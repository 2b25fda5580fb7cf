#include "init/identity/drop.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/logging.hpp"
#include "common/sys/read_file.hpp"

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
    gid_t getegid() override { return ::getegid(); }

    std::vector<std::uint32_t> getgroups() override {
        const int count = ::getgroups(0, nullptr);
        if (count <= 0) return {};
        std::vector<gid_t> gids(static_cast<std::size_t>(count));
        const int got = ::getgroups(count, gids.data());
        gids.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
        return {gids.begin(), gids.end()};
    }

    std::size_t groups_limit() override {
        // musl's NGROUPS_MAX (32) is not the kernel's: Linux takes 65536 since 2.6.4.
        constexpr std::size_t linux_default = 65536;
        const auto text = sys::read_small_file("/proc/sys/kernel/ngroups_max", 64);
        if (!text) return linux_default;
        std::size_t value = 0;
        const auto& digits = text.value();
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        return error == std::errc() && end != digits.data() ? value : linux_default;
    }

    int drop_bounding_set() override {
        // Each PR_CAPBSET_DROP copies and commits the process's credentials, many times the cost
        // of a read; containers start with a reduced set (Docker keeps 14 of 41, Kubernetes'
        // restricted profile none or two), so only what is there is dropped.
        for (int cap = 0; cap <= 63; ++cap) {
            const int present = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
            if (present < 0) return errno == EINVAL ? 0 : -1;  // EINVAL: past the kernel's last capability
            if (present == 1 && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return -1;
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

bool only_primary_group(const Identity& target) {
    return std::all_of(target.groups.begin(), target.groups.end(), [&](std::uint32_t gid) { return gid == target.gid; });
}

std::vector<std::uint32_t> sorted(std::vector<std::uint32_t> groups) {
    std::sort(groups.begin(), groups.end());
    return groups;
}

// Supplementary groups, then the gid: both need privilege, so before the uid changes.
Result<bool> set_group_ids(const Identity& target, PrivilegeOps& ops) {
    if (ops.setgroups(target.groups) != 0) {
        // A user namespace whose /proc/self/setgroups says deny: the list cannot change at all.
        // Harmless when nothing beyond the primary group was wanted; a real loss otherwise.
        if (errno != EPERM || !only_primary_group(target)) {
            return fail("setgroups(" + describe_groups(target.groups) + ") failed: " + errno_text());
        }
        log::warn("setgroups() is not permitted here (a user namespace that denies it?): supplementary groups {} kept",
                  describe_groups(ops.getgroups()));
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

namespace {

// keel already runs as a non-root uid: see drop_privileges in drop.hpp.
Result<bool> stay_unprivileged(const Identity& target, PrivilegeOps& ops, uid_t current) {
    if (current != target.uid) {
        return fail("keel was started as uid " + std::to_string(current) + " and cannot switch to uid " +
                    std::to_string(target.uid) + " (only root can; drop -u or match the image's USER)");
    }
    const gid_t gid = ops.getegid();
    if (gid != target.gid) {
        if (target.explicit_group) {
            if (ops.setresgid(target.gid) != 0) {
                return fail("keel runs as uid " + std::to_string(current) + " gid " + std::to_string(gid) +
                            " and cannot switch to gid " + std::to_string(target.gid) + " (" + errno_text() +
                            "; only root can): start keel as root, or ask for -u " + std::to_string(current) + ":" +
                            std::to_string(gid));
            }
        } else {
            log::warn("keeping gid {} given by the runtime (e.g. Kubernetes runAsGroup); the account files give gid {}, "
                      "and only root could switch", gid, target.gid);
        }
    }
    if (!target.explicit_group) {
        const std::vector<std::uint32_t> current_groups = ops.getgroups();
        if (sorted(current_groups) != sorted(target.groups)) {
            log::warn("keeping supplementary groups {} given by the runtime (e.g. Kubernetes fsGroup); /etc/group "
                      "lists {}, and only root could change them", describe_groups(current_groups),
                      describe_groups(target.groups));
        }
    }
    if (ops.set_no_new_privs() != 0) return fail("prctl(PR_SET_NO_NEW_PRIVS) failed: " + errno_text());
    return true;
}

}  // namespace

Result<bool> drop_privileges(const Identity& target, PrivilegeOps& ops) {
    // Linux's limit is a constant 65536 behind a read-only sysctl: a short list, what every real
    // account has, needs no file read at start (POSIX guarantees at least 8; musl assumes 32).
    constexpr std::size_t surely_allowed = 32;
    if (const std::size_t limit = target.groups.size() > surely_allowed ? ops.groups_limit() : surely_allowed;
        target.groups.size() > limit) {
        return fail("user " + target.user_name + " is in " + std::to_string(target.groups.size()) +
                    " groups, more than the kernel's limit of " + std::to_string(limit) +
                    " (/proc/sys/kernel/ngroups_max): name fewer with -u USER:GROUP, or fix /etc/group");
    }
    const uid_t current = ops.geteuid();
    if (current != 0) return stay_unprivileged(target, ops, current);
    if (target.uid == 0) {
        // `-u root` (or `-u 0:GROUP`): stay root, only the groups change; capabilities stay.
        return set_group_ids(target, ops);
    }
    if (ops.drop_bounding_set() != 0) {
        if (errno != EPERM) return fail("prctl(PR_CAPBSET_DROP) failed: " + errno_text());
        log::debug("capability bounding set kept: keel lacks CAP_SETPCAP (the uid change, capset and no_new_privs "
                   "still leave no capability)");
    }
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
