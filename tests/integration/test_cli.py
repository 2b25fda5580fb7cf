"""The command line contract: --help, --version, subcommands, bad input, env vars."""

import json
import os
import unittest

import keel_testing
from keel_testing import run_keel


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEEL_")}
    env.update(extra)
    return env


class Version(unittest.TestCase):
    def check_report(self, out):
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^keel \d+\.\d+\.\d+$")
        self.assertIn(f"target: {keel_testing.OPTIONS.target}", lines)
        self.assertTrue(any(line.startswith("build: ") for line in lines), out)
        tls = [line for line in lines if line.startswith("TLS: ")]
        self.assertEqual(len(tls), 1, out)
        if keel_testing.OPTIONS.tls == "1":
            self.assertRegex(tls[0], r"^TLS: OpenSSL 3\.")
        else:
            self.assertEqual(tls[0], "TLS: off")

    def test_version_flag(self):
        result = run_keel("--version", env=clean_env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_report(result.stdout)

    def test_version_subcommand(self):
        result = run_keel("version", env=clean_env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_report(result.stdout)

    def test_version_as_json(self):
        result = run_keel("version", "--format", "json", env=clean_env())
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        text = run_keel("version", env=clean_env()).stdout
        self.assertIn(f"keel {report['version']}\n", text)
        self.assertIn(f"target: {report['target']}\n", text)
        self.assertRegex(report["commit"], r"^([0-9a-f]{40}|unknown)$")
        for name in ("boost", "cli11", "spdlog", "fmt"):
            self.assertRegex(report["libraries"][name], r"^\d+\.\d+\.\d+$", name)
        if report["tls"] == "off":
            self.assertNotIn("openssl", report["libraries"])
        else:
            self.assertIn(f"OpenSSL {report['libraries']['openssl']}", report["tls"])
        # gRPC (nghttp2) is in every build with TLS and in none without (CMakePresets.json).
        if report["grpc"] == "off":
            self.assertNotIn("nghttp2", report["libraries"])
        else:
            self.assertEqual(report["grpc"], f"nghttp2 {report['libraries']['nghttp2']}")
            self.assertRegex(report["libraries"]["nghttp2"], r"^\d+\.\d+\.\d+$")
        self.assertIn(f"gRPC: {report['grpc']}\n", text)
        bad = run_keel("version", "--format", "xml", env=clean_env())
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--format: xml not in {text,json}", bad.stderr)


class Help(unittest.TestCase):
    def test_help_lists_subcommands_env_names_and_exit_codes(self):
        result = run_keel("--help", env=clean_env())
        self.assertEqual(result.returncode, 0)
        for word in ("healthcheck", "check", "version", "PROGRAM", "--log-level", "KEEL_LOG_LEVEL",
                     "KEEL_LOG_FORMAT", "Exit codes", "128+N"):
            self.assertIn(word, result.stdout)

    def test_subcommand_help(self):
        result = run_keel("healthcheck", "--help", env=clean_env())
        self.assertEqual(result.returncode, 0)
        self.assertIn("healthcheck", result.stdout)


class Logging(unittest.TestCase):
    def test_json_lines(self):
        import json
        result = run_keel("--log-format", "json", "--log-level", "debug", "--", "true", env=clean_env())
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stderr.splitlines()
        self.assertGreaterEqual(len(lines), 2, result.stderr)
        for line in lines:
            record = json.loads(line)
            self.assertEqual(set(record), {"time", "level", "msg"})
        self.assertTrue(any("exited with code 0" in json.loads(line)["msg"] for line in lines))

    def test_default_level_is_quiet(self):
        if keel_testing.RUNNER and not keel_testing.under_valgrind():
            self.skipTest("qemu-user lacks PR_SET_CHILD_SUBREAPER, so keel rightly warns there")
        result = run_keel("--", "true", env=clean_env())
        self.assertEqual((result.returncode, result.stderr), (0, ""))


class BadInput(unittest.TestCase):
    def assert_usage_error(self, result, *needles):
        self.assertEqual(result.returncode, 2, result)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 2, result.stderr)
        self.assertTrue(lines[0].startswith("keel: "), lines[0])
        self.assertIn("--help", lines[1])
        for needle in needles:
            self.assertIn(needle, lines[0])
        self.assertEqual(result.stdout, "")

    def test_unknown_option(self):
        self.assert_usage_error(run_keel("--no-such-option", env=clean_env()), "--no-such-option")

    def test_unknown_option_after_subcommand(self):
        self.assert_usage_error(run_keel("version", "--bogus", env=clean_env()), "--bogus")

    def test_bad_option_value(self):
        self.assert_usage_error(run_keel("--log-level", "loud", "version", env=clean_env()), "loud")

    def test_malformed_env_value(self):
        self.assert_usage_error(run_keel("version", env=clean_env(KEEL_LOG_LEVEL="loud")), "loud",
                                "(from KEEL_LOG_LEVEL)")

    def test_malformed_env_value_with_no_option_on_the_command_line(self):
        # `keel -- PROGRAM` skips building the parser only while no KEEL_* variable is set.
        for args in (("--", "true"), ("true",)):
            with self.subTest(args=args):
                self.assert_usage_error(run_keel(*args, env=clean_env(KEEL_GRACE="soon")), "soon",
                                        "(from KEEL_GRACE)")

    def test_flag_wins_over_env(self):
        result = run_keel("--log-level", "debug", "version", env=clean_env(KEEL_LOG_LEVEL="loud"))
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_no_program(self):
        result = run_keel(env=clean_env())
        self.assertEqual(result.returncode, 2)
        self.assertIn("no PROGRAM", result.stderr)


if __name__ == "__main__":
    keel_testing.main([("--tls", {"default": "1"}), ("--target", {"required": True})])
