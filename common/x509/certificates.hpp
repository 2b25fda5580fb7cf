#pragma once
// PEM bundles and the validity period of X.509 certificates, read without OpenSSL (the lean
// build has none) by a minimal DER walker. Pure: bytes in, values out.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::x509 {

// Finds the next "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----" block at or after
// `pos` and returns its base64 body, moving `pos` past the block. nullopt when no complete block
// follows (the caller may append more text and retry from the same pos).
std::optional<std::string_view> next_pem_certificate(std::string_view text, std::size_t& pos);

// The same blocks out of a file read in chunks, each byte searched a bounded number of times
// whatever the input: a bundle that opens a block and never ends it, or megabytes without a
// marker, cost linear time (retrying next_pem_certificate on the grown text was quadratic).
//     stream.feed(chunk); while (auto body = stream.next()) use(*body);
// A body returned by next() is valid until the next feed(). A chunk with no unfinished block
// before it is read in place, not copied.
class PemStream {
public:
    void feed(std::string_view chunk);
    std::optional<std::string_view> next();

private:
    void keep_tail(std::size_t from);

    std::string pending_;        // the unfinished part of earlier chunks
    std::string_view view_;      // what next() scans: the chunk itself, or pending_
    std::size_t pos_ = 0;        // in view_: where the unconsumed bytes start
    std::size_t searched_ = 0;   // in view_: from here on the awaited marker has not been looked for
    bool inside_ = false;        // view_[pos_] starts a BEGIN marker; an END is awaited
};

// Standard base64 with whitespace ignored; nullopt on any other character or bad padding.
std::optional<std::vector<unsigned char>> decode_base64(std::string_view text);

struct CertificateValidity {
    std::int64_t not_before = 0;  // seconds since the epoch, UTC
    std::int64_t not_after = 0;
};

// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
// signature, issuer, validity SEQUENCE { notBefore, notAfter }, ... }, ... }.
Result<CertificateValidity> parse_certificate_validity(std::span<const unsigned char> der);

// The subject Name of a DER certificate, its SEQUENCE tag and length included (as OpenSSL's
// X509_NAME_get0_der gives it), or an empty span when `der` is not a certificate. The CA index
// of keel healthcheck finds issuers by it.
std::span<const unsigned char> certificate_subject(std::span<const unsigned char> der);

// "2031-05-17" for reports.
std::string format_date(std::int64_t epoch_seconds);

}  // namespace keel::x509
