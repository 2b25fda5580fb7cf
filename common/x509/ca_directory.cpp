#include "common/x509/ca_directory.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/text.hpp"

namespace keel::x509 {

bool is_certificate_file_name(std::string_view name) {
    // A name that is only ".pem" is no certificate file.
    if (name.size() > 4 && (name.ends_with(".pem") || name.ends_with(".crt"))) return true;
    // OpenSSL's hashed names: 8 hex digits, '.', a number ("5ad8a5d6.0").
    return name.size() >= 10 && name[8] == '.' &&
           std::all_of(name.begin(), name.begin() + 8, [](char c) { return is_ascii_hex_digit(c); }) &&
           std::all_of(name.begin() + 9, name.end(), [](char c) { return is_ascii_digit(c); });
}

CaDirectory list_ca_directory(const std::string& dir) {
    CaDirectory listing;
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
        listing.error = dir + ": cannot open directory: " + std::strerror(errno);
        return listing;
    }
    std::size_t seen = 0;
    for (;;) {
        errno = 0;  // readdir returns null both at the end and on an error; only errno tells them apart
        const dirent* entry = ::readdir(handle);
        if (entry == nullptr) {
            if (errno != 0) listing.error = dir + ": cannot read directory: " + std::strerror(errno);
            break;
        }
        const std::string_view name = entry->d_name;
        if (name == "." || name == "..") continue;
        if (++seen > max_ca_dir_entries) {
            listing.error = dir + ": more than " + std::to_string(max_ca_dir_entries) +
                            " entries (keel reads no further: a CA directory holds a few hundred)";
            break;
        }
        if (is_certificate_file_name(name)) listing.files.push_back(dir + "/" + std::string(name));
    }
    ::closedir(handle);
    if (!listing.error.empty()) listing.files.clear();
    return listing;
}

}  // namespace keel::x509
