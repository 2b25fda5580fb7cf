"""Start-up and shutdown steps scratch images cannot script: secrets from files (--file-env),
draining before stop (--stop-delay) and `keel sleep` (preStop hooks)."""

import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

import keel_testing
import test_supervisor as sv

SECRET = "s3cret-\u00e9t\u00e9 value"  # never printed by keel: the tests grep its logs for it


def read_env_file(path):
    """The payload's `env FILE` output: {name: value}, values byte-exact (NUL-separated)."""
    with open(path, "rb") as f:
        entries = f.read().split(b"\0")
    result = {}
    for entry in entries:
        if entry:
            name, _, value = entry.partition(b"=")
            result[name.decode()] = value.decode()
    return result


class FileEnv(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="keel-file-env-")
        os.chmod(self.dir, 0o755)
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.out = os.path.join(self.dir, "env.out")

    def secret(self, name, content, mode=0o600):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())
        os.chmod(path, mode)
        return path

    def run_keel(self, *keel_args, env=None, payload="env"):
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        base.update(env or {})
        args = [*keel_args, "--require", "none", "--", sv.PAYLOAD, payload, self.out]
        return subprocess.run(sv.keel_cmd(*args), capture_output=True, text=True, env=base, timeout=60)

    def assert_refused(self, result, *needles):
        self.assertEqual(result.returncode, 1, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        for needle in needles:
            self.assertIn(needle, lines[0])
        self.assertNotIn(SECRET, result.stderr)
        self.assertFalse(os.path.exists(self.out), "PROGRAM started although keel refused")

    def test_name_is_set_from_the_file_and_the_file_variable_removed(self):
        path = self.secret("pw", SECRET + "\n")
        result = self.run_keel("--file-env", "DB_PASSWORD", env={"DB_PASSWORD_FILE": path, "OTHER": "kept"})
        self.assertEqual(result.returncode, 0, result.stderr)
        env = read_env_file(self.out)
        self.assertEqual(env["DB_PASSWORD"], SECRET)
        self.assertNotIn("DB_PASSWORD_FILE", env)
        self.assertEqual(env["OTHER"], "kept")

    def test_a_prefix_selects_each_file_variable_and_leaves_keel_and_openssl_alone(self):
        user, password = self.secret("user", "app\n"), self.secret("pass", SECRET)
        bundle = self.secret("ca.crt", "not read\n")
        result = self.run_keel("--file-env", "DB_*,S*", env={
            "DB_USER_FILE": user, "DB_PASS_FILE": password, "SSL_CERT_FILE": bundle, "LOG_FILE": "/var/log/x"})
        self.assertEqual(result.returncode, 0, result.stderr)
        env = read_env_file(self.out)
        self.assertEqual((env["DB_USER"], env["DB_PASS"]), ("app", SECRET))
        self.assertNotIn("DB_USER_FILE", env)
        self.assertEqual(env["SSL_CERT_FILE"], bundle)
        self.assertNotIn("SSL_CERT", env)
        self.assertEqual(env["LOG_FILE"], "/var/log/x")

    def test_keel_file_env_variable_works_like_the_option(self):
        path = self.secret("token", "t0ken")
        result = self.run_keel(env={"KEEL_FILE_ENV": "API_TOKEN", "API_TOKEN_FILE": path})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(read_env_file(self.out)["API_TOKEN"], "t0ken")

    def test_value_is_byte_exact_but_for_one_trailing_newline(self):
        value = "  two\nlines\twith \u00fcml\u00e4uts and trailing blank \n"
        path = self.secret("multi", value + "\n")
        result = self.run_keel("--file-env", "MULTI", env={"MULTI_FILE": path})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(read_env_file(self.out)["MULTI"], value)

    def test_an_explicit_name_without_its_file_variable_is_left_alone(self):
        result = self.run_keel("--file-env", "DB_PASSWORD", env={"DB_PASSWORD": "direct"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(read_env_file(self.out)["DB_PASSWORD"], "direct")

    def test_each_bad_secret_is_one_line_exit_1_and_program_never_starts(self):
        fifo = os.path.join(self.dir, "fifo")
        os.mkfifo(fifo)
        cases = [
            ("both set", {"PW": SECRET, "PW_FILE": self.secret("a", "x")}, ["both PW and PW_FILE are set"]),
            ("missing", {"PW_FILE": os.path.join(self.dir, "nope")}, ["PW_FILE=", "nope", "No such file"]),
            ("directory", {"PW_FILE": self.dir}, ["is a directory"]),
            ("fifo", {"PW_FILE": fifo}, ["not a regular file"]),
            ("too large", {"PW_FILE": self.secret("big", b"x" * ((1 << 20) + 1))}, ["larger than 1 MiB"]),
            ("nul byte", {"PW_FILE": self.secret("nul", SECRET.encode() + b"\0x")}, ["NUL byte"]),
            ("empty path", {"PW_FILE": ""}, ["PW_FILE is set but empty"]),
        ]
        for what, env, needles in cases:
            with self.subTest(what=what):
                start = time.monotonic()
                result = self.run_keel("--file-env", "PW", env=env)
                self.assertLess(time.monotonic() - start, 5, "keel must not block on the file")
                self.assert_refused(result, "--file-env", *needles)

    def test_the_largest_value_execve_passes_is_taken_and_one_byte_more_refused(self):
        fits = 128 * 1024 - len("BIG=") - 1  # MAX_ARG_STRLEN, with "NAME=" and the NUL
        result = self.run_keel("--file-env", "BIG", env={"BIG_FILE": self.secret("fits", b"y" * fits)})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(read_env_file(self.out)["BIG"]), fits)
        os.unlink(self.out)
        result = self.run_keel("--file-env", "BIG", env={"BIG_FILE": self.secret("over", b"y" * (fits + 1))})
        self.assert_refused(result, "BIG_FILE=", "MAX_ARG_STRLEN")

    def test_bad_patterns_are_usage_errors_naming_the_value(self):
        for pattern, needle in (("*", "too broad"), ("DB-PW", "not a variable name"), ("KEEL_USER", "KEEL_*"),
                                ("PW_FILE", "give the variable to set")):
            with self.subTest(pattern=pattern):
                result = self.run_keel("--file-env", pattern)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"'{pattern}'", result.stderr)
                self.assertIn(needle, result.stderr)

    def test_a_root_only_secret_is_read_before_dropping_to_the_user(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: keel reads the 0400 root file, then drops to nobody")
        path = self.secret("root-only", SECRET, mode=0o400)
        os.chmod(self.dir, 0o777)
        result = self.run_keel("-u", "nobody", "--file-env", "PW", env={"PW_FILE": path})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(read_env_file(self.out)["PW"], SECRET)
        self.assertEqual(os.stat(self.out).st_uid, pwd.getpwnam("nobody").pw_uid)  # PROGRAM ran as nobody
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o400)

    def test_a_secret_put_in_name_file_by_mistake_is_not_shown(self):
        result = self.run_keel("--file-env", "PW", env={"PW_FILE": SECRET})
        self.assert_refused(result, "PW_FILE=(not an absolute path: not shown)")

    def test_the_value_never_reaches_the_log_even_at_debug(self):
        path = self.secret("pw", SECRET)
        result = self.run_keel("--log-level", "debug", "--file-env", "PW", env={"PW_FILE": path})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("PW set from", result.stderr)
        self.assertNotIn(SECRET, result.stderr)
        self.assertNotIn(SECRET, result.stdout)


class StopDelay(unittest.TestCase):
    def session(self, *args, pid1=False):
        return sv.Session(self, keel_args=["--require", "none", *args], pid1=pid1)

    def check_held(self, pid1):
        session = self.session("--stop-delay", "1s", pid1=pid1)
        start = time.monotonic()
        session.send(signal.SIGTERM)
        time.sleep(0.6)
        self.assertEqual(sv.recorded(session.record), [], "SIGTERM forwarded before --stop-delay passed")
        sv.wait_for(lambda: sv.recorded(session.record), timeout=10, what="the held SIGTERM")
        elapsed = time.monotonic() - start
        code, _, err = session.wait()
        self.assertEqual(code, 0, err)
        self.assertEqual(sv.recorded(session.record), [signal.SIGTERM])
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertLess(elapsed, 5.0)

    def test_first_sigterm_is_forwarded_after_the_delay(self):
        self.check_held(pid1=False)

    def test_first_sigterm_is_forwarded_after_the_delay_as_pid1(self):
        self.check_held(pid1=True)

    def test_a_second_sigterm_is_forwarded_at_once(self):
        session = self.session("--stop-delay", "30s")
        session.send(signal.SIGTERM)
        time.sleep(0.3)
        start = time.monotonic()
        session.send(signal.SIGTERM)
        sv.wait_for(lambda: sv.recorded(session.record), timeout=10, what="SIGTERM")
        self.assertLess(time.monotonic() - start, 3.0)
        code, _, err = session.wait()
        self.assertEqual(code, 0, err)
        self.assertEqual(sv.recorded(session.record), [signal.SIGTERM])

    def test_sigint_during_the_delay_goes_at_once_with_the_held_sigterm(self):
        session = self.session("--stop-delay", "30s", "--log-level", "info")
        session.send(signal.SIGTERM)
        time.sleep(0.3)
        session.send(signal.SIGINT)
        code, _, err = session.wait(timeout=10)
        self.assertEqual(code, 0, err)
        self.assertEqual(sv.recorded(session.record), [signal.SIGINT, signal.SIGTERM])
        self.assertIn("forwarding it in 30.0 s (--stop-delay)", err)
        self.assertIn("SIGINT during --stop-delay: forwarding it now, then the held SIGTERM", err)

    def test_a_sigint_that_rewrite_drops_does_not_end_the_wait(self):
        session = self.session("--stop-delay", "1s", "--rewrite", "INT:0")
        start = time.monotonic()
        session.send(signal.SIGTERM)
        time.sleep(0.2)
        session.send(signal.SIGINT)
        sv.wait_for(lambda: sv.recorded(session.record), timeout=10, what="the held SIGTERM")
        self.assertGreaterEqual(time.monotonic() - start, 1.0)
        code, _, err = session.wait()
        self.assertEqual(sv.recorded(session.record), [signal.SIGTERM])

    def test_other_signals_pass_during_the_delay(self):
        session = self.session("--stop-delay", "30s")
        session.send(signal.SIGTERM)
        session.send(signal.SIGHUP)
        sv.wait_for(lambda: sv.recorded(session.record), timeout=10, what="SIGHUP")
        self.assertEqual(sv.recorded(session.record), [signal.SIGHUP])
        session.send(signal.SIGQUIT)
        code, _, err = session.wait(timeout=10)
        self.assertEqual(sv.recorded(session.record), [signal.SIGHUP, signal.SIGQUIT, signal.SIGTERM])

    def test_program_exiting_during_the_delay_ends_keel_at_once(self):
        session = self.session("--stop-delay", "30s")
        session.send(signal.SIGTERM)
        time.sleep(0.2)
        start = time.monotonic()
        os.kill(session.child, signal.SIGKILL)
        code, _, err = session.wait(timeout=10)
        self.assertEqual(code, 128 + signal.SIGKILL, err)
        self.assertLess(time.monotonic() - start, 3.0)

    def test_bad_stop_delay_is_a_usage_error(self):
        result = subprocess.run(sv.keel_cmd("--stop-delay", "5", "--", "/bin/true"), capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("'5'", result.stderr)


class Sleep(unittest.TestCase):
    def start(self, *args, pid1=False, log_level="warn"):
        proc = subprocess.Popen(sv.keel_cmd("--log-level", log_level, "sleep", *args, pid1=pid1),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def test_sleeps_then_exits_0(self):
        for operand, seconds in (("0.3", 0.3), ("300ms", 0.3)):
            with self.subTest(operand=operand):
                start = time.monotonic()
                proc = self.start(operand)
                out, err = proc.communicate(timeout=20)
                self.assertEqual(proc.returncode, 0, err)
                self.assertGreaterEqual(time.monotonic() - start, seconds)
                self.assertEqual(out + err, "")

    def sleeping_pid(self, proc, pid1):
        if not pid1:
            return proc.pid
        return sv.wait_for(lambda: sv.children_of(proc.pid), what="keel sleep in its namespace")[0]

    def check_signal_ends_it(self, operand, sig, pid1):
        proc = self.start(operand, pid1=pid1, log_level="debug")
        pid = self.sleeping_pid(proc, pid1)
        # Sent once keel says it sleeps (its signalfd is then set up): earlier, before keel's first
        # instruction blocked it, a signal acts the default way, as on any process.
        line = proc.stderr.readline()
        self.assertIn("sleeping", line)
        start = time.monotonic()
        os.kill(pid, sig)
        proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 128 + sig)
        self.assertLess(time.monotonic() - start, 3.0)

    def test_sigterm_ends_it_with_143(self):
        self.check_signal_ends_it("60", signal.SIGTERM, pid1=False)

    def test_sigterm_ends_it_with_143_as_pid1(self):
        self.check_signal_ends_it("60", signal.SIGTERM, pid1=True)

    def test_infinity_until_sigint(self):
        self.check_signal_ends_it("infinity", signal.SIGINT, pid1=False)

    def test_bad_operand_is_a_usage_error(self):
        for operand in ("bogus", "-1", "8d"):
            with self.subTest(operand=operand):
                proc = self.start(operand)
                _, err = proc.communicate(timeout=20)
                self.assertEqual(proc.returncode, 2)
                self.assertIn(f"'{operand}'", err)

    def test_supervisor_options_before_sleep_are_refused_not_ignored(self):
        for args in (["-u", "nobody"], ["--file-env=PW"], ["-g"]):
            with self.subTest(args=args):
                result = subprocess.run(sv.keel_cmd(*args, "sleep", "0"), capture_output=True, text=True, timeout=30)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"{args[0]} is a supervisor option", result.stderr)
        # The image's KEEL_* settings are the supervisor's and stay out of the way.
        result = subprocess.run(sv.keel_cmd("--log-level", "warn", "sleep", "0"), capture_output=True, text=True,
                                timeout=30, env=dict(os.environ, KEEL_USER="nobody", KEEL_STOP_DELAY="5s"))
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_program_named_sleep_still_runs_after_double_dash(self):
        sleep = shutil.which("sleep")
        result = subprocess.run(sv.keel_cmd("--require", "none", "--", sleep, "0"), capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)


def setup(options):
    sv.PAYLOAD = options.payload


if __name__ == "__main__":
    keel_testing.main(extra_args=[("--payload", dict(required=True))], setup=setup)
