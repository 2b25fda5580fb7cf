# Tests of keel healthcheck (included from tests/CMakeLists.txt).

if(TARGET keel_unit_tests)
set(health_unit_test_sources
  unit/health_header_option_test.cpp
  unit/health_probe_config_test.cpp
  unit/health_request_test.cpp
  unit/health_resolve_test.cpp
  unit/health_response_test.cpp
  unit/health_status_range_test.cpp
  unit/health_url_test.cpp
  unit/health_async_probe_test.cpp
  unit/health_wait_test.cpp
  unit/health_grpc_message_test.cpp)
if(KEEL_TLS)
  list(APPEND health_unit_test_sources unit/health_ca_index_test.cpp)
  target_link_libraries(keel_unit_tests PRIVATE keel::openssl)  # the CA index test builds certificates
endif()
if(KEEL_GRPC)
  list(APPEND health_unit_test_sources unit/health_grpc_call_test.cpp)
  # The call's test decodes the request with nghttp2's own HPACK inflater.
  target_link_libraries(keel_unit_tests PRIVATE keel_health_grpc keel::nghttp2)
endif()
keel_compile_together(keel_unit_tests health 8 ${health_unit_test_sources})
target_compile_definitions(keel_unit_tests PRIVATE KEEL_TLS=$<BOOL:${KEEL_TLS}> KEEL_GRPC=$<BOOL:${KEEL_GRPC}>)
endif()

# A small C++ HTTP(S) server: fast enough for bench/healthcheck.py, and probed once by the
# integration test so the benchmark's server is known to work.
add_executable(keel_health_server helpers/health_server.cpp)
target_include_directories(keel_health_server PRIVATE "${PROJECT_SOURCE_DIR}")
target_compile_definitions(keel_health_server PRIVATE KEEL_TLS=$<BOOL:${KEEL_TLS}>)
target_link_libraries(keel_health_server PRIVATE keel_defaults)
if(KEEL_TLS)
  target_link_libraries(keel_health_server PRIVATE keel::openssl)
endif()

# bench/healthcheck.py's memory figures: a child's ru_maxrss, forked from something small.
add_executable(keel_health_maxrss helpers/health_maxrss.cpp)
target_link_libraries(keel_health_maxrss PRIVATE keel_defaults)

# The real binary against local servers (Python stdlib; certificates from the openssl CLI). With
# TLS, the https cases are a suite of their own so the two halves can run side by side (under
# valgrind each https probe takes seconds).
# Each preset registers the classes it can run, rather than skipping cases at run time:
# - Scratch (keel alone in a chroot) needs keel run directly: not under qemu or valgrind;
# - BenchServer runs the benchmark's server, built for the target: not under qemu;
# - Tls with TLS, Lean (https refused with a clear line) without; lean's BenchServer and Scratch
#   leave out their https case;
# - a host build links the system's OpenSSL, which has finite-field DH (keel's own is built
#   without): the case that expects DHE to fail runs in the static presets only.
# - under valgrind, the cases that repeat pure parsing through many probes (bad options, status
#   ranges, the cipher matrix) are left out: dev's ASan+UBSan, the unit tests and the fuzz targets
#   cover that code, and memcheck adds nothing there but minutes; it runs every other case.
set(_keel_health_args --tls=$<BOOL:${KEEL_TLS}> --server=$<TARGET_FILE:keel_health_server>)
set(_keel_health_classes Http)
if(KEEL_TEST_RUNNER)
  # Message-only cases (what a bad option prints): the native run, the unit tests and the fuzzers
  # cover them; memcheck adds a second per probe and nothing they do not.
  list(APPEND _keel_health_classes --exclude=Http.test_status_ranges
    --exclude=Http.test_secrets_in_bad_headers_and_urls_are_never_printed
    --exclude=Http.test_authority_sets_the_host_header_and_conflicts_with_one)
else()
  list(APPEND _keel_health_classes BadOptions)
