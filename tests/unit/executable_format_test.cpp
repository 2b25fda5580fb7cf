#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "init/preflight/executable_format.hpp"
#include "tests/unit/test_data.hpp"

using namespace keel::init;

namespace {

using keel::test::Bytes;

void put(Bytes& b, std::size_t offset, std::uint64_t value, std::size_t width, bool big_endian) {
    if (b.size() < offset + width) b.resize(offset + width);
    for (std::size_t i = 0; i < width; ++i) {
        const std::size_t shift = 8 * (big_endian ? width - 1 - i : i);
        b[offset + i] = static_cast<unsigned char>(value >> shift);
    }
}

// A minimal ELF with one PT_LOAD and, when interpreter is non-empty, a PT_INTERP after it.
Bytes make_elf(bool is64, bool big_endian, const std::string& interpreter) {
    Bytes b(is64 ? 64 : 52, 0);
    b[0] = 0x7f; b[1] = 'E'; b[2] = 'L'; b[3] = 'F';
    b[4] = is64 ? 2 : 1;
    b[5] = big_endian ? 2 : 1;
    const std::size_t ehsize = b.size();
    const std::size_t phentsize = is64 ? 56 : 32;
    const std::size_t phnum = interpreter.empty() ? 1 : 2;
    const std::size_t word = is64 ? 8 : 4;
    put(b, is64 ? 0x20 : 0x1c, ehsize, word, big_endian);      // e_phoff
    put(b, is64 ? 0x36 : 0x2a, phentsize, 2, big_endian);      // e_phentsize
    put(b, is64 ? 0x38 : 0x2c, phnum, 2, big_endian);          // e_phnum
    b.resize(ehsize + phnum * phentsize, 0);
    put(b, ehsize, 1, 4, big_endian);                          // PT_LOAD
    if (!interpreter.empty()) {
        const std::size_t entry = ehsize + phentsize;
        const std::size_t offset = b.size();
        put(b, entry, 3, 4, big_endian);                       // PT_INTERP
        put(b, entry + (is64 ? 0x08 : 0x04), offset, word, big_endian);
        put(b, entry + (is64 ? 0x20 : 0x10), interpreter.size() + 1, word, big_endian);
        b.insert(b.end(), interpreter.begin(), interpreter.end());
        b.push_back(0);
    }
    return b;
}

}  // namespace

TEST_CASE("ELF: static and dynamic, 64/32-bit, both byte orders") {
    for (bool is64 : {true, false}) {
        for (bool big : {false, true}) {
            CAPTURE(is64);
            CAPTURE(big);
            auto stat = inspect_executable(make_elf(is64, big, ""));
            REQUIRE(stat.ok());
            CHECK(stat.value().kind == ExecutableKind::static_elf);
            CHECK(stat.value().interpreter.empty());

            auto dyn = inspect_executable(make_elf(is64, big, "/lib/ld-musl-x86_64.so.1"));
            REQUIRE(dyn.ok());
            CHECK(dyn.value().kind == ExecutableKind::dynamic_elf);
            CHECK(dyn.value().interpreter == "/lib/ld-musl-x86_64.so.1");
        }
    }
}

TEST_CASE("ELF: truncated and malformed files are errors, never reads out of bounds") {
    const Bytes good = make_elf(true, false, "/lib64/ld-linux-x86-64.so.2");
    for (std::size_t cut = 4; cut < good.size(); ++cut) {
        CAPTURE(cut);
        const auto result = inspect_executable(std::span(good.data(), cut));
        CHECK_FALSE(result.ok());
    }
    Bytes bad_class = good;
    bad_class[4] = 9;
    CHECK(inspect_executable(bad_class).error().find("ELF class") != std::string::npos);

    Bytes huge_interp = good;
    put(huge_interp, 64 + 56 + 0x20, 1ULL << 40, 8, false);
    CHECK_FALSE(inspect_executable(huge_interp).ok());

    Bytes offset_past_end = good;
    put(offset_past_end, 64 + 56 + 0x08, ~0ULL - 3, 8, false);
    CHECK(inspect_executable(offset_past_end).error() == "PT_INTERP lies outside the file");

    Bytes tiny_entries = good;
    put(tiny_entries, 0x36, 4, 2, false);
    CHECK_FALSE(inspect_executable(tiny_entries).ok());

    Bytes phoff_overflow = good;
    put(phoff_overflow, 0x20, ~0ULL, 8, false);
    CHECK(inspect_executable(phoff_overflow).error() == "truncated program header table");
}

TEST_CASE("scripts and other files") {
    auto bytes = [](std::string s) { return Bytes(s.begin(), s.end()); };
    auto sh = inspect_executable(bytes("#!/bin/sh\necho hi\n"));
    REQUIRE(sh.ok());
    CHECK(sh.value().kind == ExecutableKind::script);
    CHECK(sh.value().interpreter == "/bin/sh");
    CHECK(inspect_executable(bytes("#! /usr/bin/env python3 -u\n")).value().interpreter == "/usr/bin/env");
    CHECK_FALSE(inspect_executable(bytes("#!\n")).ok());
    CHECK_FALSE(inspect_executable(bytes("#!" + std::string(5000, 'a'))).ok());
    CHECK(inspect_executable(bytes("hello")).value().kind == ExecutableKind::unknown);
    CHECK(inspect_executable(Bytes{}).value().kind == ExecutableKind::unknown);
}
