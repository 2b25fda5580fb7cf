#include "common/logging.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <memory>

#include <spdlog/logger.h>
#include <spdlog/version.h>
#include <spdlog/sinks/sink.h>

#include "common/sys/io.hpp"

namespace keel {
namespace {

std::string_view level_word(LogLevel level) {
    switch (level) {
        case LogLevel::error: return "error";
        case LogLevel::warn: return "warning";
        case LogLevel::info: return "info";
        case LogLevel::debug: break;
    }
    return "debug";
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
    switch (level) {
        case LogLevel::error: return spdlog::level::err;
        case LogLevel::warn: return spdlog::level::warn;
        case LogLevel::info: return spdlog::level::info;
        case LogLevel::debug: break;
    }
    return spdlog::level::debug;
}

LogLevel from_spdlog(spdlog::level::level_enum level) {
    if (level >= spdlog::level::err) return LogLevel::error;
    if (level == spdlog::level::warn) return LogLevel::warn;
    if (level == spdlog::level::info) return LogLevel::info;
    return LogLevel::debug;
}

// Formats each message as one keel line and writes it to stderr in a single write(2): no stdio
// buffer to lose on _exit, and lines from keel and the app it supervises never interleave
// mid-line.
class StderrLineSink final : public spdlog::sinks::sink {
public:
    void use_format(LogFormat format) { format_ = format; }

    void log(const spdlog::details::log_msg& msg) override {
        write_line(from_spdlog(msg.level), msg.time, std::string_view(msg.payload.data(), msg.payload.size()));
    }
    void write_line(LogLevel level, std::chrono::system_clock::time_point time, std::string_view payload) const {
        const std::string line = format_ == LogFormat::json ? format_json_log_line(level, time, payload)
                                                            : format_text_log_line(level, payload);
        write_to_stderr(line);
    }
    void flush() override {}
    // keel formats lines itself (use_format); spdlog patterns are never set on this sink.
    void set_pattern(const std::string& /*pattern*/) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter> /*formatter*/) override {}

private:
    static void write_to_stderr(const std::string& line) {
        // A failure means stderr is gone: nowhere left to report that.
        (void)sys::write_all(STDERR_FILENO, line);
    }

    LogFormat format_ = LogFormat::text;
};

struct Logging {
    Logging() { logger.set_level(spdlog::level::warn); }
    std::shared_ptr<StderrLineSink> sink = std::make_shared<StderrLineSink>();
    spdlog::logger logger{"keel", sink};
};

Logging& logging() {
    static Logging instance;
    return instance;
}

}  // namespace

std::string format_text_log_line(LogLevel level, std::string_view message) {
    // Errors read like classic Unix tools ("keel: /app: not found"); lesser levels say what they are.
    std::string line = "keel: ";
    if (level != LogLevel::error) {
        line += level_word(level);
        line += ": ";
    }
    line += message;
    line += '\n';
    return line;
}

std::string json_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    return out;
}

std::string format_json_log_line(LogLevel level, std::chrono::system_clock::time_point time, std::string_view message) {
    const auto since_epoch = time.time_since_epoch();
    const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    std::string line = R"({"time":")";
    line += stamp;
    line += R"(","level":")";
    line += level_word(level);
    line += R"(","msg":")";
    line += json_escape(message);
    line += "\"}\n";
    return line;
}

void setup_logging(LogLevel level, LogFormat format) {
    logging().sink->use_format(format);
    logging().logger.set_level(to_spdlog(level));
}

bool log_enabled(LogLevel level) { return logging().logger.should_log(to_spdlog(level)); }

void log_progress_formatted(fmt::string_view format, fmt::format_args args) {
    if (!log_enabled(LogLevel::warn)) return;
    logging().sink->write_line(LogLevel::info, std::chrono::system_clock::now(), fmt::vformat(format, args));
}

std::string logging_library_version() {
    return std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) + "." +
           std::to_string(SPDLOG_VER_PATCH);
}

void log_formatted(LogLevel level, fmt::string_view format, fmt::format_args args) {
    fmt::memory_buffer message;
    fmt::vformat_to(std::back_inserter(message), format, args);
    logging().logger.log(to_spdlog(level), spdlog::string_view_t(message.data(), message.size()));
}

}  // namespace keel
