# keel::openssl — OpenSSL for the TLS probe.
# - Zig/musl builds: a minimal static OpenSSL built from Debian's source by scripts/build-openssl,
#   cached in KEEL_CACHE_DIR per version, target and build-script contents, so a second configure
#   (or a fresh build tree) does not rebuild it.
# - Host builds (dev, fuzz): the host's libssl-dev.

if(KEEL_STATIC_MUSL)
  file(STRINGS "${PROJECT_SOURCE_DIR}/scripts/openssl.env" _ossl_pin REGEX "^OPENSSL_VERSION=")
  string(REGEX REPLACE "^OPENSSL_VERSION=" "" _ossl_version "${_ossl_pin}")
  file(SHA256 "${PROJECT_SOURCE_DIR}/scripts/build-openssl" _ossl_script_hash)
  string(SUBSTRING "${_ossl_script_hash}" 0 12 _ossl_script_hash)
  set(_ossl_prefix "${KEEL_CACHE_DIR}/openssl/${_ossl_version}-${KEEL_TARGET_TRIPLE}-zig${KEEL_ZIG_VERSION}-${_ossl_script_hash}")
  if(NOT EXISTS "${_ossl_prefix}/lib/libssl.a")
    message(STATUS "Building static OpenSSL ${_ossl_version} for ${KEEL_TARGET_TRIPLE} (once; cached in ${_ossl_prefix})")
    execute_process(
      COMMAND "${PROJECT_SOURCE_DIR}/scripts/build-openssl" "${KEEL_TARGET_TRIPLE}" "${_ossl_prefix}"
              "${CMAKE_C_COMPILER}" "${CMAKE_AR}" "${CMAKE_RANLIB}"
      RESULT_VARIABLE _ossl_result)
    if(NOT _ossl_result EQUAL 0)
      message(FATAL_ERROR "Building OpenSSL failed (see above)")
    endif()
  endif()
  add_library(keel_openssl_crypto STATIC IMPORTED)
  set_target_properties(keel_openssl_crypto PROPERTIES
    IMPORTED_LOCATION "${_ossl_prefix}/lib/libcrypto.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_ossl_prefix}/include")
  add_library(keel_openssl_ssl STATIC IMPORTED)
  set_target_properties(keel_openssl_ssl PROPERTIES
    IMPORTED_LOCATION "${_ossl_prefix}/lib/libssl.a"
    INTERFACE_LINK_LIBRARIES keel_openssl_crypto)
  add_library(keel::openssl ALIAS keel_openssl_ssl)
else()
  find_package(OpenSSL 3.0 REQUIRED)
  add_library(keel::openssl ALIAS OpenSSL::SSL)
endif()
