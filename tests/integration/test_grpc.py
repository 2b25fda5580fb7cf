"""keel healthcheck grpc://, grpcs:// and grpc+unix:// against real grpcio servers (the standard
health service) and hostile HTTP/2 peers. Every probe prints exactly one line and exits 0 or 1."""

import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
import unittest

import keel_testing
from grpc_servers import (CONTINUATION, GOAWAY, HEADERS, NOT_SERVING, RST_STREAM, SERVICE_UNKNOWN, SERVING, SETTINGS, UNKNOWN,
                          DATA, GrpcServer, frame, literal_headers, read_client_start)
from health_servers import Pki, Server, answer, never_answer, response
from test_healthcheck import ProbeCase, clean_env, free_port

GRPC = True


def serve_frames(*frames, settings=True):
    """A raw HTTP/2 server: reads the client's start, sends SETTINGS (unless told not to), then
    these frames, and keeps the connection open until the test ends (closing it with the client's
    later frames unread makes the kernel send a reset, which may overtake the frames sent)."""
    def behaviour(conn, server):
        read_client_start(conn, server)
        if settings:
            conn.sendall(frame(SETTINGS))
        for item in frames:
            conn.sendall(item)
        server.stopped.wait(30)
    return behaviour


def grpc_response_headers(content_type="application/grpc", status="200"):
    return frame(HEADERS, 0x4, 1, literal_headers((":status", status), ("content-type", content_type)))


def serving_message():
    return b"\x00\x00\x00\x00\x02\x08\x01"  # HealthCheckResponse{status: SERVING}, framed


class Verdicts(ProbeCase):
    def test_serving_not_serving_and_unknown_service(self):
        with GrpcServer({"": SERVING, "billing": NOT_SERVING, "search": SERVING}) as server:
            result = self.healthy(server.url())
            self.assertRegex(result.stdout, r"^healthy: SERVING in ")
            self.healthy(server.url("search"))
            self.unhealthy(server.url("billing"), expect='NOT_SERVING (service "billing")')
            self.unhealthy(server.url("nope"), expect="gRPC status 5 NOT_FOUND")
        self.assertRegex(server.metadata[0]["user-agent"], r"^keel-healthcheck/\d+\.\d+\.\d+")

    def test_unknown_and_service_unknown_statuses(self):
        # grpcio's Check answers NOT_FOUND for a service it never heard of; a server may still
        # report these two statuses (SERVICE_UNKNOWN is what Watch sends), and neither is healthy.
        with GrpcServer({"old": SERVICE_UNKNOWN, "new": UNKNOWN}) as server:
            self.unhealthy(server.url("old"), expect='SERVICE_UNKNOWN (service "old")')
            self.unhealthy(server.url("new"), expect='UNKNOWN (service "new")')

    def test_status_changed_while_running(self):
        with GrpcServer({"app": SERVING}) as server:
            self.healthy(server.url("app"))
            server.set("app", NOT_SERVING)
            self.unhealthy(server.url("app"), expect="NOT_SERVING")
            server.set("app", SERVING)
            self.healthy(server.url("app"))

    def test_no_health_service_is_unimplemented(self):
        with GrpcServer(health=False) as server:
            self.unhealthy(server.url(), expect="gRPC status 12 UNIMPLEMENTED")

    def test_metadata_reaches_the_server_and_never_the_output(self):
        with GrpcServer() as server:
            result = self.healthy("--header", "Authorization: Bearer s3cret", "--header", "x-tenant: blue", server.url())
        self.assertEqual(server.metadata[0]["authorization"], "Bearer s3cret")
        self.assertEqual(server.metadata[0]["x-tenant"], "blue")
        self.assertNotIn("s3cret", result.stdout + result.stderr)

    def test_metadata_from_a_header_file(self):
        path = keel_testing.temp_file(self, "metadata", "# from a Kubernetes secret\nauthorization: Bearer s3cret\n")
        with GrpcServer() as server:
            result = self.healthy("--header-file", path, server.url())
        self.assertEqual(server.metadata[0]["authorization"], "Bearer s3cret")
        self.assertNotIn("s3cret", result.stdout + result.stderr)
        with open(path, "w") as f:
            f.write("grpc-status: s3cret\n")
        result = self.unhealthy("--header-file", path, "grpc://127.0.0.1:1", expect="line 1: grpc-status is set by the gRPC")
        self.assertNotIn("s3cret", result.stdout + result.stderr)

    def test_a_unix_socket(self):
        directory = tempfile.mkdtemp(prefix="keel-grpc-")
        self.addCleanup(shutil.rmtree, directory, True)
        path = os.path.join(directory, "app.sock")
        with GrpcServer({"": SERVING, "db": NOT_SERVING}, unix_path=path) as server:
            self.healthy(server.url())
            self.unhealthy(server.url("db"), expect="NOT_SERVING")
        self.unhealthy(f"grpc+unix://{path}", expect="connect to " + path)

    def test_nothing_listening(self):
        self.unhealthy(f"grpc://127.0.0.1:{free_port()}", expect="connection refused")


