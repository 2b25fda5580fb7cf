#pragma once
// The image checks keel runs before starting PROGRAM (--require) and reports with `keel check`.

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::init {

enum class CheckStatus { ok, warn, fail };

struct CheckResult {
    std::string name;    // "ca-certs", "tzdata", "non-root", "tmp"
    CheckStatus status = CheckStatus::ok;
    std::string detail;  // what was found or missing, and where keel looked
    std::string fix;     // the Dockerfile line (or run option) that fixes a failure
};

struct Requirements {
    bool ca_certs = false;
    bool tzdata = false;
    bool non_root = false;
    bool tmp = false;
};

inline constexpr std::string_view default_requirements = "ca-certs,tzdata";

// "ca-certs,tzdata", "non-root", "none" (nothing). Unknown names are an error listing the valid ones.
Result<Requirements> parse_requirements(std::string_view list);

// quick: what keel needs at start (stop at the first valid certificate). full: `keel check`
// (every certificate counted).
enum class Depth { quick, full };

CheckResult check_ca_certs(Depth depth, std::time_t now);
CheckResult check_tzdata();
CheckResult check_non_root();
CheckResult check_tmp();

// Every required check, in a fixed order (quick), or every check with non-required failures
// downgraded to warn (full).
std::vector<CheckResult> run_checks(const Requirements& required, Depth depth);

bool is_required(const Requirements& required, std::string_view name);

// "keel: ca-certs: ... ; fix: COPY ..." style line for the supervisor (without "keel: ").
std::string describe_failure(const CheckResult& result);
// `keel check` output.
std::string format_check_text(const std::vector<CheckResult>& results);
std::string format_check_json(const std::vector<CheckResult>& results, const Requirements& required);

}  // namespace keel::init
