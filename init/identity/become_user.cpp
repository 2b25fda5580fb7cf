#include "init/identity/become_user.hpp"

#include <cstdlib>

#include "common/logging.hpp"

#include "init/identity/drop.hpp"
#include "common/sys/read_file.hpp"

namespace keel::init {
namespace {

// Real account files are a few KiB; a megabyte is already absurd.
constexpr std::size_t account_file_limit = std::size_t{1024} * 1024;

AccountFile read_account_file(const char* path) {
    AccountFile file{path, std::nullopt, {}};
    auto content = sys::read_small_file(path, account_file_limit);
    if (content) {
        file.content = std::move(content).value();
    } else {
        file.read_error = content.error();
    }
    return file;
}

}  // namespace

Result<Identity> resolve_user(const UserSpec& spec) {
    auto identity = resolve_identity(spec, read_account_file(passwd_path), read_account_file(group_path));
    if (identity) {
        for (const auto& note : identity.value().notes) log::debug("{}", note);
    }
    return identity;
}

Result<Identity> become_user(const UserSpec& spec) {
    auto identity = resolve_user(spec);
    if (!identity) return identity;
    const Identity& target = identity.value();
    if (auto dropped = drop_privileges(target, real_privilege_ops()); !dropped) return fail(dropped.error());
    // The program sees the user it runs as; the rest of the environment is left alone.
    ::setenv("HOME", target.home.c_str(), 1);
    ::setenv("USER", target.user_name.c_str(), 1);
    ::setenv("LOGNAME", target.user_name.c_str(), 1);
    log::info("running as uid {} gid {} ({} supplementary groups)", target.uid, target.gid, target.groups.size());
    return identity;
}

}  // namespace keel::init
