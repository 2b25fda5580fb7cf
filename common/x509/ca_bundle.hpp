#pragma once
// Where the image's CA certificates are, found the way OpenSSL and the common language runtimes
// look: $SSL_CERT_FILE, then $SSL_CERT_DIR, then the well-known bundle paths of the major
// distributions. Shared by the preflight check (issue: preflight) and the TLS probe.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace keel::x509 {

struct CaLocation {
    std::string file;  // a PEM bundle, or empty
    std::string dir;   // a directory of PEM files (hashed or *.pem/*.crt), or empty
    std::string how;   // "SSL_CERT_FILE", "SSL_CERT_DIR" or "well-known path"
};

// The well-known bundle paths, in search order (Debian/Ubuntu/Alpine first: the seeds' images).
const std::vector<std::string>& well_known_ca_bundles();

// Every place the search looks, in order, for the "no CA certificates found" messages of the
// preflight and the probe: "SSL_CERT_FILE, SSL_CERT_DIR, /etc/ssl/certs/ca-certificates.crt, ...".
std::string ca_search_places();

// A CA bundle larger than this is refused unread, by the preflight and by the probe alike: an
// image file is not trusted, and Debian's whole bundle is about 200 KiB.
inline constexpr std::size_t max_ca_bundle_size = std::size_t{8} * 1024 * 1024;

// Pure search: `getenv` and `is_readable_file` / `is_dir` are injected for tests.
std::optional<CaLocation> find_ca_location(const std::function<const char*(const char*)>& getenv,
                                           const std::function<bool(const std::string&)>& is_readable_file,
                                           const std::function<bool(const std::string&)>& is_dir);

// The real one (process environment and filesystem).
std::optional<CaLocation> find_ca_location();

}  // namespace keel::x509
