#include "init/preflight/tzif.hpp"

namespace keel::init {
namespace {

constexpr std::size_t header_size = 44;

struct Header {
    int version;
    std::uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

std::uint32_t be32(std::span<const unsigned char> b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

Result<Header> read_header(std::span<const unsigned char> bytes, std::size_t at) {
    if (bytes.size() < at + header_size) return fail("truncated header");
    if (bytes[at] != 'T' || bytes[at + 1] != 'Z' || bytes[at + 2] != 'i' || bytes[at + 3] != 'f') {
        return fail("not a TZif file (bad magic)");
    }
    const unsigned char v = bytes[at + 4];
    const int version = v == 0 ? 1 : (v >= '2' && v <= '4') ? v - '0' : 0;
    if (version == 0) return fail("unknown TZif version byte " + std::to_string(v));
    Header h{version, be32(bytes, at + 20), be32(bytes, at + 24), be32(bytes, at + 28),
             be32(bytes, at + 32), be32(bytes, at + 36), be32(bytes, at + 40)};
    if (h.typecnt == 0) return fail("no local time types (typecnt 0)");
    if (h.charcnt == 0) return fail("no time zone abbreviations (charcnt 0)");
    if (h.isstdcnt != 0 && h.isstdcnt != h.typecnt) return fail("isstdcnt differs from typecnt");
    if (h.isutcnt != 0 && h.isutcnt != h.typecnt) return fail("isutcnt differs from typecnt");
    return h;
}

// Bytes of the data block after a header, with `time_size` bytes per time value (4 or 8).
std::uint64_t data_size(const Header& h, std::uint64_t time_size) {
    return h.timecnt * time_size + h.timecnt + h.typecnt * std::uint64_t{6} + h.charcnt +
           h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

// Transition type indices (one byte each, after the times) must name existing types.
Result<bool> check_type_indices(std::span<const unsigned char> bytes, std::size_t data_start, const Header& h,
                                std::uint64_t time_size) {
    const std::size_t indices = data_start + static_cast<std::size_t>(h.timecnt * time_size);
    for (std::uint32_t i = 0; i < h.timecnt; ++i) {
        if (bytes[indices + i] >= h.typecnt) return fail("transition " + std::to_string(i) + " uses an undefined type");
    }
    return true;
}

}  // namespace

Result<TzifSummary> validate_tzif(std::span<const unsigned char> bytes) {
    auto first = read_header(bytes, 0);
    if (!first) return fail(first.error());
    const Header& v1 = first.value();
    const std::uint64_t v1_end = header_size + data_size(v1, 4);
    if (bytes.size() < v1_end) {
        return fail("truncated: header says " + std::to_string(v1_end) + " bytes, file has " + std::to_string(bytes.size()));
    }
    if (auto ok = check_type_indices(bytes, header_size, v1, 4); !ok) return fail(ok.error());
    TzifSummary summary{v1.version, v1.timecnt, v1.typecnt, {}};
    if (v1.version == 1) return summary;

    auto second = read_header(bytes, static_cast<std::size_t>(v1_end));
    if (!second) return fail("version " + std::to_string(v1.version) + " second header: " + second.error());
    const Header& v2 = second.value();
    const std::uint64_t data_start = v1_end + header_size;
    const std::uint64_t v2_end = data_start + data_size(v2, 8);
    if (bytes.size() < v2_end) {
        return fail("truncated: 64-bit data needs " + std::to_string(v2_end) + " bytes, file has " + std::to_string(bytes.size()));
    }
    if (auto ok = check_type_indices(bytes, static_cast<std::size_t>(data_start), v2, 8); !ok) return fail(ok.error());
    // Footer: "\n" TZ-string "\n", and nothing after it.
    const std::size_t footer = static_cast<std::size_t>(v2_end);
    if (bytes.size() < footer + 2 || bytes[footer] != '\n' || bytes.back() != '\n') return fail("missing or broken footer");
    summary.footer.assign(bytes.begin() + static_cast<std::ptrdiff_t>(footer) + 1, bytes.end() - 1);
    if (summary.footer.find('\n') != std::string::npos) return fail("trailing data after the footer");
    summary.transitions = v2.timecnt;
    summary.types = v2.typecnt;
    return summary;
}

}  // namespace keel::init
