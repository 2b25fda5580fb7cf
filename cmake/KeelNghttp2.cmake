# keel::nghttp2 — HTTP/2 and HPACK for the gRPC probe. Every preset compiles nghttp2's library
# sources itself, from the verified and patched tree scripts/fetch-nghttp2 prepares in
# KEEL_CACHE_DIR: the release builds then get LTO and --gc-sections across keel and nghttp2 (the
# library has no client-only switch; the server half goes at link time, bench/size.md), and the
# dev and fuzz presets run it under the same sanitizers as keel.

if(NOT KEEL_CACHE_DIR)  # the host presets (the Zig toolchain file sets it for the static ones)
  if(DEFINED ENV{KEEL_CACHE_DIR})
    set(KEEL_CACHE_DIR "$ENV{KEEL_CACHE_DIR}" CACHE PATH "Where keel keeps downloaded and built dependencies")
  else()
    set(KEEL_CACHE_DIR "$ENV{HOME}/.cache/keel" CACHE PATH "Where keel keeps downloaded and built dependencies")
  endif()
endif()
file(STRINGS "${PROJECT_SOURCE_DIR}/scripts/nghttp2.env" _ng_pin REGEX "^NGHTTP2_DEBIAN_VERSION=")
string(REGEX REPLACE "^NGHTTP2_DEBIAN_VERSION=" "" _ng_debian_version "${_ng_pin}")
set(_ng_tree "${KEEL_CACHE_DIR}/src/nghttp2-${_ng_debian_version}")
if(NOT EXISTS "${_ng_tree}/.keel-prepared")
  message(STATUS "Preparing nghttp2 ${_ng_debian_version} sources (once; cached in ${_ng_tree})")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env "KEEL_CACHE_DIR=${KEEL_CACHE_DIR}" "${PROJECT_SOURCE_DIR}/scripts/fetch-nghttp2"
    RESULT_VARIABLE _ng_result OUTPUT_QUIET)
  if(NOT _ng_result EQUAL 0)
    message(FATAL_ERROR "Preparing nghttp2 failed (see above)")
  endif()
endif()
# A new pin is a new tree, so a changed env file must re-run this.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/scripts/nghttp2.env")

file(GLOB _ng_sources "${_ng_tree}/lib/*.c")
add_library(keel_nghttp2 STATIC ${_ng_sources})
# What upstream's configure finds on Linux (musl and glibc alike).
target_compile_definitions(keel_nghttp2 PRIVATE NGHTTP2_STATICLIB HAVE_ARPA_INET_H HAVE_NETINET_IN_H HAVE_TIME_H
  HAVE_CLOCK_GETTIME)
target_compile_definitions(keel_nghttp2 INTERFACE NGHTTP2_STATICLIB)
# SYSTEM: nghttp2's own code is not held to keel's warnings; -w silences it when compiled.
target_include_directories(keel_nghttp2 SYSTEM PUBLIC "${_ng_tree}/lib/includes")
target_compile_options(keel_nghttp2 PRIVATE -w "-ffile-prefix-map=${_ng_tree}=nghttp2")
target_link_libraries(keel_nghttp2 PRIVATE keel_build_flags)
set_target_properties(keel_nghttp2 PROPERTIES C_STANDARD 99)
add_library(keel::nghttp2 ALIAS keel_nghttp2)
