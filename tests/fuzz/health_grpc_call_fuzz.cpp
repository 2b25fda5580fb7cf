// The gRPC call as the probe drives it: whatever a server sends (HTTP/2 frames through nghttp2,
// HPACK, grpc-status/grpc-message, the protobuf reply), in chunks of the sizes the input's first
// byte picks. Whatever arrives, the call ends and its verdict is one printable line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "healthcheck/grpc_call.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = std::size_t{data[0]} + 1;
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    keel::health::GrpcCall call({"http", "127.0.0.1:50051", "svc", "1999m", {{"x-key", "v"}}});
    (void)call.take_output();
    while (!input.empty() && !call.done()) {
        const std::string_view piece = input.substr(0, chunk);
        input.remove_prefix(piece.size());
        call.receive(piece);
        (void)call.take_output();
    }
    if (!call.done()) call.connection_closed("the server closed the connection");
    if (!call.done()) __builtin_trap();
    const auto verdict = call.verdict();
    if (verdict.summary.empty()) __builtin_trap();
    for (const char c : verdict.summary) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) __builtin_trap();
    }
    (void)call.phase();
    return 0;
}
