#include "common/logging.hpp"

#include <cstdio>
#include <ctime>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>

namespace keel {
namespace {

std::string_view level_word(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::critical:
        case spdlog::level::err: return "error";
        case spdlog::level::warn: return "warning";
        case spdlog::level::info: return "info";
        default: return "debug";
    }
}

template <LogFormat line_format>
class LineFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        const std::string line = line_format == LogFormat::json
                                     ? format_json_log_line(msg.level, msg.time, payload)
                                     : format_text_log_line(msg.level, payload);
        dest.append(line.data(), line.data() + line.size());
    }
    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<LineFormatter>();
    }
};

}  // namespace

std::string format_text_log_line(spdlog::level::level_enum level, std::string_view message) {
    // Errors read like classic Unix tools ("keel: /app: not found"); lesser levels say what they are.
    std::string line = "keel: ";
    if (level < spdlog::level::err) {
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

std::string format_json_log_line(spdlog::level::level_enum level,
                                 std::chrono::system_clock::time_point time, std::string_view message) {
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

void setup_logging(spdlog::level::level_enum level, LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    if (format == LogFormat::json) {
        sink->set_formatter(std::make_unique<LineFormatter<LogFormat::json>>());
    } else {
        sink->set_formatter(std::make_unique<LineFormatter<LogFormat::text>>());
    }
    auto logger = std::make_shared<spdlog::logger>("keel", std::move(sink));
    logger->set_level(level);
    // Errors are rare and must never be lost to buffering before an exit.
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(std::move(logger));
}

}  // namespace keel
