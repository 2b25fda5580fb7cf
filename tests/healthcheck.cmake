# Tests of keel healthcheck (included from tests/CMakeLists.txt).
