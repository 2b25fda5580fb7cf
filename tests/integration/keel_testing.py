"""Shared helpers for keel's integration tests: locate the binary under test and run it."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

KEEL = None       # path of the binary under test
RUNNER = []       # e.g. ["qemu-aarch64-static"] for a cross-built binary
OPTIONS = argparse.Namespace()


def main(extra_args=(), setup=None):
    """Parses --keel/--emulator (plus test-specific flags), then runs the module's unittest cases."""
    global KEEL, RUNNER, OPTIONS
    parser = argparse.ArgumentParser()
    parser.add_argument("--keel", required=True)
    parser.add_argument("--emulator", default="")
    parser.add_argument("--no-skip", action="store_true",
                        help="a skipped case fails the run (CI: the environment must provide what it needs)")
    parser.add_argument("--exclude", action="append", default=[], metavar="CLASS[.CASE]",
                        help="leave these cases out (a preset where they cannot run: tests/CMakeLists.txt says "
                             "why); one that names no case is an error")
    for name, kwargs in extra_args:
        parser.add_argument(name, **kwargs)
    OPTIONS, rest = parser.parse_known_args()
    KEEL = OPTIONS.keel
    # e.g. "qemu-aarch64-static", or "valgrind --error-exitcode=99 ...", resolved now because some
    # tests give keel a PATH without it.
    RUNNER = OPTIONS.emulator.split()
    if RUNNER:
        RUNNER[0] = shutil.which(RUNNER[0]) or RUNNER[0]
    if setup:
        setup(OPTIONS)
    runner = unittest.TextTestRunner(resultclass=TimedResult, verbosity=2)
    program = _Program(OPTIONS.exclude, argv=[sys.argv[0]] + rest, testRunner=runner, exit=False)
    sys.exit(verdict(program.result, OPTIONS.no_skip))


class _Program(unittest.TestProgram):
    """unittest.main without the --exclude'd cases. A registration lists what a preset cannot run
    rather than skipping it at run time, so a skip in CI always means a missing piece of the machine."""

    def __init__(self, excluded, **kwargs):
        self.excluded = excluded
        super().__init__(**kwargs)

    def createTests(self, *args, **kwargs):
        super().createTests(*args, **kwargs)
        matched = set()

        def kept(suite):
            remaining = unittest.TestSuite()
            for test in suite:
                if isinstance(test, unittest.TestSuite):
                    remaining.addTest(kept(test))
                    continue
                name = test.id().split(".", 1)[-1]  # "Class.test_case"
                hits = [e for e in self.excluded if name == e or name.startswith(e + ".")]
                matched.update(hits)
                if not hits:
                    remaining.addTest(test)
            return remaining

        self.test = kept(self.test)
        stale = [e for e in self.excluded if e not in matched]
        if stale:
            sys.exit(f"--exclude names no case of this suite: {', '.join(stale)}")


