#include <doctest/doctest.h>

#include "init/descendants.hpp"

using keel::init::parse_pid_list;

TEST_CASE("children file parsing") {
    CHECK(parse_pid_list("").empty());
    CHECK(parse_pid_list("12 15 40 ") == std::vector<pid_t>{12, 15, 40});
    CHECK(parse_pid_list("7") == std::vector<pid_t>{7});
    CHECK(parse_pid_list("  3\n4 ") == std::vector<pid_t>{3, 4});
    CHECK(parse_pid_list("0 x 5") == std::vector<pid_t>{5});
    CHECK(parse_pid_list("99999999999999999999").size() == 1);
}
