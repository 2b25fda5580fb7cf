#pragma once
// TZif (RFC 8536) validation: what the C library will need to load a zone file. Pure.

#include <cstdint>
#include <span>
#include <string>

#include "common/result.hpp"

namespace keel::init {

struct TzifSummary {
    int version = 1;              // 1-4
    std::uint32_t transitions = 0;
    std::uint32_t types = 0;
    std::string footer;           // v2+: the POSIX TZ string for times after the last transition
};

// Accepts: magic, version 1-4, header counts consistent with the file size, every transition
// type index in range; for v2+ the second (64-bit) header and a newline-enclosed footer.
// Errors say what is wrong ("truncated: header says 1234 bytes of data, file has 800").
Result<TzifSummary> validate_tzif(std::span<const unsigned char> bytes);

}  // namespace keel::init
