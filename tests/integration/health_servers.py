"""Servers that keel healthcheck's tests probe: well-behaved and hostile HTTP, TLS with certificates
made by the openssl CLI in a temporary directory, unix sockets, and a DNS server that never answers.
Everything listens on 127.0.0.1, ::1 or a unix socket, and stops when its `with` block ends."""

import os
import socket
import ssl
import subprocess
import threading
import warnings


def read_request(conn, limit=65536):
    """The request's head (up to the blank line), or what arrived before the peer stopped sending."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def response(status=200, reason="OK", body=b"", headers=()):
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode() + b"\r\n" + body


class Server:
    """Accepts connections in a thread and runs behaviour(conn, server) for each, in its own thread.

    behaviour usually reads the request with server.receive(conn) (which records it in
    server.requests) and then answers; server.stopped is set when the `with` block ends, so
    behaviours that hold a connection open (never answer, trickle) end with the test."""

    def __init__(self, behaviour, family=socket.AF_INET, tls=None, unix_path=None, port=0):
        self.behaviour = behaviour
        self.port = port
        self.family = socket.AF_UNIX if unix_path else family
        self.tls = tls
        self.unix_path = unix_path
        self.requests = []
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._conns = []
        self._threads = []

    def __enter__(self):
        self.sock = socket.socket(self.family, socket.SOCK_STREAM)
        if self.unix_path:
            self.sock.bind(self.unix_path)
        else:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind(("::1" if self.family == socket.AF_INET6 else "127.0.0.1", self.port))
            self.port = self.sock.getsockname()[1]
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self._start(self._accept_loop)
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.sock.close()
        with self._lock:
            for conn in self._conns:
                try:
                    conn.close()
                except OSError:
                    pass
        for thread in self._threads:
            thread.join(timeout=2)

    def url(self, scheme="http", path="/health", host=None):
        if self.unix_path:
            return f"unix://{self.unix_path}"
        host = host or ("[::1]" if self.family == socket.AF_INET6 else "127.0.0.1")
        return f"{scheme}://{host}:{self.port}{path}"

    def receive(self, conn):
        request = read_request(conn)
        with self._lock:
            self.requests.append(request)
        return request

    def _start(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        with self._lock:
            self._threads.append(thread)

    def _accept_loop(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(10)
            with self._lock:
                self._conns.append(conn)
            self._start(self._serve, conn)

    def _serve(self, conn):
        try:
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._conns.append(conn)
            self.behaviour(conn, self)
        except (OSError, ssl.SSLError):
            pass  # keel hung up (timeout, refused certificate): what several tests want
        finally:
            try:
                conn.close()  # a TLS close without close_notify, like many servers
            except OSError:
                pass


# Behaviours ---------------------------------------------------------------------------------------

def answer(raw):
    """Reads the request, sends `raw`, closes."""
    def behaviour(conn, server):
        server.receive(conn)
        conn.sendall(raw)
    return behaviour


def never_answer(conn, server):
    server.receive(conn)
    server.stopped.wait(30)


def accept_only(conn, server):
    """Does not even read: the request sits in the socket buffer."""
    server.stopped.wait(30)


def trickle(interval=0.2):
    """A status line and then an endless header, one byte per interval."""
    def behaviour(conn, server):
        server.receive(conn)
        pattern = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000
        i = 0
        while not server.stopped.wait(interval):
            conn.sendall(pattern[min(i, len(pattern) - 1):][:1])
            i += 1
    return behaviour


def trickle_body(interval=0.2):
    """Complete headers promising 1000 bytes, then the body one byte per interval."""
    def behaviour(conn, server):
        server.receive(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        while not server.stopped.wait(interval):
            conn.sendall(b"x")
    return behaviour


# Certificates -------------------------------------------------------------------------------------

CA_CONFIG = """[ca]
default_ca = keel_test_ca
[keel_test_ca]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
"""


class Pki:
    """A test CA and server certificates, made with the openssl CLI in `directory`.

    leaf: localhost, 127.0.0.1, ::1, signed by the CA (P-256 key); rsa_leaf: the same names with an
    RSA 2048 key; wrong_host: only wrong.example; expired: localhost, valid only in January 2020;
    self_signed: localhost, 127.0.0.1, ::1, no CA."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(os.path.join(directory, "issued"))
        open(os.path.join(directory, "index.txt"), "w").close()
        with open(os.path.join(directory, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(directory, "ca.cnf"), "w") as f:
            f.write(CA_CONFIG.format(dir=directory))
        self.ca = self._path("ca.pem")
        self.ca_key = self._key("ca")
        self._openssl("req", "-x509", "-new", "-key", self.ca_key, "-out", self.ca, "-days", "3",
                      "-subj", "/CN=keel test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        local = "DNS:localhost,IP:127.0.0.1,IP:::1"
        self.leaf = self._issue("leaf", local)
        self.rsa_leaf = self._issue("rsa-leaf", local, algorithm="RSA")
        self.wrong_host = self._issue("wrong", "DNS:wrong.example")
        self.expired = self._issue("expired", local, dates=("20200101000000Z", "20200131000000Z"))
        self.self_signed = self._path("self.pem")
        self.self_signed_key = self._key("self")
        self._openssl("req", "-x509", "-new", "-key", self.self_signed_key, "-out", self.self_signed, "-days", "3",
                      "-subj", "/CN=localhost", "-addext", f"subjectAltName={local}")

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    def _key(self, name, algorithm="EC"):
        path = self._path(name + ".key")
        options = ["-pkeyopt", "ec_paramgen_curve:P-256"] if algorithm == "EC" else ["-pkeyopt", "rsa_keygen_bits:2048"]
        self._openssl("genpkey", "-algorithm", algorithm, *options, "-out", path)
        return path

    def _issue(self, name, san, dates=None, algorithm="EC"):
        key, csr, cert = self._key(name, algorithm), self._path(name + ".csr"), self._path(name + ".pem")
        self._openssl("req", "-new", "-key", key, "-out", csr, "-subj", "/CN=" + name,
                      "-addext", f"subjectAltName={san}")
        validity = ["-startdate", dates[0], "-enddate", dates[1]] if dates else ["-days", "3"]
        self._openssl("ca", "-batch", "-config", self._path("ca.cnf"), "-cert", self.ca, "-keyfile", self.ca_key,
                      "-in", csr, "-out", cert, "-notext", *validity)
        return cert

    def dh_params(self):
        """RFC 7919's ffdhe2048 group, for a server that offers finite-field DHE."""
        path = self._path("dh.pem")
        if not os.path.exists(path):
            self._openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", path)
        return path

    def key_of(self, cert):
        return cert[:-len(".pem")] + ".key"

    def server_context(self, cert, tls10_only=False, tls12_ciphers=None):
        """tls12_ciphers: TLS 1.2 only, with just these cipher suites (OpenSSL names)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, self.key_of(cert))
        if tls12_ciphers:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
            context.set_ciphers(tls12_ciphers)
            if "DHE-" in tls12_ciphers.replace("ECDHE-", ""):
                context.load_dh_params(self.dh_params())
        if tls10_only:
            # Debian's OpenSSL refuses TLS 1.0 at its default security level; the test server
            # lowers it only for itself.
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
                context.maximum_version = ssl.TLSVersion.TLSv1
        return context


# DNS ----------------------------------------------------------------------------------------------

class SilentDns:
    """A UDP and TCP "DNS server" on 127.0.0.1:53 that reads queries and never answers, so a
    resolver waits for its own timeouts. Raises OSError when port 53 is taken."""

    def __enter__(self):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 53))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.tcp.bind(("127.0.0.1", 53))
            self.tcp.listen(8)
        except OSError:
            self.udp.close()
            raise
        return self

    def __exit__(self, *exc):
        self.udp.close()
        self.tcp.close()
