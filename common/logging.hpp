#pragma once
// keel's own diagnostics: one line per event on stderr, as text or JSON.
//
// keel owns its logger instead of going through spdlog's registry (spdlog::info() and friends):
// the registry always builds a pattern_formatter, which with its flag formatters and their fmt
// instantiations costs tens of KB of binary and start-up work that keel never uses.
//
// This header needs only <fmt/core.h>: a call formats through fmt's type-erased vformat, and spdlog
// stays inside logging.cpp. With spdlog's logger in the header, every file that logged compiled
// spdlog and all of fmt again (the dev preset's slowest files; docs/testing.md, "Time").

#include <chrono>
#include <string>
#include <string_view>

#include <fmt/core.h>

namespace keel {

enum class LogLevel { debug, info, warn, error };
enum class LogFormat { text, json };

// Sets the level and line format of keel's logger. Before this runs it logs warnings and errors
// as text.
void setup_logging(LogLevel level, LogFormat format);

// Whether a message of this level is written: the templates below format nothing otherwise.
bool log_enabled(LogLevel level);

// "1.10.0": the spdlog keel was compiled with (keel version --format json).
std::string logging_library_version();

// Writes one formatted message as a whole line to stderr with write(2), unbuffered.
void log_formatted(LogLevel level, fmt::string_view format, fmt::format_args args);

// An info line shown from the default level (warn) down, hidden only by --log-level error: the
// progress of a step the user sits and waits on (keel wait), which is the first thing to read when
// a container does not start.
void log_progress_formatted(fmt::string_view format, fmt::format_args args);

namespace log {
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (log_enabled(LogLevel::debug)) log_formatted(LogLevel::debug, format, fmt::make_format_args(args...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    if (log_enabled(LogLevel::info)) log_formatted(LogLevel::info, format, fmt::make_format_args(args...));
}
template <typename... Args>
void progress(fmt::format_string<Args...> format, Args&&... args) {
    log_progress_formatted(format, fmt::make_format_args(args...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    if (log_enabled(LogLevel::warn)) log_formatted(LogLevel::warn, format, fmt::make_format_args(args...));
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
    if (log_enabled(LogLevel::error)) log_formatted(LogLevel::error, format, fmt::make_format_args(args...));
}
}  // namespace log

// Pure line builders (tested): "keel: warning: msg" / {"time":...,"level":...,"msg":...}.
std::string format_text_log_line(LogLevel level, std::string_view message);
std::string format_json_log_line(LogLevel level, std::chrono::system_clock::time_point time, std::string_view message);
std::string json_escape(std::string_view text);

}  // namespace keel
