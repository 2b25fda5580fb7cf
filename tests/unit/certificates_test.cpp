#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "init/preflight/certificates.hpp"

using namespace keel::init;

namespace {
std::string read_data_file(const std::string& name) {
    std::ifstream in(std::string(KEEL_TEST_DATA_DIR) + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("PEM blocks are found one after another, across junk") {
    const std::string text = "junk\n-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n# x\n"
                             "-----BEGIN CERTIFICATE-----\nREVG\n-----END CERTIFICATE-----\n"
                             "-----BEGIN CERTIFICATE-----\nunfinished";
    std::size_t pos = 0;
    CHECK(*next_pem_certificate(text, pos) == "\nQUJD\n");
    CHECK(*next_pem_certificate(text, pos) == "\nREVG\n");
    const std::size_t before = pos;
    CHECK_FALSE(next_pem_certificate(text, pos).has_value());
    CHECK(pos == before);  // an unfinished block leaves pos for a retry with more text
}

TEST_CASE("base64") {
    CHECK(*decode_base64("QUJD") == std::vector<unsigned char>{'A', 'B', 'C'});
    CHECK(*decode_base64("QU\nJD RA==") == std::vector<unsigned char>{'A', 'B', 'C', 'D'});
    CHECK(decode_base64("").value().empty());
    CHECK_FALSE(decode_base64("QU*D").has_value());
    CHECK_FALSE(decode_base64("QQ==QQ").has_value());
    CHECK_FALSE(decode_base64("Q").has_value());
}

TEST_CASE("validity of a real CA certificate matches openssl x509 -dates") {
    const std::string pem = read_data_file("one-ca.pem");
    std::size_t pos = 0;
    const auto body = next_pem_certificate(pem, pos);
    REQUIRE(body.has_value());
    const auto der = decode_base64(*body);
    REQUIRE(der.has_value());
    const auto validity = parse_certificate_validity(*der);
    REQUIRE(validity.ok());
    // ACCVRAIZ1: notBefore=May  5 09:37:37 2011 GMT, notAfter=Dec 31 09:37:37 2030 GMT
    CHECK(validity.value().not_before == 1304588257);
    CHECK(validity.value().not_after == 1924940257);
    CHECK(format_date(validity.value().not_after) == "2030-12-31");

    // Every truncation of the DER is refused, never read past the end.
    for (std::size_t cut = 0; cut < der->size(); cut += 13) {
        CAPTURE(cut);
        CHECK_FALSE(parse_certificate_validity(std::span(der->data(), cut)).ok());
    }
}

TEST_CASE("garbage is unparseable") {
    const std::vector<unsigned char> not_sequence{0x02, 0x01, 0x00};
    CHECK_FALSE(parse_certificate_validity(not_sequence).ok());
    const std::vector<unsigned char> long_length{0x30, 0x84, 0xff, 0xff, 0xff, 0xff};
    CHECK_FALSE(parse_certificate_validity(long_length).ok());
    CHECK(format_date(0) == "1970-01-01");
    CHECK(format_date(951782400) == "2000-02-29");
}
