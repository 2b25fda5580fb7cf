"""The test harness itself: a suite that runs no case, or skips every case, must fail.

Checks keel_testing.verdict (every Python suite's exit status) and scripts/lib/count_cases.py (the
per-preset count scripts/test takes from CTest's log) on made-up results and logs."""

import os
import subprocess
import sys
import tempfile
import unittest

import keel_testing

COUNT_CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib", "count_cases.py")


class Result:
    """The part of unittest.TestResult that verdict reads."""

    def __init__(self, run, skipped, ok=True):
        self.testsRun = run
        self.skipped = [(unittest.FunctionTestCase(lambda: None, description=f"case{i}"), "reason")
                        for i in range(skipped)]
        self.ok = ok

    def wasSuccessful(self):
        return self.ok


def block(n, name, output):
    return (f"{n}/9 Testing: {name}\n{n}/9 Test: {name}\nCommand: \"x\"\nOutput:\n"
            f"----------------------------------------------------------\n{output}\n<end of output>\n"
            f"Test time =   0.10 sec\n----------------------------------------------------------\n"
            f"Test Passed.\n\"{name}\" end time: Dec 01 09:22 UTC\n\"{name}\" time elapsed: 00:00:00\n"
            f"----------------------------------------------------------\n\n")


def count(*blocks):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write("Start testing: Dec 01 09:22 UTC\n----------------------------------------------------------\n")
        f.write("".join(blocks))
    try:
        return subprocess.run([sys.executable, COUNT_CASES, f.name], capture_output=True, text=True, timeout=30)
    finally:
        os.unlink(f.name)


class Verdict(unittest.TestCase):
    def test_a_suite_that_ran_cases_passes(self):
        self.assertEqual(keel_testing.verdict(Result(5, 2), no_skip=False), 0)

    def test_every_case_skipped_fails(self):
        self.assertEqual(keel_testing.verdict(Result(5, 5), no_skip=False), 1)

    def test_no_case_collected_fails(self):
        self.assertEqual(keel_testing.verdict(Result(0, 0), no_skip=False), 1)

    def test_a_skip_under_no_skip_fails(self):
        self.assertEqual(keel_testing.verdict(Result(5, 1), no_skip=True), 1)

    def test_a_failed_case_fails(self):
        self.assertEqual(keel_testing.verdict(Result(5, 0, ok=False), no_skip=False), 1)


# A suite of three cases run through keel_testing.main, as CTest runs every suite.
TINY_SUITE = """
import sys, unittest
sys.path.insert(0, {here!r})
import keel_testing
class One(unittest.TestCase):
    def test_a(self): pass
    def test_b(self): pass
class Two(unittest.TestCase):
    def test_c(self): pass
keel_testing.main()
"""


def run_tiny_suite(*args):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(TINY_SUITE.format(here=os.path.dirname(os.path.abspath(__file__))))
    try:
        return subprocess.run([sys.executable, f.name, "--keel=unused", *args], capture_output=True, text=True,
                              timeout=30)
    finally:
        os.unlink(f.name)


class Exclude(unittest.TestCase):
    def test_excluded_cases_are_left_out_not_skipped(self):
        result = run_tiny_suite("--no-skip", "--exclude=One.test_b", "--exclude=Two")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("cases: 1 run, 0 skipped", result.stdout)

    def test_an_exclusion_that_names_no_case_fails(self):
        # A renamed case must not leave a stale exclusion behind that hides nothing, silently.
        result = run_tiny_suite("--exclude=One.test_renamed")
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("--exclude names no case of this suite: One.test_renamed", result.stderr)


class CountCases(unittest.TestCase):
    def test_counts_both_forms(self):
        result = count(block(1, "unit", "[doctest] test cases:     85 |     85 passed | 0 failed | 2 skipped"),
                       block(2, "cli", "Ran 12 tests\nOK (skipped=1)\ncases: 11 run, 1 skipped"))
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("cases: 94 run, 3 skipped, 2 suites", result.stdout)

    def test_a_suite_without_a_count_fails(self):
        result = count(block(1, "unit", "[doctest] test cases: 1 | 1 passed | 0 failed | 0 skipped"),
                       block(2, "mystery", "all good, trust me"))
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("FAILED: mystery: printed no case count", result.stdout)

    def test_a_suite_that_ran_nothing_fails(self):
        result = count(block(1, "preflight", "cases: 0 run, 12 skipped"))
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("FAILED: preflight: ran no case", result.stdout)

    def test_an_empty_log_fails(self):
        self.assertEqual(count().returncode, 1)


if __name__ == "__main__":
    keel_testing.main()
