# Host builds (dev, fuzz, valgrind) compile through ccache when it is installed (scripts/setup
# installs it), with its cache in KEEL_CACHE_DIR beside Zig and OpenSSL. CI builds every preset
# in a fresh clone, so paths are taken relative to the checkout (CCACHE_BASEDIR) and the build
# directory is kept out of the hash (CCACHE_NOHASHDIR: Debug objects then name the first clone's
# directory in their debug info, which no test reads). The static musl presets do not use it:
# their compile step emits LTO bitcode and the link, which ccache never caches, is their cost.
option(KEEL_CCACHE "Host builds: compile through ccache if it is installed" ON)
if(KEEL_CCACHE AND NOT KEEL_STATIC_MUSL)
  find_program(KEEL_CCACHE_PROGRAM ccache)
  if(KEEL_CCACHE_PROGRAM)
    if(DEFINED ENV{KEEL_CACHE_DIR})
      set(_keel_ccache_dir "$ENV{KEEL_CACHE_DIR}/ccache")
    else()
      set(_keel_ccache_dir "$ENV{HOME}/.cache/keel/ccache")
    endif()
    set(_keel_launcher "${CMAKE_COMMAND}" -E env "CCACHE_DIR=${_keel_ccache_dir}"
      "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G "${KEEL_CCACHE_PROGRAM}")
    set(CMAKE_C_COMPILER_LAUNCHER ${_keel_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_keel_launcher})
  endif()
endif()
