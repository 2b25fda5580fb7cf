#pragma once
// Finds PROGRAM the way execvp does (PATH search when it has no '/'), before forking, so keel can
// say exactly what it searched and choose 127 (not found) or 126 (not executable).

#include <functional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace keel::init {

// execvp's default when PATH is unset (musl's value).
inline constexpr std::string_view default_search_path = "/usr/local/bin:/bin:/usr/bin";

enum class FileState { missing, not_executable, directory, executable };

struct ProgramLookupFailure {
    int exit_code;        // 127 not found, 126 found but not runnable
    std::string message;  // "/app: not found (searched PATH=...)"
};

struct ProgramLocation {
    std::string path;                    // set on success
    ProgramLookupFailure failure{0, {}};  // exit_code != 0 on failure
    [[nodiscard]] bool found() const { return failure.exit_code == 0; }
};

// `probe` tells the state of one path (the real one uses stat + access(X_OK)).
// `path_env` is $PATH, or nullptr when unset.
ProgramLocation locate_program(std::string_view program, const char* path_env,
                               const std::function<FileState(const std::string&)>& probe);

// The real probe.
FileState probe_file(const std::string& path);

}  // namespace keel::init
