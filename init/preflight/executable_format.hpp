#pragma once
// What kind of executable a file is, from its first bytes: static ELF, dynamic ELF (and its
// PT_INTERP, the loader that must exist in the image), or a #! script (and its interpreter).
// Pure: the caller reads the bytes. Used when exec fails with ENOENT although the file exists —
// the classic "dynamic binary in a scratch image" — and by the preflight checks.

#include <cstddef>
#include <span>
#include <string>

#include "common/result.hpp"

namespace keel::init {

enum class ExecutableKind { static_elf, dynamic_elf, script, unknown };

struct ExecutableFormat {
    ExecutableKind kind = ExecutableKind::unknown;
    std::string interpreter;  // PT_INTERP path or the #! interpreter; empty for static/unknown
};

// How many leading bytes callers should read: enough for the headers and PT_INTERP of any
// ordinary executable (interpreters sit right after the program headers).
inline constexpr std::size_t executable_head_size = std::size_t{64} * 1024;

// `head` is the start of the file (all of it when smaller than executable_head_size).
// Errors describe malformed ELF headers ("truncated program header table", ...).
Result<ExecutableFormat> inspect_executable(std::span<const unsigned char> head);

}  // namespace keel::init
