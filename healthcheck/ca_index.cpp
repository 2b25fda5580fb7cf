#include "healthcheck/ca_index.hpp"

#include <algorithm>
#include <optional>

#include <openssl/asn1.h>

#include "init/preflight/certificates.hpp"

namespace keel::health {
namespace {

struct Element {
    std::span<const unsigned char> whole;    // header and contents
    std::span<const unsigned char> content;
    int tag = 0;
    int tag_class = 0;
};

// One DER element at the start of `der`; nullopt when malformed or of indefinite length (not DER).
std::optional<Element> read_element(std::span<const unsigned char> der) {
    if (der.empty()) return std::nullopt;
    const unsigned char* cursor = der.data();
    long length = 0;
    int tag = 0, tag_class = 0;
    const int flags = ASN1_get_object(&cursor, &length, &tag, &tag_class, static_cast<long>(der.size()));
    if ((flags & 0x80) != 0 || (flags & 0x01) != 0) return std::nullopt;  // error, indefinite length
    const auto header = static_cast<std::size_t>(cursor - der.data());
    if (length < 0 || static_cast<std::size_t>(length) > der.size() - header) return std::nullopt;
    const auto total = header + static_cast<std::size_t>(length);
    return Element{der.first(total), der.subspan(header, static_cast<std::size_t>(length)), tag, tag_class};
}

bool is_sequence(const Element& element) { return element.tag == V_ASN1_SEQUENCE && element.tag_class == V_ASN1_UNIVERSAL; }

}  // namespace

std::span<const unsigned char> certificate_subject(std::span<const unsigned char> der) {
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
    // signature, issuer, validity, subject, ... }, ... } (RFC 5280 4.1)
    const auto certificate = read_element(der);
    if (!certificate || !is_sequence(*certificate)) return {};
    const auto tbs = read_element(certificate->content);
    if (!tbs || !is_sequence(*tbs)) return {};
    std::span<const unsigned char> rest = tbs->content;
    auto next = [&]() {
        auto element = read_element(rest);
        if (element) rest = rest.subspan(element->whole.size());
        return element;
    };
    auto field = next();
    if (field && field->tag_class == V_ASN1_CONTEXT_SPECIFIC && field->tag == 0) field = next();  // version
    if (!field || field->tag != V_ASN1_INTEGER) return {};                                           // serial
    for (int skipped = 0; skipped < 3; ++skipped) {  // signature, issuer, validity
        field = next();
        if (!field || !is_sequence(*field)) return {};
    }
    const auto subject = next();
    return subject && is_sequence(*subject) ? subject->whole : std::span<const unsigned char>();
}

CaIndex CaIndex::build(std::string_view pem_bundle) {
    CaIndex index;
    std::size_t pos = 0;
    while (const auto block = init::next_pem_certificate(pem_bundle, pos)) {
        auto der = init::decode_base64(*block);
        if (!der) continue;
        const auto subject = certificate_subject(*der);
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
