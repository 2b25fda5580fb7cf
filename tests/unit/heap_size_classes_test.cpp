#include <doctest/doctest.h>

#include "cli/static_runtime/heap_size_classes.hpp"

using namespace keel::heap;

TEST_CASE("every request fits its class, and the class below is too small") {
    for (std::size_t bytes = 0; bytes <= largest_small; ++bytes) {
        const std::size_t index = class_index(bytes);
        REQUIRE(index < class_count);
        REQUIRE(class_capacity(index) >= bytes);
        if (index > 0) REQUIRE(class_capacity(index - 1) < (bytes == 0 ? 1 : bytes));
        REQUIRE(class_capacity(index) % alignment == 0);
    }
}

TEST_CASE("class boundaries") {
    CHECK(class_index(0) == 0);
    CHECK(class_index(1) == 0);
    CHECK(class_index(16) == 0);
    CHECK(class_index(17) == 1);
    CHECK(class_capacity(class_index(1024)) == 1024);
    CHECK(class_capacity(class_index(1025)) == 2048);
    CHECK(class_capacity(class_index(4097)) == 8192);
    CHECK(class_index(largest_small) == class_count - 1);
    CHECK(class_capacity(class_count - 1) == largest_small);
}

TEST_CASE("round_up") {
    CHECK(round_up(0, 4096) == 0);
    CHECK(round_up(1, 4096) == 4096);
    CHECK(round_up(4096, 4096) == 4096);
    CHECK(round_up(33, 32) == 64);
}
