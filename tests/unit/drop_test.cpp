#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "init/identity/drop.hpp"

using namespace keel::init;

namespace {

// Records the calls; fails the one named in fail_at with fail_errno.
class FakeOps final : public PrivilegeOps {
public:
    uid_t euid = 0;
    gid_t egid = 0;
    std::vector<std::uint32_t> current_groups;
    std::size_t limit = 65536;
    std::string fail_at;
    int fail_errno = EIO;
    bool regain_root = false;
    bool ids_ok = true;
    std::vector<std::string> calls;

    uid_t geteuid() override { return euid; }
    gid_t getegid() override { return egid; }
    std::vector<std::uint32_t> getgroups() override { return current_groups; }
    std::size_t groups_limit() override { return limit; }
    int drop_bounding_set() override { return step("bounding"); }
    int clear_ambient_caps() override { return step("ambient"); }
    int setgroups(const std::vector<std::uint32_t>& groups) override {
        return step("setgroups:" + std::to_string(groups.size()));
    }
    int setresgid(std::uint32_t gid) override { return step("setresgid:" + std::to_string(gid)); }
    int setresuid(std::uint32_t uid) override { return step("setresuid:" + std::to_string(uid)); }
    int clear_all_caps() override { return step("capset"); }
    int set_no_new_privs() override { return step("nnp"); }
    bool ids_match(std::uint32_t, std::uint32_t) override { return ids_ok; }
    bool can_regain_root() override { return regain_root; }

private:
    int step(const std::string& name) {
        calls.push_back(name);
        if (name.rfind(fail_at, 0) == 0 && !fail_at.empty()) {
            errno = fail_errno;
            return -1;
        }
        return 0;
    }
};

Identity app() {
    Identity id;
    id.uid = 10000;
    id.gid = 10000;
    id.groups = {10000, 33};
    return id;
}

}  // namespace

TEST_CASE("root drops in the one safe order") {
    FakeOps ops;
    REQUIRE(drop_privileges(app(), ops).ok());
    CHECK(ops.calls == std::vector<std::string>{"bounding", "ambient", "setgroups:2", "setresgid:10000",
                                                "setresuid:10000", "capset", "nnp"});
}

TEST_CASE("a failing step stops the sequence and names the call") {
    for (const char* step : {"bounding", "ambient", "setgroups", "setresgid", "setresuid", "capset", "nnp"}) {
        CAPTURE(step);
        FakeOps ops;
        ops.fail_at = step;
        const auto result = drop_privileges(app(), ops);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().find(std::strerror(EIO)) != std::string::npos);
        CHECK(ops.calls.back().rfind(step, 0) == 0);  // nothing ran after the failure
    }
    FakeOps ops;
    ops.fail_at = "setresgid";
    ops.fail_errno = EPERM;
    CHECK(drop_privileges(app(), ops).error() == "setresgid(10000) failed: Operation not permitted");
}

TEST_CASE("verification: ids must read back and root must be gone for good") {
    FakeOps mismatch;
    mismatch.ids_ok = false;
    CHECK(drop_privileges(app(), mismatch).error().find("did not take") != std::string::npos);
    FakeOps regain;
    regain.regain_root = true;
    CHECK(drop_privileges(app(), regain).error() == "privilege drop did not take: setuid(0) still succeeds");
}

TEST_CASE("without CAP_SETPCAP the bounding set stays and the drop goes on") {
    FakeOps ops;
    ops.fail_at = "bounding";
    ops.fail_errno = EPERM;
    REQUIRE(drop_privileges(app(), ops).ok());
    CHECK(ops.calls == std::vector<std::string>{"bounding", "ambient", "setgroups:2", "setresgid:10000",
                                                "setresuid:10000", "capset", "nnp"});
}

TEST_CASE("setgroups denied (user namespace): fine with only the primary group, an error with more") {
    Identity primary_only = app();
    primary_only.groups = {10000};
    FakeOps ops;
    ops.fail_at = "setgroups";
    ops.fail_errno = EPERM;
    REQUIRE(drop_privileges(primary_only, ops).ok());
    CHECK(ops.calls.back() == "nnp");
    FakeOps extra;
    extra.fail_at = "setgroups";
    extra.fail_errno = EPERM;
    const auto result = drop_privileges(app(), extra);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == "setgroups([10000,33]) failed: Operation not permitted");
}

TEST_CASE("more groups than the kernel allows is an error, never a truncation") {
    Identity many = app();
    many.user_name = "app";
    many.groups.resize(70000);
    for (std::size_t i = 0; i < many.groups.size(); ++i) many.groups[i] = static_cast<std::uint32_t>(i);
    FakeOps ops;
    const auto result = drop_privileges(many, ops);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().find("user app is in 70000 groups, more than the kernel's limit of 65536") == 0);
    CHECK(ops.calls.empty());
    ops.limit = 80000;
    CHECK(drop_privileges(many, ops).ok());
}

TEST_CASE("already non-root: an explicit group it cannot take is an error, derived ids are kept") {
    Identity asked = app();
    asked.gid = 2000;
    asked.groups = {2000};
    asked.explicit_group = true;
    FakeOps refused;
    refused.euid = 10000;
    refused.egid = 10000;
    refused.fail_at = "setresgid";
    refused.fail_errno = EPERM;
    const auto result = drop_privileges(asked, refused);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().find("keel runs as uid 10000 gid 10000 and cannot switch to gid 2000") == 0);
    CHECK(refused.calls == std::vector<std::string>{"setresgid:2000"});  // PROGRAM never starts
    // Its own saved gid: the switch works.
    FakeOps own;
    own.euid = 10000;
    own.egid = 10000;
    REQUIRE(drop_privileges(asked, own).ok());
    CHECK(own.calls == std::vector<std::string>{"setresgid:2000", "nnp"});
    // Derived from the account files and different from the runtime's (fsGroup): kept, no change.
    FakeOps runtime;
    runtime.euid = 10000;
    runtime.egid = 3000;
    runtime.current_groups = {3000, 2000};
    REQUIRE(drop_privileges(app(), runtime).ok());
    CHECK(runtime.calls == std::vector<std::string>{"nnp"});
}

TEST_CASE("already non-root") {
    FakeOps same;
    same.euid = 10000;
    same.egid = 10000;
    same.current_groups = {33, 10000};
    REQUIRE(drop_privileges(app(), same).ok());
    CHECK(same.calls == std::vector<std::string>{"nnp"});
    FakeOps other;
    other.euid = 1000;
    const auto result = drop_privileges(app(), other);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().find("keel was started as uid 1000 and cannot switch to uid 10000") == 0);
    CHECK(other.calls.empty());
}

TEST_CASE("-u root keeps root but sets the groups") {
    FakeOps ops;
    Identity root;
    root.groups = {0};
    REQUIRE(drop_privileges(root, ops).ok());
    CHECK(ops.calls == std::vector<std::string>{"setgroups:1", "setresgid:0"});
}
