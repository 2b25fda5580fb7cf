#include "healthcheck/grpc_call.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <optional>

#include "common/text.hpp"
#include "healthcheck/grpc_message.hpp"
#include "healthcheck/request.hpp"

namespace keel::health {
namespace {

constexpr const char* health_check_path = "/grpc.health.v1.Health/Check";
// What a health response's headers and trailers may add up to (names and values): a real one is
// under 200 bytes; the limit is the HTTP probe's (response_header_limit).
constexpr std::size_t max_header_bytes = std::size_t{16} * 1024;
// DATA beyond one maximal message (its 5-byte prefix included) is not a health response.
constexpr std::size_t max_body_bytes = max_grpc_message_size + 5;

std::string_view view(const std::uint8_t* data, std::size_t size) { return {reinterpret_cast<const char*>(data), size}; }

nghttp2_nv field(std::string_view name, std::string_view value) {
    // nghttp2 copies names and values into its own buffers when the request is submitted
    // (NGHTTP2_NV_FLAG_NONE), so these views need only outlive nghttp2_submit_request.
    return {const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(name.data())),
            const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(value.data())), name.size(), value.size(),
            NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

struct GrpcCall::State {
    std::string service;
    std::string request_body;  // the framed HealthCheckRequest
    std::size_t body_sent = 0;
    nghttp2_session* session = nullptr;
    std::int32_t stream = -1;

    bool settings_received = false;
    bool headers_received = false;  // the final (non-1xx) response headers
    bool stream_closed = false;
    std::optional<std::uint32_t> reset_code;   // RST_STREAM (or a local stream error)
    std::optional<std::uint32_t> goaway_code;  // GOAWAY from the server
    std::optional<std::uint32_t> sent_goaway;  // GOAWAY from nghttp2: the server broke the protocol
    std::string failure;                       // set once: a protocol or limit failure
    std::string closed_why;                    // the connection ended: why

    unsigned http_status = 0;
    std::string content_type;
    bool has_content_type = false;
    std::optional<std::string> grpc_status;
    std::string grpc_message;
    std::size_t header_bytes = 0;
    std::string body;
    std::string first_bytes;  // the start of what the server sent, to recognise an HTTP/1.x reply

    void fail(std::string why) {
        if (failure.empty()) failure = std::move(why);
    }

    ~State() { nghttp2_session_del(session); }
};

namespace {

using State = GrpcCall::State;

State& state_of(void* user_data) { return *static_cast<State*>(user_data); }

// "" when the response's content-type is gRPC's; else the verdict's reason.
std::string wrong_content_type(const State& state) {
    if (!state.has_content_type) return "not a gRPC response: no content-type";
    if (state.content_type.starts_with("application/grpc")) return "";
    return "not a gRPC response: content-type '" + printable(state.content_type) + "'";
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name_data, std::size_t name_size,
              const std::uint8_t* value_data, std::size_t value_size, std::uint8_t, void* user_data) {
    State& state = state_of(user_data);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->hd.stream_id != state.stream) return 0;
    state.header_bytes += name_size + value_size;
    if (state.header_bytes > max_header_bytes) {
        state.fail("response headers and trailers larger than 16 KiB");
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    const std::string_view name = view(name_data, name_size), value = view(value_data, value_size);
    if (name == ":status") {
        unsigned status = 0;
        for (const char c : value) status = status * 10 + static_cast<unsigned>(c - '0');  // nghttp2 checked: 3 digits
        state.http_status = status;
    } else if (name == "content-type" && !state.headers_received) {
        state.content_type = std::string(value.substr(0, 100));
        state.has_content_type = true;
    } else if (name == "grpc-status") {
        state.grpc_status = std::string(value.substr(0, 100));
    } else if (name == "grpc-message") {
        state.grpc_message = decode_grpc_message(value.substr(0, 1024));
    }
    return 0;
}

int on_frame_received(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    State& state = state_of(user_data);
    switch (frame->hd.type) {
    case NGHTTP2_SETTINGS:
        if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) state.settings_received = true;
        break;
    case NGHTTP2_HEADERS:
        // A 1xx response is followed by the real one; anything else ends the headers, and a later
        // HEADERS frame holds the trailers.
        if (frame->hd.stream_id == state.stream && state.http_status >= 200) state.headers_received = true;
        break;
    case NGHTTP2_GOAWAY:
        state.goaway_code = frame->goaway.error_code;
        break;
    default:
        break;
    }
    return 0;
}

int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream, const std::uint8_t* data, std::size_t size,
                  void* user_data) {
    State& state = state_of(user_data);
    if (stream != state.stream) return 0;
    if (state.body.size() + size > max_body_bytes) {
        state.fail("response message larger than 64 KiB");
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    state.body.append(view(data, size));
    return 0;
}

int on_stream_close(nghttp2_session*, std::int32_t stream, std::uint32_t error_code, void* user_data) {
    State& state = state_of(user_data);
    if (stream != state.stream) return 0;
    state.stream_closed = true;
    if (error_code != NGHTTP2_NO_ERROR) state.reset_code = error_code;
    return 0;
}

ssize_t read_request_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t length,
                                std::uint32_t* flags, nghttp2_data_source*, void* user_data) {
    State& state = state_of(user_data);
    const std::size_t count = std::min(length, state.request_body.size() - state.body_sent);
    std::copy_n(state.request_body.data() + state.body_sent, count, buffer);
    state.body_sent += count;
    if (state.body_sent == state.request_body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(count);
}

int on_frame_sent(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_GOAWAY) state_of(user_data).sent_goaway = frame->goaway.error_code;
    return 0;
}

std::string code_name(std::uint32_t code) {
    return std::string(nghttp2_http2_strerror(code)) + " (" + std::to_string(code) + ")";
}

bool looks_like_http1(std::string_view bytes) { return bytes.starts_with("HTTP/1.") || std::string_view("HTTP/1.").starts_with(bytes); }

std::string describe_status(const State& state) {
    auto code = parse_grpc_status(*state.grpc_status);
    if (!code) return "invalid grpc-status '" + printable(*state.grpc_status) + "'";
    const std::string_view name = grpc_status_name(code.value());
    std::string text = "gRPC status " + std::to_string(code.value()) + (name.empty() ? "" : " " + std::string(name));
    if (!state.grpc_message.empty()) text += ": " + printable(state.grpc_message);
    return text;
}

}  // namespace

