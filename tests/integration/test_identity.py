"""-u USER[:GROUP]: the privilege drop, in a chroot that is a faithful scratch image."""

import os
import shutil
import subprocess
import tempfile
import unittest

import keel_testing

PAYLOAD = None
PASSWD = "root:x:0:0:root:/root:/sbin/nologin\napp:x:10000:10000:app:/home/app:/sbin/nologin\n"
GROUP = "root:x:0:\napp:x:10000:\nweb:x:33:app\n"


def parse_ids(stdout):
    return {k: v.strip() for k, v in (line.split(":", 1) for line in stdout.splitlines() if ":" in line)}


class ScratchImage(unittest.TestCase):
    """keel as PID 1 (unshare) in a chroot holding only keel, the payload and /etc files."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="keel-scratch-")
        os.chmod(self.root, 0o755)  # mkdtemp makes it 0700: the dropped user must reach /payload
        self.addCleanup(shutil.rmtree, self.root, True)
        for d in ("etc", "proc"):
            os.mkdir(os.path.join(self.root, d))
        shutil.copy(keel_testing.KEEL, os.path.join(self.root, "keel"))
        shutil.copy(PAYLOAD, os.path.join(self.root, "payload"))
        self.write("etc/passwd", PASSWD)
        self.write("etc/group", GROUP)

    def write(self, name, content):
        with open(os.path.join(self.root, name), "w") as f:
            f.write(content)

    def run_keel(self, *args, env=None):
        argv = keel_testing.chroot_argv(self.root, ["/keel", *args], [keel_testing.KEEL, PAYLOAD], pid1=True)
        # No CA bundle or zoneinfo in this image: the preflight checks are not what is tested here.
        env = dict(os.environ, KEEL_REQUIRE="none", **(env or {}))
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env)

    def test_drop_to_named_user(self):
        result = self.run_keel("-u", "app", "--", "/payload", "ids")
        self.assertEqual(result.returncode, 0, result.stderr)
        ids = parse_ids(result.stdout)
        self.assertEqual(ids["self.Uid"].split(), ["10000"] * 4)
        self.assertEqual(ids["self.Gid"].split(), ["10000"] * 4)
        self.assertEqual(sorted(ids["self.Groups"].split(), key=int), ["33", "10000"])  # the kernel sorts them
        self.assertEqual(ids["self.NoNewPrivs"], "1")
        for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            self.assertEqual(int(ids[f"self.{cap}"], 16), 0, cap)
        # keel itself (PID 1, the payload's parent) runs as the user too.
        self.assertEqual(ids["parent.Uid"].split(), ["10000"] * 4)
        self.assertEqual(int(ids["parent.CapEff"], 16), 0)
        self.assertEqual((ids["env.HOME"], ids["env.USER"], ids["env.LOGNAME"]), ("/home/app", "app", "app"))

    def test_explicit_group_and_env_var(self):
        result = self.run_keel("--", "/payload", "ids", env={"KEEL_USER": "app:web"})
        self.assertEqual(result.returncode, 0, result.stderr)
        ids = parse_ids(result.stdout)
        self.assertEqual(ids["self.Gid"].split(), ["33"] * 4)
        self.assertEqual(ids["self.Groups"].split(), ["33"])

    def test_bare_numeric_uid_without_entry(self):
        os.remove(os.path.join(self.root, "etc/passwd"))
        result = self.run_keel("-u", "4242", "--", "/payload", "ids")
        self.assertEqual(result.returncode, 0, result.stderr)
        ids = parse_ids(result.stdout)
        self.assertEqual(ids["self.Uid"].split(), ["4242"] * 4)
        self.assertEqual(ids["self.Gid"].split(), ["4242"] * 4)
        self.assertEqual(ids["self.Groups"], "")
        self.assertEqual(ids["env.HOME"], "/")

    def assert_refused(self, result, message):
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(result.stdout, "", "the program must never start")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertIn(message, lines[0])

    def test_unknown_user_and_group(self):
        self.assert_refused(self.run_keel("-u", "ghost", "--", "/payload", "ids"),
                            "user 'ghost' not found in /etc/passwd; fix: add a line 'ghost:x:10000:10000::/:/sbin/nologin'")
        self.assert_refused(self.run_keel("-u", "app:ghosts", "--", "/payload", "ids"),
                            "group 'ghosts' not found in /etc/group")

    def test_missing_passwd(self):
        os.remove(os.path.join(self.root, "etc/passwd"))
        self.assert_refused(self.run_keel("-u", "app", "--", "/payload", "ids"),
                            "/etc/passwd: cannot open: No such file or directory (needed to resolve user 'app')")

    def test_huge_passwd(self):
        self.write("etc/passwd", PASSWD + "x" * (10 * 1024 * 1024))
        self.assert_refused(self.run_keel("-u", "app", "--", "/payload", "ids"), "/etc/passwd: larger than 1 MiB")

    def test_malformed_lines_are_skipped(self):
        self.write("etc/passwd", "garbage\n::::\n" + PASSWD)
        result = self.run_keel("--log-level", "debug", "-u", "app", "--", "/payload", "ids")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("/etc/passwd:1: malformed line skipped", result.stderr)

    def test_bad_spec_is_usage_error(self):
        result = self.run_keel("-u", "app:", "--", "/payload", "ids")
        self.assertEqual(result.returncode, 2)
        self.assertIn("empty GROUP", result.stderr)


class AlreadyUnprivileged(unittest.TestCase):
    """Started as uid 10000 (USER 10000 in the image, or runAsNonRoot)."""

    def run_as(self, uid, *args):
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                *keel_testing.RUNNER, keel_testing.KEEL, *args]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30)

    def test_same_uid_is_a_noop(self):
        result = self.run_as(10000, "-u", "10000", "--", PAYLOAD, "ids")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(parse_ids(result.stdout)["self.NoNewPrivs"], "1")

    def test_other_uid_is_refused(self):
        for target in ("0", "20000"):
            result = self.run_as(10000, "-u", target, "--", PAYLOAD, "ids")
            self.assertEqual(result.returncode, 1)
            self.assertEqual(result.stdout, "")
            self.assertIn(f"keel was started as uid 10000 and cannot switch to uid {target}", result.stderr)


if __name__ == "__main__":
    keel_testing.main([("--payload", {"required": True})], setup=lambda o: globals().update(PAYLOAD=o.payload))
