#include <doctest/doctest.h>

#include "common/duration.hpp"

using keel::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("durations in every unit") {
    struct Case {
        const char* text;
        keel::Duration expected;
    };
    const Case cases[] = {
        {"500ms", 500ms}, {"5s", 5s},        {"1m", 1min},     {"2h", 2h},        {"0s", 0ms},
        {"1.5s", 1500ms}, {"0.25s", 250ms},  {"1m30s", 90s},   {"1h1m1s1ms", 3661001ms},
        {"0.001s", 1ms},  {"1.0000001s", 1s}, {"10ms", 10ms},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto parsed = parse_duration(c.text);
        REQUIRE(parsed.ok());
        CHECK(parsed.value() == c.expected);
    }
}

TEST_CASE("bad durations say why and quote the input") {
    const char* bad[] = {"", "5", "s", "5x", "5 s", "-5s", "5sec", "1.s.", "ms", "9999999999999s", "200h",
                         ".s", "5s5"};
    for (const char* text : bad) {
        CAPTURE(text);
        const auto parsed = parse_duration(text);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().find("'" + std::string(text) + "'") != std::string::npos);
    }
    CHECK(parse_duration("5").error().find("missing unit") != std::string::npos);
    // Found by fuzz_duration: a 12-digit count of hours overflowed int64 (UBSan) before the check.
    CHECK(parse_duration("999999999999h").error().find("longer than a week") != std::string::npos);
    CHECK(parse_duration("999999999999ms").error().find("longer than a week") != std::string::npos);
    CHECK(parse_duration("5x").error().find("unknown unit") != std::string::npos);
}

TEST_CASE("formatting elapsed time") {
    CHECK(keel::format_duration(1200us) == "1.2 ms");
    CHECK(keel::format_duration(2s) == "2.0 s");
    CHECK(keel::format_duration(0ns) == "0.0 ms");
}

TEST_CASE("keel sleep's operand: POSIX numbers of seconds, keel durations, infinity") {
    CHECK(keel::parse_sleep_time("5").value() == std::optional<keel::Duration>(5s));
    CHECK(keel::parse_sleep_time("0.5").value() == std::optional<keel::Duration>(500ms));
    CHECK(keel::parse_sleep_time("0").value() == std::optional<keel::Duration>(0ms));
    CHECK(keel::parse_sleep_time("1m30s").value() == std::optional<keel::Duration>(90s));
    CHECK(keel::parse_sleep_time("250ms").value() == std::optional<keel::Duration>(250ms));
    CHECK_FALSE(keel::parse_sleep_time("infinity").value().has_value());
    CHECK_FALSE(keel::parse_sleep_time("inf").value().has_value());
    for (const char* bad : {"", "-1", "5x", "1e3", "8d", "700000", ".", "five"}) {
        CAPTURE(bad);
        auto parsed = keel::parse_sleep_time(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().find(std::string("'") + bad + "'") != std::string::npos);
    }
}
