#include "healthcheck/tls_info.hpp"

#if KEEL_TLS
#include <openssl/crypto.h>
#endif
#if KEEL_GRPC
#include <nghttp2/nghttp2.h>
#endif

namespace keel::health {

std::string tls_library_version() {
#if KEEL_TLS
    return OpenSSL_version(OPENSSL_VERSION);
#else
    return "off";
#endif
}

std::string tls_library_number() {
#if KEEL_TLS
    return std::to_string(OPENSSL_version_major()) + "." + std::to_string(OPENSSL_version_minor()) + "." +
           std::to_string(OPENSSL_version_patch());
#else
    return "";
#endif
}

std::string grpc_library_version() {
#if KEEL_GRPC
    return std::string("nghttp2 ") + nghttp2_version(0)->version_str;
#else
    return "off";
#endif
}

}  // namespace keel::health