class Tls(ProbeCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="keel-grpc-pki-")
        cls.pki = Pki(cls.dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, True)

    def tls_server(self, cert, **kwargs):
        return GrpcServer(tls=(cert, self.pki.key_of(cert)), **kwargs)

    def test_grpcs_with_the_ca_file(self):
        with self.tls_server(self.pki.leaf) as server:
            self.healthy("--ca-file", self.pki.ca, server.url(scheme="grpcs"))
            self.healthy("--ca-file", self.pki.ca, server.url(scheme="grpcs", host="localhost"))
            self.unhealthy(server.url(scheme="grpcs"), SSL_CERT_FILE=self.pki.self_signed,
                           expect="certificate verify failed")
            self.healthy("--insecure", server.url(scheme="grpcs"))

    def test_wrong_host_and_expired_certificates(self):
        with self.tls_server(self.pki.wrong_host) as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url(scheme="grpcs"), expect="certificate verify failed")
            # --authority fixes it for a service reached by address: SNI, the checked name and
            # :authority all become the name.
            self.healthy("--ca-file", self.pki.ca, "--authority", "wrong.example", server.url(scheme="grpcs"))
            self.unhealthy("--ca-file", self.pki.ca, "--authority", "other.example", server.url(scheme="grpcs"),
                           expect="(as other.example): certificate verify failed: hostname mismatch")
        with self.tls_server(self.pki.expired) as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url(scheme="grpcs"), expect="expired")

    def client_key(self, mode):
        path = os.path.join(self.dir, f"client-{mode:o}.key")
        shutil.copyfile(self.pki.key_of(self.pki.leaf), path)
        os.chmod(path, mode)
        return path

    def test_mtls_required_fails_without_a_client_certificate_and_passes_with_one(self):
        with self.tls_server(self.pki.leaf, client_ca=self.pki.ca) as server:
            url = server.url(scheme="grpcs")
            self.unhealthy("--ca-file", self.pki.ca, url, expect="requires a client certificate does: --cert, --key")
            result = self.healthy("--ca-file", self.pki.ca, "--cert", self.pki.leaf, "--key", self.client_key(0o600), url)
            self.assertNotIn("warning", result.stderr)
            # A key every user can read (Kubernetes' default secret mode) works, with a warning.
            result = self.healthy("--ca-file", self.pki.ca, "--cert", self.pki.leaf, "--key", self.client_key(0o644), url)
            self.assertIn("every user can read this private key (mode 0644)", result.stderr)
            # A certificate the server's CA did not sign is refused by the server.
            self.unhealthy("--ca-file", self.pki.ca, "--cert", self.pki.self_signed, "--key", self.pki.self_signed_key, url,
                           expect="did it refuse the client certificate?")

    def test_mtls_for_https(self):
        context = self.pki.server_context(self.pki.leaf)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(self.pki.ca)
        with Server(answer(response(200, "OK", b"fine")), tls=context) as server:
            url = f"https://127.0.0.1:{server.port}/health"
            self.healthy("--ca-file", self.pki.ca, "--cert", self.pki.leaf, "--key", self.client_key(0o600), url)
            self.unhealthy("--ca-file", self.pki.ca, url)

    def test_bad_client_certificate_options(self):
        key = self.client_key(0o600)
        cases = [
            (("--cert", self.pki.leaf, "https://127.0.0.1:1/"), "--cert needs --key"),
            (("--key", key, "https://127.0.0.1:1/"), "--key needs --cert"),
            (("--cert", self.pki.leaf, "--key", key, "http://127.0.0.1:1/"), "are for https:// and grpcs://"),
            (("--cert", "/nonexistent.pem", "--key", key, "https://127.0.0.1:1/"), "--cert /nonexistent.pem: cannot open"),
            (("--cert", key, "--key", key, "https://127.0.0.1:1/"), "holds no PEM certificate"),
            (("--cert", self.pki.leaf, "--key", self.pki.leaf, "https://127.0.0.1:1/"), "holds no PEM private key"),
            (("--cert", self.pki.leaf, "--key", self.pki.self_signed_key, "https://127.0.0.1:1/"), "does not match"),
        ]
        for args, reason in cases:
            with self.subTest(args=args):
                result = self.unhealthy("--ca-file", self.pki.ca, *args, expect=reason)
                self.assertNotIn("BEGIN", result.stdout + result.stderr)

    def test_grpc_to_a_tls_server_and_grpcs_to_a_cleartext_one(self):
        with self.tls_server(self.pki.leaf) as server:
            self.unhealthy("--timeout", "3s", server.url())
        with GrpcServer() as server:
            self.unhealthy("--ca-file", self.pki.ca, server.url(scheme="grpcs"), expect="TLS handshake")


