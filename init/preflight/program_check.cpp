#include "init/preflight/program_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/sys/io.hpp"
#include "init/preflight/executable_format.hpp"
#include "common/sys/unique_fd.hpp"

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
    const ssize_t filled = sys::read_full(fd.get(), head.data(), head.size());
    head.resize(filled > 0 ? static_cast<std::size_t>(filled) : 0);
    return head;
}

}  // namespace

std::optional<ProgramLookupFailure> check_program_interpreter(const std::string& path) {
    auto head = read_head(path, first_read_size);
    auto format = inspect_executable(head);
    if (!format.ok() && head.size() == first_read_size) format = inspect_executable(read_head(path, executable_head_size));
    if (!format.ok() || format.value().interpreter.empty() || sys::path_exists(format.value().interpreter)) {
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
