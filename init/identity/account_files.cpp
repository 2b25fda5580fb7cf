#include "init/identity/account_files.hpp"

#include <algorithm>

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

// Calls on_line(line, number) for each non-blank, non-comment line, CR stripped.
template <typename OnLine>
void for_each_line(std::string_view content, OnLine on_line) {
    std::size_t number = 0;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        std::string_view line = content.substr(0, newline);
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        on_line(line, number);
    }
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
    ParsedFile<PasswdEntry> parsed;
    std::vector<std::string_view> fields;
    for_each_line(content, [&](std::string_view line, std::size_t number) {
        const bool shaped = split_fields(line, 7, fields);
        const auto uid = shaped ? parse_id(fields[2]) : std::nullopt;
        const auto gid = shaped ? parse_id(fields[3]) : std::nullopt;
        if (!uid || !gid || fields[0].empty()) {
            parsed.malformed_lines.push_back(number);
            return;
        }
        parsed.entries.push_back({std::string(fields[0]), *uid, *gid, std::string(fields[5])});
    });
    return parsed;
}

ParsedFile<GroupEntry> parse_group(std::string_view content) {
    ParsedFile<GroupEntry> parsed;
    std::vector<std::string_view> fields;
    for_each_line(content, [&](std::string_view line, std::size_t number) {
        const bool shaped = split_fields(line, 4, fields);
        const auto gid = shaped ? parse_id(fields[2]) : std::nullopt;
        if (!gid || fields[0].empty()) {
            parsed.malformed_lines.push_back(number);
            return;
        }
        GroupEntry entry{std::string(fields[0]), *gid, {}};
        std::string_view members = fields[3];
        while (!members.empty()) {
            const std::size_t comma = members.find(',');
            const std::string_view member = members.substr(0, comma);
            if (!member.empty()) entry.members.emplace_back(member);
            members.remove_prefix(comma == std::string_view::npos ? members.size() : comma + 1);
        }
        parsed.entries.push_back(std::move(entry));
    });
    return parsed;
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