class Hostile(ProbeCase):
    def test_an_http11_server(self):
        with Server(answer(response(200, "OK", b"fine"))) as server:
            self.unhealthy(f"grpc://127.0.0.1:{server.port}", expect="HTTP/1.x, not HTTP/2")

    def test_accepts_and_never_sends_settings(self):
        with Server(never_answer) as server:
            result = self.unhealthy("--timeout", "1s", f"grpc://127.0.0.1:{server.port}",
                                    expect="timeout after 1.0 s while waiting for the server's HTTP/2 SETTINGS")
        self.assert_within(result, 3)

    def test_settings_then_silence(self):
        with Server(serve_frames()) as server:
            self.unhealthy("--timeout", "1s", f"grpc://127.0.0.1:{server.port}",
                           expect="timeout after 1.0 s while waiting for the response headers")

    def test_trickled_frames_are_bounded_by_the_timeout(self):
        def trickle(conn, server):
            read_client_start(conn, server)
            conn.sendall(frame(SETTINGS))
            data = grpc_response_headers()
            for byte in data:
                if server.stopped.wait(0.2):
                    return
                conn.sendall(bytes([byte]))
            server.stopped.wait(30)
        with Server(trickle) as server:
            result = self.unhealthy("--timeout", "1s", f"grpc://127.0.0.1:{server.port}", expect="timeout after 1.0 s")
        self.assert_within(result, 3)

    def test_garbage_is_a_protocol_error(self):
        with Server(serve_frames(b"\x00\x00\x04\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00")) as server:
            self.unhealthy("--timeout", "3s", f"grpc://127.0.0.1:{server.port}", expect="HTTP/2 protocol error by the server")

    def test_goaway_and_rst_stream(self):
        goaway = frame(GOAWAY, 0, 0, (0).to_bytes(4, "big") + (11).to_bytes(4, "big"))  # ENHANCE_YOUR_CALM
        rst = frame(RST_STREAM, 0, 1, (2).to_bytes(4, "big"))  # INTERNAL_ERROR
        cases = {
            "goaway": (serve_frames(goaway), "GOAWAY with ENHANCE_YOUR_CALM"),
            "rst": (serve_frames(rst), "reset the stream with INTERNAL_ERROR"),
            "rst after headers": (serve_frames(grpc_response_headers(), rst), "reset the stream with INTERNAL_ERROR (2) during the response"),
        }
        for name, (behaviour, reason) in cases.items():
            with self.subTest(name), Server(behaviour) as server:
                self.unhealthy("--timeout", "3s", f"grpc://127.0.0.1:{server.port}", expect=reason)

    def test_non_grpc_replies(self):
        end = frame(HEADERS, 0x5, 1, literal_headers(("grpc-status", "0")))
        cases = {
            "html": (serve_frames(grpc_response_headers("text/html"), end), "content-type 'text/html'"),
            "404": (serve_frames(frame(HEADERS, 0x5, 1, literal_headers((":status", "404")))), "HTTP status 404"),
            "no trailers": (serve_frames(grpc_response_headers(), frame(DATA, 0x1, 1, serving_message())),
                            "without grpc-status"),
            "bad message": (serve_frames(grpc_response_headers(), frame(DATA, 0, 1, b"\x01\x00\x00\x00\x00"), end),
                            "invalid HealthCheckResponse"),
            "serving": (serve_frames(grpc_response_headers(), frame(DATA, 0, 1, serving_message()), end), None),
        }
        for name, (behaviour, reason) in cases.items():
            with self.subTest(name), Server(behaviour) as server:
                url = f"grpc://127.0.0.1:{server.port}"
                if reason is None:
                    self.healthy("--timeout", "3s", url)
                else:
                    self.unhealthy("--timeout", "3s", url, expect=reason)

    def test_oversized_headers_and_messages(self):
        filler = [(f"x-filler-{i}", "v" * 120) for i in range(200)]  # 26 KB of fields, in two frames
        headers = (frame(HEADERS, 0, 1, literal_headers((":status", "200"), ("content-type", "application/grpc"), *filler[:100])) +
                   frame(CONTINUATION, 0x4, 1, literal_headers(*filler[100:])))
        huge = b"\x00" + (70000).to_bytes(4, "big") + b"\x00" * 70000
        data = b"".join(frame(DATA, 0, 1, huge[i:i + 16384]) for i in range(0, len(huge), 16384))
        cases = {
            "headers": (serve_frames(headers), "larger than 16 KiB"),
            "message": (serve_frames(grpc_response_headers(), data), "larger than 64 KiB"),
        }
        for name, (behaviour, reason) in cases.items():
            with self.subTest(name), Server(behaviour) as server:
                self.unhealthy("--timeout", "3s", f"grpc://127.0.0.1:{server.port}", expect=reason)


