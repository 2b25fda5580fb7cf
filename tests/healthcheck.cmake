# Tests of keel healthcheck (included from tests/CMakeLists.txt).

if(TARGET keel_unit_tests)
set(health_unit_test_sources
  unit/health_header_option_test.cpp
  unit/health_probe_config_test.cpp
  unit/health_request_test.cpp
  unit/health_resolve_test.cpp
  unit/health_response_test.cpp
  unit/health_status_range_test.cpp
  unit/health_url_test.cpp)
if(KEEL_TLS)
  list(APPEND health_unit_test_sources unit/health_ca_index_test.cpp)
endif()
keel_compile_together(keel_unit_tests health 8 ${health_unit_test_sources})
target_compile_definitions(keel_unit_tests PRIVATE KEEL_TLS=$<BOOL:${KEEL_TLS}>)
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
set(_keel_health_args --tls=$<BOOL:${KEEL_TLS}> --server=$<TARGET_FILE:keel_health_server>)
if(KEEL_TLS)
  keel_python_test(healthcheck integration/test_healthcheck.py ${_keel_health_args} Http BadOptions Lean BenchServer Scratch)
  keel_python_test(healthcheck_tls integration/test_healthcheck.py ${_keel_health_args} Tls)
  set_tests_properties(healthcheck_tls PROPERTIES TIMEOUT 300 ${KEEL_TIMING_LOCK})
else()
  keel_python_test(healthcheck integration/test_healthcheck.py ${_keel_health_args})
endif()
set_tests_properties(healthcheck PROPERTIES TIMEOUT 300 ${KEEL_TIMING_LOCK})
