#include "init/preflight/executable_format.hpp"

#include <cstdint>
#include <optional>

namespace keel::init {
namespace {

constexpr std::uint32_t pt_interp = 3;
constexpr std::size_t max_path = 4096;

// Bounds-checked little/big-endian reads over the head buffer.
class Reader {
public:
    Reader(std::span<const unsigned char> bytes, bool big_endian) : bytes_(bytes), big_endian_(big_endian) {}

    [[nodiscard]] std::optional<std::uint64_t> read(std::uint64_t offset, std::size_t width) const {
        if (offset > bytes_.size() || width > bytes_.size() - offset) return std::nullopt;
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            const std::size_t index = big_endian_ ? i : width - 1 - i;
            value = (value << 8) | bytes_[static_cast<std::size_t>(offset) + index];
        }
        return value;
    }

private:
    std::span<const unsigned char> bytes_;
    bool big_endian_;
};

Result<ExecutableFormat> inspect_script(std::span<const unsigned char> head) {
    // "#!" [spaces] interpreter [spaces arg] newline — the kernel's own reading.
    std::size_t pos = 2;
    while (pos < head.size() && (head[pos] == ' ' || head[pos] == '\t')) ++pos;
    std::string interpreter;
    while (pos < head.size() && head[pos] != ' ' && head[pos] != '\t' && head[pos] != '\n' && head[pos] != '\0') {
        interpreter += static_cast<char>(head[pos++]);
        if (interpreter.size() > max_path) return fail("#! line too long");
    }
    if (interpreter.empty()) return fail("#! line names no interpreter");
    return ExecutableFormat{ExecutableKind::script, interpreter};
}

Result<ExecutableFormat> inspect_elf(std::span<const unsigned char> head) {
    if (head.size() < 0x34) return fail("truncated ELF header");
    const bool is64 = head[4] == 2;
    if (head[4] != 1 && !is64) return fail("unknown ELF class " + std::to_string(head[4]));
    if (head[5] != 1 && head[5] != 2) return fail("unknown ELF byte order " + std::to_string(head[5]));
    const Reader in(head, head[5] == 2);
    const std::size_t word = is64 ? 8 : 4;
    // e_phoff sits at 0x20 (64-bit) / 0x1c (32-bit); e_phentsize and e_phnum follow e_flags+e_ehsize.
    const auto phoff = in.read(is64 ? 0x20 : 0x1c, word);
    const auto phentsize = in.read(is64 ? 0x36 : 0x2a, 2);
    const auto phnum = in.read(is64 ? 0x38 : 0x2c, 2);
    if (!phoff || !phentsize || !phnum) return fail("truncated ELF header");
    const std::size_t min_entry = is64 ? 0x38 : 0x20;
    if (*phnum > 0 && *phentsize < min_entry) return fail("invalid program header size " + std::to_string(*phentsize));

    ExecutableFormat format{ExecutableKind::static_elf, {}};
    for (std::uint64_t i = 0; i < *phnum; ++i) {
        const std::uint64_t entry = *phoff + i * *phentsize;
        const auto type = in.read(entry, 4);
        if (!type) return fail("truncated program header table");
        // Only PT_INTERP makes the kernel need a loader (a static-pie has PT_DYNAMIC too).
        if (*type != pt_interp) continue;
        const auto offset = in.read(entry + (is64 ? 0x08 : 0x04), word);
        const auto size = in.read(entry + (is64 ? 0x20 : 0x10), word);
        if (!offset || !size) return fail("truncated program header table");
        if (*size == 0 || *size > max_path) return fail("invalid PT_INTERP size " + std::to_string(*size));
        if (*offset > head.size() || *size > head.size() - *offset) return fail("PT_INTERP lies outside the file");
        std::string interpreter(reinterpret_cast<const char*>(head.data() + *offset), static_cast<std::size_t>(*size));
        const auto nul = interpreter.find('\0');
        if (nul != std::string::npos) interpreter.resize(nul);
        if (interpreter.empty()) return fail("empty PT_INTERP");
        format = {ExecutableKind::dynamic_elf, interpreter};
    }
    return format;
}

}  // namespace

Result<ExecutableFormat> inspect_executable(std::span<const unsigned char> head) {
    if (head.size() >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
        return inspect_elf(head);
    }
    if (head.size() >= 2 && head[0] == '#' && head[1] == '!') return inspect_script(head);
    return ExecutableFormat{};
}

}  // namespace keel::init
