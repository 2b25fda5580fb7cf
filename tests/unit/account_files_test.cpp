#include <doctest/doctest.h>

#include "init/identity/account_files.hpp"

using namespace keel::init;

TEST_CASE("ids") {
    CHECK(parse_id("0") == 0u);
    CHECK(parse_id("10000") == 10000u);
    CHECK(parse_id("4294967294") == 4294967294u);
    for (const char* bad : {"", "4294967295", "99999999999", "-1", "+1", " 1", "1a", "0x10"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_id(bad).has_value());
    }
}

TEST_CASE("passwd: comments, blanks, CRLF, malformed lines, duplicates") {
    const std::string content =
        "# comment\n"
        "\n"
        "root:x:0:0:root:/root:/bin/sh\r\n"
        "app:x:10000:10001:App,,,:/home/app:/sbin/nologin\n"
        "broken line without colons\n"
        "bad:x:notanumber:1:::\n"
        "toofew:x:1:1\n"
        "toomany:x:1:1:a:b:c:d\n"
        ":x:5:5:::\n"
        "app:x:20000:20000::/other:/bin/sh\n"
        "empty:x:7:7:::";
    const auto parsed = parse_passwd(content);
    REQUIRE(parsed.entries.size() == 4);
    CHECK(parsed.malformed_lines == std::vector<std::size_t>{5, 6, 7, 8, 9});
    const PasswdEntry* root = find_user(parsed.entries, "root");
    REQUIRE(root != nullptr);
    CHECK(root->home == "/root");  // CR stripped from the line end, not kept in the shell field
    const PasswdEntry* app = find_user(parsed.entries, "app");
    REQUIRE(app != nullptr);
    CHECK(app->uid == 10000);  // first entry wins
    CHECK(app->gid == 10001);
    CHECK(app->home == "/home/app");
    CHECK(find_user(parsed.entries, 20000u)->name == "app");
    CHECK(find_user(parsed.entries, "empty")->home.empty());
    CHECK(find_user(parsed.entries, "nobody") == nullptr);
}

TEST_CASE("passwd: very long lines are handled") {
    const std::string long_gecos(100000, 'g');
    const auto parsed = parse_passwd("u:x:1:2:" + long_gecos + ":/h:/s\n");
    REQUIRE(parsed.entries.size() == 1);
    CHECK(parsed.entries[0].home == "/h");
}

TEST_CASE("group: members and membership") {
    const auto parsed = parse_group(
        "root:x:0:\n"
        "web:x:33:app,www\r\n"
        "logs:*:4:www,app,\n"
        "web:x:99:other\n"
        "junk\n"
        "big:x:99999999999:app\n");
    REQUIRE(parsed.entries.size() == 4);
    CHECK(parsed.malformed_lines == std::vector<std::size_t>{5, 6});
    CHECK(find_group(parsed.entries, "web")->gid == 33);
    CHECK(find_group(parsed.entries, "logs")->members == std::vector<std::string>{"www", "app"});
    CHECK(groups_of_member(parsed.entries, "app") == std::vector<std::uint32_t>{4, 33});  // sorted
    CHECK(groups_of_member(parsed.entries, "nobody").empty());
}

TEST_CASE("group: a user in every one of 70,000 groups, each listed twice, is de-duplicated") {
    // What a hostile image's /etc/group costs: the membership list stays distinct without a
    // quadratic search.
    std::string text;
    for (int round = 0; round < 2; ++round) {
        for (int gid = 1; gid <= 70000; ++gid) text += "g" + std::to_string(gid) + ":x:" + std::to_string(gid) + ":app\n";
    }
    const auto parsed = parse_group(text);
    REQUIRE(parsed.entries.size() == 140000);
    const auto gids = groups_of_member(parsed.entries, "app");
    REQUIRE(gids.size() == 70000);
    CHECK(gids.front() == 1);
    CHECK(gids.back() == 70000);
}
