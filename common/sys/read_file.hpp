#pragma once
// Reads a whole small file with a hard size limit: files from the image are not trusted, and a
// 10 MB /etc/passwd or a 100 MB "CA bundle" must fail cleanly instead of filling memory.

#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace keel::sys {

// Errors: "cannot open: No such file or directory", "is a directory", "larger than 1 MiB".
// (Messages do not repeat the path: callers prefix it.)
Result<std::string> read_small_file(const std::string& path, std::size_t limit);

}  // namespace keel::sys