endif()
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  list(APPEND _keel_health_classes BenchServer)
  if(NOT KEEL_TEST_RUNNER)
    list(APPEND _keel_health_classes Scratch)
  endif()
endif()
if(KEEL_TLS)
  keel_python_test(healthcheck integration/test_healthcheck.py ${_keel_health_args} ${_keel_health_classes})
  set(_keel_tls_exclude "")
  if(NOT KEEL_STATIC_MUSL)
    set(_keel_tls_exclude --exclude=Tls.test_a_server_offering_only_finite_field_dhe_fails_the_handshake)
  endif()
  if(KEEL_TEST_RUNNER)
    list(APPEND _keel_tls_exclude --exclude=Tls.test_rsa_and_ecdsa_servers_over_tls13_and_tls12)
  endif()
  keel_python_test(healthcheck_tls integration/test_healthcheck.py ${_keel_health_args} ${_keel_tls_exclude} Tls)
  set_tests_properties(healthcheck_tls PROPERTIES TIMEOUT 300 ${KEEL_TIMING_LOCK})
else()
  set(_keel_lean_exclude "")
  if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
    set(_keel_lean_exclude --exclude=BenchServer.test_https_with_full_verification)
    if(NOT KEEL_TEST_RUNNER)
      list(APPEND _keel_lean_exclude --exclude=Scratch.test_https_without_a_bundle_says_so_unless_insecure)
    endif()
  endif()
  keel_python_test(healthcheck integration/test_healthcheck.py ${_keel_health_args} ${_keel_lean_exclude}
    ${_keel_health_classes} Lean)
endif()
set_tests_properties(healthcheck PROPERTIES TIMEOUT 300 ${KEEL_TIMING_LOCK})
# Under valgrind each probe takes a second or more: the longest suites start first (CTest COST),
# so the two slots end together instead of one running a long suite alone at the end (grpc, a
# minute under valgrind, is costed where it is defined).
if(KEEL_TEST_RUNNER AND KEEL_TLS)
  set_tests_properties(healthcheck_tls PROPERTIES COST 300)
  set_tests_properties(healthcheck PROPERTIES COST 200)
endif()

# gRPC probes against real grpcio servers and hostile HTTP/2 peers (tests/integration/test_grpc.py;
# grpcio comes from scripts/setup). Under valgrind: the real calls, one grpcs probe and the
# hostile replies that end fast (memcheck over nghttp2's error paths); the deadline cases need the
# native binary. Under qemu: the real calls and one grpcs probe. The lean build: the refusal line.
if(KEEL_GRPC)
  if(KEEL_TEST_RUNNER)
    set(_keel_grpc_cases Verdicts BadInput Wait Hostile.test_goaway_and_rst_stream Hostile.test_non_grpc_replies
      Hostile.test_oversized_headers_and_messages Hostile.test_an_http11_server)
  elseif(CMAKE_CROSSCOMPILING_EMULATOR)
    set(_keel_grpc_cases Verdicts BadInput)
  else()
    set(_keel_grpc_cases Verdicts Hostile BadInput Wait)
  endif()
  if(KEEL_TLS AND (KEEL_TEST_RUNNER OR CMAKE_CROSSCOMPILING_EMULATOR))
    list(APPEND _keel_grpc_cases Tls.test_grpcs_with_the_ca_file)
  elseif(KEEL_TLS)
    list(APPEND _keel_grpc_cases Tls)
  endif()
  keel_python_test(grpc integration/test_grpc.py --grpc=1 ${_keel_grpc_cases})
  set_tests_properties(grpc PROPERTIES TIMEOUT 300 ${KEEL_TIMING_LOCK})
  if(KEEL_TEST_RUNNER)
    set_tests_properties(grpc PROPERTIES COST 150)
  endif()
else()
  keel_python_test(grpc integration/test_grpc.py --grpc=0 Lean)
endif()
