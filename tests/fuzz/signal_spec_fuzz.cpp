#include <cstddef>
#include <cstdint>
#include <string>

#include "init/signals.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto signal = keel::init::parse_signal(text, size % 2 == 0);
    if (signal.ok() && (signal.value() < 0 || signal.value() >= keel::init::signal_limit)) __builtin_trap();
    const auto rule = keel::init::parse_rewrite_rule(text);
    if (rule.ok()) {
        keel::init::RewriteTable table;
        table.set(rule.value().from, rule.value().to);  // in range, or the table would overflow
    }
    return 0;
}
