#include "healthcheck/tls.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <boost/asio/ssl/error.hpp>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "common/logging.hpp"
#include "common/sys/io.hpp"
#include "common/sys/read_file.hpp"
#include "common/text.hpp"
#include "common/x509/ca_bundle.hpp"
#include "common/x509/ca_directory.hpp"
#include "healthcheck/probe_args.hpp"

namespace keel::health {
namespace {

constexpr std::size_t max_added_issuers = 16;
constexpr unsigned char alpn_http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
// gRPC over TLS is HTTP/2, chosen by ALPN (RFC 7301).
constexpr unsigned char alpn_h2[] = {2, 'h', '2'};

// Kubernetes mounts secrets 0644 unless told otherwise (defaultMode), so a key others can read is
// a warning, not a refusal; stdout stays the verdict.
void warn_if_others_can_read(const std::string& path) {
    // Once per process: keel wait reads the key again on every try.
    static bool warned = false;
    struct stat info {};
    if (!warned && ::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
        warned = true;
        log::warn("--key {}: every user can read this private key (mode {:04o}); 0600 or 0640 keeps it private", path,
                  info.st_mode & 07777);
    }
}

std::string no_ca_message() {
    return "no CA certificates found (looked at " + x509::ca_search_places() +
           "): use --ca-file PATH, or --insecure to skip verification";
}

std::string explain_alert(int alert) {
    std::string text = std::string("the server sent TLS alert '") + SSL_alert_desc_string_long(alert) + "'";
    if (alert == SSL_AD_PROTOCOL_VERSION) text += ": it supports only TLS older than 1.2 (keel requires TLS 1.2 or newer)";
    if (alert == SSL_AD_HANDSHAKE_FAILURE) text += ": no TLS 1.2+ cipher or protocol in common";
    return text;
}

// For an error OpenSSL queued (Asio's ssl category): reason codes, since the strings may be gone.
std::string explain_openssl_error(unsigned long code) {
    if (ERR_SYSTEM_ERROR(code)) return std::string("system error during the handshake: ") + std::strerror(ERR_GET_REASON(code));
    const int reason = ERR_GET_REASON(code);
    if (reason > SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) return explain_alert(reason - SSL_AD_REASON_OFFSET);
    switch (reason) {
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_NO_PROTOCOLS_AVAILABLE:
            return "the server offers only TLS older than 1.2 (keel requires TLS 1.2 or newer)";
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
        case SSL_R_HTTP_REQUEST:
            return "the server does not speak TLS (plain http:// on this port?)";
        case SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return "the server closed the connection during the handshake";
        default:
            break;
    }
    if (const char* text = ERR_reason_error_string(code)) return std::string("TLS error: ") + text;  // builds with strings
    return "TLS error (OpenSSL library " + std::to_string(ERR_GET_LIB(code)) + ", reason " + std::to_string(reason) + ")";
}

}  // namespace

Result<std::unique_ptr<TlsClient>> TlsClient::create(const TlsOptions& options) {
    // Before anything else in OpenSSL: never read the image's openssl.cnf (or $OPENSSL_CONF). A
    // distribution's file can raise the security level, load providers or .include other files,
    // and the probe's behaviour must depend on its options only; parsing it also costs every probe.
    // No legacy cipher table: libssl fetches every cipher from the provider by name, and copying
    // the legacy cipher names into the provider's name map cost each probe instructions for
    // nothing. The legacy digests stay: X.509's signature security level looks digests up there
    // (EVP_get_digestbynid), and without them every chain fails as too weak. No exit-time cleanup
    // either: the process ends right after its one verdict (bench/README.md, "TLS start").
    constexpr std::uint64_t init_options = OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ATEXIT;
    if (OPENSSL_init_ssl(init_options, nullptr) != 1) return fail("cannot initialise OpenSSL (out of memory?)");
    SSL_CTX* native = SSL_CTX_new(TLS_client_method());
    if (native == nullptr) return fail("cannot create the TLS context (out of memory?)");
    std::unique_ptr<TlsClient> client(new TlsClient(native, options.insecure, options.deadline));
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) return fail("cannot require TLS 1.2");
    if (SSL_CTX_set_alpn_protos(native, alpn_http11, sizeof alpn_http11) != 0) return fail("cannot set ALPN");
    if (!options.cert_file.empty()) {
        if (auto used = client->use_client_certificate(options.cert_file, options.key_file); !used) return fail(used.error());
    }
    if (options.insecure) {
        SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
        return client;
    }
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
    if (!options.ca_file.empty()) {
        if (auto used = client->use_bundle(options.ca_file, "--ca-file " + options.ca_file); !used) return fail(used.error());
        return client;
    }
    const auto location = x509::find_ca_location();
    if (!location) return fail(no_ca_message());
    if (!location->file.empty()) {
        if (auto used = client->use_bundle(location->file, "CA bundle " + location->file); !used) return fail(used.error());
        return client;
    }
    if (!sys::is_directory(location->dir)) return fail("CA directory " + location->dir + " (" + location->how + ") is not a directory");
    if (auto used = client->use_directory(location->dir, "CA directory " + location->dir + " (" + location->how + ")"); !used) {
        return fail(used.error());
    }
    return client;
}

