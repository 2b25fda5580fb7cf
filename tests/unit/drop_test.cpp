#include <doctest/doctest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "init/identity/drop.hpp"

using namespace keel::init;

namespace {

// Records the calls; fails the one named in fail_at with EPERM.
class FakeOps final : public PrivilegeOps {
public:
    uid_t euid = 0;
    std::string fail_at;
    bool regain_root = false;
    bool ids_ok = true;
    std::vector<std::string> calls;

    uid_t geteuid() override { return euid; }
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
            errno = EPERM;
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
        CHECK(result.error().find("Operation not permitted") != std::string::npos);
        CHECK(ops.calls.back().rfind(step, 0) == 0);  // nothing ran after the failure
    }
    FakeOps ops;
    ops.fail_at = "setresgid";
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

TEST_CASE("already non-root") {
    FakeOps same;
    same.euid = 10000;
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
