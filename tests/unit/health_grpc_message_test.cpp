// The gRPC health messages and wire details (healthcheck/grpc_message.hpp): framing and protobuf
// by hand, checked against bytes the protobuf encoding rules give (and grpcio sends).
#include <doctest/doctest.h>

#include <string>

#include "healthcheck/grpc_message.hpp"

using keel::health::decode_health_response;

namespace {
std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values) out += static_cast<char>(v);
    return out;
}
}  // namespace

TEST_CASE("requests: the service as field 1, framed with flag 0 and a big-endian length") {
    CHECK(keel::health::encode_health_request("") == bytes({0, 0, 0, 0, 0}));
    CHECK(keel::health::encode_health_request("billing") ==
          bytes({0, 0, 0, 0, 9, 0x0a, 7}) + "billing");
    const std::string long_name(200, 'x');  // a two-byte varint length: 200 = 0xc8 0x01
    CHECK(keel::health::encode_health_request(long_name) == bytes({0, 0, 0, 0, 203, 0x0a, 0xc8, 0x01}) + long_name);
}

TEST_CASE("responses: SERVING, NOT_SERVING, the default, unknown values and fields") {
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 2, 0x08, 1})).value().value == 1);  // SERVING
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 2, 0x08, 2})).value().value == 2);  // NOT_SERVING
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 0})).value().value == 0);           // proto3 default: UNKNOWN
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 3, 0x08, 0x96, 0x01})).value().value == 150);
    // Unknown fields of every wire type are skipped; the last status wins.
    const std::string mixed = bytes({0x08, 2, 0x12, 2, 'h', 'i', 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x08, 1});
    CHECK(decode_health_response(bytes({0, 0, 0, 0, static_cast<int>(mixed.size())}) + mixed).value().value == 1);
    CHECK(keel::health::health_status_name({1}) == "SERVING");
    CHECK(keel::health::health_status_name({3}) == "SERVICE_UNKNOWN");
    CHECK(keel::health::health_status_name({9}) == "status 9");
    CHECK(keel::health::is_serving({1}));
    CHECK_FALSE(keel::health::is_serving({2}));
}

TEST_CASE("responses that are not one well-formed health message") {
    CHECK(decode_health_response(bytes({0, 0, 0})).error() == "truncated message: 3 of at least 5 bytes");
    CHECK(decode_health_response(bytes({1, 0, 0, 0, 2, 0x08, 1})).error() ==
          "compressed message (flag 1), none was asked for");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 5, 0x08})).error() == "truncated message: 1 of 5 bytes");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 1, 0x08, 1})).error() == "more than one message in a unary response");
    CHECK(decode_health_response(bytes({0, 0, 1, 0, 1})).error() == "message of 65537 bytes, over 64 KiB");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 2, 0x0a, 0})).error() == "field 1 has wire type 2, not a varint");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 1, 0x08})).error() == "truncated varint");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 2, 0x12, 5})).error() == "truncated length-delimited field");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 2, 0x1b, 0})).error() == "wire type 3 (groups are not in this message)");
    CHECK(decode_health_response(bytes({0, 0, 0, 0, 2, 0x00, 0})).error() == "field number 0");
    std::string eleven(11, static_cast<char>(0x80));
    CHECK_FALSE(decode_health_response(bytes({0, 0, 0, 0, 12, 0x08}) + eleven).ok());
}

TEST_CASE("grpc-status, grpc-message and grpc-timeout") {
    CHECK(keel::health::parse_grpc_status("0").value() == 0);
    CHECK(keel::health::parse_grpc_status("12").value() == 12);
    CHECK_FALSE(keel::health::parse_grpc_status("").ok());
    CHECK_FALSE(keel::health::parse_grpc_status("-1").ok());
    CHECK_FALSE(keel::health::parse_grpc_status("256").ok());
    CHECK_FALSE(keel::health::parse_grpc_status("1x").ok());
    CHECK(keel::health::grpc_status_name(12) == "UNIMPLEMENTED");
    CHECK(keel::health::grpc_status_name(16) == "UNAUTHENTICATED");
    CHECK(keel::health::grpc_status_name(17).empty());
    CHECK(keel::health::decode_grpc_message("unknown%20service%3A x") == "unknown service: x");
    CHECK(keel::health::decode_grpc_message("100%") == "100%");      // malformed: kept as it came
    CHECK(keel::health::decode_grpc_message("%zz%4") == "%zz%4");
    CHECK(keel::health::decode_grpc_message("%C3%A9") == "\xc3\xa9");
    CHECK(keel::health::encode_grpc_timeout(keel::Duration{2000}) == "2000m");
    CHECK(keel::health::encode_grpc_timeout(keel::Duration{0}) == "0m");
    CHECK(keel::health::encode_grpc_timeout(keel::Duration{604'800'000}) == "604800S");
    CHECK(keel::health::encode_grpc_timeout(keel::Duration{99'999'999}) == "99999999m");
}
