#pragma once
// keel's own diagnostics: one line per event on stderr, as text or JSON.

#include <chrono>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace keel {

enum class LogFormat { text, json };

// Installs the stderr logger. Level names: error, warn, info, debug.
void setup_logging(spdlog::level::level_enum level, LogFormat format);

// Pure line builders (tested): "keel: warning: msg" / {"time":...,"level":...,"msg":...}.
std::string format_text_log_line(spdlog::level::level_enum level, std::string_view message);
std::string format_json_log_line(spdlog::level::level_enum level,
                                 std::chrono::system_clock::time_point time, std::string_view message);
std::string json_escape(std::string_view text);

}  // namespace keel
