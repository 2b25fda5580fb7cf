"""Shared helpers for keel's integration tests: locate the binary under test and run it."""

import argparse
import os
import shutil
import subprocess
import sys
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
    program = unittest.main(argv=[sys.argv[0]] + rest, verbosity=2, exit=False)
    result = program.result
    if OPTIONS.no_skip and result.skipped:
        for case, reason in result.skipped:
            sys.stderr.write(f"FAILED: skipped under --no-skip: {case.id()}: {reason}\n")
        sys.exit(1)
    sys.exit(0 if result.wasSuccessful() else 1)


def under_valgrind():
    return any(os.path.basename(part) == "valgrind" for part in RUNNER[:1])


def run_keel(*args, env=None, timeout=30, **kwargs):
    """Runs keel with args; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run(RUNNER + [KEEL, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, **kwargs)
