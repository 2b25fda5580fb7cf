#include "cli/cli.hpp"

int main(int argc, char** argv) { return keel::cli::run(argc, argv); }
