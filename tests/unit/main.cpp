#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdio>

#include "test_data.hpp"

// Every test that reads tests/data would fail one by one, with no hint why, when the directory is
// missing: say it once and run nothing (CTest sets KEEL_TEST_DATA_DIR).
int main(int argc, char** argv) {
    const std::string dir = keel::test::data_dir();
    struct stat st {};
    if (dir.empty() || ::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        std::fprintf(stderr, "keel_unit_tests: KEEL_TEST_DATA_DIR must name tests/data (got '%s')\n",
                     dir.c_str());
        return 2;
    }
    return doctest::Context(argc, argv).run();
}
