// The syscall edge of --file-env: read each selected file, then rewrite keel's own environment,
// which PROGRAM inherits (init/spawn.cpp passes environ to execve).
#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "common/logging.hpp"
#include "common/sys/read_file.hpp"
#include "init/lifecycle/file_env.hpp"

extern char** environ;

namespace keel::init {
namespace {

// A path is shown only when it is absolute: a value put in NAME_FILE by mistake (the secret
// instead of its file's name) must not reach the log either.
std::string shown_path(const std::string& path) {
    return path.starts_with('/') ? path : "(not an absolute path: not shown)";
}

}  // namespace

Result<std::size_t> apply_file_env(std::span<const FileEnvPattern> patterns) {
    std::vector<std::string_view> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
    auto selected = select_file_env(patterns, environment);
    if (!selected) return fail("--file-env: " + selected.error());
    // Every file first, the environment after: one bad file changes nothing.
    std::vector<std::string> values;
    for (const FileEnvEntry& entry : selected.value()) {
        auto contents = sys::read_small_file(entry.path, max_file_env_size);
        auto value = contents ? file_env_value(entry.name, std::move(contents).value()) : Result<std::string>(fail(contents.error()));
        if (!value) return fail("--file-env: " + entry.name + "_FILE=" + shown_path(entry.path) + ": " + value.error());
        values.push_back(std::move(value).value());
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const FileEnvEntry& entry = selected.value()[i];
        const std::string file_variable = entry.name + "_FILE";
        if (::setenv(entry.name.c_str(), values[i].c_str(), 1) != 0 || ::unsetenv(file_variable.c_str()) != 0) {
            return fail("--file-env: setting " + entry.name + " failed: out of memory");
        }
        // The name and the file only: never the value, at any level.
        log::debug("--file-env: {} set from {} ({} bytes); {} removed", entry.name, shown_path(entry.path),
                   values[i].size(), file_variable);
        std::fill(values[i].begin(), values[i].end(), '\0');  // the environment holds the one copy kept
    }
    return values.size();
}

}  // namespace keel::init
