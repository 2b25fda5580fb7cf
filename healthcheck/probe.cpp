#include "healthcheck/probe.hpp"

#include <chrono>
#include <optional>
#include <utility>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "common/text.hpp"
#include "healthcheck/resolve.hpp"
#include "healthcheck/response.hpp"

#if KEEL_GRPC
#include <array>

#include "healthcheck/grpc_call.hpp"
#include "healthcheck/grpc_message.hpp"
#endif

#if KEEL_TLS
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "healthcheck/tls.hpp"
#endif

namespace keel::health {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
// One socket type for TCP and unix sockets: each Beast/Asio operation is compiled once per stream
// type, and the binary size is a goal.
using Socket = asio::generic::stream_protocol::socket;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

bool is_http_error(const error_code& ec) { return ec.category() == make_error_code(http::error::end_of_stream).category(); }

std::string describe(const error_code& ec) {
    if (is_http_error(ec)) return describe_http_error(ec);
    return lowercase_first(ec.message());
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
    const std::string address = endpoint.address().to_string();
    return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(endpoint.port());
}

}  // namespace

class Probe {
public:
    Probe(asio::io_context& io, const ProbeConfig& config)
        : config_(config), io_(io), deadline_(io), socket_(io), lookup_(io) {}

    void run(std::function<void(ProbeOutcome)> done) {
        done_ = std::move(done);
        started_ = Clock::now();
        // The one deadline: whatever runs when it fires (a lookup, a connect, a trickling read)
        // is abandoned or has its socket closed under it.
        deadline_.expires_after(config_.timeout);
        deadline_.async_wait([this](const error_code& ec) {
            if (!ec) on_deadline();
        });
        start();
    }

    void cancel() {
        if (outcome_) return;
        outcome_ = ProbeOutcome{false, "cancelled " + phase_};
        stop();
    }

private:
    void start() {
        if (is_unix(config_.url.scheme)) return connect_unix();
#if KEEL_TLS
        if ((config_.url.scheme == Scheme::https || config_.url.scheme == Scheme::grpcs) && !start_tls()) return;
#endif
        resolve();
    }

    void resolve() {
        const ProbeUrl& url = config_.url;
        if (url.host_kind != HostKind::name) {
            error_code ec;
            const auto address = asio::ip::make_address(url.host, ec);
            if (ec) return finish(false, "invalid address " + url.host);
            endpoints_ = {tcp::endpoint(address, url.port)};
            return connect(0);
        }
        if (auto loopback = loopback_endpoints(url.host, url.port)) {
            endpoints_ = std::move(*loopback);
            return connect(0);
        }
        phase_ = "while resolving " + url.host;
        lookup_.start(url.host, url.port, [this](Result<Endpoints> result) {
            if (!result) return finish(false, result.error());
            endpoints_ = std::move(result).value();
            connect(0);
        });
    }

    // Each address in turn (127.0.0.1 then ::1 for localhost, say). The first failure is the one
    // reported: a later "network unreachable" from an IPv6-less container would only mislead.
    void connect(std::size_t index) {
        const tcp::endpoint endpoint = endpoints_[index];
        phase_ = "while connecting to " + format_endpoint(endpoint);
        error_code ignored;
        socket().close(ignored);
        socket().async_connect(endpoint, [this, index, endpoint](const error_code& ec) {
            if (outcome_) return;
            if (!ec) return on_connected(endpoint);
            if (first_connect_error_.empty()) first_connect_error_ = "connect to " + format_endpoint(endpoint) + ": " + describe(ec);
            // "Nothing listens": some address refused and the others cannot be reached at all
            // (localhost's ::1 in a container without IPv6).
            any_refused_ = any_refused_ || ec == asio::error::connection_refused;
            unanswered_ = unanswered_ && (ec == asio::error::connection_refused || ec == asio::error::network_unreachable ||
                                          ec == boost::system::errc::address_not_available ||
                                          ec == boost::system::errc::address_family_not_supported);
            if (index + 1 < endpoints_.size()) return connect(index + 1);
            const std::size_t others = endpoints_.size() - 1;
            const std::string also = others == 0 ? "" : " (" + std::to_string(others) + (others == 1 ? " more address" : " more addresses") + " failed too)";
            finish(false, first_connect_error_ + also, any_refused_ && unanswered_);
        });
    }

    void on_connected(const tcp::endpoint& endpoint) {
        if (config_.url.scheme == Scheme::tcp) return finish(true, "connected to " + format_endpoint(endpoint));
#if KEEL_TLS
        if (tls_) return handshake();
#endif
        exchange(socket_);
    }

    // The request and response: HTTP/1.1 through Beast, or a gRPC call over HTTP/2.
    template <class Stream>
    void exchange(Stream& stream) {
#if KEEL_GRPC
        if (is_grpc(config_.url.scheme)) return start_grpc(stream);
#endif
        send_request(stream);
    }

