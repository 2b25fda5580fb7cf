#include <doctest/doctest.h>

#include "init/identity/identity.hpp"

using namespace keel::init;

namespace {
const AccountFile passwd{"/etc/passwd",
                         "root:x:0:0:root:/root:/bin/sh\napp:x:10000:10000::/home/app:/sbin/nologin\n"
                         "nohome:x:10001:10001:::\n",
                         {}};
const AccountFile group{"/etc/group", "app:x:10000:\nweb:x:33:app\nlogs:x:4:app,other\n", {}};
const AccountFile missing_passwd{"/etc/passwd", std::nullopt, "cannot open: No such file or directory"};
const AccountFile missing_group{"/etc/group", std::nullopt, "cannot open: No such file or directory"};
}  // namespace

TEST_CASE("user specs") {
    CHECK(parse_user_spec("app").value().user == "app");
    CHECK_FALSE(parse_user_spec("app").value().group.has_value());
    CHECK(*parse_user_spec("app:web").value().group == "web");
    CHECK(*parse_user_spec("1000:1000").value().group == "1000");
    for (const char* bad : {"", ":web", "app:", "a:b:c", "4294967295", "1:4294967295"}) {
        CAPTURE(bad);
        const auto spec = parse_user_spec(bad);
        REQUIRE_FALSE(spec.ok());
        CHECK(spec.error().find(std::string("'") + bad + "'") != std::string::npos);
    }
    CHECK(parse_user_spec("app:").error().find("empty GROUP") != std::string::npos);
}

TEST_CASE("names resolve through passwd and group membership") {
    const auto id = resolve_identity(parse_user_spec("app").value(), passwd, group);
    REQUIRE(id.ok());
    CHECK(id.value().uid == 10000);
    CHECK(id.value().gid == 10000);
    CHECK(id.value().groups == std::vector<std::uint32_t>{10000, 4, 33});
    CHECK(id.value().home == "/home/app");
    CHECK(id.value().user_name == "app");
}

TEST_CASE("explicit group replaces the supplementary groups") {
    const auto by_name = resolve_identity(parse_user_spec("app:web").value(), passwd, group);
    REQUIRE(by_name.ok());
    CHECK(by_name.value().gid == 33);
    CHECK(by_name.value().groups == std::vector<std::uint32_t>{33});
    const auto by_number = resolve_identity(parse_user_spec("app:5000").value(), passwd, missing_group);
    REQUIRE(by_number.ok());
    CHECK(by_number.value().gid == 5000);
}

TEST_CASE("bare numeric uid: allowed without a passwd entry, like Kubernetes runAsUser") {
    const auto id = resolve_identity(parse_user_spec("4242").value(), missing_passwd, missing_group);
    REQUIRE(id.ok());
    CHECK(id.value().uid == 4242);
    CHECK(id.value().gid == 4242);
    CHECK(id.value().groups.empty());
    CHECK(id.value().home == "/");
    CHECK(id.value().user_name == "4242");
    // With an entry, the entry counts.
    const auto known = resolve_identity(parse_user_spec("10000").value(), passwd, group);
    CHECK(known.value().user_name == "app");
    CHECK(known.value().groups == std::vector<std::uint32_t>{10000, 4, 33});
    CHECK(resolve_identity(parse_user_spec("10001").value(), passwd, group).value().home == "/");
}

TEST_CASE("errors name the file and the entry") {
    CHECK(resolve_identity(parse_user_spec("ghost").value(), passwd, group).error() ==
          "user 'ghost' not found in /etc/passwd; fix: add a line 'ghost:x:10000:10000::/:/sbin/nologin' to the "
          "image's /etc/passwd, or give a number (-u 10000)");
    CHECK(resolve_identity(parse_user_spec("app:ghosts").value(), passwd, group).error() ==
          "group 'ghosts' not found in /etc/group; fix: add a line 'ghosts:x:10000:' to the image's /etc/group, or "
          "give a number (-u USER:10000)");
    CHECK(resolve_identity(parse_user_spec("app").value(), missing_passwd, group).error() ==
          "/etc/passwd: cannot open: No such file or directory (needed to resolve user 'app'); fix: add a line "
          "'app:x:10000:10000::/:/sbin/nologin' to the image's /etc/passwd, or give a number (-u 10000)");
    CHECK(resolve_identity(parse_user_spec("app:web").value(), passwd, missing_group).error() ==
          "/etc/group: cannot open: No such file or directory (needed to resolve group 'web'); fix: add a line "
          "'web:x:10000:' to the image's /etc/group, or give a number (-u USER:10000)");
}

TEST_CASE("malformed lines become debug notes") {
    const AccountFile messy{"/etc/passwd", "junk\napp:x:1:1::/h:/s\n", {}};
    const auto id = resolve_identity(parse_user_spec("app").value(), messy, group);
    REQUIRE(id.ok());
    CHECK(id.value().notes == std::vector<std::string>{"/etc/passwd:1: malformed line skipped"});
}
