#include "init/identity/identity.hpp"

#include <algorithm>

#include "init/identity/account_files.hpp"

namespace keel::init {
namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// The Dockerfile-level fix, as the preflight checks give one: a scratch image has no account
// files unless its author copies them in, and a number needs none.
std::string fix_for(std::string_view what, std::string_view name) {
    if (what == "user") {
        return "; fix: add a line '" + std::string(name) + ":x:10000:10000::/:/sbin/nologin' to the image's /etc/passwd, "
               "or give a number (-u 10000)";
    }
    return "; fix: add a line '" + std::string(name) + ":x:10000:' to the image's /etc/group, or give a number (-u USER:10000)";
}

Error unreadable(const AccountFile& file, std::string_view what, std::string_view name) {
    return fail(file.path + ": " + file.read_error + " (needed to resolve " + std::string(what) + " " +
                quoted(name) + ")" + fix_for(what, name));
}

template <typename Parsed>
void note_malformed(const Parsed& parsed, const AccountFile& file, Identity& identity) {
    for (const std::size_t line : parsed.malformed_lines) {
        identity.notes.push_back(file.path + ":" + std::to_string(line) + ": malformed line skipped");
    }
}

Result<std::uint32_t> resolve_group(std::string_view group_spec, const AccountFile& group, Identity& identity) {
    if (all_digits(group_spec)) {
        const auto gid = parse_id(group_spec);
        if (!gid) return fail("group id " + quoted(group_spec) + " is out of range (0-4294967294)");
        return *gid;
    }
    if (!group.content) return unreadable(group, "group", group_spec);
    const auto parsed = parse_group(*group.content);
    note_malformed(parsed, group, identity);
    const GroupEntry* entry = find_group(parsed.entries, group_spec);
    if (entry == nullptr) return fail("group " + quoted(group_spec) + " not found in " + group.path + fix_for("group", group_spec));
    return entry->gid;
}

}  // namespace

Result<UserSpec> parse_user_spec(std::string_view text) {
    const std::string why = "invalid user " + quoted(text) + ": ";
    const std::size_t colon = text.find(':');
    UserSpec spec{std::string(text.substr(0, colon)), std::nullopt};
    if (spec.user.empty()) return fail(why + "expected USER or USER:GROUP (names or numbers)");
    if (colon != std::string_view::npos) {
        const std::string_view group = text.substr(colon + 1);
        if (group.empty()) return fail(why + "empty GROUP after ':'");
        if (group.find(':') != std::string_view::npos) return fail(why + "more than one ':'");
        spec.group = std::string(group);
    }
    if (all_digits(spec.user) && !parse_id(spec.user)) return fail(why + "uid out of range (0-4294967294)");
    if (spec.group && all_digits(*spec.group) && !parse_id(*spec.group)) {
        return fail(why + "gid out of range (0-4294967294)");
    }
    return spec;
}

Result<Identity> resolve_identity(const UserSpec& spec, const AccountFile& passwd, const AccountFile& group) {
    Identity identity;
    const PasswdEntry* entry = nullptr;
    std::optional<ParsedFile<PasswdEntry>> users;
    if (passwd.content) {
        users = parse_passwd(*passwd.content);
        note_malformed(*users, passwd, identity);
    }
    if (all_digits(spec.user)) {
        identity.uid = *parse_id(spec.user);
        if (users) entry = find_user(users->entries, identity.uid);
    } else {
        if (!users) return unreadable(passwd, "user", spec.user);
        entry = find_user(users->entries, spec.user);
        if (entry == nullptr) return fail("user " + quoted(spec.user) + " not found in " + passwd.path + fix_for("user", spec.user));
        identity.uid = entry->uid;
    }
    identity.gid = entry != nullptr ? entry->gid : identity.uid;
    identity.user_name = entry != nullptr ? entry->name : spec.user;
    identity.home = entry != nullptr && !entry->home.empty() ? entry->home : "/";

    if (spec.group) {
        auto gid = resolve_group(*spec.group, group, identity);
        if (!gid) return fail(gid.error());
        identity.gid = gid.value();
        identity.groups = {identity.gid};
        identity.explicit_group = true;
        return identity;
    }
    if (entry == nullptr) return identity;  // bare numeric uid: no supplementary groups at all
    identity.groups = {identity.gid};
    if (group.content) {
        const auto groups = parse_group(*group.content);
        note_malformed(groups, group, identity);
        for (const std::uint32_t gid : groups_of_member(groups.entries, entry->name)) {
            if (gid != identity.gid) identity.groups.push_back(gid);  // already distinct
        }
    }
    return identity;
}

}  // namespace keel::init
