#include <doctest/doctest.h>

#include <map>
#include <set>

#include "common/x509/ca_bundle.hpp"

namespace {
struct World {
    std::map<std::string, std::string> env;
    std::set<std::string> files, dirs;
    std::optional<keel::x509::CaLocation> find() const {
        return keel::x509::find_ca_location(
            [this](const char* name) -> const char* {
                auto it = env.find(name);
                return it == env.end() ? nullptr : it->second.c_str();
            },
            [this](const std::string& p) { return files.count(p) > 0; },
            [this](const std::string& p) { return dirs.count(p) > 0; });
    }
};
}  // namespace

TEST_CASE("CA search order: SSL_CERT_FILE, SSL_CERT_DIR, well-known files, /etc/ssl/certs") {
    World w;
    CHECK_FALSE(w.find().has_value());
    w.dirs = {"/etc/ssl/certs"};
    CHECK(w.find()->dir == "/etc/ssl/certs");
    w.files = {"/etc/ssl/cert.pem"};
    CHECK(w.find()->file == "/etc/ssl/cert.pem");
    w.files.insert("/etc/pki/tls/certs/ca-bundle.crt");
    CHECK(w.find()->file == "/etc/pki/tls/certs/ca-bundle.crt");
    w.files.insert("/etc/ssl/certs/ca-certificates.crt");
    CHECK(w.find()->file == "/etc/ssl/certs/ca-certificates.crt");
    CHECK(w.find()->how == "well-known path");
    w.env["SSL_CERT_DIR"] = "/certs";
    CHECK(w.find()->dir == "/certs");
    CHECK(w.find()->how == "SSL_CERT_DIR");
    w.env["SSL_CERT_FILE"] = "/missing.pem";  // honoured even if missing: the caller reports it
    CHECK(w.find()->file == "/missing.pem");
    w.env["SSL_CERT_FILE"] = "";
    CHECK(w.find()->how == "SSL_CERT_DIR");
}