GrpcCall::GrpcCall(const GrpcRequest& request) : state_(std::make_unique<State>()) {
    State& state = *state_;
    state.service = request.service;
    state.request_body = encode_health_request(request.service);

    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_option* options = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0 || nghttp2_option_new(&options) != 0) {
        nghttp2_session_callbacks_del(callbacks);
        state.fail("out of memory creating the HTTP/2 session");
        return;
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_received);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, on_frame_sent);
    // A server may not push (SETTINGS_ENABLE_PUSH 0 below); nghttp2 then treats a PUSH_PROMISE as
    // the protocol error it is.
    nghttp2_option_set_max_reserved_remote_streams(options, 0);
    const int created = nghttp2_session_client_new2(&state.session, callbacks, &state, options);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_option_del(options);
    if (created != 0) {
        state.session = nullptr;
        state.fail(std::string("creating the HTTP/2 session: ") + nghttp2_strerror(created));
        return;
    }

    const std::array<nghttp2_settings_entry, 2> settings{{{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                                          {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, max_header_bytes}}};
    if (const int rv = nghttp2_submit_settings(state.session, NGHTTP2_FLAG_NONE, settings.data(), settings.size()); rv != 0) {
        state.fail(std::string("HTTP/2 SETTINGS: ") + nghttp2_strerror(rv));
        return;
    }

    const std::string agent = user_agent();
    std::vector<std::string> names;  // the metadata's names lowercased (HTTP/2 requires it)
    names.reserve(request.metadata.size());
    for (const auto& header : request.metadata) names.push_back(ascii_lowercase(header.name));
    const bool own_agent = std::find(names.begin(), names.end(), "user-agent") != names.end();
    std::vector<nghttp2_nv> fields = {field(":method", "POST"),         field(":scheme", request.scheme),
                                      field(":path", health_check_path), field(":authority", request.authority),
                                      field("content-type", "application/grpc"), field("te", "trailers")};
    if (!own_agent) fields.push_back(field("user-agent", agent));
    if (!request.timeout.empty()) fields.push_back(field("grpc-timeout", request.timeout));
    for (std::size_t i = 0; i < names.size(); ++i) fields.push_back(field(names[i], request.metadata[i].value));
    nghttp2_data_provider body{};
    body.read_callback = read_request_body;
    state.stream = nghttp2_submit_request(state.session, nullptr, fields.data(), fields.size(), &body, nullptr);
    if (state.stream < 0) state.fail(std::string("HTTP/2 request: ") + nghttp2_strerror(state.stream));
}

