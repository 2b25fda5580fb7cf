"""keel as a supervisor: real processes, real signals, as a subreaper and as PID 1."""

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import keel_testing

PAYLOAD = None


def keel_cmd(*args, pid1=False):
    """argv for keel [args]; with pid1, inside fresh pid + mount namespaces (keel is PID 1)."""
    cmd = keel_testing.RUNNER + [keel_testing.KEEL, *args]
    return (["unshare", "--pid", "--fork", "--mount-proc"] + cmd) if pid1 else cmd


def hostile_cmd(setup, *args, pid1=False):
    """argv for keel [args] started by a process that first runs `setup` (Python statements) and
    then execs keel: the state a runtime or a shell may hand a PID 1 (ignored or blocked signals,
    closed fds, low limits). Python itself also leaves SIGPIPE and SIGXFSZ ignored."""
    code = "import os, resource, signal, sys\n" + setup + "\nos.execv(sys.argv[1], sys.argv[1:])"
    inner = [sys.executable, "-c", code, *keel_testing.RUNNER, keel_testing.KEEL, *args]
    return (["unshare", "--pid", "--fork", "--mount-proc"] + inner) if pid1 else inner


# Every signal a starter can set to SIG_IGN (glibc's sigaction refuses 32 and 33).
SETTABLE = [s for s in range(1, signal.NSIG)
            if s not in (signal.SIGKILL, signal.SIGSTOP) and not 32 <= s < signal.SIGRTMIN]
