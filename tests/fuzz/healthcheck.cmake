# keel healthcheck's fuzz targets (included from tests/fuzz/CMakeLists.txt).
keel_add_fuzzer(health_url SOURCES health_url_fuzz.cpp LIBS keel_health_core)
keel_add_fuzzer(health_status_range SOURCES health_status_range_fuzz.cpp LIBS keel_health_core)
keel_add_fuzzer(health_header_option SOURCES health_header_option_fuzz.cpp LIBS keel_health_core)
keel_add_fuzzer(health_response SOURCES health_response_fuzz.cpp LIBS keel_health_core)
if(KEEL_TLS)
  keel_add_fuzzer(health_ca_index SOURCES health_ca_index_fuzz.cpp LIBS keel_health_core)
endif()
keel_add_fuzzer(health_wait_target SOURCES health_wait_target_fuzz.cpp LIBS keel_health_core)
