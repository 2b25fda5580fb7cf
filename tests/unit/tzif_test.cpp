#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "init/preflight/tzif.hpp"
#include "tests/unit/test_data.hpp"

using keel::init::validate_tzif;
using keel::test::Bytes;

namespace {

Bytes read_data_file(const std::string& name) {
    const std::string data = keel::test::read_test_data(name);
    return Bytes(data.begin(), data.end());
}

void put32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

// A header + data block: one type, `timecnt` transitions to type 0, abbreviation "UTC\0".
void append_block(Bytes& b, char version, std::uint32_t timecnt, int time_size) {
    b.insert(b.end(), {'T', 'Z', 'i', 'f', static_cast<unsigned char>(version)});
    b.resize(b.size() + 15, 0);
    for (std::uint32_t count : {0u, 0u, 0u, timecnt, 1u, 4u}) put32(b, count);  // isut isstd leap time type char
    for (std::uint32_t i = 0; i < timecnt; ++i) b.resize(b.size() + static_cast<std::size_t>(time_size), 0);
    for (std::uint32_t i = 0; i < timecnt; ++i) b.push_back(0);
    b.insert(b.end(), {0, 0, 0, 0, 0, 0});  // utoff 0, isdst 0, desigidx 0
    b.insert(b.end(), {'U', 'T', 'C', 0});
}

Bytes make_tzif(char version, std::uint32_t timecnt, const std::string& footer = "UTC0") {
    Bytes b;
    append_block(b, version, timecnt, 4);
    if (version == 0) return b;
    append_block(b, version, timecnt, 8);
    b.push_back('\n');
    b.insert(b.end(), footer.begin(), footer.end());
    b.push_back('\n');
    return b;
}

}  // namespace

TEST_CASE("real zone files from Debian's tzdata") {
    const auto paris = validate_tzif(read_data_file("Europe-Paris.tzif"));
    REQUIRE(paris.ok());
    CHECK(paris.value().version >= 2);
    CHECK(paris.value().transitions > 100);
    CHECK(paris.value().footer == "CET-1CEST,M3.5.0,M10.5.0/3");
    const auto utc = validate_tzif(read_data_file("UTC.tzif"));
    REQUIRE(utc.ok());
    CHECK(utc.value().footer == "UTC0");
}

TEST_CASE("hand-made v1 to v4 files") {
    CHECK(validate_tzif(make_tzif(0, 3)).value().version == 1);
    for (char v : {'2', '3', '4'}) {
        CAPTURE(v);
        const auto result = validate_tzif(make_tzif(v, 5));
        REQUIRE(result.ok());
        CHECK(result.value().version == v - '0');
        CHECK(result.value().transitions == 5);
        CHECK(result.value().footer == "UTC0");
    }
    CHECK(validate_tzif(make_tzif('2', 0, "")).value().footer.empty());  // empty footer is allowed
}

TEST_CASE("every truncation of a real file is refused") {
    const Bytes paris = read_data_file("Europe-Paris.tzif");
    for (std::size_t cut = 0; cut < paris.size(); cut += 7) {
        CAPTURE(cut);
        CHECK_FALSE(validate_tzif(std::span(paris.data(), cut)).ok());
    }
}

TEST_CASE("corruptions say what is wrong") {
    Bytes bad_magic = make_tzif('2', 1);
    bad_magic[0] = 'X';
    CHECK(validate_tzif(bad_magic).error() == "not a TZif file (bad magic)");
    Bytes bad_version = make_tzif('2', 1);
    bad_version[4] = '9';
    CHECK(validate_tzif(bad_version).error().find("version") != std::string::npos);
    Bytes huge_count = make_tzif(0, 1);
    huge_count[32] = 0x7f;  // timecnt high byte
    CHECK(validate_tzif(huge_count).error().find("truncated") == 0);
    Bytes bad_index = make_tzif(0, 2);
    bad_index[44 + 8] = 5;  // first transition type index: no type 5
    CHECK(validate_tzif(bad_index).error().find("undefined type") != std::string::npos);
    Bytes no_footer = make_tzif('2', 1);
    no_footer.pop_back();
    CHECK(validate_tzif(no_footer).error() == "missing or broken footer");
    Bytes trailing = make_tzif('2', 1);
    trailing.insert(trailing.end(), {'x', '\n'});
    CHECK_FALSE(validate_tzif(trailing).ok());
    Bytes zero_types = make_tzif(0, 0);
    zero_types[39] = 0;  // typecnt
    CHECK(validate_tzif(zero_types).error().find("typecnt 0") != std::string::npos);
}
