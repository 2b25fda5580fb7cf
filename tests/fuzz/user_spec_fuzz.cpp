#include <cstddef>
#include <cstdint>
#include <string>

#include "init/identity/identity.hpp"

// The spec parser, then resolution against fixed account files: never a crash, and a resolved
// identity always has a home.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto spec = keel::init::parse_user_spec(text);
    if (!spec.ok()) return 0;
    const keel::init::AccountFile passwd{"/etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:10000:10000::/home/app:/x\n", {}};
    const keel::init::AccountFile group{"/etc/group", "web:x:33:app\n", {}};
    const auto identity = keel::init::resolve_identity(spec.value(), passwd, group);
    if (identity.ok() && identity.value().home.empty()) __builtin_trap();
    return 0;
}
