#pragma once
// The unit tests' files under tests/data. CTest passes the directory in KEEL_TEST_DATA_DIR
// (tests/CMakeLists.txt) rather than compiling it in, so the test objects do not depend on where
// the checkout is and a fresh clone reuses them from ccache. main.cpp refuses to run without it.

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace keel::test {

// Raw bytes, as the binary parsers (TZif, ELF) take them.
using Bytes = std::vector<unsigned char>;

inline std::string data_dir() {
    const char* dir = std::getenv("KEEL_TEST_DATA_DIR");
    return dir != nullptr ? dir : "";
}

// The whole file as bytes in a string; empty when it cannot be read (the test's checks then fail).
inline std::string read_test_data(const std::string& name) {
    std::ifstream in(data_dir() + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace keel::test