GrpcCall::~GrpcCall() = default;

std::string GrpcCall::take_output() {
    State& state = *state_;
    std::string output;
    if (state.session == nullptr || !state.failure.empty()) return output;
    for (;;) {
        const std::uint8_t* data = nullptr;
        const ssize_t size = nghttp2_session_mem_send(state.session, &data);
        if (size < 0) {
            state.fail(std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(size)));
            break;
        }
        if (size == 0) break;
        output.append(view(data, static_cast<std::size_t>(size)));
    }
    return output;
}

void GrpcCall::receive(std::string_view bytes) {
    State& state = *state_;
    if (done()) return;
    if (state.first_bytes.size() < 8) state.first_bytes += bytes.substr(0, 8 - state.first_bytes.size());
    const ssize_t used = nghttp2_session_mem_recv(state.session, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (used >= 0) return;
    if (!state.settings_received && looks_like_http1(state.first_bytes)) {
        state.fail("the server answered in HTTP/1.x, not HTTP/2: not a gRPC server");
    } else {
        state.fail(std::string("HTTP/2 error from the server: ") + lowercase_first(nghttp2_strerror(static_cast<int>(used))));
    }
}

void GrpcCall::connection_closed(const std::string& why) {
    if (state_->closed_why.empty()) state_->closed_why = why.empty() ? "connection closed" : why;
}

bool GrpcCall::done() const {
    const State& state = *state_;
    if (!state.failure.empty() || state.stream_closed || !state.closed_why.empty()) return true;
    return nghttp2_session_want_read(state.session) == 0 && nghttp2_session_want_write(state.session) == 0;
}

std::string GrpcCall::phase() const {
    const State& state = *state_;
    if (!state.settings_received) return "while waiting for the server's HTTP/2 SETTINGS";
    if (!state.headers_received) return "while waiting for the response headers";
    return "while reading the response";
}

GrpcVerdict GrpcCall::verdict() const {
    const State& state = *state_;
    auto unhealthy = [](std::string why) { return GrpcVerdict{false, std::move(why)}; };
    // A status in the headers (a trailers-only response) or the trailers settles it, whatever
    // happens to the connection after.
    if (state.headers_received && state.http_status == 200 && state.grpc_status) {
        auto code = parse_grpc_status(*state.grpc_status);
        if (!code || code.value() != 0) return unhealthy(describe_status(state));
        if (!state.stream_closed) return unhealthy("the response ended before its trailers");
    } else {
        if (!state.settings_received && !state.first_bytes.empty() && looks_like_http1(state.first_bytes)) {
            return unhealthy("the server answered in HTTP/1.x, not HTTP/2: not a gRPC server");
        }
        if (!state.failure.empty()) return unhealthy(state.failure);
        if (state.sent_goaway && *state.sent_goaway != NGHTTP2_NO_ERROR) {
            return unhealthy("HTTP/2 protocol error by the server: " + code_name(*state.sent_goaway));
        }
        if (!state.headers_received) {
            // A GOAWAY also closes the stream (REFUSED_STREAM): the GOAWAY is the news.
            if (state.goaway_code) return unhealthy("the server sent GOAWAY with " + code_name(*state.goaway_code) + " before answering");
            if (state.reset_code) return unhealthy("the server reset the stream with " + code_name(*state.reset_code) + " before answering");
            if (!state.closed_why.empty()) return unhealthy(state.closed_why + " before the response");
            return unhealthy("no response");
        }
        if (state.http_status != 200) return unhealthy("HTTP status " + std::to_string(state.http_status) + ", not a gRPC response");
        if (const std::string wrong = wrong_content_type(state); !wrong.empty()) return unhealthy(wrong);
        if (state.reset_code) return unhealthy("the server reset the stream with " + code_name(*state.reset_code) + " during the response");
        if (!state.closed_why.empty()) return unhealthy(state.closed_why + " during the response");
        return unhealthy("the response ended without grpc-status");
    }
    if (const std::string wrong = wrong_content_type(state); state.http_status == 200 && !wrong.empty()) return unhealthy(wrong);
    auto status = decode_health_response(state.body);
    if (!status) return unhealthy("invalid HealthCheckResponse: " + status.error());
    const std::string name = health_status_name(status.value());
    if (is_serving(status.value())) return {true, name};
    return unhealthy(name + (state.service.empty() ? "" : " (service \"" + printable(state.service) + "\")"));
}

}  // namespace keel::health
