// non-root and tmp, and the order every check runs in.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "init/preflight/checks.hpp"

namespace keel::init {

CheckResult check_non_root() {
    const uid_t uid = ::geteuid();
    if (uid == 0) {
        return {"non-root", CheckStatus::fail, "PROGRAM would run as root (uid 0)",
                "start keel with -u USER (e.g. -u 10000), or add USER 10000 to the Dockerfile"};
    }
    return {"non-root", CheckStatus::ok, "running as uid " + std::to_string(uid), {}};
}

CheckResult check_tmp() {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
    const std::string fix = "RUN mkdir -m 1777 /tmp in the build stage and COPY --from=build /tmp /tmp, "
                            "or run with --tmpfs /tmp";
    struct stat info {};
    if (::stat(dir.c_str(), &info) != 0) {
        return {"tmp", CheckStatus::fail, dir + ": " + std::strerror(errno), fix};
    }
    if (!S_ISDIR(info.st_mode)) return {"tmp", CheckStatus::fail, dir + ": not a directory", fix};
    // Checked as the user PROGRAM will run as: keel has already dropped privileges.
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return {"tmp", CheckStatus::fail, dir + ": not writable by uid " + std::to_string(::geteuid()), fix};
    }
    return {"tmp", CheckStatus::ok, dir + ": writable", {}};
}

std::vector<CheckResult> run_checks(const Requirements& required, Depth depth) {
    std::vector<CheckResult> results;
    const std::time_t now = std::time(nullptr);
    const bool all = depth == Depth::full;
    if (all || required.ca_certs) results.push_back(check_ca_certs(depth, now));
    if (all || required.tzdata) results.push_back(check_tzdata());
    if (all || required.non_root) results.push_back(check_non_root());
    if (all || required.tmp) results.push_back(check_tmp());
    for (auto& result : results) {
        if (result.status == CheckStatus::fail && !is_required(required, result.name)) result.status = CheckStatus::warn;
    }
    return results;
}

}  // namespace keel::init
