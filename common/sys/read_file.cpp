#include "common/sys/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/sys/io.hpp"
#include "common/sys/unique_fd.hpp"

namespace keel::sys {
namespace {

std::string describe_limit(std::size_t limit) {
    constexpr std::size_t mib = std::size_t{1024} * 1024;
    if (limit % mib == 0) return std::to_string(limit / mib) + " MiB";
    if (limit % 1024 == 0) return std::to_string(limit / 1024) + " KiB";
    return std::to_string(limit) + " bytes";
}

}  // namespace

Result<std::string> read_small_file(const std::string& path, std::size_t limit) {
    // O_NONBLOCK: a FIFO planted at the path must not hang keel.
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) return fail(std::string("cannot open: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return fail(std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISDIR(info.st_mode)) return fail("is a directory, not a file");
    if (!S_ISREG(info.st_mode)) return fail("is not a regular file");
    if (static_cast<std::size_t>(info.st_size) > limit) return fail("larger than " + describe_limit(limit));
    // Sized by the file, not by the limit: zeroing a 1 MiB buffer for a 2 KiB zone file cost more
    // than everything else keel does before starting PROGRAM. One byte more notices a file that
    // grew since fstat; it then grows the buffer, up to limit + 1.
    std::string content;
    content.resize(static_cast<std::size_t>(info.st_size) + 1);
    std::size_t filled = 0;
    for (;;) {
        if (filled == content.size()) {
            if (content.size() > limit) break;
            content.resize(std::min(limit + 1, 2 * content.size()));
        }
        const ssize_t n = read_some(fd.get(), content.data() + filled, content.size() - filled);
        if (n < 0) return fail(std::string("cannot read: ") + std::strerror(errno));
        if (n == 0) break;
        filled += static_cast<std::size_t>(n);
    }
    if (filled > limit) return fail("larger than " + describe_limit(limit));
    content.resize(filled);
    return content;
}

}  // namespace keel::sys
