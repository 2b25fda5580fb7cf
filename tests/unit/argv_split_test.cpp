#include <doctest/doctest.h>

#include "cli/argv_split.hpp"

using keel::cli::split_at_program;
using Words = std::vector<std::string>;

namespace {
// Shaped like keel's CLI: -u/--user and --grace take values; -g/--process-group is a flag.
const keel::cli::OptionShape shape{
    [](std::string_view option) { return option == "-u" || option == "--user" || option == "--grace"; },
    [](std::string_view word) { return word == "healthcheck" || word == "version"; },
};
}  // namespace

TEST_CASE("options before PROGRAM are keel's; everything after is PROGRAM's") {
    struct Case {
        Words args, keel, program;
    };
    const Case cases[] = {
        {{"/app"}, {}, {"/app"}},
        {{"--", "/bin/echo", "hi"}, {}, {"/bin/echo", "hi"}},
        {{"/bin/echo", "--help"}, {}, {"/bin/echo", "--help"}},
        {{"-g", "/bin/echo", "-g"}, {"-g"}, {"/bin/echo", "-g"}},
        {{"-u", "app", "/app", "-u", "x"}, {"-u", "app"}, {"/app", "-u", "x"}},
        {{"--user", "app", "--grace=1s", "--", "/app"}, {"--user", "app", "--grace=1s"}, {"/app"}},
        {{"-uapp", "/app"}, {"-uapp"}, {"/app"}},
        {{"-gu", "app", "/app"}, {"-gu", "app"}, {"/app"}},
        {{"--bogus", "/app"}, {"--bogus"}, {"/app"}},
        {{"-g", "--", "-x", "y"}, {"-g"}, {"-x", "y"}},
        {{"--", "version"}, {}, {"version"}},
        {{"version", "--bogus"}, {"version", "--bogus"}, {}},
        {{"--grace", "1s", "healthcheck", "--", "x"}, {"--grace", "1s", "healthcheck", "--", "x"}, {}},
        {{"/app", "--", "x"}, {}, {"/app", "--", "x"}},
        {{"-g"}, {"-g"}, {}},
        {{"--grace"}, {"--grace"}, {}},
        {{"-"}, {}, {"-"}},
        {{}, {}, {}},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const auto& w : c.args) joined += w + " ";
        CAPTURE(joined);
        const auto split = split_at_program(c.args, shape);
        CHECK(split.keel_args == c.keel);
        CHECK(split.program == c.program);
    }
}
