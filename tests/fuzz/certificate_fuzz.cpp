#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/x509/certificates.hpp"

// A bundle's bytes: every PEM block is decoded and its DER walked, as the ca-certs check does.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t pos = 0;
    while (const auto block = keel::x509::next_pem_certificate(text, pos)) {
        if (const auto der = keel::x509::decode_base64(*block)) {
            (void)keel::x509::parse_certificate_validity(*der);
        }
    }
    (void)keel::x509::parse_certificate_validity(std::span(data, size));  // raw DER too
    return 0;
}
