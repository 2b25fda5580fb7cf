#include "healthcheck/grpc_message.hpp"

#include <array>

#include "common/text.hpp"

namespace keel::health {
namespace {

constexpr std::size_t frame_header_size = 5;

void append_varint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7f) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

// A varint at data[pos...]: the value, with pos moved past it; an error for a truncated or
// over-long (more than 10 bytes) one.
Result<std::uint64_t> read_varint(std::string_view data, std::size_t& pos) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (pos >= data.size()) return fail("truncated varint");
        const auto byte = static_cast<unsigned char>(data[pos++]);
        if (shift == 63 && byte > 1) return fail("varint longer than 64 bits");
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return value;
    }
    return fail("varint longer than 10 bytes");
}

}  // namespace

std::string encode_health_request(std::string_view service) {
    std::string message;
    if (!service.empty()) {
        message += static_cast<char>(0x0a);  // field 1, wire type 2 (length-delimited)
        append_varint(message, service.size());
        message.append(service);
    }
    std::string framed(1, '\0');  // not compressed
    const auto size = static_cast<std::uint32_t>(message.size());
    for (const int shift : {24, 16, 8, 0}) framed += static_cast<char>((size >> shift) & 0xff);
    return framed + message;
}

std::string health_status_name(HealthStatus status) {
    switch (status.value) {
        case 0: return "UNKNOWN";
        case 1: return "SERVING";
        case 2: return "NOT_SERVING";
        case 3: return "SERVICE_UNKNOWN";
        default: return "status " + std::to_string(status.value);
    }
}

Result<HealthStatus> decode_health_response(std::string_view data) {
    if (data.size() < frame_header_size) {
        return fail("truncated message: " + std::to_string(data.size()) + " of at least 5 bytes");
    }
    const auto flag = static_cast<unsigned char>(data[0]);
    if (flag != 0) return fail("compressed message (flag " + std::to_string(flag) + "), none was asked for");
    std::uint32_t size = 0;
    for (std::size_t i = 1; i < frame_header_size; ++i) size = size << 8 | static_cast<unsigned char>(data[i]);
    if (size > max_grpc_message_size) return fail("message of " + std::to_string(size) + " bytes, over 64 KiB");
    const std::string_view message = data.substr(frame_header_size);
    if (message.size() < size) {
        return fail("truncated message: " + std::to_string(message.size()) + " of " + std::to_string(size) + " bytes");
    }
    if (message.size() > size) return fail("more than one message in a unary response");
    HealthStatus status;
    std::size_t pos = 0;
    while (pos < message.size()) {
        auto key = read_varint(message, pos);
        if (!key) return fail(key.error());
        const std::uint64_t field = key.value() >> 3;
        const auto wire = static_cast<unsigned>(key.value() & 7);
        if (field == 0) return fail("field number 0");
        if (field == 1 && wire != 0) return fail("field 1 has wire type " + std::to_string(wire) + ", not a varint");
        switch (wire) {
            case 0: {
                auto value = read_varint(message, pos);
                if (!value) return fail(value.error());
                if (field == 1) status.value = value.value();
                break;
            }
            case 1:
            case 5: {
                const std::size_t width = wire == 1 ? 8 : 4;
                if (message.size() - pos < width) return fail("truncated fixed-width field");
                pos += width;
                break;
            }
            case 2: {
                auto length = read_varint(message, pos);
                if (!length) return fail(length.error());
                if (length.value() > message.size() - pos) return fail("truncated length-delimited field");
                pos += static_cast<std::size_t>(length.value());
                break;
            }
            default: return fail("wire type " + std::to_string(wire) + " (groups are not in this message)");
        }
    }
    return status;
}

Result<unsigned> parse_grpc_status(std::string_view text) {
    if (text.empty() || text.size() > 3) return fail("grpc-status '" + std::string(text) + "' is not a status code");
    unsigned code = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return fail("grpc-status '" + std::string(text) + "' is not a status code");
        code = code * 10 + static_cast<unsigned>(c - '0');
    }
    if (code > 255) return fail("grpc-status '" + std::string(text) + "' is not a status code");
    return code;
}

std::string_view grpc_status_name(unsigned code) {
    static constexpr std::array<std::string_view, 17> names{
        "OK",        "CANCELLED",         "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    return code < names.size() ? names[code] : std::string_view();
}

std::string decode_grpc_message(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = ascii_hex_value(text[i + 1]);
            const int low = ascii_hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::string encode_grpc_timeout(Duration left) {
    const long long ms = left.count() < 0 ? 0 : static_cast<long long>(left.count());
    if (ms <= 99'999'999) return std::to_string(ms) + "m";
    return std::to_string(ms / 1000) + "S";  // up to a week of seconds: 6 digits
}

}  // namespace keel::health
