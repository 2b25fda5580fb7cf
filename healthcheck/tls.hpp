#pragma once
// TLS for https:// probes (compiled only when KEEL_TLS): the client context (TLS 1.2 or newer,
// peer verification against an indexed CA bundle, ALPN http/1.1), per-connection settings (SNI,
// the name or IP address the certificate must carry) and handshake failures explained in words,
// since the release build's OpenSSL has no error strings (Asio then says only "asio.ssl error").

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "common/result.hpp"
#include "healthcheck/ca_index.hpp"
#include "healthcheck/url.hpp"

namespace keel::health {

struct TlsOptions {
    bool insecure = false;  // skip certificate verification
    std::string ca_file;    // empty: the bundle or directory find_ca_location() finds
    // The probe's deadline: reading the CA files is synchronous, so it is checked after each
    // file, and create() gives up, naming how far it got, once it has passed.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    std::string cert_file;  // mTLS: the client certificate (PEM, any chain after it); empty: none
    std::string key_file;   // its private key (PEM)
};

class TlsClient {
public:
    // Errors name what is missing or unreadable: "no CA certificates found (...)", "CA file
    // /x: cannot open: No such file or directory", "CA file /x holds no certificates".
    static Result<std::unique_ptr<TlsClient>> create(const TlsOptions& options);

    boost::asio::ssl::context& context() { return context_; }

    // SNI (host names only: RFC 6066 forbids IP literals there) and, unless insecure, the name
    // or address the certificate must match (SSL_set1_host checks IP literals as IPs); ALPN h2
    // for gRPC.
    Result<bool> prepare_session(SSL* ssl, const std::string& server_name, HostKind kind, bool offer_h2) const;

    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;
    ~TlsClient() = default;

private:
    TlsClient(SSL_CTX* native, bool insecure, std::chrono::steady_clock::time_point deadline)
        : context_(native), insecure_(insecure), deadline_(deadline) {}
    Result<bool> use_bundle(const std::string& path, const std::string& label);
    Result<bool> use_client_certificate(const std::string& cert_file, const std::string& key_file);
    Result<bool> use_directory(const std::string& dir, const std::string& label);
    Result<bool> use_pem_text(const std::string& text, std::vector<std::string> files, const std::string& label);
    bool deadline_passed() const { return std::chrono::steady_clock::now() >= deadline_; }
    static int verify_chain(X509_STORE_CTX* store_ctx, void* self) noexcept;
    void add_trusted_issuers(X509_STORE_CTX* store_ctx);

    boost::asio::ssl::context context_;
    bool insecure_ = false;
    std::chrono::steady_clock::time_point deadline_;
    CaIndex index_;
    std::vector<std::string> ca_files_;  // for the fallback: every CA file, when no issuer matched by bytes
};

// One line saying why the handshake failed: "certificate verify failed: certificate has
// expired", "the server offers only TLS older than 1.2 ...", "not a TLS server ...".
std::string explain_tls_failure(SSL* ssl, const boost::system::error_code& ec);

// The handshake failed only because the certificate is for another host name or address.
bool certificate_names_other_host(SSL* ssl);

// After the handshake of a grpcs:// probe: the server chose h2 or no ALPN protocol at all.
Result<bool> check_alpn_h2(SSL* ssl);

}  // namespace keel::health