    void connect_unix() {
        const std::string& path = config_.url.socket_path;
        phase_ = "while connecting to " + path;
        socket_.async_connect(asio::local::stream_protocol::endpoint(path), [this, &path](const error_code& ec) {
            if (outcome_) return;
            if (ec) {
                // No socket file yet, or one nobody accepts on: the server has not started.
                const bool refused = ec == asio::error::connection_refused || ec == boost::system::errc::no_such_file_or_directory;
                return finish(false, "connect to " + path + ": " + describe(ec), refused);
            }
            exchange(socket_);
        });
    }

#if KEEL_TLS
    bool start_tls() {
        phase_ = "while reading the CA certificates";
        auto client = TlsClient::create({config_.insecure, config_.ca_file, deadline_.expiry(), config_.cert_file, config_.key_file});
        if (!client) {
            // Reading them is synchronous: past the deadline, the verdict is the timeout's.
            if (Clock::now() >= deadline_.expiry()) {
                phase_ += " (" + client.error() + ")";
                on_deadline();
            } else {
                finish(false, client.error());
            }
            return false;
        }
        tls_client_ = std::move(client).value();
        tls_.emplace(io_, tls_client_->context());
        if (auto prepared = tls_client_->prepare_session(tls_->native_handle(), tls_server_name(config_), tls_server_kind(config_),
                                                        is_grpc(config_.url.scheme));
            !prepared) {
            finish(false, prepared.error());
            return false;
        }
        return true;
    }

    void handshake() {
        phase_ = "during TLS handshake";
        tls_->async_handshake(asio::ssl::stream_base::client, [this](const error_code& ec) {
            if (outcome_) return;
            if (ec) {
                std::string why = explain_tls_failure(tls_->native_handle(), ec);
                if (why.empty()) why = describe(ec);
                std::string peer = host_port(config_.url);
                if (config_.authority) {
                    peer += " (as " + config_.authority->host + ")";
                } else if (certificate_names_other_host(tls_->native_handle())) {
                    why += " (--authority NAME checks the certificate against NAME)";
                }
                return finish(false, "TLS handshake with " + peer + ": " + why);
            }
            if (is_grpc(config_.url.scheme)) {
                if (auto alpn = check_alpn_h2(tls_->native_handle()); !alpn) return finish(false, alpn.error());
            }
            exchange(*tls_);
        });
    }

    Socket& socket() { return tls_ ? tls_->next_layer() : socket_; }
#else
    Socket& socket() { return socket_; }
#endif

    template <class Stream>
    void send_request(Stream& stream) {
        phase_ = "while sending request";
        asio::async_write(stream, asio::buffer(config_.request), [this, &stream](const error_code& ec, std::size_t) {
            if (outcome_) return;
            if (ec) return finish(false, "send request: " + describe(ec));
            read_headers(stream);
        });
    }

    template <class Stream>
    void read_headers(Stream& stream) {
        phase_ = "while reading headers";
        configure_response_parser(parser_, config_.head_request);
        http::async_read_header(stream, buffer_, parser_, [this, &stream](error_code ec, std::size_t) {
            if (outcome_) return;
            if (ec) return fail_read(ec);
            read_body(stream);
        });
    }

    // Piece by piece rather than http::async_read, to stop once the body holds its first 1 MiB.
    template <class Stream>
    void read_body(Stream& stream) {
        phase_ = "while reading body";
        if (response_complete(parser_)) return judge();
        http::async_read_some(stream, buffer_, parser_, [this, &stream](error_code ec, std::size_t) {
            if (outcome_) return;
            if (ec) return fail_read(ec);
            read_body(stream);
        });
    }

#if KEEL_GRPC
    template <class Stream>
    void start_grpc(Stream& stream) {
        const auto left = std::chrono::duration_cast<Duration>(deadline_.expiry() - Clock::now());
        GrpcRequest request{config_.url.scheme == Scheme::grpcs ? "https" : "http",
                            config_.authority ? config_.authority->text : grpc_authority(config_.url),
                            config_.url.service, encode_grpc_timeout(std::max(left, Duration(1))), config_.metadata};
        grpc_ = std::make_unique<GrpcCall>(request);
        grpc_send(stream);
    }

    // Whatever nghttp2 has to send, then read; each read is fed to it, and so on until the call
    // is done. The reply is a few hundred bytes, so one direction at a time cannot stall.
    template <class Stream>
    void grpc_send(Stream& stream) {
        phase_ = grpc_->phase();
        grpc_output_ = grpc_->take_output();
        if (grpc_->done()) return grpc_judge();
        if (grpc_output_.empty()) return grpc_receive(stream);
        asio::async_write(stream, asio::buffer(grpc_output_), [this, &stream](const error_code& ec, std::size_t) {
            if (outcome_) return;
            if (ec) {
                grpc_->connection_closed("send to " + host_port(config_.url) + ": " + describe(ec));
                return grpc_judge();
            }
            grpc_receive(stream);
        });
    }