class TimedResult(unittest.TextTestResult):
    """Records each case's wall time, so a suite's output says where its time went (the CI budget in
    docs/testing.md is kept by looking at these)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.durations = []

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.durations.append((time.monotonic() - self._started, test.id().split(".", 1)[-1]))


def slowest(result, count=5):
    """One line naming the slowest cases, e.g. "slowest: 4.1 s Http.test_x, 2.0 s Tls.test_y"."""
    durations = sorted(getattr(result, "durations", []), reverse=True)[:count]
    return "slowest: " + ", ".join(f"{seconds:.1f} s {name}" for seconds, name in durations)


def verdict(result, no_skip):
    """Exit status of a suite. Prints the "cases:" line scripts/test counts. A suite that ran no case,
    or skipped every case it ran, fails: it would otherwise pass while exercising nothing."""
    skipped = len(result.skipped)
    if getattr(result, "durations", None):
        print(slowest(result), flush=True)
    print(f"cases: {result.testsRun - skipped} run, {skipped} skipped", flush=True)
    if result.testsRun == 0 or skipped == result.testsRun:
        sys.stderr.write(f"FAILED: all {result.testsRun} cases skipped or none collected: this suite exercised nothing\n")
        return 1
    if no_skip and result.skipped:
        for case, reason in result.skipped:
            sys.stderr.write(f"FAILED: skipped under --no-skip: {case.id()}: {reason}\n")
        return 1
    return 0 if result.wasSuccessful() else 1


def is_static(path):
    return "statically linked" in subprocess.run(["file", "-L", path], capture_output=True, text=True).stdout


# The host's library directories, as a dynamically linked build (dev: ASan) needs them in a chroot.
HOST_LIBRARY_DIRS = [d for d in ("/usr/lib", "/usr/lib64", "/usr/lib32") if os.path.isdir(d) and not os.path.islink(d)]


def chroot_argv(root, argv, binaries, pid1=False, userspec=None):
    """The command that runs argv chrooted in root, a faithful scratch image (PID 1 of a new PID
    namespace with its own /proc when pid1). When every binary the image holds is static, that is all.
    A host build's binaries are dynamic: they also get the host's library directories bind-mounted
    read-only into root, and the host's /proc where there is no PID namespace (ASan reads
    /proc/self/maps), in a private mount namespace, so the same cases run in every native preset.
    userspec ("UID:GID") runs argv as that user. Returns None where neither works: under an emulator
    or valgrind, which the chroot does not hold."""
    if RUNNER:
        return None
    # Absolute paths: the tests may give keel (and so these tools) a PATH of "/" only.
    tool = {name: shutil.which(name) or name for name in ("unshare", "chroot", "mount", "sh")}
    unshare = [tool["unshare"], "--pid", "--fork", f"--mount-proc={root}/proc"] if pid1 else []
    chroot = [tool["chroot"], *([f"--userspec={userspec}"] if userspec else [])]
    if all(is_static(b) for b in binaries):
        return unshare + [*chroot, root, *argv] if pid1 else [*chroot, root, *argv]
    mounts = []
    for d in HOST_LIBRARY_DIRS:
        os.makedirs(root + d, exist_ok=True)
        mounts.append(f"{tool['mount']} --bind -o ro {d} {root}{d}")
        short = "/" + os.path.basename(d)  # /lib -> usr/lib, as on a merged-/usr system
        if not os.path.lexists(root + short):
            os.symlink(d.lstrip("/"), root + short)
    os.makedirs(f"{root}/proc", exist_ok=True)
    if not pid1:
        mounts.append(f"{tool['mount']} --rbind /proc {root}/proc")
    script = " && ".join(mounts + [f'exec {" ".join(chroot)} "$0" "$@"'])
    return [tool["unshare"], "--mount", *unshare[1:], "--propagation", "private", tool["sh"], "-c", script, root, *argv]


# What musl's mallocng calls to get and return memory (keel's own heap calls none of them for a start
# or a plain probe: cli/static_runtime/heap.cpp).
MEMORY_CALLS = ("mmap", "munmap", "mremap", "brk", "madvise")


def memory_calls(keel, *args, runner=(), env=None):
    """The memory-mapping system calls keel's own process (not PROGRAM) makes running `keel ARGS`,
    by name, in order: strace, or qemu's -strace (which traces the guest) when runner is qemu.
    Raises AssertionError when keel fails."""
    if runner:
        run = subprocess.run([*runner, "-strace", keel, *args], capture_output=True, text=True, timeout=60, env=env)
        # "PID name(args) = result"; the vforked child's lines carry another pid.
        traced = [m for m in (re.match(r"(\d+) (\w+)\(", line) for line in run.stderr.splitlines()) if m]
        calls = [m.group(2) for m in traced if m.group(1) == traced[0].group(1)] if traced else []
    else:
        with tempfile.NamedTemporaryFile("r") as out:
            # Without -f: keel's own process only.
            run = subprocess.run(["strace", "-qq", "-o", out.name, "-e", "trace=" + ",".join(MEMORY_CALLS), keel, *args],
                                 capture_output=True, text=True, timeout=60, env=env)
            calls = [m.group(1) for m in (re.match(r"(\w+)\(", line) for line in out) if m]
    if run.returncode != 0:
        raise AssertionError(f"keel {' '.join(args)} exited {run.returncode}: {run.stderr[-500:]}")
    return [name for name in calls if name in MEMORY_CALLS]


def under_valgrind():
    return any(os.path.basename(part) == "valgrind" for part in RUNNER[:1])


def run_keel(*args, env=None, timeout=30, **kwargs):
    """Runs keel with args; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run(RUNNER + [KEEL, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, **kwargs)


def temp_file(test, name, text, mode=None):
    """A file holding `text` in a directory of its own, removed when `test` ends."""
    directory = tempfile.mkdtemp(prefix="keel-test-")
    test.addCleanup(shutil.rmtree, directory, True)
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)
    return path
