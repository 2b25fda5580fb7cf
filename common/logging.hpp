#pragma once
// keel's own diagnostics: one line per event on stderr, as text or JSON.
//
// keel owns its logger instead of going through spdlog's registry (spdlog::info() and friends):
// the registry always builds a pattern_formatter, which with its flag formatters and their fmt
// instantiations costs tens of KB of binary and start-up work that keel never uses.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/logger.h>

namespace keel {

enum class LogFormat { text, json };

// Sets the level and line format of keel's logger. Before this runs it logs warnings and errors
// as text. Level names: error, warn, info, debug.
void setup_logging(spdlog::level::level_enum level, LogFormat format);

// The process's one logger, writing whole lines to stderr with write(2), unbuffered.
spdlog::logger& logger();

namespace log {
template <typename... Args>
void debug(spdlog::format_string_t<Args...> format, Args&&... args) {
    logger().debug(format, std::forward<Args>(args)...);
}
template <typename... Args>
void info(spdlog::format_string_t<Args...> format, Args&&... args) {
    logger().info(format, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(spdlog::format_string_t<Args...> format, Args&&... args) {
    logger().warn(format, std::forward<Args>(args)...);
}
template <typename... Args>
void error(spdlog::format_string_t<Args...> format, Args&&... args) {
    logger().error(format, std::forward<Args>(args)...);
}
}  // namespace log

// Pure line builders (tested): "keel: warning: msg" / {"time":...,"level":...,"msg":...}.
std::string format_text_log_line(spdlog::level::level_enum level, std::string_view message);
std::string format_json_log_line(spdlog::level::level_enum level,
                                 std::chrono::system_clock::time_point time, std::string_view message);
std::string json_escape(std::string_view text);

}  // namespace keel
