#include "init/preflight/timezone_spec.hpp"

namespace keel::init {
namespace {

constexpr std::size_t max_tz_length = 255;

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Cursor over the rule; each parse_* advances on success and leaves pos anywhere on failure.
struct Cursor {
    std::string_view text;
    std::size_t pos = 0;
    [[nodiscard]] bool done() const { return pos >= text.size(); }
    [[nodiscard]] char peek() const { return done() ? '\0' : text[pos]; }
    bool eat(char c) {
        if (peek() != c) return false;
        ++pos;
        return true;
    }
    // Up to max_digits digits with a value <= max.
    bool number(int max_digits, int max) {
        int value = 0, digits = 0;
        while (digits < max_digits && is_digit(peek())) {
            value = value * 10 + (text[pos++] - '0');
            ++digits;
        }
        return digits > 0 && value <= max;
    }
};

// "EST" (3+ letters) or "<+0530>" (3+ of [A-Za-z0-9+-] in angle brackets).
bool parse_name(Cursor& c) {
    std::size_t length = 0;
    if (c.eat('<')) {
        while (!c.done() && c.peek() != '>') {
            const char ch = c.text[c.pos++];
            if (!is_alpha(ch) && !is_digit(ch) && ch != '+' && ch != '-') return false;
            ++length;
        }
        return c.eat('>') && length >= 3;
    }
    while (is_alpha(c.peek())) {
        ++c.pos;
        ++length;
    }
    return length >= 3;
}

// [+-]hh[:mm[:ss]]; hours up to 167 as POSIX.1-2024 / RFC 8536 allow for rule times.
bool parse_offset(Cursor& c, bool signed_allowed = true) {
    if (signed_allowed && !c.eat('+')) c.eat('-');
    if (!c.number(3, 167)) return false;
    for (int part = 0; part < 2 && c.eat(':'); ++part) {
        if (!c.number(2, 59)) return false;
    }
    return true;
}

// Jn (1-365), n (0-365), or Mm.w.d, then an optional /time.
bool parse_date_rule(Cursor& c) {
    if (c.eat('J')) {
        if (!c.number(3, 365)) return false;
    } else if (c.eat('M')) {
        if (!c.number(2, 12) || !c.eat('.') || !c.number(1, 5) || !c.eat('.') || !c.number(1, 6)) return false;
    } else if (!c.number(3, 365)) {
        return false;
    }
    return !c.eat('/') || parse_offset(c);
}

}  // namespace

bool is_posix_tz_rule(std::string_view text) {
    Cursor c{text};
    if (!parse_name(c) || !parse_offset(c)) return false;
    if (c.done()) return true;
    if (!parse_name(c)) return false;
    if (!c.done() && c.peek() != ',' && !parse_offset(c)) return false;
    if (c.done()) return true;
    return c.eat(',') && parse_date_rule(c) && c.eat(',') && parse_date_rule(c) && c.done();
}

Result<TzSpec> classify_tz(std::string_view tz) {
    if (!tz.empty() && tz.front() == ':') tz.remove_prefix(1);
    if (tz.empty()) return fail("TZ is empty");
    if (tz.size() > max_tz_length) return fail("TZ is " + std::to_string(tz.size()) + " characters long (at most 255)");
    if (is_posix_tz_rule(tz)) return TzSpec{TzKind::posix_rule, std::string(tz)};
    std::size_t start = 0;
    while (start <= tz.size()) {
        const std::size_t slash = std::min(tz.find('/', start), tz.size());
        if (tz.substr(start, slash - start) == "..") {
            return fail("TZ '" + std::string(tz) + "' contains '..': a zone name may not leave the zoneinfo directory");
        }
        start = slash + 1;
    }
    for (const char ch : tz) {
        if (!is_alpha(ch) && !is_digit(ch) && ch != '/' && ch != '_' && ch != '-' && ch != '+' && ch != '.') {
            return fail("TZ '" + std::string(tz) + "' is neither a zone name nor a POSIX TZ rule");
        }
    }
    if (tz.front() == '/') return TzSpec{TzKind::absolute_path, std::string(tz)};
    return TzSpec{TzKind::zone_name, std::string(tz)};
}

}  // namespace keel::init
