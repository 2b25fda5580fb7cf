#include <doctest/doctest.h>

#include "common/logging.hpp"

TEST_CASE("text lines: errors read like Unix tools, other levels are named") {
    CHECK(keel::format_text_log_line(keel::LogLevel::error, "/app: not found") == "keel: /app: not found\n");
    CHECK(keel::format_text_log_line(keel::LogLevel::warn, "no /tmp") == "keel: warning: no /tmp\n");
    CHECK(keel::format_text_log_line(keel::LogLevel::debug, "x") == "keel: debug: x\n");
}

TEST_CASE("json lines are valid JSON with an escaped message") {
    const auto epoch_plus = std::chrono::system_clock::time_point{} + std::chrono::milliseconds(1'700'000'000'123);
    CHECK(keel::format_json_log_line(keel::LogLevel::info, epoch_plus, "say \"hi\"\n\x01") ==
          "{\"time\":\"2023-11-14T22:13:20.123Z\",\"level\":\"info\",\"msg\":\"say \\\"hi\\\"\\n\\u0001\"}\n");
    CHECK(keel::json_escape("a\\b\tc") == "a\\\\b\\tc");
}
