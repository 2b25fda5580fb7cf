#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "init/lifecycle/file_env.hpp"

using keel::init::FileEnvEntry;
using keel::init::FileEnvPattern;

namespace {

std::vector<FileEnvPattern> file_env_patterns(std::vector<std::string_view> texts) {
    std::vector<FileEnvPattern> patterns;
    for (std::string_view text : texts) {
        auto parsed = keel::init::parse_file_env_pattern(text);
        REQUIRE_MESSAGE(parsed.ok(), parsed.error());
        patterns.push_back(parsed.value());
    }
    return patterns;
}

}  // namespace

TEST_CASE("--file-env takes names and non-empty prefixes") {
    CHECK(keel::init::parse_file_env_pattern("DB_PASSWORD").value() == FileEnvPattern{"DB_PASSWORD", false});
    CHECK(keel::init::parse_file_env_pattern("DB_*").value() == FileEnvPattern{"DB_", true});
    CHECK(keel::init::parse_file_env_pattern("_x9").value() == FileEnvPattern{"_x9", false});
    CHECK(keel::init::parse_file_env_pattern("K*").value() == FileEnvPattern{"K", true});
}

TEST_CASE("--file-env refuses what would be a guess or touch someone else's setting") {
    struct Case {
        std::string_view text, says;
    };
    const Case cases[] = {
        {"*", "too broad"},
        {"", "not a variable name"},
        {"DB-PASSWORD", "not a variable name"},
        {"9LIVES", "not a variable name"},
        {"DB_*_X", "not a variable name"},
        {"DB_PASSWORD_FILE", "give the variable to set (DB_PASSWORD)"},
        {"KEEL_USER", "KEEL_*"},
        {"KEEL_*", "KEEL_*"},
        {"SSL_CERT", "SSL_CERT_FILE"},
        {"KEEL", "KEEL_*"},  // would remove KEEL_FILE
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        auto parsed = keel::init::parse_file_env_pattern(c.text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().find(c.says) != std::string::npos);
        CHECK(parsed.error().find("'" + std::string(c.text) + "'") != std::string::npos);
    }
}

TEST_CASE("the selection: NAME_FILE set, in the environment's order, once") {
    const std::vector<std::string_view> env{"PATH=/bin", "DB_USER_FILE=/run/secrets/user", "API_TOKEN_FILE=/t",
                                            "DB_PASSWORD_FILE=/run/secrets/pw", "DB_USER_FILE=/second", "OTHER_FILE=/o"};
    auto selected = keel::init::select_file_env(file_env_patterns({"DB_*", "API_TOKEN", "MISSING"}), env);
    REQUIRE_MESSAGE(selected.ok(), selected.error());
    const std::vector<FileEnvEntry> expected{
        {"DB_USER", "/run/secrets/user"}, {"API_TOKEN", "/t"}, {"DB_PASSWORD", "/run/secrets/pw"}};
    CHECK(selected.value() == expected);
}

TEST_CASE("a prefix never selects KEEL_* or SSL_CERT_FILE") {
    // Neither as the variable set nor as the one removed: SSL_CERT_FILE_FILE would set
    // SSL_CERT_FILE, KEEL_FILE would be removed.
    const std::vector<std::string_view> env{"KEEL_USER_FILE=/k", "SSL_CERT_FILE=/etc/ssl/certs/ca.crt", "SSL_KEY_FILE=/key",
                                            "SSL_CERT_FILE_FILE=/f", "KEEL_FILE=/f"};
    auto selected = keel::init::select_file_env(file_env_patterns({"K*", "S*"}), env);
    REQUIRE(selected.ok());
    CHECK(selected.value() == std::vector<FileEnvEntry>{{"SSL_KEY", "/key"}});
}

TEST_CASE("NAME and NAME_FILE both set, or an empty NAME_FILE, are errors naming the variables") {
    auto both = keel::init::select_file_env(file_env_patterns({"PW"}), std::vector<std::string_view>{"PW=x", "PW_FILE=/pw"});
    REQUIRE_FALSE(both.ok());
    CHECK(both.error() == "both PW and PW_FILE are set: unset one of them");
    CHECK(both.error().find("x") == std::string::npos);  // never the value
    auto empty = keel::init::select_file_env(file_env_patterns({"PW"}), std::vector<std::string_view>{"PW_FILE="});
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().find("PW_FILE is set but empty") != std::string::npos);
    // An empty NAME counts as set: the environment says it exists.
    CHECK_FALSE(keel::init::select_file_env(file_env_patterns({"PW"}), std::vector<std::string_view>{"PW=", "PW_FILE=/p"}).ok());
}

TEST_CASE("the value: exactly one trailing newline removed, bytes otherwise exact, no NUL") {
    CHECK(keel::init::file_env_value("PW", "secret\n").value() == "secret");
    CHECK(keel::init::file_env_value("PW", "secret\n\n").value() == "secret\n");
    CHECK(keel::init::file_env_value("PW", "two words\r\n").value() == "two words\r");
    CHECK(keel::init::file_env_value("PW", "").value().empty());
    CHECK(keel::init::file_env_value("PW", "\xc3\xa9t\xc3\xa9 ").value() == "\xc3\xa9t\xc3\xa9 ");
    CHECK_FALSE(keel::init::file_env_value("PW", std::string("a\0b", 3)).ok());
}

TEST_CASE("a value execve could not pass is refused, naming the kernel's limit") {
    const std::size_t fits = keel::init::max_env_entry_size - std::string_view("PW=").size() - 1;
    CHECK(keel::init::file_env_value("PW", std::string(fits, 'x')).ok());
    CHECK(keel::init::file_env_value("PW", std::string(fits, 'x') + "\n").ok());  // the newline goes first
    auto too_long = keel::init::file_env_value("PW", std::string(fits + 1, 'x'));
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.error().find("MAX_ARG_STRLEN") != std::string::npos);
}
