#pragma once
// /etc/passwd and /etc/group, parsed by keel itself: no NSS, no dlopen, identical on every libc.
// Pure: callers pass the file contents. Malformed lines are skipped (and counted, so the caller
// can mention them at debug level); the first matching entry wins, as in libc.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::init {

// Largest valid uid/gid: (uid_t)-1 means "unchanged" to the set*id calls.
inline constexpr std::uint32_t max_id = 4294967294U;

// "1000" -> 1000; anything but plain decimal digits in [0, max_id] -> nullopt.
std::optional<std::uint32_t> parse_id(std::string_view text);

struct PasswdEntry {
    std::string name;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::string home;
};

struct GroupEntry {
    std::string name;
    std::uint32_t gid = 0;
    std::vector<std::string> members;
};

template <typename Entry>
struct ParsedFile {
    std::vector<Entry> entries;
    std::vector<std::size_t> malformed_lines;  // 1-based line numbers skipped
};

// Lines: "name:x:uid:gid:gecos:home:shell" (7 fields); comments (#), blank lines, CRLF handled.
ParsedFile<PasswdEntry> parse_passwd(std::string_view content);
// Lines: "name:x:gid:member1,member2" (4 fields).
ParsedFile<GroupEntry> parse_group(std::string_view content);

const PasswdEntry* find_user(const std::vector<PasswdEntry>& entries, std::string_view name);
const PasswdEntry* find_user(const std::vector<PasswdEntry>& entries, std::uint32_t uid);
const GroupEntry* find_group(const std::vector<GroupEntry>& entries, std::string_view name);

// The gids of every group listing `user` as a member, in file order, without duplicates.
std::vector<std::uint32_t> groups_of_member(const std::vector<GroupEntry>& entries, std::string_view user);

}  // namespace keel::init
