#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "healthcheck/ca_index.hpp"
#include "common/x509/certificates.hpp"
#include "tests/unit/test_data.hpp"

using keel::health::CaIndex;
using keel::x509::certificate_subject;

namespace {


// The subject as OpenSSL encodes it: the index must agree byte for byte.
std::string openssl_subject_der(const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    REQUIRE(cert != nullptr);
    const unsigned char* der = nullptr;
    std::size_t length = 0;
    REQUIRE(X509_NAME_get0_der(X509_get_subject_name(cert), &der, &length) == 1);
    std::string subject(reinterpret_cast<const char*>(der), length);
    X509_free(cert);
    return subject;
}

std::span<const unsigned char> bytes(const std::string& text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

}  // namespace

TEST_CASE("the index finds a certificate by the subject OpenSSL sees") {
    const std::string pem = keel::test::read_test_data("one-ca.pem");
    REQUIRE_FALSE(pem.empty());
    const std::string subject = openssl_subject_der(pem);
    const std::string bundle = "junk before\n" + pem + "\n-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n" + pem;
    const CaIndex index = CaIndex::build(bundle);
    CHECK(index.size() == 2);  // the broken block is skipped
    const auto found = index.find_by_subject(bytes(subject));
    REQUIRE(found.size() == 2);
    const auto inner = certificate_subject(found[0]);
    CHECK(std::string(reinterpret_cast<const char*>(inner.data()), inner.size()) == subject);
    CHECK(index.find_by_subject(bytes(subject.substr(1))).empty());
    CHECK(index.find_by_subject({}).empty());
}

TEST_CASE("certificate_subject refuses what is not a certificate") {
    const unsigned char not_sequence[] = {0x02, 0x01, 0x00};
    const unsigned char truncated[] = {0x30, 0x82, 0x10, 0x00, 0x30};
    const unsigned char indefinite[] = {0x30, 0x80, 0x00, 0x00};
    const unsigned char empty_tbs[] = {0x30, 0x02, 0x30, 0x00};
    CHECK(certificate_subject(not_sequence).empty());
    CHECK(certificate_subject(truncated).empty());
    CHECK(certificate_subject(indefinite).empty());
    CHECK(certificate_subject(empty_tbs).empty());
    CHECK(certificate_subject({}).empty());
    CHECK(CaIndex::build("no PEM here").size() == 0);
}
