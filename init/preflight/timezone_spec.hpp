#pragma once
// What $TZ names: a POSIX TZ rule that needs no file ("UTC0", "EST5EDT,M3.2.0,M11.1.0",
// "<+0530>-5:30"), a zone name to find under a zoneinfo directory ("Europe/Paris"), or an
// absolute path to a TZif file. Pure.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace keel::init {

enum class TzKind { posix_rule, zone_name, absolute_path };

struct TzSpec {
    TzKind kind;
    std::string value;  // the rule, the zone name or the path (leading ':' removed)
};

// Errors: too long, "..", odd characters. The longest real zone name is ~30 characters; more
// than 255 is refused as the C library would.
Result<TzSpec> classify_tz(std::string_view tz);

// True when `text` is a complete POSIX TZ rule (std offset [dst [offset] [,start[/time],end[/time]]]).
bool is_posix_tz_rule(std::string_view text);

}  // namespace keel::init
