"""The release binary is fully static (no ELF interpreter, no dynamic section, no DT_NEEDED), holds
no path of the machine that built it, and its own heap (cli/static_runtime/heap.cpp) does what it
is linked for: no memory-mapping system call while keel starts PROGRAM or probes."""

import os
import re
import subprocess
import time
import unittest

import health_servers
import keel_testing

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def readelf(*flags):
    return subprocess.run(["readelf", "--wide", *flags, keel_testing.KEEL], capture_output=True,
                          text=True, check=True).stdout


class Static(unittest.TestCase):
    def test_no_interpreter(self):
        self.assertNotIn("INTERP", readelf("--program-headers"))

    def test_no_dynamic_section(self):
        self.assertIn("There is no dynamic section", readelf("--dynamic"))
        self.assertNotIn("NEEDED", readelf("--dynamic"))

    def test_file_says_static(self):
        out = subprocess.run(["file", "-L", keel_testing.KEEL], capture_output=True, text=True).stdout
        self.assertIn("statically linked", out)

    def test_no_path_of_the_build_machine(self):
        # The reproducibility suite compares two builds that share one OpenSSL, so it could not see
        # OpenSSL's own record of its build (the Zig wrapper's path in KEEL_CACHE_DIR, a temporary
        # build tree, the time of the build): keel differed with every OpenSSL cache.
        data = open(keel_testing.KEEL, "rb").read()
        cache = os.environ.get("KEEL_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "keel")
        for path in (ROOT, os.path.realpath(ROOT), cache, os.path.realpath(cache), "/tmp/tmp."):
            with self.subTest(path=path):
                self.assertTrue(path.encode() not in data, f"{path} is in {keel_testing.KEEL}")
        built = re.search(rb"built on: ([^\0]*)", data)
        if built:  # OpenSSL's build date: the pinned source's, never the day of the build
            self.assertNotIn(time.strftime("%b %e").encode(), built.group(1))


def memory_calls(*args):
    return keel_testing.memory_calls(keel_testing.KEEL, *args, runner=keel_testing.RUNNER)


# Registered without this class in a KEEL_OWN_HEAP=OFF build (tests/CMakeLists.txt). bench/build_tricks.py
# counts the same calls, and the start-up time, against mallocng in one run.
class OwnHeap(unittest.TestCase):
    def test_starting_program_maps_no_memory(self):
        for args in (["--", "/bin/true"], ["-u", "nobody", "--", "/bin/true"],
                     ["--require", "none", "--log-level", "debug", "--", "/bin/true"]):
            with self.subTest(args=args):
                self.assertEqual(memory_calls(*args), [])

    def test_an_http_probe_maps_no_memory(self):
        with health_servers.Server(health_servers.answer(health_servers.response(body=b"ok"))) as server:
            self.assertEqual(memory_calls("healthcheck", server.url()), [])


if __name__ == "__main__":
    keel_testing.main()
