#pragma once
// What a probe expects of an HTTP response and the verdict it reaches: the part of response
// judging that the probe's configuration and callers see. Free of Beast, so the probe's API
// (probe.hpp, probe_config.hpp) costs its includers no HTTP parser; response.hpp judges.

#include <optional>
#include <string>

#include "healthcheck/status_range.hpp"

namespace keel::health {

struct Expectations {
    StatusRanges status;
    std::string status_text;          // as the user wrote it, for messages
    std::optional<std::string> body;  // --expect-body
};

struct Verdict {
    bool healthy = false;
    std::string summary;  // "200 OK", or why not: "status 500 Internal Server Error (expected 200-399)"
};

}  // namespace keel::health
