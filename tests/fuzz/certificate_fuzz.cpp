#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/x509/certificates.hpp"

// A bundle's bytes: every PEM block is decoded and its DER walked, as the ca-certs check does.
// The chunked reader (PemStream, what the check uses on a file) must find exactly the blocks the
// whole-text search finds, in chunks whose sizes come from the input's first byte.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> whole;
    std::size_t pos = 0;
    while (const auto block = keel::x509::next_pem_certificate(text, pos)) {
        whole.emplace_back(*block);
        if (const auto der = keel::x509::decode_base64(*block)) {
            (void)keel::x509::parse_certificate_validity(*der);
        }
    }
    const std::size_t chunk = size == 0 ? 1 : 1 + data[0] % 61;
    keel::x509::PemStream stream;
    std::vector<std::string> streamed;
    for (std::size_t at = 0; at < size; at += chunk) {
        stream.feed(text.substr(at, chunk));
        while (const auto block = stream.next()) streamed.emplace_back(*block);
    }
    if (streamed != whole) std::abort();
    (void)keel::x509::parse_certificate_validity(std::span(data, size));  // raw DER too
    return 0;
}
