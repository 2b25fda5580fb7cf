#include "healthcheck/tls_info.hpp"

#if KEEL_TLS
#include <openssl/crypto.h>
#endif

namespace keel::health {

std::string tls_library_version() {
#if KEEL_TLS
    return OpenSSL_version(OPENSSL_VERSION);
#else
    return "off";
#endif
}

}  // namespace keel::health
