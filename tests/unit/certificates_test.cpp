#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>
#include <cstdint>
#include <string>

#include "common/x509/certificates.hpp"
#include "tests/unit/test_data.hpp"

using namespace keel::x509;


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

namespace {

// Every body PemStream gives for `text` fed in chunks of `size` bytes.
std::vector<std::string> stream_bodies(std::string_view text, std::size_t size) {
    PemStream stream;
    std::vector<std::string> bodies;
    for (std::size_t at = 0; at < text.size(); at += size) {
        stream.feed(text.substr(at, size));
        while (const auto body = stream.next()) bodies.emplace_back(*body);
    }
    return bodies;
}

}  // namespace

TEST_CASE("PemStream gives the same blocks as the whole text, whatever the chunk size") {
    const std::string text = "junk -----BEGIN CERT\n-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n# x"
                             "-----BEGIN CERTIFICATE-----\nREVG\n-----END CERTIFICATE----------BEGIN CERTIFICATE-----"
                             "\nR0hJ\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nunfinished";
    std::vector<std::string> whole;
    std::size_t pos = 0;
    while (const auto body = next_pem_certificate(text, pos)) whole.emplace_back(*body);
    REQUIRE(whole == std::vector<std::string>{"\nQUJD\n", "\nREVG\n", "\nR0hJ\n"});
    for (std::size_t size : {1, 2, 3, 7, 26, 27, 28, 64, 1000}) {
        CAPTURE(size);
        CHECK(stream_bodies(text, size) == whole);
    }
}

TEST_CASE("PemStream: an unterminated block or a marker-free stream keeps a bounded state") {
    // 8 MiB fed in 8 KiB chunks: linear (a retry over the whole tail per chunk was quadratic).
    const std::string chunk(8192, 'A');
    PemStream open_block;
    open_block.feed("-----BEGIN CERTIFICATE-----\n");
    CHECK_FALSE(open_block.next().has_value());
    PemStream no_marker;
    for (int i = 0; i < 1024; ++i) {
        open_block.feed(chunk);
        CHECK_FALSE(open_block.next().has_value());
        no_marker.feed(chunk);
        CHECK_FALSE(no_marker.next().has_value());
    }
    open_block.feed("\n-----END CERTIFICATE-----");
    const auto body = open_block.next();
    REQUIRE(body.has_value());
    CHECK(body->size() == 1 + 1024 * chunk.size() + 1);
}

TEST_CASE("base64") {
    CHECK(*decode_base64("QUJD") == std::vector<unsigned char>{'A', 'B', 'C'});
    CHECK(*decode_base64("QU\nJD RA==") == std::vector<unsigned char>{'A', 'B', 'C', 'D'});
    CHECK(decode_base64("").value().empty());
    CHECK_FALSE(decode_base64("QU*D").has_value());
    CHECK_FALSE(decode_base64("QQ==QQ").has_value());
    CHECK_FALSE(decode_base64("Q").has_value());
}

TEST_CASE("base64: every byte value is classified as RFC 4648 says") {
    // The whole alphabet in order decodes to the 48 bytes 0x00 0x10 0x83 ... (6 bits per char).
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto all = decode_base64(alphabet);
    REQUIRE(all.has_value());
    REQUIRE(all->size() == 48);
    for (std::size_t i = 0; i < 64; ++i) {
        const std::size_t bit = i * 6;
        const unsigned value = ((static_cast<unsigned>((*all)[bit / 8]) << 8 |
                                 (bit / 8 + 1 < all->size() ? (*all)[bit / 8 + 1] : 0u)) >>
                                (10 - bit % 8)) & 0x3f;
        CHECK(value == i);
    }
    for (int byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        const bool in_alphabet = alphabet.find(c) != std::string::npos;
        const bool whitespace = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        const std::string text = std::string("QU") + c + "JD";  // "QUJD" is "ABC"
        CAPTURE(byte);
        if (whitespace) {
            CHECK(*decode_base64(text) == std::vector<unsigned char>{'A', 'B', 'C'});
        } else if (!in_alphabet) {
            CHECK_FALSE(decode_base64(text).has_value());  // '=' included: data follows it
        }
    }
}

namespace {
// The plain one-character-at-a-time decoder, as RFC 4648 reads: the reference for the fast one.
std::optional<std::vector<unsigned char>> reference_base64(std::string_view text) {
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<unsigned char> out;
    std::uint32_t buffer = 0;
    int bits = 0, padding = 0;
    for (const char c : text) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        const auto value = alphabet.find(c);
        if (value == std::string_view::npos || padding > 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>(buffer >> bits));
        }
    }
    if (padding > 2 || bits >= 6) return std::nullopt;
    return out;
}
}  // namespace

TEST_CASE("base64: the decoder agrees with the plain reference on 20,000 random texts") {
    // Mostly alphabet, with whitespace, '=' and a bad byte mixed in, so both paths and every error run.
    const std::string pool = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                             "QUJDREVGQUJDREVGQUJDREVGQUJDREVG\n\n \r\t==*";
    std::uint32_t state = 12345;
    const auto next = [&state] { return state = state * 1664525u + 1013904223u; };
    for (int round = 0; round < 20000; ++round) {
        std::string text(next() % 80, '\0');
        for (char& c : text) c = pool[(next() >> 8) % pool.size()];
        CAPTURE(text);
        CHECK(decode_base64(text) == reference_base64(text));
    }
}

TEST_CASE("validity of a real CA certificate matches openssl x509 -dates") {
    const std::string pem = keel::test::read_test_data("one-ca.pem");
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
