"""--require and `keel check` in a scratch-like chroot: only keel, the payload and what each test copies in."""

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

import keel_testing

PAYLOAD = None
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


class Scratch(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="keel-preflight-")
        os.chmod(self.root, 0o755)
        self.addCleanup(shutil.rmtree, self.root, True)
        shutil.copy(keel_testing.KEEL, os.path.join(self.root, "keel"))
        shutil.copy(PAYLOAD, os.path.join(self.root, "payload"))
        self.marker = os.path.join(self.root, "ran")

    def add(self, source, dest):
        target = os.path.join(self.root, dest.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(source, target)

    def write(self, dest, data):
        target = os.path.join(self.root, dest.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)

    def keel(self, *args, **env):
        # A clean environment, as in an image: only what the test sets.
        argv = keel_testing.chroot_argv(self.root, ["/keel", *args], [keel_testing.KEEL, PAYLOAD])
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, env={"PATH": "/", **env})

    def supervise(self, *keel_args, **env):
        """keel [args] -- /payload status: ran() tells whether the program started."""
        return self.keel(*keel_args, "--", "/payload", "status", **env)

    def ran(self, result):
        return "pid:" in result.stdout

    def assert_refused(self, result, *needles):
        self.assertEqual(result.returncode, 1, result)
        self.assertFalse(self.ran(result), "the program must not start")
        for needle in needles:
            self.assertIn(needle, result.stderr)

    def test_no_bundle_fails_naming_ca_certs_and_the_fix(self):
        result = self.supervise()
        self.assert_refused(result, "keel: ca-certs: no CA certificates found",
                            "/etc/ssl/certs/ca-certificates.crt",
                            "fix: COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)

    def test_real_bundle_passes(self):
        self.add(BUNDLE, BUNDLE)
        result = self.supervise()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(self.ran(result))

    def test_garbage_empty_and_directory_bundles_fail(self):
        for name, make in (("garbage", lambda: self.write(BUNDLE, os.urandom(5000))),
                           ("empty", lambda: self.write(BUNDLE, b"")),
                           ("pem with a broken body", lambda: self.write(
                               BUNDLE, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))):
            with self.subTest(name):
                make()
                self.assert_refused(self.supervise(), "keel: ca-certs: /etc/ssl/certs/ca-certificates.crt",
                                    "no valid certificate")
        os.remove(os.path.join(self.root, BUNDLE.lstrip("/")))
        os.makedirs(os.path.join(self.root, "custom.pem"))
        self.assert_refused(self.supervise(SSL_CERT_FILE="/custom.pem"), "is a directory")

    def timed(self, *args, **env):
        started = time.monotonic()
        result = self.keel(*args, **env)
        return result, time.monotonic() - started

    def test_hostile_files_cost_linear_time(self):
        # Just under the 8 MiB limit, read to the end by `keel check`: one block opened and never
        # closed, and 8 MiB with no marker at all (the carried-over text was searched again for
        # every 8 KiB chunk). Asserted loosely: a quadratic scan takes seconds, a linear one ms.
        self.add(BUNDLE, BUNDLE)
        _, normal = self.timed("check", "--require", "ca-certs")
        size = 8 * 1024 * 1024 - 4096
        # Dashes: every one starts a candidate marker, so a rescan costs the most.
        for name, data in (("unterminated block", b"-----BEGIN CERTIFICATE-----\n" + b"-" * size),
                           ("no marker", b"-" * size)):
            with self.subTest(name):
                self.write(BUNDLE, data)
                result, elapsed = self.timed("check", "--require", "ca-certs")
                self.assertEqual(result.returncode, 1, result)
                self.assertIn("no valid certificate", result.stdout)
                self.assertLess(elapsed, normal + 2.0, f"{name}: {elapsed:.2f} s against {normal:.2f} s")

    def test_fifos_and_devices_where_files_are_expected_are_refused_at_once(self):
        # Opened for reading, a FIFO with no writer blocks forever and /dev/zero never ends.
        fifo = os.mkfifo
        zero = lambda path: os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # noqa: E731
        # A bundle that is no regular file is passed over by the search (then nothing is found).
        places = (("fifo as ca bundle", fifo, BUNDLE, ["--require", "ca-certs"], {}, "no valid certificate"),
                  ("device as ca bundle", zero, BUNDLE, ["--require", "ca-certs"], {}, "no valid certificate"),
                  ("fifo in a cert dir", fifo, "/certs/5ad8a5d6.0", ["--require", "ca-certs"],
                   {"SSL_CERT_DIR": "/certs"}, "no valid certificate"),
                  ("fifo as zoneinfo", fifo, "/usr/share/zoneinfo/Europe/Paris", ["--require", "tzdata"],
                   {"TZ": "Europe/Paris"}, "not a regular file"),
                  ("fifo as passwd", fifo, "/etc/passwd", ["--require", "none", "-u", "app"], {}, "not a regular file"))
        for name, make, path, args, env, message in places:
            with self.subTest(name):
                target = os.path.join(self.root, path.lstrip("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                make(target)
                try:
                    result, elapsed = self.timed(*args, "--", "/payload", "status", **env)
                finally:
                    os.remove(target)
                self.assert_refused(result, message)
                self.assertLess(elapsed, 10)

    def test_huge_file_is_refused_without_reading_it_all(self):
        with open(os.path.join(self.root, "huge.pem"), "wb") as f:
            f.truncate(100 * 1024 * 1024)  # sparse: 100 MB of zeros, no PEM block
        self.assert_refused(self.supervise(SSL_CERT_FILE="/huge.pem"), "larger than 8 MiB")

    def test_ssl_cert_file_custom_bundle(self):
        self.add(os.path.join(os.path.dirname(__file__), "..", "data", "one-ca.pem"), "/certs/mine.pem")
        result = self.supervise(SSL_CERT_FILE="/certs/mine.pem")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_refused(self.supervise(SSL_CERT_FILE="/certs/missing.pem"),
                            "/certs/missing.pem: cannot open: No such file or directory (from SSL_CERT_FILE)")

    def test_ssl_cert_dir(self):
        self.add(os.path.join(os.path.dirname(__file__), "..", "data", "one-ca.pem"), "/certs/5ad8a5d6.0")
        result = self.supervise(SSL_CERT_DIR="/certs")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_timezones(self):
        self.add(BUNDLE, BUNDLE)
        self.assert_refused(self.supervise(TZ="Europe/Paris"), "keel: tzdata: TZ=Europe/Paris: no zone file",
                            "fix: COPY --from=build /usr/share/zoneinfo/Europe/Paris")
        self.assertEqual(self.supervise(TZ="UTC0").returncode, 0)
        self.assertEqual(self.supervise(TZ="EST5EDT,M3.2.0,M11.1.0").returncode, 0)
        self.assertEqual(self.supervise(TZ="UTC").returncode, 0)  # UTC everywhere even without a file
        self.add("/usr/share/zoneinfo/Europe/Paris", "/usr/share/zoneinfo/Europe/Paris")
        self.assertEqual(self.supervise(TZ="Europe/Paris").returncode, 0)
        self.assertEqual(self.supervise(TZ=":Europe/Paris").returncode, 0)
        data = open("/usr/share/zoneinfo/Europe/Paris", "rb").read()
        self.write("/usr/share/zoneinfo/Europe/Paris", data[: len(data) // 2])
        self.assert_refused(self.supervise(TZ="Europe/Paris"), "is not a valid zone file: truncated")
        self.assert_refused(self.supervise(TZ="../../etc/passwd"), "contains '..'")
        self.assert_refused(self.supervise(TZ="A" * 300), "300 characters")

    def test_localtime_when_tz_unset(self):
        self.add(BUNDLE, BUNDLE)
        self.write("/etc/localtime", b"not a zone file")
        self.assert_refused(self.supervise(), "TZ unset: /etc/localtime is not a valid zone file")
        self.add("/usr/share/zoneinfo/Europe/Paris", "/etc/localtime")
        self.assertEqual(self.supervise().returncode, 0)

    def test_require_none_and_warn_only(self):
        self.assertEqual(self.supervise("--require", "none").returncode, 0)
        self.assertEqual(self.supervise(KEEL_REQUIRE="none").returncode, 0)
        result = self.supervise("--warn-only", TZ="Europe/Paris")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(self.ran(result))
        self.assertIn("keel: warning: ca-certs:", result.stderr)
        self.assertIn("keel: warning: tzdata:", result.stderr)

    def test_non_root_and_tmp(self):
        self.assert_refused(self.supervise("--require", "non-root"), "keel: non-root: PROGRAM would run as root")
        self.write("/etc/passwd", b"app:x:10000:10000::/:/x\n")
        self.assertEqual(self.supervise("--require", "non-root", "-u", "app").returncode, 0)
        self.assert_refused(self.supervise("--require", "tmp"), "keel: tmp: /tmp: No such file or directory")
        os.makedirs(os.path.join(self.root, "tmp"), mode=0o755)
        self.assert_refused(self.supervise("--require", "tmp", "-u", "app"), "/tmp: not writable by uid 10000")
        os.chmod(os.path.join(self.root, "tmp"), 0o1777)
        self.assertEqual(self.supervise("--require", "tmp", "-u", "app").returncode, 0)

    def test_bad_require_is_usage_error(self):
        result = self.supervise("--require", "ca-certs,nope")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown 'nope'", result.stderr)

    def test_check_report(self):
        self.add(BUNDLE, BUNDLE)
        result = self.keel("check", TZ="UTC0")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual([line.split()[:2] for line in lines],
                         [["ok", "ca-certs"], ["ok", "tzdata"], ["warn", "non-root"], ["warn", "tmp"]])
        self.assertRegex(lines[0], r"\d+ certificates, \d+ expired, \d+ not yet valid, \d+ unparseable; "
                                   r"earliest expiry \d{4}-\d\d-\d\d")
        report = json.loads(self.keel("check", "--format", "json", TZ="Mars/Olympus").stdout)
        self.assertFalse(report["ok"])
        self.assertEqual([c["status"] for c in report["checks"]], ["ok", "fail", "warn", "warn"])
        self.assertEqual(self.keel("check", "--require", "none", TZ="Mars/Olympus").returncode, 0)
        self.assertEqual(self.keel("check", "--require", "tmp").returncode, 1)


if __name__ == "__main__":
    keel_testing.main([("--payload", {"required": True})], setup=lambda o: globals().update(PAYLOAD=o.payload))