Result<bool> TlsClient::use_client_certificate(const std::string& cert_file, const std::string& key_file) {
    SSL_CTX* native = context_.native_handle();
    auto cert_text = sys::read_small_file(cert_file, max_client_pem_size);
    if (!cert_text) return fail("--cert " + cert_file + ": " + cert_text.error());
    auto key_read = sys::read_small_file(key_file, max_client_pem_size);
    if (!key_read) return fail("--key " + key_file + ": " + key_read.error());
    std::string key_pem = std::move(key_read).value();
    // The key stays private whatever happens below: wiped from keel's copy once OpenSSL has its own.
    struct Wipe {
        std::string& text;
        ~Wipe() { OPENSSL_cleanse(text.data(), text.size()); }
    } wipe{key_pem};
    warn_if_others_can_read(key_file);

    const std::unique_ptr<BIO, decltype(&BIO_free)> certs(BIO_new_mem_buf(cert_text.value().data(), static_cast<int>(cert_text.value().size())), BIO_free);
    if (!certs) return fail("--cert " + cert_file + ": out of memory");
    const std::unique_ptr<X509, decltype(&X509_free)> leaf(PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr), X509_free);
    if (!leaf) return fail("--cert " + cert_file + ": holds no PEM certificate");
    if (SSL_CTX_use_certificate(native, leaf.get()) != 1) return fail("--cert " + cert_file + ": the certificate was refused (too weak a key?)");
    // Intermediates after the leaf go out with it (SSL_CTX_add0_chain_cert, spelled out: the
    // macro's C cast trips -Wold-style-cast; add0 takes ownership only on success).
    while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
        if (SSL_CTX_ctrl(native, SSL_CTRL_CHAIN_CERT, 0, extra) != 1) {
            X509_free(extra);
            return fail("--cert " + cert_file + ": a chain certificate was refused");
        }
    }
    ERR_clear_error();  // the end of the PEM text is reported as an error

    const std::unique_ptr<BIO, decltype(&BIO_free)> keys(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
    if (!keys) return fail("--key " + key_file + ": out of memory");
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(keys.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    ERR_clear_error();
    if (!key) return fail("--key " + key_file + ": holds no PEM private key (encrypted keys are not supported)");
    if (SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
        ERR_clear_error();
        return fail("--key " + key_file + " does not match the certificate in --cert " + cert_file);
    }
    return true;
}

Result<bool> TlsClient::use_bundle(const std::string& path, const std::string& label) {
    const auto text = sys::read_small_file(path, x509::max_ca_bundle_size);
    if (!text) return fail(label + ": " + text.error());
    if (deadline_passed()) return fail(label + ": the deadline passed while reading it");
    return use_pem_text(text.value(), {path}, label);
}

// Every file `keel check` counts (x509::list_ca_directory: hashed names and plain *.pem / *.crt,
// which OpenSSL's own directory lookup would skip), read as one bundle of at most the bundle limit.
Result<bool> TlsClient::use_directory(const std::string& dir, const std::string& label) {
    const x509::CaDirectory listing = x509::list_ca_directory(dir);
    if (!listing.error.empty()) return fail(listing.error);
    if (listing.files.empty()) return fail(label + ": holds no certificate files (*.pem, *.crt or hashed names)");
    const std::string too_much = label + ": more than " + std::to_string(x509::max_ca_bundle_size >> 20) +
                                 " MiB of certificates";
    std::string text;
    std::size_t read = 0;
    for (const std::string& file : listing.files) {
        if (deadline_passed()) {
            return fail(label + ": the deadline passed with " + std::to_string(read) + " of " +
                        std::to_string(listing.files.size()) + " files read");
        }
        ++read;
        if (text.size() >= x509::max_ca_bundle_size) return fail(too_much);
        const auto content = sys::read_small_file(file, x509::max_ca_bundle_size - text.size());
        if (!content) {
            if (content.error().rfind("larger than", 0) == 0) return fail(too_much);
            continue;  // a dangling link or an unreadable file: the others may still hold the issuer
        }
        text += content.value();
        text += '\n';
    }
    return use_pem_text(text, listing.files, label);
}

Result<bool> TlsClient::use_pem_text(const std::string& text, std::vector<std::string> files, const std::string& label) {
    index_ = CaIndex::build(text);
    ERR_clear_error();  // ASN1_get_object queues an error for every malformed block it met
    if (index_.size() == 0) return fail(label + ": holds no PEM certificates");
    ca_files_ = std::move(files);
    SSL_CTX_set_cert_verify_callback(context_.native_handle(), &TlsClient::verify_chain, this);
    return true;
}

int TlsClient::verify_chain(X509_STORE_CTX* store_ctx, void* self) noexcept {
    try {
        static_cast<TlsClient*>(self)->add_trusted_issuers(store_ctx);
    } catch (...) {
        // Out of memory while indexing: verify with what the store holds; OpenSSL says what failed.
    }
    return X509_verify_cert(store_ctx);
}

void TlsClient::add_trusted_issuers(X509_STORE_CTX* store_ctx) {
    X509_STORE* store = X509_STORE_CTX_get0_store(store_ctx);
    std::vector<X509*> chain{X509_STORE_CTX_get0_cert(store_ctx)};
    if (STACK_OF(X509)* untrusted = X509_STORE_CTX_get0_untrusted(store_ctx)) {
        for (int i = 0; i < sk_X509_num(untrusted); ++i) chain.push_back(sk_X509_value(untrusted, i));
    }
    std::vector<std::unique_ptr<X509, decltype(&X509_free)>> added;
    std::vector<const unsigned char*> seen;
    // Issuers of issuers too: a root in the bundle may be cross-signed by another one.
    for (std::size_t i = 0; i < chain.size() && added.size() < max_added_issuers; ++i) {
        const unsigned char* name = nullptr;
        std::size_t length = 0;
        if (chain[i] == nullptr || X509_NAME_get0_der(X509_get_issuer_name(chain[i]), &name, &length) != 1) continue;
        for (const auto der : index_.find_by_subject({name, length})) {
            if (std::find(seen.begin(), seen.end(), der.data()) != seen.end()) continue;
            seen.push_back(der.data());
            const unsigned char* cursor = der.data();
            X509* issuer = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
            if (issuer == nullptr) continue;
            added.emplace_back(issuer, &X509_free);
            X509_STORE_add_cert(store, issuer);
            chain.push_back(issuer);
        }
    }
    if (added.empty() && !ca_files_.empty()) {
        // No issuer matched byte for byte. OpenSSL compares names in a canonical form (case,
        // spaces, string types), so give it every CA file: slower, but the same verdict.
        for (const std::string& file : ca_files_) X509_STORE_load_file(store, file.c_str());
        ca_files_.clear();
    }
    ERR_clear_error();
}

Result<bool> TlsClient::prepare_session(SSL* ssl, const std::string& server_name, HostKind kind, bool offer_h2) const {
    // SSL_set_tlsext_host_name, spelled out: the macro's C cast trips -Wold-style-cast.
    if (kind == HostKind::name &&
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(server_name.c_str())) != 1) {
        return fail("cannot set the TLS server name " + server_name);
    }
    if (!insecure_) {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set1_host(ssl, server_name.c_str()) != 1) return fail("cannot set the expected host " + server_name);
    }
    // SSL_set_alpn_protos returns 0 on success.
    if (offer_h2 && SSL_set_alpn_protos(ssl, alpn_h2, sizeof alpn_h2) != 0) return fail("cannot offer ALPN h2");
    return true;
}

Result<bool> check_alpn_h2(SSL* ssl) {
    const unsigned char* selected = nullptr;
    unsigned int size = 0;
    SSL_get0_alpn_selected(ssl, &selected, &size);
    // No ALPN answer: the server did not look at it; HTTP/2 with prior knowledge may still work.
    if (size == 0 || std::string_view(reinterpret_cast<const char*>(selected), size) == "h2") return true;
    return fail("the server chose ALPN protocol '" + printable(std::string_view(reinterpret_cast<const char*>(selected), size)) +
                "', not h2: not a gRPC server");
}

bool certificate_names_other_host(SSL* ssl) {
    const long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
    return verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

std::string explain_tls_failure(SSL* ssl, const boost::system::error_code& ec) {
    const long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (verify != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    if (ec == boost::asio::ssl::error::stream_truncated) return "the server closed the connection during the handshake";
    if (ec.category() == boost::asio::error::get_ssl_category()) {
        // Asio stores ERR_get_error()'s unsigned code in an int.
        return explain_openssl_error(static_cast<unsigned int>(ec.value()));
    }
    return "";
}

}  // namespace keel::health
