#pragma once
// Checks on the file PROGRAM resolved to that exec itself would only report as a bare ENOENT:
// a dynamic ELF whose loader (PT_INTERP) is not in the image, or a #! script whose interpreter is
// missing. Run before fork, and again to explain an exec failure.

#include <optional>
#include <string>

#include "init/program_lookup.hpp"

namespace keel::init {

// nullopt when PROGRAM's interpreter (if it needs one) exists; otherwise a 126 failure naming it.
std::optional<ProgramLookupFailure> check_program_interpreter(const std::string& path);

// Turns the errno of a failed execve of `path` into keel's exit code and message.
ProgramLookupFailure explain_exec_failure(const std::string& path, int error);

}  // namespace keel::init
