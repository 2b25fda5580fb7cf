#pragma once
// The unit tests' files under tests/data (KEEL_TEST_DATA_DIR, set by tests/CMakeLists.txt).

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace keel::test {

// Raw bytes, as the binary parsers (TZif, ELF) take them.
using Bytes = std::vector<unsigned char>;

// The whole file as bytes in a string; empty when it cannot be read (the test's checks then fail).
inline std::string read_test_data(const std::string& name) {
    std::ifstream in(std::string(KEEL_TEST_DATA_DIR) + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace keel::test
