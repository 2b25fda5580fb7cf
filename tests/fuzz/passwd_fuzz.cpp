#include <cstddef>
#include <cstdint>
#include <string_view>

#include "init/identity/account_files.hpp"

// Lookups are checked for the first few entries only: one per entry is quadratic in the input
// (keel itself looks up one user).
constexpr std::size_t lookups_checked = 16;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    const auto parsed = keel::init::parse_passwd(content);
    std::size_t checked = 0;
    for (const auto& entry : parsed.entries) {
        if (entry.name.empty() || entry.uid > keel::init::max_id) __builtin_trap();
        if (checked++ < lookups_checked && keel::init::find_user(parsed.entries, entry.name) == nullptr) __builtin_trap();
    }
    return 0;
}
