#include <doctest/doctest.h>

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "cli/env_options.hpp"

TEST_CASE("env names from option names") {
    CHECK(keel::cli::env_name_for("KEEL_", "grace") == "KEEL_GRACE");
    CHECK(keel::cli::env_name_for("KEEL_", "process-group") == "KEEL_PROCESS_GROUP");
    CHECK(keel::cli::env_name_for("KEEL_HEALTHCHECK_", "expect-status") == "KEEL_HEALTHCHECK_EXPECT_STATUS");
}

TEST_CASE("bound options read the env, flags win, subcommands get their own prefix") {
    CLI::App app{"test"};
    std::string grace = "5s";
    std::string timeout = "2s";
    bool group = false;
    app.add_option("--grace", grace);
    app.add_flag("-g,--process-group", group);
    CLI::App* sub = app.add_subcommand("healthcheck");
    sub->add_option("--timeout", timeout);
    std::string url;
    sub->add_option("URL", url);
    keel::cli::bind_env_names(app);

    CHECK(sub->get_option("URL")->get_envname() == "KEEL_HEALTHCHECK_URL");
    CHECK(app.get_option("--grace")->get_envname() == "KEEL_GRACE");
    CHECK(app.get_option("--process-group")->get_envname() == "KEEL_PROCESS_GROUP");
    CHECK(sub->get_option("--timeout")->get_envname() == "KEEL_HEALTHCHECK_TIMEOUT");
    CHECK(app.get_option("--help")->get_envname().empty());

    setenv("KEEL_GRACE", "1m", 1);
    setenv("KEEL_PROCESS_GROUP", "1", 1);
    setenv("KEEL_HEALTHCHECK_TIMEOUT", "3s", 1);
    SUBCASE("env only") {
        app.parse(std::string("healthcheck"), false);
        CHECK(grace == "1m");
        CHECK(group);
        CHECK(timeout == "3s");
    }
    SUBCASE("flag wins") {
        app.parse(std::string("--grace 10s healthcheck --timeout 1s"), false);
        CHECK(grace == "10s");
        CHECK(timeout == "1s");
    }
    unsetenv("KEEL_GRACE");
    unsetenv("KEEL_PROCESS_GROUP");
    unsetenv("KEEL_HEALTHCHECK_TIMEOUT");
}

TEST_CASE("errors name the env var a bad value came from") {
    CLI::App app{"test"};
    std::string grace;
    app.add_option("--grace", grace);
    CLI::App* sub = app.add_subcommand("healthcheck");
    std::string timeout;
    sub->add_option("--timeout", timeout);
    keel::cli::bind_env_names(app);

    setenv("KEEL_GRACE", "soon", 1);
    setenv("KEEL_HEALTHCHECK_TIMEOUT", "x", 1);
    CHECK(keel::cli::env_origin_of_error(app, "--grace: invalid duration 'soon'", {}) == " (from KEEL_GRACE)");
    CHECK(keel::cli::env_origin_of_error(app, "--timeout: bad", {"healthcheck"}) == " (from KEEL_HEALTHCHECK_TIMEOUT)");
    // Given on the command line: the flag was the culprit, not the env var.
    CHECK(keel::cli::env_origin_of_error(app, "--grace: bad", {"--grace", "x"}).empty());
    CHECK(keel::cli::env_origin_of_error(app, "--grace: bad", {"--grace=x"}).empty());
    CHECK(keel::cli::env_origin_of_error(app, "The following argument was not expected: --x", {}).empty());
    unsetenv("KEEL_GRACE");
    CHECK(keel::cli::env_origin_of_error(app, "--grace: bad", {}).empty());
    unsetenv("KEEL_HEALTHCHECK_TIMEOUT");
}
