// The non-root and tmp checks.
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

}  // namespace keel::init
