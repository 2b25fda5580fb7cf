#pragma once
// How a wait status becomes keel's exit code (the shell convention: 128+N for signal N).

#include <string>
#include <vector>

namespace keel::init {

// exit(N) -> N; killed by signal N -> 128+N. `status` is what waitpid() stored.
int exit_code_from_wait_status(int status);

// --success-exit: codes the user declares to mean success become 0.
int apply_success_exits(int code, const std::vector<int>& success_codes);

// "exited with code 3" / "killed by SIGKILL" (for logs).
std::string describe_wait_status(int status);

}  // namespace keel::init
