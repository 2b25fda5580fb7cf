#include "common/x509/certificates.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace keel::x509 {
namespace {

constexpr std::string_view begin_marker = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view end_marker = "-----END CERTIFICATE-----";

struct Element {
    unsigned char tag;
    std::span<const unsigned char> value;
};

// Reads one DER element at `pos` (definite lengths only, as DER requires) and advances `pos`.
std::optional<Element> read_element(std::span<const unsigned char> der, std::size_t& pos) {
    if (pos + 2 > der.size()) return std::nullopt;
    const unsigned char tag = der[pos++];
    if ((tag & 0x1f) == 0x1f) return std::nullopt;  // high tag numbers never occur in these fields
    std::size_t length = der[pos++];
    if (length & 0x80) {
        const std::size_t octets = length & 0x7f;
        if (octets == 0 || octets > 4 || pos + octets > der.size()) return std::nullopt;
        length = 0;
        for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | der[pos++];
    }
    if (length > der.size() - pos) return std::nullopt;
    Element element{tag, der.subspan(pos, length)};
    pos += length;
    return element;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// UTCTime "YYMMDDHHMMSSZ" (tag 0x17) or GeneralizedTime "YYYYMMDDHHMMSSZ" (0x18).
std::optional<std::int64_t> parse_time(const Element& element) {
    const std::size_t year_digits = element.tag == 0x17 ? 2 : element.tag == 0x18 ? 4 : 0;
    if (year_digits == 0 || element.value.size() != year_digits + 11 || element.value.back() != 'Z') return std::nullopt;
    int digits[14] = {};
    for (std::size_t i = 0; i + 1 < element.value.size(); ++i) {
        if (element.value[i] < '0' || element.value[i] > '9') return std::nullopt;
        digits[i] = element.value[i] - '0';
    }
    auto two = [&](std::size_t at) { return digits[at] * 10 + digits[at + 1]; };
    std::int64_t year = two(0);
    std::size_t at = 2;
    if (year_digits == 4) {
        year = year * 100 + two(2);
        at = 4;
    } else {
        year += year < 50 ? 2000 : 1900;  // RFC 5280 4.1.2.5.1
    }
    const int month = two(at), day = two(at + 2), hour = two(at + 4), minute = two(at + 6), second = two(at + 8);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
           std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
}

}  // namespace

std::optional<std::string_view> next_pem_certificate(std::string_view text, std::size_t& pos) {
    const std::size_t begin = text.find(begin_marker, pos);
    if (begin == std::string_view::npos) return std::nullopt;
    const std::size_t body = begin + begin_marker.size();
    const std::size_t end = text.find(end_marker, body);
    if (end == std::string_view::npos) return std::nullopt;
    pos = end + end_marker.size();
    return text.substr(body, end - body);
}

void PemStream::feed(std::string_view chunk) {
    if (pending_.empty()) {
        view_ = chunk;
    } else {
        pending_.append(chunk);
        view_ = pending_;
    }
    pos_ = 0;
}

std::optional<std::string_view> PemStream::next() {
    for (;;) {
        if (!inside_) {
            const std::size_t begin = view_.find(begin_marker, std::max(pos_, searched_));
            if (begin == std::string_view::npos) {
                // Only a marker cut at the chunk's end can still begin a block.
                const std::size_t keep = std::min(view_.size() - pos_, begin_marker.size() - 1);
                searched_ = view_.size() - keep;
                keep_tail(view_.size() - keep);
                return std::nullopt;
            }
            pos_ = begin;
            inside_ = true;
            searched_ = begin + begin_marker.size();
        }
        const std::size_t end = view_.find(end_marker, searched_);
        if (end == std::string_view::npos) {
            // Search again only where an END marker could still start: the last bytes, and what comes.
            searched_ = std::max(pos_ + begin_marker.size(), view_.size() - std::min(view_.size(), end_marker.size() - 1));
            keep_tail(pos_);
            return std::nullopt;
        }
        const std::size_t body = pos_ + begin_marker.size();
        pos_ = end + end_marker.size();
        searched_ = pos_;
        inside_ = false;
        return view_.substr(body, end - body);
    }
}

// Keeps view_[from..] for the next feed(), with offsets relative to it.
void PemStream::keep_tail(std::size_t from) {
    const std::string_view tail = view_.substr(from);
    if (view_.data() == pending_.data()) {
        pending_.erase(0, from);
    } else {
        pending_.assign(tail);
    }
    view_ = pending_;
    searched_ = searched_ > from ? searched_ - from : 0;
    pos_ = 0;
}

namespace {

// What each byte means in base64 text: a 6-bit value, or one of these.
constexpr unsigned char base64_skip = 64;      // whitespace, ignored
constexpr unsigned char base64_padding = 65;   // '='
constexpr unsigned char base64_invalid = 255;  // anything else

// A table instead of a chain of range tests: the start-up CA check decodes a whole certificate
// (about 2,700 characters) at every start, and the chain was half of keel's own instructions there.
constexpr std::array<unsigned char, 256> make_base64_classes() {
    std::array<unsigned char, 256> classes{};
    classes.fill(base64_invalid);
    unsigned char value = 0;
    for (const char c : std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")) {
        classes[static_cast<unsigned char>(c)] = value++;
    }
    for (const char c : {' ', '\n', '\r', '\t'}) classes[static_cast<unsigned char>(c)] = base64_skip;
    classes['='] = base64_padding;
    return classes;
}

constexpr std::array<unsigned char, 256> base64_classes = make_base64_classes();

}  // namespace

std::optional<std::vector<unsigned char>> decode_base64(std::string_view text) {
    std::vector<unsigned char> out(text.size() * 3 / 4);
    std::size_t written = 0;
    std::uint32_t buffer = 0;
    int bits = 0, padding = 0;
    const auto class_at = [&](std::size_t i) { return base64_classes[static_cast<unsigned char>(text[i])]; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Fast path: four alphabet characters on a byte boundary are three bytes (PEM lines are
        // 64 characters, so nearly all of a certificate goes this way).
        if (bits == 0 && padding == 0 && i + 4 <= text.size()) {
            const std::uint32_t a = class_at(i), b = class_at(i + 1), c = class_at(i + 2), d = class_at(i + 3);
            if ((a | b | c | d) < base64_skip) {
                const std::uint32_t quad = a << 18 | b << 12 | c << 6 | d;
                out[written++] = static_cast<unsigned char>(quad >> 16);
                out[written++] = static_cast<unsigned char>(quad >> 8);
                out[written++] = static_cast<unsigned char>(quad);
                i += 3;
                continue;
            }
        }
        const unsigned char value = class_at(i);
        if (value < base64_skip) {
            if (padding > 0) return std::nullopt;  // data after '='
            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = static_cast<unsigned char>(buffer >> bits);
            }
        } else if (value == base64_padding) {
            ++padding;
        } else if (value == base64_invalid) {
            return std::nullopt;
        }
    }
    if (padding > 2 || bits >= 6) return std::nullopt;
    out.resize(written);
    return out;
}

namespace {

// tbsCertificate's fields up to and including the issuer checked, `field` left at the validity.
Result<std::span<const unsigned char>> tbs_fields_after_issuer(std::span<const unsigned char> der, std::size_t& field) {
    std::size_t pos = 0;
    const auto certificate = read_element(der, pos);
    if (!certificate || certificate->tag != 0x30) return fail("not a DER certificate (outer SEQUENCE)");
    std::size_t inner = 0;
    const auto tbs = read_element(certificate->value, inner);
    if (!tbs || tbs->tag != 0x30) return fail("no tbsCertificate");
    field = 0;
    auto next = [&]() { return read_element(tbs->value, field); };
    auto element = next();
    if (element && element->tag == 0xa0) element = next();          // [0] version
    if (!element || element->tag != 0x02) return fail("no serial number");
    for (const char* name : {"signature algorithm", "issuer"}) {
        element = next();
        if (!element || element->tag != 0x30) return fail(std::string("no ") + name);
    }
    return tbs->value;
}

}  // namespace

Result<CertificateValidity> parse_certificate_validity(std::span<const unsigned char> der) {
    std::size_t field = 0;
    const auto tbs = tbs_fields_after_issuer(der, field);
    if (!tbs) return fail(tbs.error());
    const auto validity = read_element(tbs.value(), field);
    if (!validity || validity->tag != 0x30) return fail("no validity");
    std::size_t times = 0;
    const auto not_before = read_element(validity->value, times);
    const auto not_after = read_element(validity->value, times);
    const auto begin = not_before ? parse_time(*not_before) : std::nullopt;
    const auto end = not_after ? parse_time(*not_after) : std::nullopt;
    if (!begin || !end) return fail("bad validity time");
    return CertificateValidity{*begin, *end};
}

std::span<const unsigned char> certificate_subject(std::span<const unsigned char> der) {
    std::size_t field = 0;
    const auto tbs = tbs_fields_after_issuer(der, field);
    if (!tbs) return {};
    const auto validity = read_element(tbs.value(), field);
    if (!validity || validity->tag != 0x30) return {};
    const std::size_t start = field;
    const auto subject = read_element(tbs.value(), field);
    if (!subject || subject->tag != 0x30) return {};
    return tbs.value().subspan(start, field - start);  // tag and length included
}

std::string format_date(std::int64_t epoch_seconds) {
    // civil_from_days, the inverse of days_from_civil.
    const std::int64_t z = (epoch_seconds >= 0 ? epoch_seconds : epoch_seconds - 86399) / 86400 + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2);
    char text[32];
    std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
    return text;
}

}  // namespace keel::x509
