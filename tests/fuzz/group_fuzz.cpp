#include <cstddef>
#include <cstdint>
#include <string_view>

#include "init/identity/account_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    const auto parsed = keel::init::parse_group(content);
    for (const auto& entry : parsed.entries) {
        if (entry.name.empty() || entry.gid > keel::init::max_id) __builtin_trap();
        for (const auto& member : entry.members) {
            if (member.empty() || keel::init::groups_of_member(parsed.entries, member).empty()) __builtin_trap();
        }
    }
    return 0;
}
