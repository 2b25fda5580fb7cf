#include "init/lifecycle/file_env.hpp"

#include <algorithm>

namespace keel::init {
namespace {

constexpr std::string_view file_suffix = "_FILE";

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// keel's settings and OpenSSL's CA bundle variable: neither the variable set (NAME) nor the one
// removed (NAME_FILE) may be one of them ("KEEL" would remove KEEL_FILE, "SSL_CERT_FILE" would
// overwrite OpenSSL's setting from SSL_CERT_FILE_FILE).
bool reserved_variable(std::string_view variable) {
    return variable.starts_with("KEEL_") || variable == "SSL_CERT_FILE";
}
bool reserved(std::string_view name) {
    return reserved_variable(name) || reserved_variable(std::string(name) + std::string(file_suffix));
}

}  // namespace

Result<FileEnvPattern> parse_file_env_pattern(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    if (text == "*") {
        return fail(quoted + " is too broad: give a prefix (DB_*) or names, so SSL_CERT_FILE or a LOG_FILE stay as they are");
    }
    FileEnvPattern pattern;
    if (text.ends_with('*')) {
        pattern.prefix = true;
        text.remove_suffix(1);
    }
    if (text.empty()) return fail("'' is not a variable name");
    if (!std::all_of(text.begin(), text.end(), is_name_char) || (text.front() >= '0' && text.front() <= '9')) {
        return fail(quoted + " is not a variable name or PREFIX* (letters, digits and _, not starting with a digit)");
    }
    if (!pattern.prefix && text.ends_with(file_suffix)) {
        return fail(quoted + ": give the variable to set (" + std::string(text.substr(0, text.size() - file_suffix.size())) +
                    "), not its _FILE");
    }
    // A prefix such as "K*" is fine: the selection itself skips KEEL_* and SSL_CERT_FILE.
    if (reserved(text)) {
        return fail(quoted + ": KEEL_* and SSL_CERT_FILE are keel's and OpenSSL's settings, never read from files");
    }
    pattern.name = std::string(text);
    return pattern;
}

Result<std::vector<FileEnvEntry>> select_file_env(std::span<const FileEnvPattern> patterns,
                                                  std::span<const std::string_view> environment) {
    auto lookup = [&environment](std::string_view name) -> const std::string_view* {
        for (const std::string_view& entry : environment) {
            if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=') return &entry;
        }
        return nullptr;
    };
    std::vector<FileEnvEntry> selected;
    for (const std::string_view& entry : environment) {
        const std::size_t equals = entry.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view variable = entry.substr(0, equals);
        if (!variable.ends_with(file_suffix) || variable.size() == file_suffix.size()) continue;
        const std::string_view name = variable.substr(0, variable.size() - file_suffix.size());
        const bool wanted = std::any_of(patterns.begin(), patterns.end(), [name](const FileEnvPattern& p) {
            return p.prefix ? name.starts_with(p.name) : name == p.name;
        });
        if (!wanted || reserved(name)) continue;
        if (std::any_of(selected.begin(), selected.end(), [name](const FileEnvEntry& e) { return e.name == name; })) {
            continue;  // a duplicate NAME_FILE entry: the first is the one getenv sees
        }
        const std::string_view path = entry.substr(equals + 1);
        if (path.empty()) return fail(std::string(variable) + " is set but empty: it must name the file holding " + std::string(name));
        if (lookup(name) != nullptr) {
            return fail("both " + std::string(name) + " and " + std::string(variable) + " are set: unset one of them");
        }
        selected.push_back({std::string(name), std::string(path)});
    }
    return selected;
}

Result<std::string> file_env_value(std::string_view name, std::string contents) {
    if (contents.find('\0') != std::string::npos) return fail("holds a NUL byte, which no environment variable can");
    if (!contents.empty() && contents.back() == '\n') contents.pop_back();
    if (name.size() + 1 + contents.size() + 1 > max_env_entry_size) {
        return fail("holds " + std::to_string(contents.size()) + " bytes; the kernel passes at most " +
                    std::to_string(max_env_entry_size / 1024) + " KiB per environment variable (MAX_ARG_STRLEN)");
    }
    return contents;
}

}  // namespace keel::init
