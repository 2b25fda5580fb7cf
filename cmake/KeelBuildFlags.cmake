# Compiler and linker flags as INTERFACE targets linked PRIVATE to keel's own targets, so the
# dependencies' headers (SYSTEM includes) and the global CMAKE_*_FLAGS stay untouched.

option(KEEL_WERROR "Treat warnings in keel's own code as errors" ON)
option(KEEL_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(KEEL_STRIP "Strip the static release binary" ON)

# GCC 12 at -O1 (the valgrind preset) reports a null dereference inside Asio's thread_info that
# cannot happen; the presets that build at -O0 (GCC) or with clang keep the warning.
option(KEEL_WARN_NULL_DEREFERENCE "Compile with -Wnull-dereference" ON)

# Clang (the static presets' Zig, the fuzz preset) also refuses names reserved to the
# implementation, in place of clang-tidy's bugprone-reserved-identifier (.clang-tidy says why).
add_library(keel_warnings INTERFACE)
target_compile_options(keel_warnings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:Clang>:-Wreserved-identifier -Wreserved-macro-identifier>
  $<$<BOOL:${KEEL_WARN_NULL_DEREFERENCE}>:-Wnull-dereference> $<$<BOOL:${KEEL_WERROR}>:-Werror>)

add_library(keel_build_flags INTERFACE)
target_compile_features(keel_build_flags INTERFACE cxx_std_20)
if(KEEL_SANITIZE)
  target_compile_options(keel_build_flags INTERFACE -fsanitize=address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(keel_build_flags INTERFACE -fsanitize=address,undefined)
endif()
# Fuzz builds: every library a fuzz target links (keel's parsers, nghttp2) carries libFuzzer's
# coverage counters, not only the target's own file; without them the fuzzer sees no new path in
# the code it drives and mutates blindly (tests/fuzz/CMakeLists.txt links the fuzzer's main).
if(KEEL_FUZZ)
  target_compile_options(keel_build_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()

if(KEEL_STATIC_MUSL)
  # Size: sections + --gc-sections drop unused code; full LTO (newer Zig no longer turns it on by
  # itself); no RTTI: nothing in keel or its header-only libraries needs typeid or dynamic_cast
  # (CLI11 and Asio have no-RTTI paths), and each std::function, Asio operation and lambda carried
  # a type name in .rodata (bench/size.md). Exceptions still work: their types keep their typeinfo.
  # Reproducibility: no debug info, no build paths, no build id timestamps.
  target_compile_options(keel_build_flags INTERFACE -g0 -flto -ffunction-sections -fdata-sections -fno-rtti
    "-ffile-prefix-map=${PROJECT_SOURCE_DIR}=." "-ffile-prefix-map=${CMAKE_BINARY_DIR}=build")
  target_link_options(keel_build_flags INTERFACE -static -flto -Wl,--gc-sections -Wl,--build-id=none
    $<IF:$<BOOL:${KEEL_STRIP}>,-s,-g>)  # zig strips by default unless -g is given
endif()

# Every keel target (libraries, the binary, tests, helpers) links this.
add_library(keel_defaults INTERFACE)
target_link_libraries(keel_defaults INTERFACE keel_warnings keel_build_flags)
