// The gRPC health response decoder (healthcheck/grpc_message.hpp) on any bytes: it returns a
// status or a message, never reads out of bounds (ASan), and what it accepts is one message
// whose framed length matches. grpc-message decoding never grows its input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "healthcheck/grpc_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto status = keel::health::decode_health_response(text);
    if (status) {
        if (size < 5 || data[0] != 0) __builtin_trap();
        const std::size_t length = std::size_t{data[1]} << 24 | std::size_t{data[2]} << 16 | std::size_t{data[3]} << 8 | data[4];
        if (length != size - 5) __builtin_trap();
        (void)keel::health::health_status_name(status.value());
    } else if (status.error().empty()) {
        __builtin_trap();
    }
    if (keel::health::decode_grpc_message(text).size() > size) __builtin_trap();
    (void)keel::health::parse_grpc_status(text);
    return 0;
}
