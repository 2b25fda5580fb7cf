// ca-certs: a readable bundle with at least one certificate that parses and is valid now.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "common/x509/ca_bundle.hpp"
#include "common/x509/ca_directory.hpp"
#include "common/sys/io.hpp"
#include "common/x509/certificates.hpp"
#include "init/preflight/checks.hpp"
#include "common/sys/unique_fd.hpp"

namespace keel::init {
namespace {

// Small: the first certificate of a bundle is a couple of KiB, and a large chunk costs a
// large allocation (mmap + munmap) at every start.
constexpr std::size_t chunk_size = std::size_t{8} * 1024;
constexpr const char* fix_line = "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/";

struct BundleStats {
    std::size_t certificates = 0, valid = 0, expired = 0, not_yet_valid = 0, unparseable = 0;
    std::int64_t earliest_expiry = std::numeric_limits<std::int64_t>::max();
    std::string error;  // the file could not be read as a whole
};

void count_certificate(std::string_view base64, std::time_t now, BundleStats& stats) {
    ++stats.certificates;
    const auto der = x509::decode_base64(base64);
    const auto validity = der ? x509::parse_certificate_validity(*der) : Result<x509::CertificateValidity>(fail("base64"));
    if (!validity) {
        ++stats.unparseable;
        return;
    }
    if (validity.value().not_after < now) {
        ++stats.expired;
    } else if (validity.value().not_before > now) {
        ++stats.not_yet_valid;
    } else {
        ++stats.valid;
        stats.earliest_expiry = std::min(stats.earliest_expiry, validity.value().not_after);
    }
}

// Reads `path` chunk by chunk, counting certificates; quick depth stops at the first valid one,
// so the start-up check reads a few KiB of a bundle, never the whole of a huge file.
void scan_bundle(const std::string& path, Depth depth, std::time_t now, BundleStats& stats) {
    const sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    struct stat info {};
    if (!fd.valid() || ::fstat(fd.get(), &info) != 0) {
        stats.error = path + ": cannot open: " + std::strerror(errno);
        return;
    }
    if (!S_ISREG(info.st_mode)) {
        stats.error = path + (S_ISDIR(info.st_mode) ? ": is a directory, not a bundle file" : ": not a regular file");
        return;
    }
    x509::PemStream stream;
    std::size_t total = 0;
    char chunk[chunk_size];
    for (;;) {
        const ssize_t n = sys::read_some(fd.get(), chunk, sizeof chunk);
        if (n < 0) {
            stats.error = path + ": cannot read: " + std::strerror(errno);
            return;
        }
        total += static_cast<std::size_t>(n);
        if (total > x509::max_ca_bundle_size) {
            stats.error = path + ": larger than " + std::to_string(x509::max_ca_bundle_size >> 20) + " MiB, not a CA bundle";
            return;
        }
        // Certificates wholly inside this chunk are read from it in place: the start-up check finds
        // its one valid certificate in the first chunk without copying 8 KiB (a byte-wise memcpy in
        // the static build's runtime). Only an unfinished tail is carried over.
        stream.feed(std::string_view(chunk, static_cast<std::size_t>(n)));
        while (const auto block = stream.next()) {
            count_certificate(*block, now, stats);
            if (depth == Depth::quick && stats.valid > 0) return;
        }
        if (n == 0) return;
    }
}

void scan_directory(const std::string& dir, Depth depth, std::time_t now, BundleStats& stats) {
    const x509::CaDirectory listing = x509::list_ca_directory(dir);
    if (!listing.error.empty()) {
        stats.error = listing.error;
        return;
    }
    for (const std::string& path : listing.files) {
        BundleStats file;
        scan_bundle(path, depth, now, file);
        stats.certificates += file.certificates;
        stats.valid += file.valid;
        stats.expired += file.expired;
        stats.not_yet_valid += file.not_yet_valid;
        stats.unparseable += file.unparseable;
        stats.earliest_expiry = std::min(stats.earliest_expiry, file.earliest_expiry);
        if (depth == Depth::quick && stats.valid > 0) break;
    }
}

}  // namespace

CheckResult check_ca_certs(Depth depth, std::time_t now) {
    CheckResult result{"ca-certs", CheckStatus::fail, {}, fix_line};
    const auto location = x509::find_ca_location();
    if (!location) {
        result.detail = "no CA certificates found (looked at " + x509::ca_search_places() + ")";
        return result;
    }
    const std::string& where = location->file.empty() ? location->dir : location->file;
    BundleStats stats;
    if (location->file.empty()) {
        scan_directory(location->dir, depth, now, stats);
    } else {
        scan_bundle(location->file, depth, now, stats);
    }
    if (!stats.error.empty()) {
        result.detail = stats.error + " (from " + location->how + ")";
        return result;
    }
    if (stats.valid == 0) {
        result.detail = where + " (" + location->how + "): no valid certificate (" + std::to_string(stats.certificates) +
                        " found, " + std::to_string(stats.expired) + " expired, " +
                        std::to_string(stats.unparseable) + " unparseable)";
        return result;
    }
    result.status = CheckStatus::ok;
    result.fix.clear();
    if (depth == Depth::quick) {
        result.detail = where + " (" + location->how + "): has a valid certificate";
    } else {
        result.detail = where + " (" + location->how + "): " + std::to_string(stats.certificates) + " certificates, " +
                        std::to_string(stats.expired) + " expired, " + std::to_string(stats.not_yet_valid) +
                        " not yet valid, " + std::to_string(stats.unparseable) + " unparseable; earliest expiry " +
                        x509::format_date(stats.earliest_expiry);
    }
    return result;
}

}  // namespace keel::init
