#include "init/preflight/program_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "init/preflight/executable_format.hpp"
#include "init/sys/unique_fd.hpp"

namespace keel::init {
namespace {

// Headers and PT_INTERP of ordinary executables fit in the first page; only a file whose
// headers reach further is read again, up to executable_head_size.
constexpr std::size_t first_read_size = 4096;

// The first `size` bytes of path (fewer for a small file); empty if unreadable.
std::vector<unsigned char> read_head(const std::string& path, std::size_t size) {
    std::vector<unsigned char> head;
    const sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd.valid()) return head;
    head.resize(size);
    std::size_t filled = 0;
    while (filled < head.size()) {
        const ssize_t n = ::read(fd.get(), head.data() + filled, head.size() - filled);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        filled += static_cast<std::size_t>(n);
    }
    head.resize(filled);
    return head;
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

}  // namespace

std::optional<ProgramLookupFailure> check_program_interpreter(const std::string& path) {
    auto head = read_head(path, first_read_size);
    auto format = inspect_executable(head);
    if (!format.ok() && head.size() == first_read_size) format = inspect_executable(read_head(path, executable_head_size));
    if (!format.ok() || format.value().interpreter.empty() || exists(format.value().interpreter)) {
        return std::nullopt;  // malformed files are left for the kernel to refuse
    }
    const auto& interpreter = format.value().interpreter;
    if (format.value().kind == ExecutableKind::dynamic_elf) {
        return ProgramLookupFailure{
            126, path + ": cannot run: it is dynamically linked and its ELF interpreter " + interpreter +
                     " is not in this image (link it statically, or use a base image with its libc)"};
    }
    return ProgramLookupFailure{126, path + ": cannot run: its #! interpreter " + interpreter + " is not in this image"};
}

ProgramLookupFailure explain_exec_failure(const std::string& path, int error) {
    if (error == ENOENT) {
        if (auto missing = check_program_interpreter(path)) return *missing;
        return {127, path + ": not found"};
    }
    if (error == EACCES) return {126, path + ": permission denied"};
    if (error == ENOEXEC) return {126, path + ": not an executable format this system can run"};
    return {126, path + ": exec failed: " + std::strerror(error)};
}

}  // namespace keel::init
