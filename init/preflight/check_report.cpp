// Pure parts of the checks: the --require list and the report formats.
#include <cstdio>

#include "common/logging.hpp"
#include "init/preflight/checks.hpp"

namespace keel::init {
namespace {

const char* status_word(CheckStatus status) {
    switch (status) {
        case CheckStatus::ok: return "ok";
        case CheckStatus::warn: return "warn";
        case CheckStatus::fail: return "fail";
    }
    return "fail";
}

}  // namespace

Result<Requirements> parse_requirements(std::string_view list) {
    Requirements required;
    if (list == "none") return required;
    const auto bad = [&](std::string_view why) {
        return fail("invalid requirement list '" + std::string(list) + "': " + std::string(why) +
                    " (choose from ca-certs, tzdata, non-root, tmp; or none)");
    };
    if (list.empty()) return bad("empty");
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string_view name = list.substr(start, comma - start);
        if (name == "ca-certs") required.ca_certs = true;
        else if (name == "tzdata") required.tzdata = true;
        else if (name == "non-root") required.non_root = true;
        else if (name == "tmp") required.tmp = true;
        else if (name == "none") return bad("'none' cannot be combined");
        else return bad("unknown '" + std::string(name) + "'");
        start = comma + 1;
    }
    return required;
}

bool is_required(const Requirements& required, std::string_view name) {
    return (name == "ca-certs" && required.ca_certs) || (name == "tzdata" && required.tzdata) ||
           (name == "non-root" && required.non_root) || (name == "tmp" && required.tmp);
}

std::string describe_failure(const CheckResult& result) {
    std::string line = result.name + ": " + result.detail;
    if (!result.fix.empty()) line += "; fix: " + result.fix;
    return line;
}

std::string format_check_text(const std::vector<CheckResult>& results) {
    std::string text;
    for (const auto& result : results) {
        char head[32];
        std::snprintf(head, sizeof head, "%-5s %-9s ", status_word(result.status), result.name.c_str());
        text += head + result.detail;
        if (result.status != CheckStatus::ok && !result.fix.empty()) text += "; fix: " + result.fix;
        text += '\n';
    }
    return text;
}

std::string format_check_json(const std::vector<CheckResult>& results, const Requirements& required) {
    bool ok = true;
    std::string checks;
    for (const auto& result : results) {
        const bool needed = is_required(required, result.name);
        if (needed && result.status == CheckStatus::fail) ok = false;
        checks += checks.empty() ? "" : ",";
        checks += R"({"name":")" + json_escape(result.name) + R"(","status":")" + status_word(result.status) +
                  R"(","required":)" + (needed ? "true" : "false") + R"(,"detail":")" + json_escape(result.detail) +
                  R"(","fix":")" + json_escape(result.fix) + "\"}";
    }
    return std::string(R"({"ok":)") + (ok ? "true" : "false") + R"(,"checks":[)" + checks + "]}\n";
}

}  // namespace keel::init
