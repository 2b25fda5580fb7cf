#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "healthcheck/grpc_call.hpp"

namespace {

using keel::health::GrpcCall;

// One HTTP/2 frame (RFC 9113 4.1).
std::string h2_frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, const std::string& payload) {
    std::string out;
    const auto size = static_cast<std::uint32_t>(payload.size());
    out += static_cast<char>(size >> 16);
    out += static_cast<char>(size >> 8);
    out += static_cast<char>(size);
    out += static_cast<char>(type);
    out += static_cast<char>(flags);
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(stream >> shift);
    return out + payload;
}

// HPACK literal fields without indexing, names as text (RFC 7541 6.2.2); short ones only.
std::string literal_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string block;
    for (const auto& [name, value] : fields) {
        block += '\0';
        block += static_cast<char>(name.size());
        block += name;
        block += static_cast<char>(value.size());
        block += value;
    }
    return block;
}

const std::string settings = h2_frame(4, 0, 0, "");
const std::string response_headers = h2_frame(1, 4, 1, literal_fields({{":status", "200"}, {"content-type", "application/grpc"}}));
const std::string ok_trailers = h2_frame(1, 5, 1, literal_fields({{"grpc-status", "0"}}));

std::string message(char status) { return h2_frame(0, 0, 1, std::string("\0\0\0\0\x02\x08", 6) + status); }

GrpcCall started_call(const std::string& service = "") {
    return GrpcCall({"http", "127.0.0.1:50051", service, "1999m", {{"X-Tenant", "blue"}}});
}

// The request's header fields, decoded from the first HEADERS frame with nghttp2's own HPACK
// inflater (the client's encoder may index or Huffman-code them).
std::vector<std::pair<std::string, std::string>> request_fields(const std::string& out) {
    std::vector<std::pair<std::string, std::string>> fields;
    std::size_t at = 24;  // the connection preface
    while (at + 9 <= out.size()) {
        const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(out[at + i]); };
        const std::size_t size = (std::size_t{byte(0)} << 16) | (std::size_t{byte(1)} << 8) | byte(2);
        if (byte(3) == 1) {
            nghttp2_hd_inflater* inflater = nullptr;
            REQUIRE(nghttp2_hd_inflate_new(&inflater) == 0);
            const auto* in = reinterpret_cast<const std::uint8_t*>(out.data() + at + 9);
            std::size_t left = size;
            for (;;) {
                nghttp2_nv field{};
                int flags = 0;
                const auto used = nghttp2_hd_inflate_hd2(inflater, &field, &flags, in, left, 1);
                REQUIRE(used >= 0);
                in += used;
                left -= static_cast<std::size_t>(used);
                if ((flags & NGHTTP2_HD_INFLATE_EMIT) != 0) {
                    fields.emplace_back(std::string(reinterpret_cast<const char*>(field.name), field.namelen),
                                        std::string(reinterpret_cast<const char*>(field.value), field.valuelen));
                }
                if ((flags & NGHTTP2_HD_INFLATE_FINAL) != 0) break;
                if (used == 0 && left == 0) break;
            }
            nghttp2_hd_inflate_del(inflater);
            return fields;
        }
        at += 9 + size;
    }
    return fields;
}

}  // namespace

TEST_CASE("the request: POST to Check with :authority, te, grpc-timeout, user-agent and the metadata") {
    GrpcCall call({"https", "billing.internal:443", "billing", "1999m", {{"X-Tenant", "blue"}, {"authorization", "Bearer t"}}});
    const auto fields = request_fields(call.take_output());
    const std::vector<std::pair<std::string, std::string>> expected_start = {
        {":method", "POST"}, {":scheme", "https"}, {":path", "/grpc.health.v1.Health/Check"}, {":authority", "billing.internal:443"}};
    REQUIRE(fields.size() >= expected_start.size());
    CHECK(std::vector(fields.begin(), fields.begin() + 4) == expected_start);
    const auto has = [&](const std::string& name, const std::string& value) {
        for (const auto& field : fields) {
            if (field.first == name) return field.second == value;
        }
        return false;
    };
    CHECK(has("te", "trailers"));
    CHECK(has("content-type", "application/grpc"));
    CHECK(has("grpc-timeout", "1999m"));
    CHECK(has("x-tenant", "blue"));  // HTTP/2 names are lowercase (RFC 9113 8.2.1)
    CHECK(has("authorization", "Bearer t"));
}

TEST_CASE("the call starts with the connection preface, SETTINGS and one request") {
    GrpcCall call({"http", "127.0.0.1:50051", "billing", "1999m", {}});
    const std::string out = call.take_output();
    REQUIRE(out.rfind("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0) == 0);
    CHECK(out.find("billing") != std::string::npos);  // the request message in the DATA frame
    CHECK_FALSE(call.done());
    CHECK(call.phase() == "while waiting for the server's HTTP/2 SETTINGS");
    CHECK(call.take_output().empty());
}

TEST_CASE("SERVING is healthy; NOT_SERVING names the service") {
    {
        GrpcCall call = started_call();
        (void)call.take_output();
        call.receive(settings + response_headers + message(1) + ok_trailers);
        REQUIRE(call.done());
        CHECK(call.verdict().healthy);
        CHECK(call.verdict().summary == "SERVING");
    }
    {
        GrpcCall call = started_call("billing");
        (void)call.take_output();
        // One byte at a time: nghttp2 keeps partial frames.
        const std::string reply = settings + response_headers + message(2) + ok_trailers;
        for (const char byte : reply) call.receive(std::string(1, byte));
        REQUIRE(call.done());
        CHECK_FALSE(call.verdict().healthy);
        CHECK(call.verdict().summary == "NOT_SERVING (service \"billing\")");
    }
}

TEST_CASE("a non-zero grpc-status wins, with its decoded message") {
    GrpcCall call = started_call();
    (void)call.take_output();
    call.receive(settings + h2_frame(1, 5, 1, literal_fields({{":status", "200"}, {"content-type", "application/grpc"},
                                                              {"grpc-status", "12"}, {"grpc-message", "no%20health%01"}})));
    REQUIRE(call.done());
    CHECK(call.verdict().summary == "gRPC status 12 UNIMPLEMENTED: no health?");
}

TEST_CASE("a connection that ends early says when") {
    GrpcCall call = started_call();
    (void)call.take_output();
    call.receive(settings);
    CHECK(call.phase() == "while waiting for the response headers");
    call.receive(response_headers);
    CHECK(call.phase() == "while reading the response");
    call.connection_closed("the server closed the connection");
    REQUIRE(call.done());
    CHECK(call.verdict().summary == "the server closed the connection during the response");
}

TEST_CASE("an HTTP/1.1 reply is recognised") {
    GrpcCall call = started_call();
    (void)call.take_output();
    call.receive("HTTP/1.1 400 Bad Request\r\n\r\n");
    if (!call.done()) call.connection_closed("");
    CHECK(call.verdict().summary == "the server answered in HTTP/1.x, not HTTP/2: not a gRPC server");
}
