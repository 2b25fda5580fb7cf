#pragma once
// The gRPC Health Checking Protocol's messages and the gRPC wire details around them, for the coming
// `grpc://` probe (issue 18): the framed HealthCheckRequest sent, the framed HealthCheckResponse
// read back, grpc-status/grpc-message and grpc-timeout. Pure: bytes and text in, values out; the
// HTTP/2 exchange is nghttp2's.
//
//   message HealthCheckRequest  { string service = 1; }
//   message HealthCheckResponse { ServingStatus status = 1; }   // UNKNOWN 0, SERVING 1,
//                                                               // NOT_SERVING 2, SERVICE_UNKNOWN 3
// Encoded by hand (one string field out, one enum field in): no protobuf runtime.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/duration.hpp"
#include "common/result.hpp"

namespace keel::health {

// A reply bigger than this is not a health response (the real one is 2 to 7 bytes).
inline constexpr std::size_t max_grpc_message_size = std::size_t{64} * 1024;

// One length-prefixed message (gRPC over HTTP/2: flag byte 0, 4-byte big-endian length, the
// protobuf bytes) holding HealthCheckRequest{service}; an empty service asks for the server's
// overall health and encodes as an empty message.
std::string encode_health_request(std::string_view service);

// The ServingStatus value as sent (an enum the server may extend: any number is kept).
struct HealthStatus {
    std::uint64_t value = 0;
};

// "SERVING", "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN", or "status 7".
std::string health_status_name(HealthStatus status);
inline bool is_serving(HealthStatus status) { return status.value == 1; }

// The DATA of the response stream: exactly one uncompressed message, within
// max_grpc_message_size, that parses as HealthCheckResponse (unknown fields skipped, the last
// `status` wins, none means UNKNOWN). Errors say what is wrong: "compressed message (flag 1)",
// "truncated message: 3 of 5 bytes", "field 1 has wire type 2, not a varint".
Result<HealthStatus> decode_health_response(std::string_view data);

// grpc-status: decimal 0-255 ("0" is OK). Error for anything else.
Result<unsigned> parse_grpc_status(std::string_view text);
// "OK", "CANCELLED", ..., "UNAUTHENTICATED" (codes 0-16), or "" for another code.
std::string_view grpc_status_name(unsigned code);
// grpc-message is percent-encoded (gRPC's PROTOCOL-HTTP2: %XX for bytes outside 0x20-0x7E and
// '%'); decoded leniently: a malformed escape is kept as it came, as the spec asks.
std::string decode_grpc_message(std::string_view text);

// grpc-timeout for `left`: at most 8 digits and a unit ("1999m", or "604800S" for a week).
std::string encode_grpc_timeout(Duration left);

}  // namespace keel::health
