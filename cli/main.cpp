#include <cstdio>
#include <exception>

#include "cli/cli.hpp"

// Nothing escapes main(): an exception that reached here (memory exhausted while parsing, an
// event-loop failure) ends keel with one line and exit 1, keel's own-failure status, instead of
// std::terminate's abort (a core dump and exit 134 for the container).
int main(int argc, char** argv) {
    try {
        return keel::cli::run(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "keel: internal error: %s\n", error.what());
    } catch (...) {
        std::fprintf(stderr, "keel: internal error: unknown exception\n");
    }
    return 1;
}
