#include "init/identity/account_files.hpp"

#include <algorithm>
#include <optional>

namespace keel::init {
namespace {

// Splits on ':' into exactly `count` fields; false when the count differs.
bool split_fields(std::string_view line, std::size_t count, std::vector<std::string_view>& fields) {
    fields.clear();
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = line.find(':', start);
        fields.push_back(line.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
        if (colon == std::string_view::npos) break;
        if (fields.size() > count) return false;
        start = colon + 1;
    }
    return fields.size() == count;
}

// Parses each non-blank, non-comment line (CR stripped) of `field_count` ':'-separated fields with
// make_entry(fields), which returns no entry for a line it rejects; a line of another shape, with
// an empty first field (the name) or rejected is recorded as malformed.
template <typename Entry, typename MakeEntry>
ParsedFile<Entry> parse_account_file(std::string_view content, std::size_t field_count, MakeEntry make_entry) {
    ParsedFile<Entry> parsed;
    std::vector<std::string_view> fields;
    std::size_t number = 0;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        std::string_view line = content.substr(0, newline);
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        std::optional<Entry> entry;
        if (split_fields(line, field_count, fields) && !fields[0].empty()) entry = make_entry(fields);
        if (entry) {
            parsed.entries.push_back(std::move(*entry));
        } else {
            parsed.malformed_lines.push_back(number);
        }
    }
    return parsed;
}

}  // namespace

std::optional<std::uint32_t> parse_id(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > max_id) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

ParsedFile<PasswdEntry> parse_passwd(std::string_view content) {
    return parse_account_file<PasswdEntry>(content, 7, [](const std::vector<std::string_view>& fields) {
        const auto uid = parse_id(fields[2]);
        const auto gid = parse_id(fields[3]);
        return uid && gid ? std::optional<PasswdEntry>({std::string(fields[0]), *uid, *gid, std::string(fields[5])})
                          : std::nullopt;
    });
}

ParsedFile<GroupEntry> parse_group(std::string_view content) {
    return parse_account_file<GroupEntry>(content, 4, [](const std::vector<std::string_view>& fields) {
        const auto gid = parse_id(fields[2]);
        if (!gid) return std::optional<GroupEntry>();
        GroupEntry entry{std::string(fields[0]), *gid, {}};
        std::string_view members = fields[3];
        while (!members.empty()) {
            const std::size_t comma = members.find(',');
            const std::string_view member = members.substr(0, comma);
            if (!member.empty()) entry.members.emplace_back(member);
            members.remove_prefix(comma == std::string_view::npos ? members.size() : comma + 1);
        }
        return std::optional<GroupEntry>(std::move(entry));
    });
}

const PasswdEntry* find_user(const std::vector<PasswdEntry>& entries, std::string_view name) {
    const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == name; });
    return it == entries.end() ? nullptr : &*it;
}

const PasswdEntry* find_user(const std::vector<PasswdEntry>& entries, std::uint32_t uid) {
    const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.uid == uid; });
    return it == entries.end() ? nullptr : &*it;
}

const GroupEntry* find_group(const std::vector<GroupEntry>& entries, std::string_view name) {
    const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == name; });
    return it == entries.end() ? nullptr : &*it;
}

std::vector<std::uint32_t> groups_of_member(const std::vector<GroupEntry>& entries, std::string_view user) {
    // Never quadratic: a hostile /etc/group can list the user in tens of thousands of groups
    // (sorted then de-duplicated; the kernel keeps supplementary groups sorted anyway).
    std::vector<std::uint32_t> gids;
    for (const auto& group : entries) {
        const bool member = std::find(group.members.begin(), group.members.end(), user) != group.members.end();
        if (member) gids.push_back(group.gid);
    }
    std::sort(gids.begin(), gids.end());
    gids.erase(std::unique(gids.begin(), gids.end()), gids.end());
    return gids;
}

}  // namespace keel::init
