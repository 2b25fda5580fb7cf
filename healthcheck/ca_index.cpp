#include "healthcheck/ca_index.hpp"

#include <algorithm>

#include "common/x509/certificates.hpp"

namespace keel::health {

CaIndex CaIndex::build(std::string_view pem_bundle) {
    CaIndex index;
    std::size_t pos = 0;
    while (const auto block = x509::next_pem_certificate(pem_bundle, pos)) {
        auto der = x509::decode_base64(*block);
        if (!der) continue;
        const auto subject = x509::certificate_subject(*der);
        if (subject.empty()) continue;
        const auto offset = static_cast<std::size_t>(subject.data() - der->data());
        index.entries_.push_back({std::move(*der), offset, subject.size()});
    }
    return index;
}

std::vector<std::span<const unsigned char>> CaIndex::find_by_subject(std::span<const unsigned char> subject_der) const {
    std::vector<std::span<const unsigned char>> found;
    for (const auto& entry : entries_) {
        const std::span<const unsigned char> subject(entry.der.data() + entry.subject_offset, entry.subject_length);
        if (std::equal(subject.begin(), subject.end(), subject_der.begin(), subject_der.end())) found.emplace_back(entry.der);
    }
    return found;
}

}  // namespace keel::health
