#include <doctest/doctest.h>

#include "init/preflight/checks.hpp"

using namespace keel::init;

TEST_CASE("--require lists") {
    const auto defaults = parse_requirements(default_requirements);
    REQUIRE(defaults.ok());
    CHECK(defaults.value().ca_certs);
    CHECK(defaults.value().tzdata);
    CHECK_FALSE(defaults.value().non_root);
    CHECK_FALSE(defaults.value().tmp);
    const auto all = parse_requirements("tmp,non-root,ca-certs,tzdata").value();
    CHECK((all.tmp && all.non_root && all.ca_certs && all.tzdata));
    const auto none = parse_requirements("none").value();
    CHECK_FALSE((none.tmp || none.non_root || none.ca_certs || none.tzdata));
    for (const char* bad : {"", "ca-certs,", "cacerts", "none,tmp", "tmp,,tzdata"}) {
        CAPTURE(bad);
        const auto parsed = parse_requirements(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().find(std::string("'") + bad + "'") != std::string::npos);
        CHECK(parsed.error().find("choose from") != std::string::npos);
    }
}

TEST_CASE("report formats") {
    const std::vector<CheckResult> results = {
        {"ca-certs", CheckStatus::ok, "/etc/ssl/certs/ca-certificates.crt: 3 certificates", ""},
        {"tzdata", CheckStatus::fail, "TZ=Europe/Paris: no zone file", "COPY x y"},
        {"tmp", CheckStatus::warn, "/tmp: \"missing\"", "mkdir"},
    };
    CHECK(format_check_text(results) ==
          "ok    ca-certs  /etc/ssl/certs/ca-certificates.crt: 3 certificates\n"
          "fail  tzdata    TZ=Europe/Paris: no zone file; fix: COPY x y\n"
          "warn  tmp       /tmp: \"missing\"; fix: mkdir\n");
    Requirements required;
    required.tzdata = true;
    CHECK(format_check_json(results, required) ==
          R"({"ok":false,"checks":[{"name":"ca-certs","status":"ok","required":false,"detail":"/etc/ssl/certs/ca-certificates.crt: 3 certificates","fix":""},)"
          R"({"name":"tzdata","status":"fail","required":true,"detail":"TZ=Europe/Paris: no zone file","fix":"COPY x y"},)"
          R"({"name":"tmp","status":"warn","required":false,"detail":"/tmp: \"missing\"","fix":"mkdir"}]})"
          "\n");
    CHECK(describe_failure(results[1]) == "tzdata: TZ=Europe/Paris: no zone file; fix: COPY x y");
}
