#pragma once
// Turns keel's pure parsers into CLI11 validators, so a bad flag or KEEL_* value fails at parse
// time with the parser's own message (exit 2, value quoted).

#include <string>
#include <utility>

#include <CLI/CLI.hpp>

namespace keel::cli {

// `parse` takes a string and returns a Result<T>; "" means valid, else the parser's message.
template <typename Parse>
CLI::Validator validator_from(Parse parse, std::string description) {
    return CLI::Validator(
        [parse](std::string& value) -> std::string {
            auto parsed = parse(value);
            return parsed ? std::string() : parsed.error();
        },
        std::move(description));
}

}  // namespace keel::cli
