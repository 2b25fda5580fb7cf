#include <cstddef>
#include <cstdint>
#include <string_view>

#include "init/identity/account_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    const auto parsed = keel::init::parse_passwd(content);
    for (const auto& entry : parsed.entries) {
        if (entry.name.empty() || entry.uid > keel::init::max_id) __builtin_trap();
        if (keel::init::find_user(parsed.entries, entry.name) == nullptr) __builtin_trap();
    }
    return 0;
}
