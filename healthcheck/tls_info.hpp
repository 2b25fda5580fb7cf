#pragma once
#include <string>

namespace keel::health {

// "OpenSSL 3.0.22 ..." for the library linked in, or "off" when keel was built without TLS.
std::string tls_library_version();

// "3.0.22": the linked OpenSSL's version number, or "" without TLS.
std::string tls_library_number();

// "nghttp2 1.52.0" for the HTTP/2 library linked in (gRPC probes), or "off" without it.
std::string grpc_library_version();

}  // namespace keel::health
