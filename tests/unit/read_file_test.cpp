#include "common/sys/read_file.hpp"
#include "test_data.hpp"

#include <doctest/doctest.h>

#include <string>

using keel::sys::read_small_file;

namespace {
const std::string data_dir = keel::test::data_dir();
}

TEST_CASE("read_small_file reads a whole file sized by the file, within the limit") {
    const auto zone = read_small_file(data_dir + "/UTC.tzif", 256 * 1024);
    REQUIRE(zone);
    CHECK(zone.value().substr(0, 4) == "TZif");
    // Exactly at the limit is fine; one byte under the size is not.
    const std::size_t size = zone.value().size();
    CHECK(read_small_file(data_dir + "/UTC.tzif", size));
    const auto over = read_small_file(data_dir + "/UTC.tzif", size - 1);
    REQUIRE_FALSE(over);
    CHECK(over.error().find("larger than") == 0);
}

TEST_CASE("read_small_file reads files whose size stat does not know (procfs) by growing its buffer") {
    const auto status = read_small_file("/proc/self/status", 1024 * 1024);
    REQUIRE(status);
    CHECK(status.value().find("VmRSS:") != std::string::npos);
    // The same file is refused once it passes a limit smaller than its content.
    const auto capped = read_small_file("/proc/self/status", 100);
    REQUIRE_FALSE(capped);
    CHECK(capped.error() == "larger than 100 bytes");
}

TEST_CASE("read_small_file names what is wrong with the path") {
    CHECK(read_small_file("/nonexistent/file", 10).error() == "cannot open: No such file or directory");
    CHECK(read_small_file("/", 10).error() == "is a directory, not a file");
    CHECK(read_small_file("/dev/null", 10).error() == "is not a regular file");
}
