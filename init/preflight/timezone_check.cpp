// tzdata: $TZ (or /etc/localtime) names something the C library can load.
#include <sys/stat.h>

#include <array>
#include <cstdlib>

#include "init/preflight/checks.hpp"
#include "common/sys/io.hpp"
#include "init/preflight/timezone_spec.hpp"
#include "init/preflight/tzif.hpp"
#include "common/sys/read_file.hpp"

namespace keel::init {
namespace {

// The largest real zone file is ~3 KB; 256 KiB leaves room and bounds a hostile one.
constexpr std::size_t zone_file_limit = std::size_t{256} * 1024;

// Names every libc and language runtime treats as UTC even when no zone file exists.
constexpr std::array<std::string_view, 13> utc_names = {"UTC", "UCT", "GMT", "GMT0", "Zulu", "Universal",
                                                        "Etc/UTC", "Etc/UCT", "Etc/GMT", "Etc/GMT0",
                                                        "Etc/Zulu", "Etc/Universal", "Greenwich"};

std::vector<std::string> zoneinfo_dirs() {
    std::vector<std::string> dirs;
    if (const char* tzdir = std::getenv("TZDIR"); tzdir != nullptr && *tzdir != '\0') dirs.emplace_back(tzdir);
    for (const char* dir : {"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo"}) dirs.emplace_back(dir);
    return dirs;
}

// Reads and validates one zone file.
CheckResult check_zone_file(const std::string& label, const std::string& path, const std::string& fix) {
    CheckResult result{"tzdata", CheckStatus::fail, {}, fix};
    const auto content = sys::read_small_file(path, zone_file_limit);
    if (!content) {
        result.detail = label + ": " + path + ": " + content.error();
        return result;
    }
    const auto& bytes = content.value();
    const auto summary = validate_tzif({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
    if (!summary) {
        result.detail = label + ": " + path + " is not a valid zone file: " + summary.error();
        return result;
    }
    result.status = CheckStatus::ok;
    result.fix.clear();
    result.detail = label + " -> " + path + " (TZif v" + std::to_string(summary.value().version) + ", " +
                    std::to_string(summary.value().transitions) + " transitions)";
    return result;
}

CheckResult check_zone_name(const std::string& name) {
    const std::string label = "TZ=" + name;
    const std::string fix = "COPY --from=build /usr/share/zoneinfo/" + name + " /usr/share/zoneinfo/" + name +
                            " (or all of /usr/share/zoneinfo)";
    std::string looked;
    for (const auto& dir : zoneinfo_dirs()) {
        std::string path = dir;
        path += '/';
        path += name;
        if (sys::path_exists(path)) return check_zone_file(label, path, fix);
        looked += (looked.empty() ? "" : ", ") + dir;
    }
    for (const auto utc : utc_names) {
        if (name == utc) return {"tzdata", CheckStatus::ok, label + ": UTC (needs no zone file)", {}};
    }
    return {"tzdata", CheckStatus::fail, label + ": no zone file (looked in " + looked + ")", fix};
}

}  // namespace

CheckResult check_tzdata() {
    const char* tz = std::getenv("TZ");
    if (tz == nullptr) {
        if (!sys::path_exists("/etc/localtime")) return {"tzdata", CheckStatus::ok, "TZ unset and no /etc/localtime: UTC", {}};
        return check_zone_file("TZ unset", "/etc/localtime",
                               "COPY --from=build /usr/share/zoneinfo/<Zone> /etc/localtime (or set TZ=UTC0)");
    }
    const auto spec = classify_tz(tz);
    if (!spec) return {"tzdata", CheckStatus::fail, spec.error(), "set TZ to a zone name like Europe/Paris or a rule like UTC0"};
    switch (spec.value().kind) {
        case TzKind::posix_rule:
            return {"tzdata", CheckStatus::ok, "TZ=" + spec.value().value + ": POSIX rule (needs no zone file)", {}};
        case TzKind::absolute_path:
            return check_zone_file("TZ=" + std::string(tz), spec.value().value,
                                   "COPY the zone file to " + spec.value().value);
        case TzKind::zone_name:
            break;
    }
    return check_zone_name(spec.value().value);
}

}  // namespace keel::init
