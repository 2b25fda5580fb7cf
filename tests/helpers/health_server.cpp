// A small, fast HTTP(S) server for bench/healthcheck.py: every probe tool is measured against the
// same local server, and Python's http.server would dominate the figures.
//
//   keel_health_server [--tls CERT KEY]
//
// Listens on 127.0.0.1 (an ephemeral port, printed as "port N" once ready), answers every request
// with "200 OK" and a 2-byte body, then closes. One connection at a time: the benchmark runs one
// probe at a time.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#if KEEL_TLS
#include <openssl/ssl.h>
#endif

#include "common/sys/unique_fd.hpp"

namespace {

using keel::sys::UniqueFd;

constexpr std::string_view reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

int die(const char* what) {
    std::fprintf(stderr, "keel_health_server: %s: %s\n", what, std::strerror(errno));
    return 1;
}

UniqueFd listen_loopback() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fd;
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd.get(), 128) != 0) {
        return UniqueFd();
    }
    return fd;
}

int bound_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

// A client that stalls must not stop the benchmark.
void set_timeouts(int fd) {
    const timeval limit{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Reads until the blank line that ends the request head; `read` returns <= 0 on EOF or error.
template <typename Read>
bool read_request_head(Read read) {
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
        const int n = read(buffer, static_cast<int>(sizeof buffer));
        if (n <= 0 || head.size() > 65536) return false;
        head.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

void serve_plain(int fd) {
    if (!read_request_head([fd](char* data, int size) { return static_cast<int>(::read(fd, data, static_cast<std::size_t>(size))); })) return;
    (void)!::write(fd, reply.data(), reply.size());
}

#if KEEL_TLS
SSL_CTX* make_tls_context(const char* cert, const char* key) {
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    if (context == nullptr || SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate_chain_file(context, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) != 1) {
        return nullptr;
    }
    return context;
}

void serve_tls(SSL_CTX* context, int fd) {
    SSL* ssl = SSL_new(context);
    if (ssl == nullptr) return;
    // A file-descriptor BIO: keel's OpenSSL is built no-sock (no SSL_set_fd), and read/write on
    // a connected socket is all this server needs.
    BIO* bio = BIO_new_fd(fd, BIO_NOCLOSE);
    if (bio == nullptr) {
        SSL_free(ssl);
        return;
    }
    SSL_set_bio(ssl, bio, bio);
    if (SSL_accept(ssl) == 1 && read_request_head([ssl](char* data, int size) { return SSL_read(ssl, data, size); })) {
        SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
}
#endif

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up early is not our problem
#if KEEL_TLS
    SSL_CTX* tls = nullptr;
    if (argc == 4 && std::string_view(argv[1]) == "--tls") {
        tls = make_tls_context(argv[2], argv[3]);
        if (tls == nullptr) {
            std::fprintf(stderr, "keel_health_server: cannot load %s / %s\n", argv[2], argv[3]);
            return 1;
        }
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: keel_health_server [--tls CERT KEY]\n");
        return 2;
    }
#else
    if (argc != 1) {
        std::fprintf(stderr, "usage: keel_health_server (built without TLS)\n");
        return 2;
    }
    (void)argv;
#endif
    const UniqueFd listener = listen_loopback();
    if (!listener.valid()) return die("listen on 127.0.0.1");
    std::printf("port %d\n", bound_port(listener.get()));
    std::fflush(stdout);
    for (;;) {
        const UniqueFd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!client.valid()) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return die("accept");
        }
        set_timeouts(client.get());
#if KEEL_TLS
        if (tls != nullptr) {
            serve_tls(tls, client.get());
            continue;
        }
#endif
        serve_plain(client.get());
    }
}
