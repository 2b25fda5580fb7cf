# Header-only dependencies from Debian's -dev packages, as imported targets.
#
# musl builds must never see /usr/include as a whole (glibc's headers would win over musl's), so
# each library is reached through a directory of symlinks that holds only that library.

set(_keel_deps_include "${CMAKE_BINARY_DIR}/keel-deps-include")
file(MAKE_DIRECTORY "${_keel_deps_include}")

# Locates /usr/include/<dir> (outside any find root) and links it into the private include dir.
function(keel_link_header_dir dir marker package)
  find_path(_keel_found_${dir} "${dir}/${marker}" PATHS /usr/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT _keel_found_${dir})
    message(FATAL_ERROR "${dir}/${marker} not found under /usr/include: install ${package} (scripts/setup does)")
  endif()
  if(NOT EXISTS "${_keel_deps_include}/${dir}")
    file(CREATE_LINK "${_keel_found_${dir}}/${dir}" "${_keel_deps_include}/${dir}" SYMBOLIC)
  endif()
endfunction()

keel_link_header_dir(boost version.hpp libboost1.81-dev)
keel_link_header_dir(CLI CLI.hpp libcli11-dev)
keel_link_header_dir(spdlog spdlog.h libspdlog-dev)
keel_link_header_dir(fmt format.h libfmt-dev)
keel_link_header_dir(doctest doctest.h doctest-dev)

file(STRINGS "${_keel_deps_include}/boost/version.hpp" _boost_version REGEX "define BOOST_LIB_VERSION")
if(NOT _boost_version MATCHES "1_81")
  message(WARNING "keel is tested with Boost 1.81; found ${_boost_version}")
endif()

add_library(keel_deps_headers INTERFACE)
target_include_directories(keel_deps_headers SYSTEM INTERFACE "${_keel_deps_include}")

# Boost.Asio/Beast: no compiled Boost libraries needed. BOOST_DISABLE_CURRENT_LOCATION keeps
# source paths out of the binary (reproducible bytes, smaller). BOOST_ASIO_HAS_TIMERFD: Asio
# turns timerfd on only when it sees glibc; without it the epoll loop's idle wait is capped at
# five minutes, so keel on musl woke up every five minutes for nothing. musl has timerfd.
add_library(keel_boost INTERFACE)
target_link_libraries(keel_boost INTERFACE keel_deps_headers)
target_compile_definitions(keel_boost INTERFACE
  BOOST_DISABLE_CURRENT_LOCATION BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_NO_TS_EXECUTORS
  BOOST_ASIO_HAS_TIMERFD=1)
add_library(keel::boost ALIAS keel_boost)

add_library(keel_cli11 INTERFACE)
target_link_libraries(keel_cli11 INTERFACE keel_deps_headers)
add_library(keel::cli11 ALIAS keel_cli11)

# fmt and spdlog from their headers: Debian's compiled libraries are glibc shared objects, useless
# for a static musl binary. fmt's compiled part is keel's common/fmt_compiled.cpp, so a file that
# logs includes only <fmt/core.h>; header-only fmt put format.h and its implementation into each of
# them. keel never formats floating point: FMT_USE_{FLOAT,DOUBLE,LONG_DOUBLE}=0 drop fmt's float
# writers (a float argument becomes a compile error, not a silent change), and one int writer
# serves all widths.
add_library(keel_fmt INTERFACE)
target_link_libraries(keel_fmt INTERFACE keel_deps_headers)
target_compile_definitions(keel_fmt INTERFACE
  FMT_USE_FLOAT=0 FMT_USE_DOUBLE=0 FMT_USE_LONG_DOUBLE=0 FMT_REDUCE_INT_INSTANTIATIONS=1)
add_library(keel::fmt ALIAS keel_fmt)

# spdlog header-only, included by common/logging.cpp alone. musl hides fopen64 & co. unless
# _LARGEFILE64_SOURCE is set.
add_library(keel_spdlog INTERFACE)
target_link_libraries(keel_spdlog INTERFACE keel_fmt)
target_compile_definitions(keel_spdlog INTERFACE SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL
  SPDLOG_NO_THREAD_ID SPDLOG_NO_ATOMIC_LEVELS SPDLOG_DISABLE_DEFAULT_LOGGER _LARGEFILE64_SOURCE)
add_library(keel::spdlog ALIAS keel_spdlog)

add_library(keel_doctest INTERFACE)
target_link_libraries(keel_doctest INTERFACE keel_deps_headers)
add_library(keel::doctest ALIAS keel_doctest)
