#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "healthcheck/ca_index.hpp"
#include "common/x509/certificates.hpp"

// A CA bundle's bytes (PEM, base64, DER walk to the subject), and the same bytes as raw DER.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const unsigned char> raw(data, size);
    const auto subject = keel::x509::certificate_subject(raw);
    if (!subject.empty() && (subject.data() < data || subject.data() + subject.size() > data + size)) __builtin_trap();
    const auto index = keel::health::CaIndex::build(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!subject.empty()) (void)index.find_by_subject(subject);
    return 0;
}
