# Static x86_64 musl build with Zig (see cmake/zig-toolchain.cmake).
set(KEEL_ZIG_TARGET x86_64-linux-musl)
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/zig-toolchain.cmake")
