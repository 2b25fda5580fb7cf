#pragma once
// `-u USER[:GROUP]`: parsing the spec and resolving it to ids, before anything changes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::init {

struct UserSpec {
    std::string user;                  // name or number
    std::optional<std::string> group;  // name or number, when ":GROUP" was given
};

// "app", "1000", "app:web", "1000:1000". Syntax only (no file is read): "", ":g", "u:", "a:b:c"
// are errors.
Result<UserSpec> parse_user_spec(std::string_view text);

// The contents of /etc/passwd or /etc/group, or why it could not be read.
struct AccountFile {
    std::string path;
    std::optional<std::string> content;
    std::string read_error;  // set when content is empty-handed
};

struct Identity {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::vector<std::uint32_t> groups;  // supplementary groups, distinct
    bool explicit_group = false;        // ":GROUP" was given: the gid is asked for, not derived
    std::string user_name;              // for USER and LOGNAME
    std::string home;                   // for HOME
    std::vector<std::string> notes;     // skipped malformed lines, for debug logs
};

// Pure resolution, as gosu / su-exec do it:
// - a name must be in passwd; a number may be absent (gid = uid, HOME=/, no supplementary groups,
//   as Kubernetes' runAsUser);
// - without GROUP: the passwd gid plus every /etc/group membership of the user name;
// - with GROUP: exactly that group (name from /etc/group, or a number).
Result<Identity> resolve_identity(const UserSpec& spec, const AccountFile& passwd, const AccountFile& group);

}  // namespace keel::init
