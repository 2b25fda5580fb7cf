#pragma once
// A PEM CA bundle indexed by certificate subject, so that verifying one chain decodes only the
// certificates that chain needs: Debian's bundle holds ~140 roots, and handing all of them to
// OpenSSL (what curl does) costs more than the rest of a local probe. Pure: bytes in, spans out.
// PEM, base64 and the DER walk to each subject are the preflight's (common/x509/certificates).

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace keel::health {

class CaIndex {
public:
    // Finds the BEGIN/END CERTIFICATE blocks, base64-decodes them and locates each subject; a
    // block that does not decode or has no subject is skipped (OpenSSL would reject it too).
    static CaIndex build(std::string_view pem_bundle);

    // The DER of every certificate whose subject is byte-for-byte `subject_der`.
    [[nodiscard]] std::vector<std::span<const unsigned char>> find_by_subject(std::span<const unsigned char> subject_der) const;

    [[nodiscard]] std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        std::vector<unsigned char> der;
        std::size_t subject_offset = 0;
        std::size_t subject_length = 0;
    };
    std::vector<Entry> entries_;
};

}  // namespace keel::health
