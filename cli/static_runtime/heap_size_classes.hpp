#pragma once
// Size classes of keel's heap (heap.cpp): pure arithmetic, unit-tested on the host.
//
// Requests up to 1 KiB round up to a multiple of 16 (64 classes: keel's allocations are mostly
// strings, CLI11 option objects and Asio operations of a few dozen bytes). Larger ones up to
// 64 KiB round up to a power of two (6 classes). Anything larger gets a mapping of its own.

#include <bit>
#include <cstddef>

namespace keel::heap {

inline constexpr std::size_t alignment = 16;  // alignof(std::max_align_t) on x86_64 and aarch64
inline constexpr std::size_t fine_step = 16;
inline constexpr std::size_t fine_limit = 1024;
inline constexpr std::size_t largest_small = std::size_t{64} * 1024;
inline constexpr std::size_t fine_class_count = fine_limit / fine_step;
inline constexpr std::size_t class_count = fine_class_count + 6;  // 2, 4, 8, 16, 32, 64 KiB

// The class serving a request of `bytes` (0..largest_small; 0 is served like 1).
constexpr std::size_t class_index(std::size_t bytes) {
    if (bytes <= fine_limit) return bytes == 0 ? 0 : (bytes - 1) / fine_step;
    const std::size_t rounded = std::bit_ceil(bytes);
    return fine_class_count + static_cast<std::size_t>(std::countr_zero(rounded)) -
           static_cast<std::size_t>(std::countr_zero(2 * fine_limit));
}

// Usable bytes of a block of class `index`.
constexpr std::size_t class_capacity(std::size_t index) {
    if (index < fine_class_count) return (index + 1) * fine_step;
    return (2 * fine_limit) << (index - fine_class_count);
}

constexpr std::size_t round_up(std::size_t value, std::size_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

}  // namespace keel::heap
