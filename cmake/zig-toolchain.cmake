# Cross-compiles with Zig's clang + libc++ + musl. Included by toolchains/zig-<target>.cmake after
# it sets KEEL_ZIG_TARGET. Zig itself is installed by scripts/setup into keel's cache directory.
#
# CMake wants one executable per tool, so this writes tiny wrapper scripts (`zig cc -target T`,
# `zig ar`, ...) with every path baked in: the build then depends on no environment variable.

if(NOT KEEL_ZIG_TARGET MATCHES "^(x86_64|aarch64)-linux-musl$")
  message(FATAL_ERROR "KEEL_ZIG_TARGET must be x86_64-linux-musl or aarch64-linux-musl, got '${KEEL_ZIG_TARGET}'")
endif()
string(REGEX MATCH "^[^-]+" _keel_arch "${KEEL_ZIG_TARGET}")

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${_keel_arch})

get_filename_component(_keel_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
file(STRINGS "${_keel_root}/scripts/requirements-zig.txt" _keel_zig_pin REGEX "^ziglang==")
string(REGEX MATCH "[0-9][0-9.]*" KEEL_ZIG_VERSION "${_keel_zig_pin}")

if(DEFINED ENV{KEEL_CACHE_DIR})
  set(_keel_cache "$ENV{KEEL_CACHE_DIR}")
else()
  set(_keel_cache "$ENV{HOME}/.cache/keel")
endif()
set(KEEL_CACHE_DIR "${_keel_cache}" CACHE PATH "Where keel keeps Zig, OpenSSL and Zig's cache")

set(_keel_zig "${KEEL_CACHE_DIR}/ziglang-${KEEL_ZIG_VERSION}/ziglang/zig")
if(NOT EXISTS "${_keel_zig}")
  message(FATAL_ERROR "Zig ${KEEL_ZIG_VERSION} not found at ${_keel_zig}: run scripts/setup first")
endif()

set(_keel_wrappers "${KEEL_CACHE_DIR}/wrappers/zig-${KEEL_ZIG_VERSION}-${KEEL_ZIG_TARGET}")
set(_keel_env "export ZIG_GLOBAL_CACHE_DIR='${KEEL_CACHE_DIR}/zig-cache' ZIG_LOCAL_CACHE_DIR='${KEEL_CACHE_DIR}/zig-cache'")
foreach(_tool cc c++ ar ranlib)
  if(_tool MATCHES "^(cc|c\\+\\+)$")
    set(_cmd "'${_keel_zig}' ${_tool} -target ${KEEL_ZIG_TARGET}")
  else()
    set(_cmd "'${_keel_zig}' ${_tool}")
  endif()
  set(_content "#!/bin/sh\n${_keel_env}\nexec ${_cmd} \"$@\"\n")
  set(_file "${_keel_wrappers}/${_tool}")
  set(_old "")
  if(EXISTS "${_file}")
    file(READ "${_file}" _old)
  endif()
  # Rewriting an unchanged wrapper would touch its mtime and make CMake think the compiler changed.
  if(NOT _old STREQUAL _content)
    file(WRITE "${_file}" "${_content}")
    file(CHMOD "${_file}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  endif()
endforeach()

set(CMAKE_C_COMPILER "${_keel_wrappers}/cc")
set(CMAKE_CXX_COMPILER "${_keel_wrappers}/c++")
set(CMAKE_AR "${_keel_wrappers}/ar" CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB "${_keel_wrappers}/ranlib" CACHE FILEPATH "" FORCE)

# CMake identifies the compiler by linking a small program, and Zig builds musl, libc++ and
# compiler-rt for every optimisation and LTO setting it links with: over a minute per target on
# two cores when its cache is cold. Identified with the settings every keel link has anyway (-Os:
# MinSizeRel; -flto: cmake/KeelBuildFlags.cmake), that first link builds the very libraries keel
# links, instead of a Debug set nothing else uses (docs/testing.md, "Time").
set(CMAKE_C_FLAGS_INIT "-Os -flto")
set(CMAKE_CXX_FLAGS_INIT "-Os -flto")

# Never let find_* wander into the host's /usr (glibc headers and libraries would mix in).
set(CMAKE_FIND_ROOT_PATH "${KEEL_CACHE_DIR}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

if(NOT _keel_arch STREQUAL CMAKE_HOST_SYSTEM_PROCESSOR)
  find_program(KEEL_QEMU qemu-${_keel_arch}-static)
  if(KEEL_QEMU)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${KEEL_QEMU}")
  endif()
endif()

set(KEEL_TARGET_TRIPLE "${KEEL_ZIG_TARGET}" CACHE STRING "Target triple reported by keel version")
set(KEEL_STATIC_MUSL ON CACHE BOOL "Static musl release binary")
