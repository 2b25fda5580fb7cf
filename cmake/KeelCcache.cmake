# Every preset compiles through ccache when it is installed (scripts/setup installs it), with its
# cache in KEEL_CACHE_DIR beside Zig and OpenSSL. CI builds every preset in a fresh clone, where
# neither the build directory nor Zig's own cache (keyed by absolute paths) carries over, so:
# - paths are taken relative to the checkout (CCACHE_BASEDIR) and the build directory is kept out
#   of the hash (CCACHE_NOHASHDIR: Debug objects then name the first clone's directory in their
#   debug info, which no test reads);
# - the static presets' -ffile-prefix-map options, which name the checkout, are left out of the
#   hash: they map it to "." whatever it is, so the object does not depend on them;
# - Zig's wrapper is hashed by content (it names Zig's version and the target), and ccache reads
#   the included files from the compiler's depfile instead of running `zig c++ -E` on a miss.
# The LTO link of a static preset is never cached; with the compiles cached it is what remains.
# scripts/check-reproducible builds with an empty ccache so that it compares real compilations.
option(KEEL_CCACHE "Compile through ccache if it is installed" ON)
if(KEEL_CCACHE)
  find_program(KEEL_CCACHE_PROGRAM ccache)
  if(KEEL_CCACHE_PROGRAM)
    if(DEFINED ENV{KEEL_CCACHE_DIR})
      set(_keel_ccache_dir "$ENV{KEEL_CCACHE_DIR}")
    elseif(DEFINED ENV{KEEL_CACHE_DIR})
      set(_keel_ccache_dir "$ENV{KEEL_CACHE_DIR}/ccache")
    else()
      set(_keel_ccache_dir "$ENV{HOME}/.cache/keel/ccache")
    endif()
    set(_keel_launcher "${CMAKE_COMMAND}" -E env "CCACHE_DIR=${_keel_ccache_dir}"
      "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=4G)
    if(KEEL_STATIC_MUSL)
      list(APPEND _keel_launcher CCACHE_COMPILERTYPE=clang CCACHE_COMPILERCHECK=content
        CCACHE_DEPEND=1 "CCACHE_IGNOREOPTIONS=-ffile-prefix-map=*")
    endif()
    list(APPEND _keel_launcher "${KEEL_CCACHE_PROGRAM}")
    set(CMAKE_C_COMPILER_LAUNCHER ${_keel_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_keel_launcher})
  endif()
endif()
