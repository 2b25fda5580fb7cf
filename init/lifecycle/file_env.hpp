#pragma once
// --file-env: secrets from files, by the convention of the official Docker images: NAME is set to
// the contents of the file $NAME_FILE names, and NAME_FILE leaves PROGRAM's environment. The rules
// (which names a pattern may select, what a value may hold) are pure; file_env_read.cpp reads the
// files and rewrites keel's environment.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace keel::init {

// A secret file keel reads: up to 1 MiB (a wrong path to a large file does not fill memory).
inline constexpr std::size_t max_file_env_size = std::size_t{1} << 20;
// What execve passes: each NAME=VALUE string, with its NUL, at most MAX_ARG_STRLEN (32 pages: 128
// KiB with 4 KiB pages, the smallest any kernel uses). A longer value would make PROGRAM's exec
// fail with E2BIG, after everything else had run: it is refused before, naming the limit.
inline constexpr std::size_t max_env_entry_size = std::size_t{128} * 1024;

// "DB_PASSWORD" (one variable) or "DB_*" (every DB_..._FILE variable).
struct FileEnvPattern {
    std::string name;     // the name, or the prefix before '*'
    bool prefix = false;  // "NAME*"
    bool operator==(const FileEnvPattern&) const = default;
};

// Errors name the value and the rule: a bare "*" (too broad: it would turn SSL_CERT_FILE or a
// LOG_FILE into something else), a character outside [A-Za-z0-9_], a leading digit, a name
// ending in _FILE (give NAME, not NAME_FILE), KEEL_* (keel's own settings) and SSL_CERT (its
// _FILE is OpenSSL's CA bundle setting).
Result<FileEnvPattern> parse_file_env_pattern(std::string_view text);

// One secret to read: NAME, and the file NAME_FILE names.
struct FileEnvEntry {
    std::string name;
    std::string path;
    bool operator==(const FileEnvEntry&) const = default;
};

// Which variables the patterns select in `environment` (NAME=VALUE strings, as environ holds):
// each NAME whose NAME_FILE is set, once, in the environment's order. An explicit NAME without
// NAME_FILE selects nothing (NAME keeps its value, as with the images' file_env). A prefix never
// selects KEEL_* or SSL_CERT_FILE. Errors: NAME and NAME_FILE both set (which one wins would be
// a guess), NAME_FILE set but empty.
Result<std::vector<FileEnvEntry>> select_file_env(std::span<const FileEnvPattern> patterns,
                                                  std::span<const std::string_view> environment);

// NAME's value from the file's bytes: exactly one trailing "\n" removed (the images' `$(< file)`
// strips every trailing newline: a value that ends in newlines keeps all but one here). Errors: a
// NUL byte, which no environment variable can hold; NAME=VALUE longer than max_env_entry_size.
Result<std::string> file_env_value(std::string_view name, std::string contents);

// Reads every selected file and rewrites keel's environment: NAME set, NAME_FILE removed.
// Messages name the variable and the file, never a value. Returns how many were set.
Result<std::size_t> apply_file_env(std::span<const FileEnvPattern> patterns);

}  // namespace keel::init
