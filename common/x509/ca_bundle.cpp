#include "common/x509/ca_bundle.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "common/sys/io.hpp"

namespace keel::x509 {

const std::vector<std::string>& well_known_ca_bundles() {
    static const std::vector<std::string> paths = {
        "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Alpine, Gentoo
        "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL
        "/etc/ssl/ca-bundle.pem",                             // openSUSE
        "/etc/pki/tls/cacert.pem",                            // OpenELEC
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7
        "/etc/ssl/cert.pem",                                  // Alpine (LibreSSL), macOS-style images
    };
    return paths;
}

std::string ca_search_places() {
    std::string places = "SSL_CERT_FILE, SSL_CERT_DIR";
    for (const auto& path : well_known_ca_bundles()) places += ", " + path;
    return places + ", /etc/ssl/certs/";
}

std::optional<CaLocation> find_ca_location(const std::function<const char*(const char*)>& getenv,
                                           const std::function<bool(const std::string&)>& is_readable_file,
                                           const std::function<bool(const std::string&)>& is_dir) {
    // An explicit variable is the user's choice: honour it even when it points nowhere, so the
    // caller reports that path instead of silently using another bundle.
    if (const char* file = getenv("SSL_CERT_FILE"); file != nullptr && *file != '\0') {
        return CaLocation{file, {}, "SSL_CERT_FILE"};
    }
    if (const char* dir = getenv("SSL_CERT_DIR"); dir != nullptr && *dir != '\0') {
        return CaLocation{{}, dir, "SSL_CERT_DIR"};
    }
    for (const auto& path : well_known_ca_bundles()) {
        if (is_readable_file(path)) return CaLocation{path, {}, "well-known path"};
    }
    if (is_dir("/etc/ssl/certs")) return CaLocation{{}, "/etc/ssl/certs", "well-known path"};
    return std::nullopt;
}

std::optional<CaLocation> find_ca_location() {
    return find_ca_location(
        [](const char* name) { return std::getenv(name); },
        [](const std::string& path) {
            struct stat info {};
            return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), R_OK) == 0;
        },
        [](const std::string& path) { return sys::is_directory(path); });
}

}  // namespace keel::x509
