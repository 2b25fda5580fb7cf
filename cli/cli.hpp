#pragma once

namespace keel::cli {

// Exit codes of the command line itself (the supervisor adds the child's, 126/127 and 128+N).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// Parses argv (and KEEL_* env vars), then runs the selected subcommand. Returns the exit code.
int run(int argc, char** argv);

}  // namespace keel::cli
