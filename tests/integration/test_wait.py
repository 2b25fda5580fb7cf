"""keel wait and the supervisor's --wait against real servers that come up late: a TCP listener,
an http server that answers 503 before 200, a TLS server, a unix socket and a file created late,
several targets at once, a target that never comes up, signals during the wait, keel as PID 1."""

import ctypes
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

import keel_testing
import test_supervisor as sv
from health_servers import Pki, Server, answer, response

TLS = True
PR_SET_CHILD_SUBREAPER = 36


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT"))}
    env.update(extra)
    return env


def reserved_port():
    """A bound, not listening socket and its port: refused until listen(); nobody else takes it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


def later(seconds, action):
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()
    return timer


class WaitCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="keel-wait-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def wait(self, *args, env=None, timeout=60):
        """keel wait ARGS; the result with .elapsed (seconds)."""
        started = time.monotonic()
        result = subprocess.run(sv.keel_cmd("wait", *args), capture_output=True, text=True,
                                env=env or clean_env(), timeout=timeout)
        result.elapsed = time.monotonic() - started
        return result

    def start(self, *args, env=None, pid1=False):
        proc = subprocess.Popen(sv.keel_cmd(*args, pid1=pid1), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env or clean_env())
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def late_listener(self, seconds):
        sock, port = reserved_port()
        self.addCleanup(sock.close)
        later(seconds, lambda: sock.listen(8))
        return port


class Targets(WaitCase):
    def test_a_tcp_listener_that_appears_after_1s(self):
        port = self.late_listener(1.0)
        result = self.wait(f"127.0.0.1:{port}", "--interval", "100ms")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(result.elapsed, 1.0)
        # Refused tries at 0, 0.1, 0.3, 0.7, 1.2 s (100ms doubling, 500ms at most while refused):
        # up at the first try after 1 s.
        self.assertLess(result.elapsed, 2.5)
        lines = result.stderr.splitlines()
        self.assertIn(f"keel: info: waiting for 127.0.0.1:{port} (up to 30.0 s)", lines)
        self.assertTrue(any(re.fullmatch(rf"keel: info: 127\.0\.0\.1:{port} is up after [0-9.]+ (ms|s) \([0-9]+ tries\)", line)
                            for line in lines), result.stderr)

    def test_http_503_then_200(self):
        answers = [response(503, "Service Unavailable")] * 3 + [response(200, "OK", b"ok")] * 50

        def behaviour(conn, server):
            server.receive(conn)
            conn.sendall(answers[min(len(server.requests) - 1, len(answers) - 1)])

        with Server(behaviour) as server:
            result = self.wait(server.url(), "--interval", "50ms")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(len(server.requests), 4, result.stderr)
            self.assertIn("(4 tries)", result.stderr)

    def test_expect_status_decides_what_is_up(self):
        with Server(answer(response(204, "No Content"))) as server:
            result = self.wait(server.url(), "--expect-status", "200", "--timeout", "600ms", "--interval", "50ms")
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("204", result.stderr)
            result = self.wait(server.url(), env=clean_env(KEEL_WAIT_EXPECT_STATUS="204"))
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_tls_server_verified_with_a_ca_file(self):
        if not TLS:
            # The lean binary refuses https targets up front, as a bad command line.
            result = self.wait("https://127.0.0.1:1/")
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("keel was built without TLS", result.stderr)
            return
        pki = Pki(os.path.join(self.dir, "pki"))
        with Server(answer(response()), tls=pki.server_context(pki.leaf)) as server:
            result = self.wait(server.url("https"), "--ca-file", pki.ca)
            self.assertEqual(result.returncode, 0, result.stderr)
            # Without the CA the certificate is refused, and the reason is the last error shown.
            result = self.wait(server.url("https"), "--timeout", "500ms", "--interval", "100ms")
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("certificate", result.stderr)
            result = self.wait(server.url("https"), "--insecure")
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_server_requiring_a_client_certificate(self):
        if not TLS:
            result = self.wait("--cert", "/c.pem", "--key", "/k.pem", "https://127.0.0.1:1/")
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("keel was built without TLS", result.stderr)
            return
        pki = Pki(os.path.join(self.dir, "pki"))
        key = os.path.join(self.dir, "client.key")
        shutil.copyfile(pki.key_of(pki.leaf), key)
        os.chmod(key, 0o600)
        context = pki.server_context(pki.leaf)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki.ca)
        port = self.late_listener(0.0)
        with Server(answer(response()), tls=context) as server:
            # The certificate goes to the TLS target; the tcp target beside it does not need one.
            result = self.wait(server.url("https"), f"127.0.0.1:{port}", "--ca-file", pki.ca, "--cert", pki.leaf,
                               "--key", key)
            self.assertEqual(result.returncode, 0, result.stderr)
            result = self.wait(server.url("https"), "--ca-file", pki.ca, "--timeout", "500ms", "--interval", "100ms")
            self.assertEqual(result.returncode, 1, result.stderr)
            # The supervisor's --wait takes the same pair as --wait-cert and --wait-key.
            proc = self.start("--require", "none", "--wait", server.url("https"), "--wait-ca-file", pki.ca,
                              "--wait-cert", pki.leaf, "--wait-key", key, "--", sv.PAYLOAD, "exit", "0")
            _, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, err)
            self.assertIn(" is up after ", err)
        for args in (["--cert", pki.leaf], ["--key", key]):
            with self.subTest(args=args):
                result = self.wait("db:1", *args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("client", result.stderr)

    def test_a_unix_socket_created_late(self):
        path = os.path.join(self.dir, "app.sock")
        server = Server(answer(response()), unix_path=path)
        later(0.6, server.__enter__)
        self.addCleanup(lambda: server.__exit__(None, None, None) if hasattr(server, "sock") else None)
        result = self.wait(f"unix://{path}", "--interval", "50ms")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(result.elapsed, 0.6)

    def test_a_file_created_late(self):
        path = os.path.join(self.dir, "ready, now")  # a comma: written %2C in the URL
        later(0.5, lambda: open(path, "w").close())
        result = self.wait("file://" + path.replace(",", "%2C").replace(" ", "%20"), "--interval", "50ms")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(result.elapsed, 0.5)
        self.assertLess(result.elapsed, 2.0)

    def test_several_targets_take_as_long_as_the_slowest_not_the_sum(self):
        ports = [self.late_listener(delay) for delay in (0.5, 1.0, 1.5)]
        path = os.path.join(self.dir, "flag")
        later(1.5, lambda: open(path, "w").close())
        targets = ",".join(f"127.0.0.1:{port}" for port in ports)
        result = self.wait(targets, f"file://{path}", "--interval", "100ms")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(result.elapsed, 1.5)
        self.assertLess(result.elapsed, 3.0)  # in turn it would be 4.5 s
        self.assertEqual(result.stderr.count(" is up after "), 4, result.stderr)

    def test_targets_from_keel_wait(self):
        port = self.late_listener(0.2)
        result = self.wait(env=clean_env(KEEL_WAIT=f"127.0.0.1:{port}", KEEL_WAIT_INTERVAL="50ms"))
        self.assertEqual(result.returncode, 0, result.stderr)


class Deadline(WaitCase):
    def test_a_target_that_never_comes_up_times_out_on_time_naming_its_last_error(self):
        sock, port = reserved_port()
        self.addCleanup(sock.close)
        up = self.late_listener(0.0)
        result = self.wait(f"127.0.0.1:{port}", f"127.0.0.1:{up}", "--timeout", "1500ms")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertGreaterEqual(result.elapsed, 1.5)
        self.assertLess(result.elapsed, 2.0)  # the deadline, kept within 0.5 s
        self.assertRegex(result.stderr, rf"keel: 127\.0\.0\.1:{port}: connect to 127\.0\.0\.1:{port}: "
                                        r"connection refused.* \([0-9]+ tries, 1\.5 s\)")
        self.assertIn("gave up after 1.5 s: 1 of 2 not up", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_a_target_that_hangs_is_bounded_by_the_deadline_too(self):
        # Accepts and never answers: each try ends at 2 s or at the deadline, whichever is first.
        with Server(lambda conn, server: server.stopped.wait(20)) as server:
            result = self.wait(server.url(), "--timeout", "1s")
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertLess(result.elapsed, 1.5)

    def test_no_deadline_with_0(self):
        port = self.late_listener(0.3)
        result = self.wait(f"127.0.0.1:{port}", "--timeout", "0", "--interval", "50ms")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("(with no deadline)", result.stderr)


class Signals(WaitCase):
    def check_signal(self, sig, pid1):
        sock, port = reserved_port()
        self.addCleanup(sock.close)
        proc = self.start("wait", f"127.0.0.1:{port}", "--timeout", "0", pid1=pid1)
        pid = proc.pid if not pid1 else sv.wait_for(lambda: sv.children_of(proc.pid), what="keel in its namespace")[0]
        self.assertIn("waiting for", proc.stderr.readline())  # its signalfd is set up by then
        started = time.monotonic()
        os.kill(pid, sig)
        proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 128 + sig)
        self.assertLess(time.monotonic() - started, 1.0)

    def test_sigterm_ends_the_wait_with_143(self):
        self.check_signal(signal.SIGTERM, pid1=False)

    def test_sigint_ends_the_wait_with_130_as_pid1(self):
        self.check_signal(signal.SIGINT, pid1=True)


class BadInput(WaitCase):
    def test_bad_values_are_one_line_and_exit_2(self):
        cases = [
            (["db"], "'db'"),
            (["ftp://x/"], "ftp"),
            (["file://relative"], "file:///"),
            (["db:1", "--timeout", "5"], "--timeout"),
            (["db:1", "--interval", "0s"], "longer than 0"),
            (["db:1", "--expect-status", "600"], "600"),
            (["db:1", "--bogus"], "--bogus"),
            (["db:1", "--cert", "/nonexistent.pem", "--key", "/nonexistent.key"], "--cert /nonexistent.pem: cannot open"),
            ([], "no TARGET"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                result = self.wait(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(needle, result.stderr)
                self.assertLessEqual(len(result.stderr.splitlines()), 2, result.stderr)
        result = self.wait(env=clean_env(KEEL_WAIT="db:1", KEEL_WAIT_TIMEOUT="bogus"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("KEEL_WAIT_TIMEOUT", result.stderr)

    def test_supervisor_settings_neither_change_nor_break_keel_wait(self):
        port = self.late_listener(0.0)
        result = self.wait(f"127.0.0.1:{port}", env=clean_env(KEEL_GRACE="bogus", KEEL_USER="nobody"))
        self.assertEqual(result.returncode, 0, result.stderr)
        # Supervisor options are refused, not ignored: before `wait`, and after it, where CLI11
        # would otherwise take them for the top level.
        for args, option in ((["-u", "nobody", "wait", f"127.0.0.1:{port}"], "-u"),
                             (["wait", f"127.0.0.1:{port}", "--grace", "1s"], "--grace"),
                             (["wait", "--wait-timeout=1s", f"127.0.0.1:{port}"], "--wait-timeout=1s")):
            with self.subTest(args=args):
                result = subprocess.run(sv.keel_cmd(*args), capture_output=True, text=True, timeout=30)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"{option} is a supervisor option", result.stderr)

    def test_help_names_every_option_and_variable(self):
        result = subprocess.run(sv.keel_cmd("wait", "--help"), capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        for needle in ("--timeout", "--interval", "--ca-file", "--cert", "--key", "--insecure", "--expect-status", "KEEL_WAIT_TIMEOUT",
                       "KEEL_WAIT", "file:///PATH", "Exit codes"):
            self.assertIn(needle, result.stdout)


class SupervisorWait(WaitCase):
    def marker(self):
        return os.path.join(self.dir, "started")

    def supervise(self, *args, pid1=False, env=None):
        """keel ARGS -- payload env MARKER (which writes MARKER): returns the Popen."""
        return self.start(*args, "--require", "none", "--", sv.PAYLOAD, "env", self.marker(), pid1=pid1, env=env)

    def test_program_starts_only_once_the_target_is_up(self):
        port = self.late_listener(0.8)
        proc = self.supervise("--wait", f"127.0.0.1:{port}", "--wait-interval", "100ms")
        time.sleep(0.5)
        self.assertFalse(os.path.exists(self.marker()), "PROGRAM started before its dependency was up")
        _, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0, err)
        self.assertTrue(os.path.exists(self.marker()))
        self.assertIn(" is up after ", err)

    def test_timeout_exits_1_without_starting_program(self):
        sock, port = reserved_port()
        self.addCleanup(sock.close)
        started = time.monotonic()
        proc = self.supervise(env=clean_env(KEEL_WAIT=f"127.0.0.1:{port}", KEEL_WAIT_TIMEOUT="700ms"))
        _, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 1, err)
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertFalse(os.path.exists(self.marker()))
        self.assertIn("gave up after", err)

    def test_sigterm_during_the_wait_as_pid1_ends_it_and_leaves_no_process(self):
        sock, port = reserved_port()
        self.addCleanup(sock.close)
        proc = self.supervise("--wait", f"127.0.0.1:{port}", "--wait-timeout", "0", pid1=True)
        keel = sv.wait_for(lambda: sv.children_of(proc.pid), what="keel in its namespace")[0]
        self.assertIn("waiting for", proc.stderr.readline())
        # The wait runs in a child of keel's (so no resolver thread lives on beside PROGRAM).
        sv.wait_for(lambda: sv.children_of(keel), what="keel's wait process")
        started = time.monotonic()
        os.kill(keel, signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 128 + signal.SIGTERM, err)
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertIn("SIGTERM arrived while waiting", err)
        self.assertFalse(os.path.exists(self.marker()))

    def test_sigterm_during_the_wait_kills_and_reaps_the_wait_process(self):
        # Not PID 1, and this process a subreaper: a wait process keel left behind (running, or a
        # zombie keel did not reap) would be reparented here, and still be in /proc.
        libc = ctypes.CDLL(None, use_errno=True)
        self.assertEqual(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0)
        self.addCleanup(libc.prctl, PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
        sock, port = reserved_port()
        self.addCleanup(sock.close)
        proc = self.supervise("--wait", f"127.0.0.1:{port}", "--wait-timeout", "0")
        self.assertIn("waiting for", proc.stderr.readline())
        waiter = sv.wait_for(lambda: sv.children_of(proc.pid), what="keel's wait process")[0]
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 128 + signal.SIGTERM, err)
        left = os.path.exists(f"/proc/{waiter}")
        if left:
            os.kill(waiter, signal.SIGKILL)
            os.waitpid(waiter, 0)
        self.assertFalse(left, "keel's wait process outlived keel")

    def test_bad_wait_options_are_exit_2(self):
        for args in (["--wait", "db"], ["--wait", "db:1", "--wait-timeout", "5"], ["--wait-interval=0s"],
                     ["--wait-expect-status", "99"], ["--wait", "db:1", "--wait-cert", "/c.pem"],
                     ["--wait", "db:1", "--wait-cert", "/nonexistent.pem", "--wait-key", "/nonexistent.key"]):
            with self.subTest(args=args):
                proc = self.supervise(*args)
                _, err = proc.communicate(timeout=20)
                self.assertEqual(proc.returncode, 2, err)
                self.assertFalse(os.path.exists(self.marker()))


def setup(options):
    global TLS
    TLS = options.tls
    sv.PAYLOAD = options.payload


if __name__ == "__main__":
    keel_testing.main(extra_args=[("--payload", {"required": True}), ("--tls", {"type": lambda v: v in ("1", "ON", "on", "true", "TRUE"), "default": True})],
                      setup=setup)