class BadInput(ProbeCase):
    def test_bad_urls_and_http_only_options(self):
        cases = [
            (("grpc://127.0.0.1",), "needs a port"),
            (("grpc://127.0.0.1:1/a/b",), "has no '/'"),
            (("--expect-status", "200", "grpc://127.0.0.1:1"), "--expect-status is for HTTP probes"),
            (("--method", "HEAD", "grpc://127.0.0.1:1"), "--method is for HTTP probes"),
            (("--expect-body", "x", "grpc://127.0.0.1:1"), "--expect-body is for HTTP probes"),
            (("--path", "/x", "grpc+unix:///s"), "?service=NAME"),
            (("--header", "te: gzip", "grpc://127.0.0.1:1"), "set by the gRPC protocol"),
            (("--header", "grpc-timeout: 1S", "grpc://127.0.0.1:1"), "set by the gRPC protocol"),
        ]
        for args, reason in cases:
            with self.subTest(args=args):
                self.unhealthy(*args, expect=reason)


class Wait(ProbeCase):
    def test_keel_wait_until_the_service_is_serving(self):
        with GrpcServer({"": SERVING, "app": NOT_SERVING}) as server:
            timer = threading.Timer(1.0, lambda: server.set("app", SERVING))
            timer.start()
            self.addCleanup(timer.cancel)
            started = time.monotonic()
            result = keel_testing.run_keel("wait", "--timeout", "20s", "--interval", "100ms", server.url("app"),
                                           env=clean_env(), timeout=30)
            elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertIn(f"{server.url('app')} is up after", result.stderr)


class Lean(ProbeCase):
    """The build without nghttp2 (lean) refuses gRPC URLs with one clear line."""

    def test_grpc_urls_say_built_without_grpc(self):
        for url in ("grpc://127.0.0.1:50051", "grpcs://127.0.0.1:50051/svc", "grpc+unix:///run/app.sock"):
            with self.subTest(url):
                result = self.unhealthy(url)
                self.assertEqual(result.stdout, "unhealthy: built without gRPC\n")


def setup(options):
    global GRPC
    GRPC = options.grpc == "1"


if __name__ == "__main__":
    keel_testing.main(extra_args=[("--grpc", {"default": "1"})], setup=setup)
