#pragma once
// The certificate files of a CA directory ($SSL_CERT_DIR, /etc/ssl/certs): OpenSSL's hashed names
// ("5ad8a5d6.0", what c_rehash writes) and plain *.pem / *.crt files (what a mounted secret or a
// hand-made image holds). One listing for `keel check` and the probe, so both trust the same files.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keel::x509 {

// A directory with more entries than this (besides "." and "..") is refused as a whole, never read
// in part: an image's file is not trusted to be small, and trusting only the first part of a
// directory would fail some servers for no visible reason. Debian's /etc/ssl/certs holds ~300.
inline constexpr std::size_t max_ca_dir_entries = 10000;

// Pure: whether a directory entry's name is one of the two kinds above.
bool is_certificate_file_name(std::string_view name);

struct CaDirectory {
    std::vector<std::string> files;  // full paths, in directory order
    std::string error;  // "DIR: cannot open directory: ...", "DIR: more than 10000 entries ...": no files then
};

CaDirectory list_ca_directory(const std::string& dir);

}  // namespace keel::x509
