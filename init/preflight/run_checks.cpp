// Which checks run, and in which order: the one place that decides it, for the supervisor's
// start (quick, required ones only) and for `keel check` (full, every one).
#include <ctime>

#include "init/preflight/checks.hpp"

namespace keel::init {

std::vector<CheckResult> run_checks(const Requirements& required, Depth depth) {
    std::vector<CheckResult> results;
    const bool all = depth == Depth::full;
    // The clock only for the CA check: its first read maps the vDSO's data and code pages (two
    // page faults), which `--require none` does not need to pay.
    if (all || required.ca_certs) results.push_back(check_ca_certs(depth, std::time(nullptr)));
    if (all || required.tzdata) results.push_back(check_tzdata());
    if (all || required.non_root) results.push_back(check_non_root());
    if (all || required.tmp) results.push_back(check_tmp());
    for (auto& result : results) {
        if (result.status == CheckStatus::fail && !is_required(required, result.name)) result.status = CheckStatus::warn;
    }
    return results;
}

}  // namespace keel::init