    template <class Stream>
    void grpc_receive(Stream& stream) {
        stream.async_read_some(asio::buffer(grpc_input_), [this, &stream](const error_code& ec, std::size_t size) {
            if (outcome_) return;
            if (ec) {
                grpc_->connection_closed(describe_grpc_read_error(ec));
                return grpc_judge();
            }
            grpc_->receive(std::string_view(grpc_input_.data(), size));
            grpc_send(stream);
        });
    }

    std::string describe_grpc_read_error(const error_code& ec) {
#if KEEL_TLS
        if (tls_ && ec == asio::ssl::error::stream_truncated) {
            // TLS 1.3 ends the handshake before the server has checked the client's certificate:
            // a server that wants one and got none (or a wrong one) closes or alerts here.
            return config_.cert_file.empty()
                       ? "the server closed the TLS connection (as one that requires a client certificate does: --cert, --key)"
                       : "the server closed the TLS connection (did it refuse the client certificate?)";
        }
        if (tls_ && ec.category() == asio::error::get_ssl_category()) {
            const std::string why = explain_tls_failure(tls_->native_handle(), ec);
            return "TLS: " + (why.empty() ? describe(ec) : why);
        }
#endif
        if (ec == asio::error::eof) return "the server closed the connection";
        return "read from " + host_port(config_.url) + ": " + describe(ec);
    }

    void grpc_judge() {
        const GrpcVerdict verdict = grpc_->verdict();
        finish(verdict.healthy, verdict.summary);
    }
#endif

    void judge() {
        const Verdict verdict = judge_response(parser_.get(), config_.expect);
        finish(verdict.healthy, verdict.summary);
    }

    void fail_read(error_code ec) {
#if KEEL_TLS
        // A TLS peer that closes without close_notify: the end of a close-delimited body, or a
        // response cut short, exactly as a TCP close would be.
        if (ec == asio::ssl::error::stream_truncated) {
            ec = {};
            if (parser_.need_eof()) parser_.put_eof(ec);
            if (!ec && parser_.is_done()) return judge();
            ec = parser_.got_some() ? http::error::partial_message : http::error::end_of_stream;
        }
#endif
        if (is_http_error(ec)) return finish(false, describe(ec));
        finish(false, "read from " + host_port(config_.url) + ": " + describe(ec));
    }

    void finish(bool healthy, const std::string& what, bool refused = false) {
        if (outcome_) return;
        const auto elapsed = Clock::now() - started_;
        outcome_ = ProbeOutcome{healthy, what + (healthy ? " in " : " after ") + format_duration(elapsed), refused};
        stop();
    }

    void on_deadline() {
        if (outcome_) return;
        outcome_ = ProbeOutcome{false, "timeout after " + format_duration(config_.timeout) + " " + phase_};
        stop();
    }

    // Pending operations complete with operation_aborted (queued by the cancel and the close);
    // their handlers see outcome_ and return. The verdict is posted behind them, so when done_
    // runs nothing of this probe is left in the loop.
    void stop() {
        deadline_.cancel();
        lookup_.abandon();
        error_code ignored;
        socket().close(ignored);
        asio::post(io_, [this] {
            if (done_) std::exchange(done_, nullptr)(*outcome_);
        });
    }

    const ProbeConfig& config_;
    asio::io_context& io_;
    std::function<void(ProbeOutcome)> done_;
    asio::steady_timer deadline_;
    Socket socket_;  // plain TCP or unix; https uses the TLS stream's own socket
#if KEEL_TLS
    std::unique_ptr<TlsClient> tls_client_;
    std::optional<asio::ssl::stream<Socket>> tls_;
#endif
    HostLookup lookup_;
    Endpoints endpoints_;
    std::string first_connect_error_;
    bool any_refused_ = false;  // an address refused the connection
    bool unanswered_ = true;    // every address refused or could not be reached
    ResponseParser parser_;
    boost::beast::flat_buffer buffer_{4 * std::size_t{response_header_limit}};
#if KEEL_GRPC
    std::unique_ptr<GrpcCall> grpc_;
    std::string grpc_output_;
    std::array<char, std::size_t{16} * 1024> grpc_input_{};
#endif
    std::string phase_ = "while starting";
    Clock::time_point started_;
    std::optional<ProbeOutcome> outcome_;
};

ProbeOutcome run_probe(const ProbeConfig& config) {
    asio::io_context io(1);
    ProbeOutcome outcome{false, "the probe ended without a verdict"};
    Probe probe(io, config);
    probe.run([&outcome](ProbeOutcome result) { outcome = std::move(result); });
    io.run();
    return outcome;
}

AsyncProbe::AsyncProbe(asio::io_context& io, const ProbeConfig& config) : probe_(std::make_unique<Probe>(io, config)) {}
AsyncProbe::~AsyncProbe() = default;

void AsyncProbe::start(std::function<void(ProbeOutcome)> done) { probe_->run(std::move(done)); }
void AsyncProbe::cancel() { probe_->cancel(); }

}  // namespace keel::health
