#include <doctest/doctest.h>

#include <map>

#include "init/program_lookup.hpp"

using namespace keel::init;

namespace {
struct FakeFs {
    std::map<std::string, FileState> files;
    std::vector<std::string> probed;
    FileState operator()(const std::string& path) {
        probed.push_back(path);
        auto it = files.find(path);
        return it == files.end() ? FileState::missing : it->second;
    }
};
}  // namespace

TEST_CASE("PATH search like execvp") {
    FakeFs fs;
    fs.files = {{"/usr/bin/app", FileState::executable}, {"/bin/app", FileState::executable},
                {"/opt/noexec", FileState::not_executable}, {"/bin/noexec", FileState::executable},
                {"/dir", FileState::directory}, {"./local", FileState::executable}};
    auto probe = [&](const std::string& p) { return fs(p); };

    CHECK(locate_program("app", "/usr/bin:/bin", probe).path == "/usr/bin/app");
    CHECK(locate_program("app", "/nowhere:/bin", probe).path == "/bin/app");
    // A non-executable match is skipped when a later one runs (as execvp does)...
    CHECK(locate_program("noexec", "/opt:/bin", probe).path == "/bin/noexec");
    // ...and reported as 126 when nothing runs.
    auto denied = locate_program("noexec", "/opt", probe);
    CHECK(denied.failure.exit_code == 126);
    CHECK(denied.failure.message == "/opt/noexec: permission denied (not executable)");

    auto missing = locate_program("ghost", "/a:/b", probe);
    CHECK(missing.failure.exit_code == 127);
    CHECK(missing.failure.message == "ghost: not found (searched PATH=/a:/b)");

    fs.probed.clear();
    auto unset = locate_program("ghost", nullptr, probe);
    CHECK(unset.failure.message == "ghost: not found (searched PATH=/usr/local/bin:/bin:/usr/bin)");
    CHECK(fs.probed == std::vector<std::string>{"/usr/local/bin/ghost", "/bin/ghost", "/usr/bin/ghost"});

    CHECK(locate_program("local", ":/bin", probe).path == "./local");  // empty element = cwd
}

TEST_CASE("paths with a slash are not searched") {
    FakeFs fs;
    fs.files = {{"/usr/bin/app", FileState::executable}, {"/dir", FileState::directory}};
    auto probe = [&](const std::string& p) { return fs(p); };
    CHECK(locate_program("/usr/bin/app", "/x", probe).path == "/usr/bin/app");
    CHECK(locate_program("/nope/app", "/usr/bin", probe).failure.exit_code == 127);
    CHECK(locate_program("/nope/app", "/usr/bin", probe).failure.message == "/nope/app: not found");
    CHECK(locate_program("/dir", "/x", probe).failure.exit_code == 126);
    CHECK(locate_program("/dir", "/x", probe).failure.message == "/dir: is a directory");
    CHECK(locate_program("", "/x", probe).failure.exit_code == 127);
}