IGNORE_ALL = f"for s in {SETTABLE}: signal.signal(s, signal.SIG_IGN)"
BLOCK_ALL = "signal.pthread_sigmask(signal.SIG_BLOCK, range(1, signal.NSIG))"
FAULT_SIGNALS = [signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGABRT, signal.SIGTRAP,
                 signal.SIGSYS]


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def read_file(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def children_of(pid):
    return [int(p) for p in read_file(f"/proc/{pid}/task/{pid}/children").split()]


def recorded(path):
    return [int(line) for line in read_file(path).split()]


def assert_forwarded(test, session, signals):
    """Sends each signal to keel, waits until the payload recorded it, then ends with SIGTERM (on
    which the payload exits 0): keel must have forwarded every one, in order, and survived them."""
    for sig in signals:
        session.send(sig)
        wait_for(lambda: int(sig) in recorded(session.record), what=f"child to receive {sig}")
    session.send(signal.SIGTERM)
    code, _, err = session.wait()
    test.assertEqual(code, 0, err)
    test.assertEqual(recorded(session.record), [int(s) for s in signals] + [signal.SIGTERM])


class Session:
    """keel supervising `payload signals FILE ...`: knows keel's and the child's host pids."""

    def __init__(self, test, keel_args=(), payload_args=(), pid1=False, payload_command="signals", setup=None):
        self.dir = tempfile.mkdtemp(prefix="keel-test-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        self.record = os.path.join(self.dir, "signals")
        self.extra = os.path.join(self.dir, "signals2")
        files = [self.record, self.extra] if payload_command == "group-signals" else [self.record]
        args = [*keel_args, "--", PAYLOAD, payload_command, *files, *payload_args]
        argv = hostile_cmd(setup, *args, pid1=pid1) if setup else keel_cmd(*args, pid1=pid1)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        test.addCleanup(self.kill)
        wait_for(lambda: read_file(self.record + ".ready"), what="payload ready")
        # Host pids (the payload's own getpid() is a namespace pid under unshare).
        self.keel = wait_for(lambda: children_of(self.proc.pid), what="keel")[0] if pid1 else self.proc.pid
        self.child = wait_for(lambda: children_of(self.keel), what="payload")[0]

    def send(self, sig):
        os.kill(self.keel, sig)

    def wait(self, timeout=20):
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err

    def kill(self):
        """Cleanup after a failed test: no payload or keel may outlive it."""
        for pid in (getattr(self, "child", None), getattr(self, "keel", None)):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


class ExitStatus(unittest.TestCase):
    def run_keel(self, *args, env=None, pid1=False):
        return subprocess.run(keel_cmd(*args, pid1=pid1), capture_output=True, text=True, timeout=30, env=env)

    def test_exit_codes_pass_through(self):
        for code in (0, 1, 3, 127, 255):
            with self.subTest(code=code):
                self.assertEqual(self.run_keel("--", PAYLOAD, "exit", str(code)).returncode, code)

    def test_exit_code_as_pid1(self):
        self.assertEqual(self.run_keel("--", PAYLOAD, "exit", "7", pid1=True).returncode, 7)

    def test_success_exit_maps_to_zero(self):
        self.assertEqual(self.run_keel("--success-exit", "3", "--", PAYLOAD, "exit", "3").returncode, 0)
        self.assertEqual(self.run_keel("--success-exit", "3", "--", PAYLOAD, "exit", "4").returncode, 4)
        env = dict(os.environ, KEEL_SUCCESS_EXIT="5,3")
        self.assertEqual(self.run_keel("--", PAYLOAD, "exit", "3", env=env).returncode, 0)

    def test_flags_before_a_program_without_double_dash(self):
        # A flag takes no value: the word after it is PROGRAM, on either parser (`-g PROGRAM` is
        # parsed directly; `--warn-only=true` sends the line through CLI11, which once took the
        # word after a flag for its value and rejected PROGRAM as unexpected, exit 2).
        for args in (("-g",), ("--warn-only=true", "-g"), ("--warn-only", "--process-group=1")):
            with self.subTest(args=args):
                result = self.run_keel(*args, PAYLOAD, "exit", "3")
                self.assertEqual(result.returncode, 3, result.stderr)

    def test_killed_child_gives_128_plus_signal(self):
        session = Session(self)
        os.kill(session.child, signal.SIGKILL)
        code, _, _ = session.wait()
        self.assertEqual(code, 128 + signal.SIGKILL)

    def test_child_exiting_127_does_not_hang(self):
        # catatonit issue 5: a child exiting 127 was mistaken for an exec failure.
        self.assertEqual(self.run_keel("--", PAYLOAD, "exit", "127", pid1=True).returncode, 127)

    def test_two_children_dying_at_once(self):
        # catatonit issue 4: one SIGCHLD for two deaths must still reap both and exit.
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                self.assertEqual(self.run_keel("--", PAYLOAD, "twins", pid1=pid1).returncode, 0)


class StartFailures(unittest.TestCase):
    def run_keel(self, *args, env=None):
        return subprocess.run(keel_cmd(*args), capture_output=True, text=True, timeout=30, env=env)

    def executable_file(self, text):
        """A file holding `text`, mode 0755, removed after the test."""
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        path = os.path.join(directory.name, "program")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
        return path

    def test_not_found_is_127_with_searched_path(self):
        env = dict(os.environ, PATH="/nonexistent:/also-not")
        result = self.run_keel("no-such-program-xyz", env=env)
        self.assertEqual(result.returncode, 127)
        self.assertIn("keel: no-such-program-xyz: not found (searched PATH=/nonexistent:/also-not)", result.stderr)

    def test_not_executable_is_126(self):
        with tempfile.NamedTemporaryFile(prefix="keel-noexec-") as f:
            result = self.run_keel(f.name)
            self.assertEqual(result.returncode, 126)
            self.assertIn("permission denied", result.stderr)

    def test_directory_is_126(self):
        result = self.run_keel("/tmp")
        self.assertEqual(result.returncode, 126)
        self.assertIn("is a directory", result.stderr)

    def test_script_with_missing_interpreter_is_126(self):
        result = self.run_keel(self.executable_file("#!/no/such/shell\n"))
        self.assertEqual(result.returncode, 126)
        self.assertIn("#! interpreter /no/such/shell is not in this image", result.stderr)

    def test_exec_failure_is_reported_by_execve_itself(self):
        # A file with no #! and no ELF header passes the checks made before the fork; only the
        # child's execve finds it unrunnable (ENOEXEC), and keel must still say so, exit 126. The
        # valgrind preset runs this too, where vfork is emulated as fork (as under qemu-user).
        program = self.executable_file("plain text, no #! line\n")
        result = self.run_keel("--require", "none", "--", program)
        self.assertEqual(result.returncode, 126, result.stderr)
        self.assertIn(f"keel: {program}: not an executable format this system can run", result.stderr)

    def test_dynamic_binary_in_scratch_chroot_names_missing_interpreter(self):
        if keel_testing.RUNNER or "static" not in subprocess.run(["file", "-L", keel_testing.KEEL],
                                                                  capture_output=True, text=True).stdout:
            self.skipTest("needs a static native keel (the chroot holds nothing else)")
        with tempfile.TemporaryDirectory() as root:
            shutil.copy(keel_testing.KEEL, os.path.join(root, "keel"))
            shutil.copy("/bin/true", os.path.join(root, "app"))  # dynamically linked (glibc)
            interp = subprocess.run(["readelf", "-l", "/bin/true"], capture_output=True, text=True).stdout
            loader = interp.split("[Requesting program interpreter: ")[1].split("]")[0]
            result = subprocess.run(["chroot", root, "/keel", "--", "/app"], capture_output=True, text=True,
                                    timeout=30)
            self.assertEqual(result.returncode, 126, result.stderr)
            self.assertIn(f"/app: cannot run: it is dynamically linked and its ELF interpreter {loader} "
                          "is not in this image", result.stderr)
            # The same binary with its program header table moved past the first page, which keel
            # reads first: it must read further rather than miss the interpreter.
            with open("/bin/true", "rb") as f:
                image = bytearray(f.read())
            phoff = int.from_bytes(image[32:40], "little")
            table = image[phoff:phoff + int.from_bytes(image[54:56], "little") * int.from_bytes(image[56:58], "little")]
            image += b"\0" * (-len(image) % 8)
            self.assertLess(len(image) + len(table), 64 * 1024, "/bin/true grew past keel's 64 KiB head read")
            image[32:40] = max(len(image), 4096).to_bytes(8, "little")
            image += table
            with open(os.path.join(root, "app"), "wb") as f:
                f.write(image)
            result = subprocess.run(["chroot", root, "/keel", "--", "/app"], capture_output=True, text=True,
                                    timeout=30)
            self.assertEqual(result.returncode, 126, result.stderr)
            self.assertIn(f"ELF interpreter {loader} is not in this image", result.stderr)


class WorkingDirectory(unittest.TestCase):
    """PROGRAM starts in keel's start directory (the image's WORKDIR); keel itself moves to / and so
    keeps no directory, and no mount, busy."""

    def start_in(self, directory, *keel_args, program=None, settle=False):
        """Runs keel ARGS -- PROGRAM cwd in directory; returns PROGRAM's working directory, keel's
        (read from /proc while PROGRAM waits; with settle, once it is / or after 10 s: where keel
        leaves only after the exec) and keel's stderr."""
        proc = subprocess.Popen(keel_cmd(*keel_args, "--", program or PAYLOAD, "cwd"), cwd=directory,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            program_cwd = proc.stdout.readline().strip()
            keel_cwd = os.readlink(f"/proc/{proc.pid}/cwd")
            deadline = time.monotonic() + 10
            while settle and keel_cwd != "/" and time.monotonic() < deadline:
                time.sleep(0.01)
                keel_cwd = os.readlink(f"/proc/{proc.pid}/cwd")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        return program_cwd, keel_cwd, err

    def test_program_runs_in_the_start_directory_and_keel_in_root(self):
        with tempfile.TemporaryDirectory() as directory:
            program_cwd, keel_cwd, err = self.start_in(directory, "--require", "none")
            self.assertEqual(program_cwd, os.path.realpath(directory), err)
            self.assertEqual(keel_cwd, "/")

    def test_keel_leaves_the_start_directory_before_program_exists(self):
        # strace -f orders the calls of keel and of its child: keel's chdir("/") must come before
        # the child's execve of PROGRAM (a chdir after the spawn leaves a window in which keel
        # still pins the directory while PROGRAM runs).
        with tempfile.TemporaryDirectory() as directory:
            log = os.path.join(directory, "strace.log")
            # LeakSanitizer (the dev build) cannot run under a tracer.
            options = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"]))
            result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=chdir,execve", "-o", log,
                                     *keel_cmd("--require", "none", "--", PAYLOAD, "exit", "0")],
                                    cwd=directory, capture_output=True, text=True, timeout=60,
                                    env=dict(os.environ, ASAN_OPTIONS=options))
            self.assertEqual(result.returncode, 0, result.stderr)
            calls = read_file(log).splitlines()
            to_root = [i for i, line in enumerate(calls) if 'chdir("/")' in line and "= 0" in line]
            program_exec = [i for i, line in enumerate(calls) if f'execve("{PAYLOAD}"' in line]
            self.assertTrue(to_root and program_exec, calls)
            self.assertLess(to_root[0], program_exec[-1], calls)

    def test_a_start_directory_the_user_cannot_search_is_inherited(self):
        # keel -u drops to a user who cannot open the start directory (mode 0700, root's): PROGRAM
        # still starts in it, as it would have without keel, and keel moves to / once it runs.
        if os.geteuid() != 0:
            self.fail("needs root, to drop to nobody")
        with tempfile.TemporaryDirectory() as private, tempfile.TemporaryDirectory() as shared:
            os.chmod(private, 0o700)
            os.chmod(shared, 0o755)
            program = os.path.join(shared, "payload")
            shutil.copy(PAYLOAD, program)
            program_cwd, keel_cwd, err = self.start_in(private, "-u", "65534:65534", "--require", "none",
                                                       "--log-level", "debug", program=program, settle=True)
            self.assertEqual(program_cwd, os.path.realpath(private), err)
            self.assertEqual(keel_cwd, "/")
            self.assertIn("cannot open the working directory (Permission denied)", err)


class Forwarding(unittest.TestCase):
    SIGNALS = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGPIPE,
               signal.SIGALRM, signal.SIGWINCH, signal.SIGURG, signal.SIGCONT, signal.SIGPWR,
               signal.SIGRTMIN + 1, signal.SIGRTMIN + 5, signal.SIGRTMAX]
    # (glibc's SIGRTMIN, 34, is forwarded too, but a musl payload cannot catch it.)

    def check_forwarding(self, pid1):
        # valgrind keeps the highest real-time signal for itself, so keel never receives it there.
        signals = [s for s in self.SIGNALS if not (keel_testing.under_valgrind() and s == signal.SIGRTMAX)]
        assert_forwarded(self, Session(self, pid1=pid1), signals)

    def test_every_signal_reaches_child_as_subreaper(self):
        self.check_forwarding(pid1=False)

    def test_every_signal_reaches_child_as_pid1(self):
        self.check_forwarding(pid1=True)

    def test_rewrite_and_drop(self):
        session = Session(self, keel_args=["--rewrite", "USR1:USR2", "--rewrite", "HUP:0"])
        session.send(signal.SIGHUP)
        session.send(signal.SIGUSR1)
        wait_for(lambda: recorded(session.record), what="a forwarded signal")
        session.send(signal.SIGTERM)
        session.wait()
        self.assertEqual(recorded(session.record), [signal.SIGUSR2, signal.SIGTERM])

    def test_rewrite_from_env(self):
        env_before = os.environ.copy()
        os.environ["KEEL_REWRITE"] = "TERM:QUIT,USR1:0"
        self.addCleanup(lambda: (os.environ.clear(), os.environ.update(env_before)))
        session = Session(self, payload_args=["--exit-on", str(int(signal.SIGQUIT))])
        session.send(signal.SIGUSR1)
        session.send(signal.SIGTERM)
        code, _, _ = session.wait()
        self.assertEqual(code, 0)
        self.assertEqual(recorded(session.record), [signal.SIGQUIT])

    def test_process_group_forwarding(self):
        for group in (False, True):
            with self.subTest(process_group=group):
                session = Session(self, keel_args=["-g"] if group else [], payload_command="group-signals")
                wait_for(lambda: read_file(session.extra + ".ready"), what="grandchild ready")
                session.send(signal.SIGUSR1)
                wait_for(lambda: recorded(session.record), what="child to receive SIGUSR1")
                time.sleep(0.2)
                self.assertEqual(recorded(session.extra), [signal.SIGUSR1] if group else [])
                session.send(signal.SIGTERM)
                code, _, _ = session.wait()
                self.assertEqual(code, 0)

    def test_child_starts_with_clean_signal_state(self):
        def dirty():
            signal.signal(signal.SIGUSR1, signal.SIG_IGN)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, signal.SIGINT})

        result = subprocess.run(keel_cmd("--", PAYLOAD, "status"), capture_output=True, text=True,
                                preexec_fn=dirty, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        fields = dict(line.split(":\t", 1) for line in result.stdout.splitlines())
        self.assertEqual(int(fields["SigBlk"], 16), 0, result.stdout)
        self.assertEqual(int(fields["SigIgn"], 16), 0, result.stdout)
        # Its own process group, in keel's session.
        self.assertEqual(fields["pgid"].strip(), fields["pid"].strip())


def process_state(pid):
    return read_file(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()[0]


class JobControl(unittest.TestCase):
    """keel on a terminal (session leader of a pty, like `docker run -it`)."""

    def start_on_pty(self, *payload_args):
        pid, master = pty.fork()
        if pid == 0:
            try:
                os.execv(keel_testing.KEEL, [keel_testing.KEEL, "--", PAYLOAD, *payload_args])
            finally:
                os._exit(99)
        self.addCleanup(os.close, master)
        self.addCleanup(lambda: self.reap(pid))
        child = wait_for(lambda: children_of(pid), what="payload")[0]
        # The child's process group takes the terminal's foreground from keel.
        wait_for(lambda: os.tcgetpgrp(master) == child, what="child in the foreground")
        return pid, master, child

    def reap(self, pid):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    def test_ctrl_c_reaches_the_app_once(self):
        record = os.path.join(tempfile.mkdtemp(prefix="keel-pty-"), "signals")
        self.addCleanup(shutil.rmtree, os.path.dirname(record), True)
        keel, master, child = self.start_on_pty("signals", record, "--exit-on", str(int(signal.SIGINT)))
        wait_for(lambda: read_file(record + ".ready"), what="payload ready")
        os.write(master, b"\x03")
        _, status = os.waitpid(keel, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertEqual(recorded(record), [signal.SIGINT])

    def test_ctrl_z_as_session_leader_stops_the_app_only(self):
        # keel leads the pty's session (docker run -it): no shell above it could resume a stopped
        # keel, so it keeps running, and a SIGCONT sent to it resumes the app.
        keel, master, child = self.start_on_pty("sleep", "30")
        os.write(master, b"\x1a")  # Ctrl-Z: SIGTSTP to the foreground group (the app)
        wait_for(lambda: process_state(child) == "T", what="app stopped")
        time.sleep(0.3)
        self.assertEqual(os.waitpid(keel, os.WNOHANG | os.WUNTRACED), (0, 0), "keel must not stop")
        self.assertNotEqual(process_state(keel), "T")
        os.kill(keel, signal.SIGCONT)
        wait_for(lambda: process_state(child) != "T", what="app resumed")
        os.kill(keel, signal.SIGTERM)
        _, status = os.waitpid(keel, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 128 + signal.SIGTERM)

    def test_ctrl_z_under_a_job_control_shell_stops_keel_then_fg_resumes_both(self):
        # A shell leads the session and runs keel as a job (`keel -- app` typed at a prompt).
        result = os.path.join(tempfile.mkdtemp(prefix="keel-pty-"), "keel")
        self.addCleanup(shutil.rmtree, os.path.dirname(result), True)
        shell, master = pty.fork()
        if shell == 0:
            try:
                job = os.fork()
                if job == 0:
                    os.setpgid(0, 0)
                    while os.tcgetpgrp(0) != os.getpid():  # the shell gives the job the terminal
                        time.sleep(0.001)
                    os.execv(keel_testing.KEEL, [keel_testing.KEEL, "--", PAYLOAD, "sleep", "30"])
                os.setpgid(job, job)
                os.tcsetpgrp(0, job)
                with open(result, "w") as f:
                    f.write(str(job))
                signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a shell takes the terminal back
                while True:
                    _, status = os.waitpid(job, os.WUNTRACED)
                    if not os.WIFSTOPPED(status):
                        os._exit(os.waitstatus_to_exitcode(status) & 0xff)
                    # `fg` once the test has looked: the job's group gets the terminal, then SIGCONT.
                    while not os.path.exists(result + ".fg"):
                        time.sleep(0.01)
                    os.tcsetpgrp(0, job)
                    os.killpg(job, signal.SIGCONT)
            finally:
                os._exit(99)
        self.addCleanup(os.close, master)
        self.addCleanup(lambda: self.reap(shell))
        keel = int(wait_for(lambda: read_file(result), what="the job's pid"))
        child = wait_for(lambda: children_of(keel), what="payload")[0]
        wait_for(lambda: os.tcgetpgrp(master) == child, what="child in the foreground")
        os.write(master, b"\x1a")
        wait_for(lambda: process_state(keel) == "T", what="keel stopped with its child")
        self.assertEqual(process_state(child), "T")
        self.assertEqual(os.tcgetpgrp(master), keel, "keel took the terminal back before stopping")
        open(result + ".fg", "w").close()  # the shell's `fg`
        wait_for(lambda: process_state(child) != "T", what="child resumed")
        wait_for(lambda: os.tcgetpgrp(master) == child, what="child back in the foreground")
        os.kill(keel, signal.SIGTERM)
        _, status = os.waitpid(shell, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 128 + signal.SIGTERM)

    def test_interactive_job_control_shell(self):
        # `docker run -it image keel -- bash`: bash's own job control works under keel, and keel
        # exits with bash's status.
        bash = shutil.which("bash")
        if bash is None:
            self.skipTest("no bash on this machine")
        pid, master = pty.fork()
        if pid == 0:
            try:
                os.execv(keel_testing.KEEL, [keel_testing.KEEL, "--", bash, "--norc", "--noprofile", "-i"])
            finally:
                os._exit(99)
        self.addCleanup(os.close, master)
        self.addCleanup(lambda: self.reap(pid))
        output = bytearray()

        def read_until(text, timeout=10.0):
            deadline = time.monotonic() + timeout
            while text not in output:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {text!r} in {bytes(output)!r}")
                ready, _, _ = select.select([master], [], [], remaining)
                if ready:
                    output.extend(os.read(master, 4096))

        os.write(master, b"PS1='$ '; echo RE''ADY\n")
        read_until(b"READY")  # bash's output, not the echo of the typed line
        shell = wait_for(lambda: children_of(pid), what="bash")[0]
        os.write(master, b"sleep 30\n")

        def sleep_in_foreground():
            kids = children_of(shell)
            if kids and read_file(f"/proc/{kids[0]}/comm").strip() == "sleep" and os.tcgetpgrp(master) == kids[0]:
                return kids[0]
            return None

        sleeper = wait_for(sleep_in_foreground, what="sleep in the foreground")
        os.write(master, b"\x1a")
        wait_for(lambda: process_state(sleeper) == "T", what="sleep stopped by Ctrl-Z")
        read_until(b"Stopped")
        os.write(master, b"fg\n")
        wait_for(lambda: process_state(sleeper) != "T" and os.tcgetpgrp(master) == sleeper, what="sleep resumed by fg")
        os.write(master, b"\x03")  # Ctrl-C ends sleep, bash survives
        wait_for(lambda: not children_of(shell), what="sleep gone")
        os.write(master, b"exit 7\n")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.assertEqual(os.waitstatus_to_exitcode(status), 7)
                return
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    output.extend(os.read(master, 4096))
                except OSError:
                    pass
        self.fail(f"keel did not exit after bash did: {bytes(output)!r}")


class Idle(unittest.TestCase):
    @unittest.skipUnless(os.uname().machine == "x86_64", "reads x86_64 syscall numbers")
    def test_waits_with_no_timeout(self):
        """No periodic wakeups: idle keel is blocked in epoll_pwait with timeout -1, not a capped
        wait (Asio without timerfd caps it at five minutes)."""
        if keel_testing.RUNNER:
            self.skipTest("under an emulator /proc shows the emulator's own system calls")
        session = Session(self, pid1=True)
        epoll_wait, epoll_pwait = 232, 281
        infinite = {"0xffffffff", "0xffffffffffffffff"}

        def blocked_call():
            fields = read_file(f"/proc/{session.keel}/syscall").split()
            return fields if fields and fields[0] in (str(epoll_wait), str(epoll_pwait)) else None

        fields = wait_for(blocked_call, what="keel to block in epoll")
        self.assertIn(fields[4], infinite, f"epoll timeout argument: {fields}")
        before = read_file(f"/proc/{session.keel}/status")
        time.sleep(1.0)
        after = read_file(f"/proc/{session.keel}/status")
        switches = [line for line in before.splitlines() if line.startswith("voluntary_ctxt_switches")]
        self.assertEqual(switches, [line for line in after.splitlines() if line.startswith("voluntary_ctxt_switches")])
        session.send(signal.SIGTERM)
        code, _, err = session.wait()
        self.assertEqual(code, 0, err)


class HostileStart(unittest.TestCase):
    """Whatever state keel is started in, it supervises: no hang, no orphan, no dropped stop."""

    def run_hostile(self, setup, *args, pid1=False, timeout=30):
        return subprocess.run(hostile_cmd(setup, *args, pid1=pid1), capture_output=True, text=True,
                              timeout=timeout)

    def test_sigchld_ignored_is_reset(self):
        # Ignored SIGCHLD makes the kernel reap PROGRAM behind keel's back: keel waited forever.
        setup = "signal.signal(signal.SIGCHLD, signal.SIG_IGN)"
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                self.assertEqual(self.run_hostile(setup, "--", PAYLOAD, "exit", "3", pid1=pid1).returncode, 3)
                session = Session(self, pid1=pid1, setup=setup)
                session.send(signal.SIGTERM)
                code, _, err = session.wait()
                self.assertEqual(code, 0, err)
                self.assertEqual(recorded(session.record), [signal.SIGTERM])

    def check_forwarding_from(self, setup, pid1):
        signals = [s for s in Forwarding.SIGNALS if not (keel_testing.under_valgrind() and s == signal.SIGRTMAX)]
        assert_forwarded(self, Session(self, pid1=pid1, setup=setup), signals)

    def test_every_signal_ignored_at_start_is_still_forwarded(self):
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                self.check_forwarding_from(IGNORE_ALL, pid1)

    def test_every_signal_blocked_at_start_is_still_forwarded(self):
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                self.check_forwarding_from(BLOCK_ALL, pid1)

    def test_program_starts_clean_whatever_keel_inherited(self):
        result = self.run_hostile(IGNORE_ALL + "\n" + BLOCK_ALL, "--", PAYLOAD, "status")
        self.assertEqual(result.returncode, 0, result.stderr)
        fields = dict(line.split(":\t", 1) for line in result.stdout.splitlines())
        self.assertEqual(int(fields["SigBlk"], 16), 0, result.stdout)
        self.assertEqual(int(fields["SigIgn"], 16), 0, result.stdout)

    def test_fault_signals_sent_from_outside_are_forwarded(self):
        # `docker kill -s SEGV`, `kill -ABRT 1`: a fault signal someone sent is not keel's fault.
        if keel_testing.under_valgrind():
            self.skipTest("valgrind takes a fault signal sent to keel as its guest's crash")
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                assert_forwarded(self, Session(self, pid1=pid1), FAULT_SIGNALS)

    def test_closed_standard_fds_get_dev_null(self):
        # Started with 0-2 closed, the first file keel opened took fd 0, 1 or 2, and its log went
        # there; PROGRAM inherited the gap too.
        if keel_testing.under_valgrind():
            self.skipTest("valgrind itself does not start with fd 1 or 2 closed")
        out = tempfile.mkdtemp(prefix="keel-fds-")
        self.addCleanup(shutil.rmtree, out, True)
        for closed in ([0, 1, 2], [2], [1]):
            with self.subTest(closed=closed):
                report = os.path.join(out, "fds")
                setup = "".join(f"os.close({fd})\n" for fd in closed)
                result = self.run_hostile(setup, "--log-level=debug", "--", PAYLOAD, "fds", report)
                self.assertEqual(result.returncode, 0, result.stderr)
                lines = read_file(report).splitlines()
                for fd in closed:
                    self.assertEqual(lines[fd], f"{fd} /dev/null", lines)
                if 2 not in closed:
                    self.assertIn("were closed: /dev/null opened on them", result.stderr)

    def test_descriptor_limits_3_to_16(self):
        # Each limit either runs PROGRAM or refuses before it starts with one line: never a hang,
        # never a started PROGRAM that keel then abandons.
        if keel_testing.under_valgrind():
            self.skipTest("valgrind needs descriptors of its own")
        out = tempfile.mkdtemp(prefix="keel-nofile-")
        self.addCleanup(shutil.rmtree, out, True)
        outcomes = {}
        static = keel_testing.is_static(keel_testing.KEEL)
        for limit in range(3, 17):
            with self.subTest(limit=limit):
                report = os.path.join(out, f"fds-{limit}")
                setup = f"resource.setrlimit(resource.RLIMIT_NOFILE, ({limit}, {limit}))"
                result = self.run_hostile(setup, "--require", "none", "--", PAYLOAD, "fds", report)
                if not static and ("error while loading shared libraries" in result.stderr
                                   or "runtime error:" in result.stderr):
                    # The dev build's own machinery, not keel: the loader cannot open the sanitizer
                    # libraries, or UBSan's vptr check cannot get the pipe it probes memory with.
                    # The static builds run every limit.
                    continue
                self.assertIn(result.returncode, (0, 1), result.stderr)
                if result.returncode == 1:
                    self.assertFalse(os.path.exists(report), "PROGRAM ran although keel failed")
                    self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                    self.assertRegex(result.stderr, r"^keel: .*(No file descriptors available|Too many open files)")
                    self.assertNotIn("internal error", result.stderr)
                else:
                    self.assertTrue(os.path.exists(report), result.stderr)
                outcomes[limit] = result.returncode
        self.assertEqual(outcomes[16], 0, "16 descriptors are enough to supervise")

    def test_signals_reach_a_whole_pipeline_with_g(self):
        out = tempfile.mkdtemp(prefix="keel-pipe-")
        self.addCleanup(shutil.rmtree, out, True)
        first, second = os.path.join(out, "first"), os.path.join(out, "second")
        script = f"{PAYLOAD} signals {first} | {PAYLOAD} signals {second}"
        proc = subprocess.Popen(keel_cmd("-g", "--", "/bin/sh", "-c", script), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: read_file(first + ".ready") and read_file(second + ".ready"), what="pipeline ready")
        os.kill(proc.pid, signal.SIGWINCH)  # ignored by sh, recorded by both ends
        wait_for(lambda: recorded(first) and recorded(second), what="both ends to receive SIGWINCH")
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        self.assertIn(proc.returncode, (0, 128 + signal.SIGTERM), err)
        self.assertEqual(recorded(first), [signal.SIGWINCH, signal.SIGTERM])
        self.assertEqual(recorded(second), [signal.SIGWINCH, signal.SIGTERM])


class Limits(unittest.TestCase):
    def test_fork_failure_is_a_clear_error_not_a_hang(self):
        # RLIMIT_NPROC=1 for an unprivileged uid that owns no other process: keel's fork fails.
        argv = ["setpriv", "--reuid=54321", "--regid=54321", "--clear-groups", "prlimit", "--nproc=1",
                *keel_cmd("--", "/bin/true")]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("vfork() failed: Resource temporarily unavailable", result.stderr)


class Reaping(unittest.TestCase):
    def test_2000_orphans_reaped_as_pid1(self):
        result = subprocess.run(keel_cmd("--", PAYLOAD, "orphans", "2000", pid1=True), capture_output=True,
                                text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("zombies_left=0", result.stdout)

    def test_orphans_reaped_as_subreaper(self):
        result = subprocess.run(keel_cmd("--", PAYLOAD, "orphans", "300"), capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("zombies_left=0", result.stdout)


class Grace(unittest.TestCase):
    def timed(self, *args, pid1=False):
        start = time.monotonic()
        result = subprocess.run(keel_cmd(*args, pid1=pid1), capture_output=True, text=True, timeout=60)
        return result, time.monotonic() - start

    def test_leftovers_get_sigterm_and_keel_exits_with_main_status(self):
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                result, elapsed = self.timed("--grace", "10s", "--", PAYLOAD, "leave-sleepers", "3", pid1=pid1)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertLess(elapsed, 5, "sleepers that honour SIGTERM must not wait for the grace period")

    def test_sigterm_ignorers_are_killed_after_grace(self):
        for pid1 in (False, True):
            with self.subTest(pid1=pid1):
                result, elapsed = self.timed("--grace", "700ms", "--", PAYLOAD, "leave-sleepers", "3",
                                             "--ignore-term", pid1=pid1)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertGreaterEqual(elapsed, 0.7)
                self.assertLess(elapsed, 5)

    def test_bad_grace_is_usage_error_quoting_value(self):
        result = subprocess.run(keel_cmd("--grace", "5parsecs", "--", "true"), capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("'5parsecs'", result.stderr)
        result = subprocess.run(keel_cmd("--", "true"), capture_output=True, text=True,
                                env=dict(os.environ, KEEL_GRACE="soon"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("'soon'", result.stderr)


if __name__ == "__main__":
    keel_testing.main([("--payload", {"required": True})], setup=lambda o: globals().update(PAYLOAD=o.payload))
    
