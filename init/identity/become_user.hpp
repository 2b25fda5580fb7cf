#pragma once
// -u USER[:GROUP] end to end: read /etc/passwd and /etc/group (bounded), resolve, drop, and set
// HOME, USER and LOGNAME for the program. Nothing changes unless resolution succeeded.

#include <string>

#include "common/result.hpp"
#include "init/identity/identity.hpp"

namespace keel::init {

inline constexpr const char* passwd_path = "/etc/passwd";
inline constexpr const char* group_path = "/etc/group";

// Resolution only (also used by checks that need the target uid before the drop).
Result<Identity> resolve_user(const UserSpec& spec);

// Resolves and switches the process to the user. Errors are one line naming the file/entry or
// the failed call.
Result<Identity> become_user(const UserSpec& spec);

}  // namespace keel::init
