"""-u USER[:GROUP]: the privilege drop, in a chroot that is a faithful scratch image."""

import os
import shutil
import subprocess
import sys
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


# Runs argv[1:] in a new user namespace mapping ids 0-65535 to themselves, with setgroups denied.
USERNS_DENYING_SETGROUPS = """
import ctypes, os, sys
CLONE_NEWUSER = 0x10000000
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
child = os.fork()
if child == 0:
    if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWUSER) != 0:
        os._exit(90)
    os.write(ready_w, b"x")
    os.read(go_r, 1)
    os.execv(sys.argv[1], sys.argv[1:])
os.read(ready_r, 1)
for name, text in (("setgroups", "deny"), ("uid_map", "0 0 65536"), ("gid_map", "0 0 65536")):
    with open(f"/proc/{child}/{name}", "w") as f:
        f.write(text)
os.write(go_w, b"x")
_, status = os.waitpid(child, 0)
sys.exit(os.waitstatus_to_exitcode(status) & 0xff)
"""


def host_run(prefix, *args):
    """keel on the host (no chroot: the tools in prefix are not in one) under a wrapper such as
    setpriv or unshare. -u takes a bare uid there: the host's account files do not list it."""
    env = dict(os.environ, KEEL_REQUIRE="none")
    argv = [*prefix, *keel_testing.RUNNER, keel_testing.KEEL, *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env)


def assert_dropped_to(test, result, uid):
    test.assertEqual(result.returncode, 0, result.stderr)
    ids = parse_ids(result.stdout)
    test.assertEqual(ids["self.Uid"].split(), [str(uid)] * 4)
    test.assertEqual(ids["self.NoNewPrivs"], "1")
    for cap in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        test.assertEqual(int(ids[f"self.{cap}"], 16), 0, cap)
    test.assertEqual(int(ids["parent.CapEff"], 16), 0, "keel itself keeps no capability")
    return ids


class ReducedPrivilege(unittest.TestCase):
    """Root without all of root: the pods and user namespaces that production starts keel in."""

    def test_without_cap_setpcap_the_drop_still_clears_every_capability(self):
        # A pod with `drop: [ALL]`, `add: [SETUID, SETGID]`, and one that only lacks SETPCAP.
        for bounding in ("-setpcap", "-all,+setuid,+setgid"):
            with self.subTest(bounding=bounding):
                result = host_run(["setpriv", f"--bounding-set={bounding}", "--inh-caps=-all"],
                                  "--log-level", "debug", "-u", "4242", "--", PAYLOAD, "ids")
                ids = assert_dropped_to(self, result, 4242)
                self.assertNotEqual(int(ids["self.CapBnd"], 16), 0, "the bounding set could not be emptied")
                self.assertIn("capability bounding set kept: keel lacks CAP_SETPCAP", result.stderr)

    def test_a_reduced_bounding_set_is_emptied(self):
        # Docker's default capabilities (14 of them, CAP_SETPCAP among them): keel drops what is
        # there (it reads the set first, so it drops only those) and leaves none.
        docker = "-all," + ",".join(f"+{cap}" for cap in (
            "chown", "dac_override", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
            "net_bind_service", "net_raw", "sys_chroot", "mknod", "audit_write", "setfcap"))
        result = host_run(["setpriv", f"--bounding-set={docker}", "--inh-caps=-all"], "-u", "4242", "--", PAYLOAD, "ids")
        ids = assert_dropped_to(self, result, 4242)
        self.assertEqual(int(ids["self.CapBnd"], 16), 0)

    def test_user_namespace_that_denies_setgroups(self):
        # What `unshare -r` and some rootless engines give: setgroups(2) fails with EPERM. (util-
        # linux maps more than one id only through newuidmap, so a small helper does it.)
        prefix = [sys.executable, "-c", USERNS_DENYING_SETGROUPS]
        result = host_run(prefix, "-u", "4242", "--", PAYLOAD, "ids")
        assert_dropped_to(self, result, 4242)
        self.assertIn("setgroups() is not permitted here", result.stderr)
        # :GROUP is the primary group only: nothing for setgroups to add either.
        grouped = host_run(prefix, "-u", "4242:4343", "--", PAYLOAD, "ids")
        self.assertEqual(grouped.returncode, 0, grouped.stderr)
        self.assertEqual(parse_ids(grouped.stdout)["self.Gid"].split(), ["4343"] * 4)


class AlreadyUnprivileged(unittest.TestCase):
    """Started as uid 10000 (USER 10000 in the image, or runAsNonRoot)."""

    def run_as(self, uid, *args, gid=None, groups=None):
        gid = uid if gid is None else gid
        group_option = f"--groups={groups}" if groups else "--clear-groups"
        argv = ["setpriv", f"--reuid={uid}", f"--regid={gid}", group_option,
                *keel_testing.RUNNER, keel_testing.KEEL, *args]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30)

    def test_explicit_group_it_cannot_take_is_refused(self):
        result = self.run_as(10000, "-u", "10000:2000", "--", PAYLOAD, "ids")
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(result.stdout, "", "the program must never start")
        self.assertIn("keel runs as uid 10000 gid 10000 and cannot switch to gid 2000", result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        # The gid it already has is fine.
        same = self.run_as(10000, "-u", "10000:10000", "--", PAYLOAD, "ids")
        self.assertEqual(same.returncode, 0, same.stderr)

    def test_runtime_groups_are_kept_with_a_warning(self):
        # Kubernetes runAsUser 10000, runAsGroup 3000, fsGroup 4000: -u 10000 alone would derive
        # gid 10000 and no groups; the pod must still start, as what the runtime gave.
        result = self.run_as(10000, "-u", "10000", "--", PAYLOAD, "ids", gid=3000, groups="3000,4000")
        self.assertEqual(result.returncode, 0, result.stderr)
        ids = parse_ids(result.stdout)
        self.assertEqual(ids["self.Gid"].split(), ["3000"] * 4)
        self.assertEqual(sorted(ids["self.Groups"].split(), key=int), ["3000", "4000"])
        self.assertIn("keeping gid 3000 given by the runtime", result.stderr)
        self.assertIn("keeping supplementary groups [3000,4000] given by the runtime", result.stderr)

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
