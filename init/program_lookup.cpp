#include "init/program_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace keel::init {
namespace {

ProgramLookupFailure not_runnable(const std::string& path, FileState state) {
    return {126, path + (state == FileState::directory ? ": is a directory" : ": permission denied (not executable)")};
}

}  // namespace

ProgramLocation locate_program(std::string_view program, const char* path_env,
                               const std::function<FileState(const std::string&)>& probe) {
    ProgramLocation location;
    if (program.empty()) {
        location.failure = {127, "empty PROGRAM name"};
        return location;
    }
    if (program.find('/') != std::string_view::npos) {
        const std::string path(program);
        const FileState state = probe(path);
        if (state == FileState::executable) {
            location.path = path;
        } else if (state == FileState::missing) {
            location.failure = {127, path + ": not found"};
        } else {
            location.failure = not_runnable(path, state);
        }
        return location;
    }
    const std::string_view search = path_env != nullptr ? std::string_view(path_env) : default_search_path;
    std::string first_unrunnable;
    FileState unrunnable_state = FileState::missing;
    std::size_t start = 0;
    while (start <= search.size()) {
        std::size_t end = search.find(':', start);
        if (end == std::string_view::npos) end = search.size();
        // An empty PATH element means the current directory, as in execvp.
        const std::string_view dir = end == start ? std::string_view(".") : search.substr(start, end - start);
        const std::string candidate = std::string(dir) + "/" + std::string(program);
        const FileState state = probe(candidate);
        if (state == FileState::executable) {
            location.path = candidate;
            return location;
        }
        if (state != FileState::missing && first_unrunnable.empty()) {
            first_unrunnable = candidate;
            unrunnable_state = state;
        }
        start = end + 1;
    }
    if (!first_unrunnable.empty()) {
        location.failure = not_runnable(first_unrunnable, unrunnable_state);
    } else {
        location.failure = {127, std::string(program) + ": not found (searched PATH=" + std::string(search) + ")"};
    }
    return location;
}

FileState probe_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return FileState::missing;
    if (S_ISDIR(info.st_mode)) return FileState::directory;
    return ::access(path.c_str(), X_OK) == 0 ? FileState::executable : FileState::not_executable;
}

}  // namespace keel::init
