#pragma once
// One grpc.health.v1.Health/Check call over an HTTP/2 connection, as a state machine without I/O:
// bytes received go in (receive), bytes to send come out (take_output), and once done() the
// verdict says what the server answered. HTTP/2 framing, HPACK, flow control and the protocol's
// limits are nghttp2's; the messages are healthcheck/grpc_message.hpp's. The probe (probe.cpp)
// moves the bytes over TCP, TLS or a unix socket; the fuzz target drives it with arbitrary input.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "healthcheck/header_option.hpp"

namespace keel::health {

struct GrpcRequest {
    std::string scheme = "http";  // :scheme, "https" over TLS
    std::string authority;        // :authority
    std::string service;          // HealthCheckRequest.service; "" is the server's overall health
    std::string timeout;          // grpc-timeout ("1999m"), or "" to send none
    std::vector<HeaderField> metadata;  // from --header (names lowercased when sent)
};

struct GrpcVerdict {
    bool healthy = false;
    // "SERVING", "NOT_SERVING (service \"billing\")",
    // "gRPC status 12 UNIMPLEMENTED: unknown service grpc.health.v1.Health".
    std::string summary;
};

class GrpcCall {
public:
    explicit GrpcCall(const GrpcRequest& request);
    ~GrpcCall();
    GrpcCall(const GrpcCall&) = delete;
    GrpcCall& operator=(const GrpcCall&) = delete;

    // Everything nghttp2 has to send now (the connection preface, SETTINGS and the request at
    // first; then acknowledgements and window updates). Empty when there is nothing.
    std::string take_output();

    // The bytes read from the connection. Protocol errors end the call (done()).
    void receive(std::string_view bytes);

    // The peer closed the connection (or the read failed): the call ends with what it has.
    void connection_closed(const std::string& why);

    bool done() const;
    GrpcVerdict verdict() const;

    // What the call waits for, for a timeout message: "while waiting for the server's SETTINGS".
    std::string phase() const;

    struct State;

private:
    std::unique_ptr<State> state_;
};

}  // namespace keel::health
