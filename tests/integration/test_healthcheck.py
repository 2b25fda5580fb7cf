"""keel healthcheck against local servers: normal and hostile HTTP, TLS, unix sockets, and a
scratch-like chroot. Every probe must print exactly one line and exit 0 or 1, never 2."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import keel_testing
from health_servers import (Pki, Server, SilentDns, accept_only, answer, never_answer, response, trickle,
                            trickle_body)

TLS = True
SERVER = None  # keel_health_server, the benchmark's C++ server
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT"))}
    env.update(extra)
    return env


def free_port():
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProbeCase(unittest.TestCase):
    def probe(self, *args, env=None, **extra_env):
        env = env or clean_env(**extra_env)
        if keel_testing.RUNNER and "--timeout" not in args and "KEEL_HEALTHCHECK_TIMEOUT" not in env:
            # Under valgrind one https probe takes about 2 s, the whole default deadline: these
            # cases check verdicts and messages, so they get time; assert_within checks the
            # deadline itself on the native binary.
            args = ("--timeout", "20s", *args)
        started = time.monotonic()
        result = keel_testing.run_keel("healthcheck", *args, env=env, timeout=30)
        result.elapsed = time.monotonic() - started
        self.assertIn(result.returncode, (0, 1), result)
        self.assertNotEqual(result.returncode, 2)
        self.assertEqual(len(result.stdout.splitlines()), 1, result.stdout)
        self.assertTrue(result.stdout.endswith("\n"))
        return result

    def healthy(self, *args, **kwargs):
        result = self.probe(*args, **kwargs)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"^healthy: .* in [0-9.]+ (ms|s)\n$")
        return result

    def unhealthy(self, *args, expect=None, **kwargs):
        result = self.probe(*args, **kwargs)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertTrue(result.stdout.startswith("unhealthy: "), result.stdout)
        if expect:
            self.assertIn(expect, result.stdout)
        return result

    def assert_within(self, result, seconds):
        if keel_testing.RUNNER:
            return  # valgrind and qemu add seconds of their own; the bound is checked natively
        self.assertLess(result.elapsed, seconds, result.stdout)


class Http(ProbeCase):
    def test_200_is_healthy_and_the_request_is_http11_with_close(self):
        with Server(answer(response(200, "OK", b"fine"))) as server:
            result = self.healthy(server.url())
        self.assertRegex(result.stdout, r"^healthy: 200 OK in ")
        request = server.requests[0].decode()
        self.assertTrue(request.startswith("GET /health HTTP/1.1\r\n"), request)
        self.assertIn(f"\r\nHost: 127.0.0.1:{server.port}\r\n", request)
        self.assertRegex(request, r"\r\nUser-Agent: keel-healthcheck/\d+\.\d+\.\d+\r\n")
        self.assertIn("\r\nConnection: close\r\n", request)

    def test_status_ranges(self):
        cases = [(500, "Internal Server Error", (), False), (302, "Found", (), True),
                 (302, "Found", ("--expect-status", "200-299"), False), (204, "No Content", ("--expect-status", "204"), True),
                 (204, "No Content", ("--expect-status", "200"), False), (204, "No Content", ("--expect-status", "200,204"), True),
                 (404, "Not Found", ("--expect-status", "400-499"), True)]
        for status, reason, args, healthy in cases:
            with self.subTest(status=status, args=args):
                with Server(answer(response(status, reason, headers=[("Location", "/elsewhere")]))) as server:
                    result = self.probe(*args, server.url())
                self.assertEqual(result.returncode, 0 if healthy else 1, result.stdout)
                self.assertIn(f"{status} {reason}", result.stdout)
                self.assertEqual(len(server.requests), 1, "redirects are not followed")

    def test_expect_body(self):
        with Server(answer(response(body=b'{"status":"up"}'))) as server:
            self.healthy("--expect-body", '"up"', server.url())
        with Server(answer(response(body=b'{"status":"down"}'))) as server:
            self.unhealthy("--expect-body", '"up"', server.url(), expect="does not contain")

    def test_custom_headers_and_method_reach_the_server(self):
        with Server(answer(response())) as server:
            self.healthy("--header", "X-Probe: yes", "--header=Authorization: Bearer t0k", "--method", "HEAD",
                         server.url())
        request = server.requests[0].decode()
        self.assertTrue(request.startswith("HEAD /health HTTP/1.1\r\n"), request)
        self.assertIn("\r\nX-Probe: yes\r\n", request)
        self.assertIn("\r\nAuthorization: Bearer t0k\r\n", request)

    def test_header_file_lines_reach_the_server_and_never_the_output(self):
        path = keel_testing.temp_file(self, "headers", "# the probe's token\r\nAuthorization: Bearer s3cret\r\n\nX-Tenant: blue\n")
        directory = os.path.dirname(path)
        with Server(answer(response())) as server:
            self.healthy("--header", "X-First: 1", "--header-file", path, server.url())
            self.healthy(server.url(), KEEL_HEALTHCHECK_HEADER_FILE=path)
        request = server.requests[0].decode()
        self.assertIn("\r\nX-First: 1\r\nAuthorization: Bearer s3cret\r\nX-Tenant: blue\r\n\r\n", request)
        self.assertIn("\r\nAuthorization: Bearer s3cret\r\n", server.requests[1].decode())
        with open(path, "w") as f:
            f.write("X-Ok: 1\nAuthorization Bearer s3cret\n")
        result = self.unhealthy("--header-file", path, "http://127.0.0.1:1/",
                                expect=f"--header-file {path} line 2: invalid header: expected 'Name: value'")
        self.assertNotIn("s3cret", result.stdout + result.stderr)
        fifo = os.path.join(directory, "fifo")  # never opened for a blocking read
        os.mkfifo(fifo)
        for bad, reason in (("/nonexistent", "cannot open"), (directory, "is a directory"), ("/dev/zero", "is not a regular file"),
                            (fifo, "is not a regular file")):
            with self.subTest(bad=bad):
                self.unhealthy("--header-file", bad, "http://127.0.0.1:1/", expect=f"--header-file {bad}: {reason}")

    def test_secrets_in_bad_headers_and_urls_are_never_printed(self):
        cases = [
            (("--header", "Authorization: Bearer s3cret\x7f", "http://127.0.0.1:1/"), "invalid header 'Authorization'"),
            (("--header", "Bearer s3cret", "http://127.0.0.1:1/"), "invalid header: expected 'Name: value'"),
            (("http://user:s3cret@127.0.0.1:1/",), "invalid URL 'http://***@127.0.0.1:1/'"),
            (("http://user:s3/cret@127.0.0.1:1/",), "invalid URL 'http://***@127.0.0.1:1/'"),
            # Unquoted in an exec form, the value becomes the URL or an extra word: never quoted.
            (("--header", "X-Api-Key:", "s3cret"), "invalid header 'X-Api-Key': no value after ':'"),
            (("--header", "Authorization:", "Bearer", "s3cret", "http://127.0.0.1:1/"), "invalid header 'Authorization'"),
        ]
        for args, reason in cases:
            with self.subTest(args=args):
                result = self.unhealthy(*args, expect=reason)
                self.assertNotIn("s3cret", result.stdout + result.stderr)
        result = keel_testing.run_keel("wait", "--timeout", "1s", "user:s3cret@127.0.0.1:1", env=clean_env(), timeout=30)
        self.assertIn("invalid target '***@127.0.0.1:1'", result.stderr)
        self.assertNotIn("s3cret", result.stdout + result.stderr)

    def test_authority_sets_the_host_header_and_conflicts_with_one(self):
        with Server(answer(response())) as server:
            self.healthy("--authority", "api.example.com", server.url())
        self.assertIn("\r\nHost: api.example.com\r\n", server.requests[0].decode())
        self.unhealthy("--authority", "a.example", "--header", "Host: b.example", "http://127.0.0.1:1/",
                       expect="--header: Host and --authority both name the server")
        self.unhealthy("--authority", "a.example", "tcp://127.0.0.1:1", expect="--authority is for http(s) and gRPC URLs")
        self.unhealthy("--authority", "a/b", "http://127.0.0.1:1/", expect="--authority: invalid authority 'a/b'")

    def test_double_dash_before_the_url(self):
        with Server(answer(response())) as server:
            self.healthy("--timeout", "3s", "--", server.url())

    def test_options_from_the_environment(self):
        with Server(answer(response(201, "Created"))) as server:
            self.healthy(KEEL_HEALTHCHECK_URL=server.url(path="/env"), KEEL_HEALTHCHECK_EXPECT_STATUS="201",
                         KEEL_HEALTHCHECK_HEADER="X-From: env")
        self.assertTrue(server.requests[0].startswith(b"GET /env HTTP/1.1\r\n"))
        self.assertIn(b"\r\nX-From: env\r\n", server.requests[0])

    def test_chunked_close_delimited_and_http10_bodies(self):
        bodies = {
            "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nall \r\n7\r\nis well\r\n0\r\n\r\n",
            "close-delimited": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall is well",
            "HTTP/1.0": b"HTTP/1.0 200 OK\r\n\r\nall is well",
        }
        for name, raw in bodies.items():
            with self.subTest(name), Server(answer(raw)) as server:
                self.healthy("--expect-body", "all is well", server.url())

    def test_malformed_responses_are_unhealthy_with_a_reason(self):
        cases = {
            "bad chunk size": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "bad chunk"),
            "huge chunk size": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nx", "invalid HTTP response"),
            "garbage": (b"\x00\x01garbage that is not HTTP\r\n\r\n", "invalid HTTP response"),
            "nothing": (b"", "connection closed without a response"),
            "cut short": (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "before the response was complete"),
        }
        for name, (raw, reason) in cases.items():
            with self.subTest(name), Server(answer(raw)) as server:
                self.unhealthy(server.url(), expect=reason)

    def test_only_the_first_mib_of_a_body_is_read(self):
        mib = 1024 * 1024
        # Promises 10 GB, sends 1.5 MiB and then stalls: keel stops at 1 MiB, so no timeout.
        def big(conn, server):
            server.receive(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n" + b"start" + b"x" * (mib + mib // 2) + b"late")
            server.stopped.wait(30)
        with Server(big) as server:
            result = self.healthy("--timeout", "5s", "--expect-body", "start", server.url())
            self.assert_within(result, 4)
            self.unhealthy("--timeout", "5s", "--expect-body", "late", server.url(), expect="first 1 MiB does not contain")

    def test_a_megabyte_of_headers_is_refused_quickly(self):
        raw = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"a" * 1000 + b"\r\n" * 1 + (b"X-More: " + b"b" * 1000 + b"\r\n") * 1000
        with Server(answer(raw + b"\r\n")) as server:
            result = self.unhealthy("--timeout", "5s", server.url(), expect="response headers larger than 64 KiB")
        self.assert_within(result, 4)

    def test_connection_refused_is_fast(self):
        result = self.unhealthy("--timeout", "5s", f"http://127.0.0.1:{free_port()}/",
                                expect="connect to 127.0.0.1:")
        self.assertIn("connection refused after", result.stdout)
        self.assert_within(result, 2)

    def test_silent_and_trickling_servers_are_cut_off_by_the_deadline(self):
        cases = [(never_answer, "while reading headers"), (accept_only, "while reading headers"),
                 (trickle(0.2), "while reading headers"), (trickle_body(0.2), "while reading body")]
        for behaviour, phase in cases:
            with self.subTest(phase=phase, behaviour=getattr(behaviour, "__name__", "")), Server(behaviour) as server:
                result = self.unhealthy("--timeout", "1s", server.url(), expect=f"timeout after 1.0 s {phase}")
            self.assert_within(result, 1.5)

    def test_ipv6_literal_and_localhost(self):
        with Server(answer(response()), family=socket.AF_INET6) as server:
            self.healthy(server.url())
            self.assertIn(f"\r\nHost: [::1]:{server.port}\r\n", server.requests[0].decode())
        with Server(answer(response())) as server:
            self.healthy(server.url(host="localhost"))
            self.assertIn(f"\r\nHost: localhost:{server.port}\r\n", server.requests[0].decode())
        # localhost is 127.0.0.1, then ::1: a server on ::1 alone is still found.
        with Server(answer(response()), family=socket.AF_INET6) as server:
            self.healthy(server.url(host="localhost"))
        port = free_port()
        self.unhealthy(f"http://localhost:{port}/",
                       expect=f"connect to 127.0.0.1:{port}: connection refused (1 more address failed too)")

    def test_tcp_open_and_closed(self):
        with Server(accept_only) as server:
            result = self.healthy(f"tcp://127.0.0.1:{server.port}")
        self.assertIn(f"connected to 127.0.0.1:{server.port}", result.stdout)
        self.unhealthy(f"tcp://127.0.0.1:{free_port()}", expect="connection refused")

    def test_unix_socket(self):
        with tempfile.TemporaryDirectory(prefix="keel-health-") as directory:
            path = os.path.join(directory, "app.sock")
            with Server(answer(response(body=b"ok")), unix_path=path) as server:
                self.healthy("--path", "/ready", "--expect-body", "ok", server.url())
            self.assertTrue(server.requests[0].startswith(b"GET /ready HTTP/1.1\r\nHost: localhost\r\n"))
            self.unhealthy(f"unix://{directory}/missing.sock", expect="no such file or directory")

    def test_the_default_url_is_127_0_0_1_8080_health(self):
        try:
            server = Server(answer(response()), port=8080).__enter__()
        except OSError as error:
            self.skipTest(f"127.0.0.1:8080 is taken here: {error}")
        try:
            self.healthy()
        finally:
            server.__exit__()
        self.assertTrue(server.requests[0].startswith(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"))


class BadOptions(ProbeCase):
    def test_bad_options_and_env_values_are_unhealthy_exit_1_never_2(self):
        cases = [
            (["--timeout"], {}, "--timeout: invalid duration ''"),
            (["--timeout", "soon"], {}, "--timeout: invalid duration 'soon'"),
            (["--timeout", "0s"], {}, "--timeout: must be longer than 0"),
            (["--bogus"], {}, "unknown option '--bogus'"),
            (["http://a/", "http://b/"], {}, "unexpected argument 'http://b/'"),
            (["--expect-status", "2xx"], {}, "--expect-status: invalid status range '2xx'"),
            (["--header", "no colon"], {}, "--header: invalid header"),
            (["--header", "Connection: keep-alive"], {}, "cannot be set"),
            (["--method", "DELETE"], {}, "--method: invalid method 'DELETE'"),
            (["--insecure=maybe"], {}, "--insecure: invalid flag value 'maybe'"),
            (["ftp://example.com/"], {}, "invalid URL 'ftp://example.com/'"),
            (["http://[::1/"], {}, "invalid URL"),
            ([], {"KEEL_HEALTHCHECK_TIMEOUT": "x"}, "(from KEEL_HEALTHCHECK_TIMEOUT)"),
            ([], {"KEEL_HEALTHCHECK_INSECURE": "banana"}, "(from KEEL_HEALTHCHECK_INSECURE)"),
            ([], {"KEEL_HEALTHCHECK_URL": "nope"}, "(from KEEL_HEALTHCHECK_URL)"),
        ]
        for args, env, message in cases:
            with self.subTest(args=args, env=env):
                self.unhealthy(*args, env=clean_env(**env), expect=message)

    def test_supervisor_variables_and_global_options_never_break_the_probe(self):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
            url = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
            # The image's supervisor settings are not the probe's: a bad KEEL_LOG_LEVEL made every
            # probe exit 2 with nothing on stdout.
            for name, value in (("KEEL_LOG_LEVEL", "bogus"), ("KEEL_LOG_FORMAT", "xml"), ("KEEL_GRACE", "soon"),
                                ("KEEL_USER", "a:b:c"), ("KEEL_REWRITE", "nope"), ("KEEL_REQUIRE", "everything")):
                with self.subTest(variable=name):
                    self.healthy(url, env=clean_env(**{name: value}))
            # A bad global option before the subcommand is the probe's failure: one line, exit 1.
            result = keel_testing.run_keel("--log-level=bogus", "healthcheck", url, env=clean_env(), timeout=30)
            self.assertEqual(result.returncode, 1, result)
            self.assertEqual(len(result.stdout.splitlines()), 1, result.stdout)
            self.assertTrue(result.stdout.startswith("unhealthy: keel: --log-level"), result.stdout)
            # A good one still applies.
            result = keel_testing.run_keel("--log-level", "debug", "healthcheck", url, env=clean_env(), timeout=30)
            self.assertEqual(result.returncode, 0, result)
            self.assertEqual(len(result.stdout.splitlines()), 1, result.stdout)

    def test_help_exits_0_and_shows_the_defaults(self):
        result = keel_testing.run_keel("healthcheck", "--help", env=clean_env())
        self.assertEqual(result.returncode, 0)
        for word in ("--timeout DURATION [2s]", "--expect-status RANGE [200-399]", "KEEL_HEALTHCHECK_CA_FILE",
                     "--insecure", "--path", "Never 2: Docker reserves it"):
            self.assertIn(word, result.stdout)
        self.assertNotIn("2        bad command line", result.stdout)  # the supervisor's exit codes


class Tls(ProbeCase):
    @classmethod
    def setUpClass(cls):
        if not TLS:
            raise unittest.SkipTest("keel was built without TLS (the Lean class covers https)")
        cls.tmp = tempfile.mkdtemp(prefix="keel-health-pki-")
        cls.pki = Pki(cls.tmp)
        # The system bundle plus the test CA, as an image's bundle would hold it.
        cls.bundle = os.path.join(cls.tmp, "bundle.pem")
        with open(cls.bundle, "w") as out:
            for source in (BUNDLE, cls.pki.ca):
                if os.path.exists(source):
                    with open(source) as f:
                        out.write(f.read())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def serve(self, cert, family=socket.AF_INET, behaviour=None, **kwargs):
        return Server(behaviour or answer(response(body=b"secure")), family=family,
                      tls=self.pki.server_context(cert, **kwargs))

    def test_ca_signed_certificate_passes_with_the_bundle_or_the_ca_file(self):
        with self.serve(self.pki.leaf) as server:
            self.healthy("--expect-body", "secure", server.url("https"), SSL_CERT_FILE=self.bundle)
            self.healthy(server.url("https", host="localhost"), SSL_CERT_FILE=self.bundle)
            self.healthy("--ca-file", self.pki.ca, server.url("https"))
        with self.serve(self.pki.leaf, family=socket.AF_INET6) as server:
            self.healthy("--ca-file", self.pki.ca, server.url("https"))

    def test_a_hashed_certificate_directory(self):
        directory = os.path.join(self.tmp, "certs")
        os.makedirs(directory, exist_ok=True)
        subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", self.pki.ca], check=True,
                                      capture_output=True, text=True).stdout.strip()
        shutil.copy(self.pki.ca, os.path.join(directory, subject_hash + ".0"))
        with self.serve(self.pki.leaf) as server:
            self.healthy(server.url("https"), SSL_CERT_DIR=directory)
            self.unhealthy(server.url("https"), SSL_CERT_DIR=os.path.join(self.tmp, "nowhere"),
                           expect="is not a directory")

    def test_keel_check_and_the_probe_trust_the_same_directory(self):
        # A mounted secret (Kubernetes' ca.crt) or a hand-made image: plain names, no c_rehash.
        # `keel check` counted such files while the probe, through OpenSSL's hashed lookup, did not.
        plain = os.path.join(self.tmp, "plain-certs")
        os.makedirs(plain, exist_ok=True)
        shutil.copy(self.pki.ca, os.path.join(plain, "ca.crt"))
        empty = os.path.join(self.tmp, "no-certs")
        os.makedirs(empty, exist_ok=True)
        with open(os.path.join(empty, "README"), "w") as f:
            f.write("not a certificate\n")
        with self.serve(self.pki.leaf) as server:
            for directory, trusted in ((plain, True), (empty, False)):
                with self.subTest(directory=os.path.basename(directory)):
                    env = clean_env(SSL_CERT_DIR=directory)
                    check = keel_testing.run_keel("check", "--require", "ca-certs", env=env, timeout=30)
                    if trusted:
                        self.healthy(server.url("https"), env=env)
                        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
                    else:
                        self.unhealthy(server.url("https"), env=env, expect="holds no certificate files")
                        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)

    def test_the_deadline_bounds_reading_the_ca_files(self):
        # Reading the CA files is synchronous work before the connection. Tens of thousands of
        # files in SSL_CERT_DIR (empty, so nothing ends the reading early) must not hold the probe
        # past --timeout: it stops between two files and says how far it got.
        many = os.path.join(self.tmp, "many-files")
        os.makedirs(many, exist_ok=True)
        for i in range(10000):
            open(os.path.join(many, f"{i}.pem"), "w").close()
        env = clean_env(SSL_CERT_DIR=many)
        with self.serve(self.pki.leaf) as server:
            whole = self.unhealthy(server.url("https"), env=env, expect="holds no PEM certificates")
            cut = self.unhealthy("--timeout", "10ms", server.url("https"), env=env)
            self.assertRegex(cut.stdout, r"^unhealthy: timeout after [0-9.]+ ?ms while reading the CA certificates "
                             rf"\(CA directory {re.escape(many)} \(SSL_CERT_DIR\): the deadline passed with \d+ of \d+ files read\)$")
            self.assert_within(cut, whole.elapsed)
            # 10,000 entries is the limit: one more and the directory is refused as a whole, by the
            # probe and by `keel check` alike, rather than trusted in part.
            open(os.path.join(many, "10000.pem"), "w").close()
            self.unhealthy(server.url("https"), env=env, expect=f"{many}: more than 10000 entries")
            check = keel_testing.run_keel("check", "--require", "ca-certs", env=env, timeout=60)
            self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
            self.assertIn(f"{many}: more than 10000 entries", check.stdout + check.stderr)

    def test_rsa_and_ecdsa_servers_over_tls13_and_tls12(self):
        # Every cipher family and MAC a TLS 1.2 server may pick: keel loads no legacy cipher table
        # (healthcheck/tls.cpp), so each must still be fetched from the provider by name.
        cases = [
            (self.pki.rsa_leaf, None),
            (self.pki.rsa_leaf, "ECDHE-RSA-AES128-GCM-SHA256"),
            (self.pki.rsa_leaf, "ECDHE-RSA-AES256-GCM-SHA384"),
            (self.pki.rsa_leaf, "ECDHE-RSA-CHACHA20-POLY1305"),
            (self.pki.rsa_leaf, "ECDHE-RSA-AES128-SHA"),
            (self.pki.rsa_leaf, "ECDHE-RSA-AES256-SHA384"),
            (self.pki.leaf, "ECDHE-ECDSA-AES128-GCM-SHA256"),
            (self.pki.leaf, "ECDHE-ECDSA-CHACHA20-POLY1305"),
        ]
        for cert, ciphers in cases:
            with self.subTest(cert=os.path.basename(cert), ciphers=ciphers):
                with self.serve(cert, tls12_ciphers=ciphers) as server:
                    self.healthy("--ca-file", self.pki.ca, server.url("https"))

    def test_the_images_openssl_cnf_is_never_read(self):
        # A config that leaves no cipher for a TLS 1.2 ECDSA server, and a FIFO (a blocking open,
        # which hung the probe past its deadline): keel's behaviour comes from its options alone.
        conf = os.path.join(self.tmp, "openssl.cnf")
        with open(conf, "w") as f:
            f.write("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = none\n[none]\nCipherString = aECDSA:!aECDSA\n")
        fifo = os.path.join(self.tmp, "openssl.fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        with self.serve(self.pki.leaf, tls12_ciphers="ECDHE-ECDSA-AES128-GCM-SHA256") as server:
            for path in (conf, fifo):
                with self.subTest(path=path):
                    self.healthy("--ca-file", self.pki.ca, server.url("https"), OPENSSL_CONF=path)

    def test_a_server_offering_only_finite_field_dhe_fails_the_handshake(self):
        # keel's own OpenSSL (the static musl builds) is built without DH (no-dh); the dev build
        # links the host's OpenSSL, which has it.
        if "linux-musl" not in keel_testing.run_keel("version", env=clean_env()).stdout:
            self.skipTest("a host build: its OpenSSL is the system's, with DH")
        with self.serve(self.pki.rsa_leaf, tls12_ciphers="DHE-RSA-AES128-GCM-SHA256") as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url("https"), expect="TLS handshake with")

    def test_self_signed_fails_by_default_and_passes_with_insecure_or_ca_file(self):
        with self.serve(self.pki.self_signed) as server:
            self.unhealthy(server.url("https"), SSL_CERT_FILE=self.bundle,
                           expect="certificate verify failed: self-signed certificate")
            self.healthy("--insecure", server.url("https"), SSL_CERT_FILE=self.bundle)
            self.healthy(server.url("https"), KEEL_HEALTHCHECK_INSECURE="1", SSL_CERT_FILE=self.bundle)
            self.healthy("--ca-file", self.pki.self_signed, server.url("https"))

    def test_wrong_host_and_wrong_ip_fail(self):
        with self.serve(self.pki.wrong_host) as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url("https", host="localhost"), expect="hostname mismatch")
            self.unhealthy("--ca-file", self.pki.ca, server.url("https"),
                           expect="IP address mismatch (--authority NAME checks the certificate against NAME)")
            self.healthy("--insecure", server.url("https"))

    def test_authority_sets_sni_host_and_the_checked_name(self):
        names = []
        context = self.pki.server_context(self.pki.wrong_host)
        context.sni_callback = lambda sock, name, ctx: names.append(name)
        with Server(answer(response(body=b"secure")), tls=context) as server:
            self.healthy("--ca-file", self.pki.ca, "--authority", "wrong.example", server.url("https"))
            self.unhealthy("--ca-file", self.pki.ca, "--authority", "other.example", server.url("https"),
                           expect="(as other.example): certificate verify failed: hostname mismatch")
        self.assertEqual(names[:2], ["wrong.example", "other.example"])
        self.assertIn("\r\nHost: wrong.example\r\n", server.requests[0].decode())

    def test_expired_certificate_fails(self):
        with self.serve(self.pki.expired) as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url("https"), expect="certificate has expired")

    def test_tls10_only_server_fails_naming_the_version(self):
        with self.serve(self.pki.leaf, tls10_only=True) as server:
            result = self.unhealthy("--ca-file", self.pki.ca, server.url("https"))
        self.assertRegex(result.stdout, r"TLS handshake with .*(older than 1\.2|protocol version)")

    def test_plain_http_server_on_an_https_url(self):
        def bad_request(conn, server):
            conn.recv(4096)  # a ClientHello is no HTTP request: answer as an HTTP server does
            conn.sendall(response(400, "Bad Request"))
        with Server(bad_request) as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url("https"), expect="does not speak TLS")

    def test_close_delimited_body_without_close_notify(self):
        raw = b"HTTP/1.1 200 OK\r\n\r\nstreamed until close"
        with self.serve(self.pki.leaf, behaviour=answer(raw)) as server:
            self.healthy("--ca-file", self.pki.ca, "--expect-body", "until close", server.url("https"))

    def test_silent_tls_server_is_cut_off_during_the_handshake(self):
        # Under valgrind, starting OpenSSL and reading the CA file can take most of a second on
        # a busy machine: the deadline there leaves room, so the phase it ends in is the handshake.
        seconds = 5 if keel_testing.RUNNER else 1
        with Server(accept_only) as server:
            result = self.unhealthy("--timeout", f"{seconds}s", "--ca-file", self.pki.ca, server.url("https"),
                                    expect=f"timeout after {seconds}.0 s during TLS handshake")
        self.assert_within(result, 1.5)

    def test_missing_or_empty_ca_files_are_named(self):
        with self.serve(self.pki.leaf) as server:
            self.unhealthy(server.url("https"), SSL_CERT_FILE="/nonexistent/bundle.pem",
                           expect="CA bundle /nonexistent/bundle.pem: cannot open")
            self.unhealthy("--ca-file", "/dev/null", server.url("https"), expect="is not a regular file")
            empty = os.path.join(self.tmp, "empty.pem")
            open(empty, "w").close()
            self.unhealthy("--ca-file", empty, server.url("https"), expect="holds no PEM certificates")


class Lean(ProbeCase):
    def test_https_without_tls_says_so(self):
        if TLS:
            self.skipTest("keel was built with TLS (the Tls class covers https)")
        result = self.unhealthy("https://127.0.0.1:1/")
        self.assertEqual(result.stdout, "unhealthy: https is not available: keel was built without TLS\n")


class BenchServer(ProbeCase):
    """bench/healthcheck.py measures against keel_health_server: it must answer keel correctly."""

    def start(self, *args):
        if keel_testing.RUNNER and not keel_testing.under_valgrind():
            self.skipTest("the server is built for the target architecture, which only the emulator runs")
        server = subprocess.Popen([SERVER, *args], stdout=subprocess.PIPE, text=True)
        self.addCleanup(server.stdout.close)
        self.addCleanup(server.wait, 5)
        self.addCleanup(server.kill)
        line = server.stdout.readline()
        self.assertRegex(line, r"^port \d+$")
        return int(line.split()[1])

    def test_http(self):
        port = self.start()
        self.assertRegex(self.healthy("--expect-body", "ok", f"http://127.0.0.1:{port}/").stdout, r"^healthy: 200 OK in ")

    def test_https_with_full_verification(self):
        if not TLS:
            self.skipTest("keel was built without TLS")
        with tempfile.TemporaryDirectory() as tmp:
            pki = Pki(tmp)
            port = self.start("--tls", pki.leaf, pki.key_of(pki.leaf))
            self.healthy("--ca-file", pki.ca, "--expect-body", "ok", f"https://127.0.0.1:{port}/")
            self.healthy("--ca-file", pki.ca, f"https://localhost:{port}/")


class Scratch(ProbeCase):
    """A chroot holding only keel: no /etc/hosts, no CA bundle, no /tmp, nothing writable, run as
    nobody (65534). A host build (dev) gets the host's library directories bind-mounted read-only
    (keel_testing.chroot_argv), and nothing of /etc."""

    def setUp(self):
        if keel_testing.RUNNER:
            self.skipTest("needs keel run directly, without emulator or valgrind (the chroot holds nothing but keel)")
        self.root = tempfile.mkdtemp(prefix="keel-health-root-")
        self.addCleanup(shutil.rmtree, self.root, True)
        shutil.copy(keel_testing.KEEL, os.path.join(self.root, "keel"))
        os.chmod(self.root, 0o555)

    def add_file(self, path, text):
        target = os.path.join(self.root, path.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.chmod(self.root, 0o755)
        with open(target, "w") as f:
            f.write(text)
        os.chmod(self.root, 0o555)

    def probe(self, *args, **env):
        started = time.monotonic()
        argv = keel_testing.chroot_argv(self.root, ["/keel", "healthcheck", *args], [keel_testing.KEEL],
                                        userspec="65534:65534")
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30, env={"PATH": "/", **env})
        result.elapsed = time.monotonic() - started
        self.assertIn(result.returncode, (0, 1), result)
        self.assertEqual(len(result.stdout.splitlines()), 1, result.stdout + result.stderr)
        return result

    def test_http_tcp_and_localhost_work_without_hosts_or_bundle(self):
        with Server(answer(response())) as server:
            self.healthy(server.url(host="localhost"))
            self.healthy(server.url())
            self.healthy(f"tcp://localhost:{server.port}")

    def test_https_without_a_bundle_says_so_unless_insecure(self):
        if not TLS:
            self.skipTest("keel was built without TLS")
        with tempfile.TemporaryDirectory() as tmp:
            pki = Pki(tmp)
            with Server(answer(response()), tls=pki.server_context(pki.self_signed)) as server:
                self.unhealthy(server.url("https"), expect="no CA certificates found")
                self.healthy("--insecure", server.url("https"))

    def test_names_from_the_image_hosts_file(self):
        self.add_file("/etc/hosts", "127.0.0.1 app.internal\n")
        with Server(answer(response())) as server:
            self.healthy(server.url(host="app.internal"))
        self.unhealthy(f"http://nowhere.internal:{free_port()}/", "--timeout", "3s", expect="nowhere.internal")

    def test_a_dns_server_that_never_answers_is_cut_off_by_the_deadline(self):
        self.add_file("/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
        try:
            dns = SilentDns().__enter__()
        except OSError as error:
            self.skipTest(f"127.0.0.1:53 is not free here: {error}")
        try:
            result = self.unhealthy("--timeout", "1s", "http://db.example:5432/",
                                    expect="timeout after 1.0 s while resolving db.example")
        finally:
            dns.__exit__()
        self.assert_within(result, 1.5)


def setup(options):
    global TLS, SERVER
    TLS = options.tls.lower() in ("1", "on", "true", "yes")
    SERVER = options.server


if __name__ == "__main__":
    keel_testing.main(extra_args=[("--tls", {"default": "1"}), ("--server", {"required": True})], setup=setup)
