# Static aarch64 musl build with Zig (see cmake/zig-toolchain.cmake).
set(KEEL_ZIG_TARGET aarch64-linux-musl)
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/zig-toolchain.cmake")
