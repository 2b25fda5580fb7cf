"""The release binary is fully static (no ELF interpreter, no dynamic section, no DT_NEEDED), and its
start-up code is grouped at the front (cmake/hot-text.ld)."""

import os
import re
import subprocess
import time
import unittest

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

    def test_start_up_code_comes_first(self):
        if keel_testing.OPTIONS.hot_text != "1":
            self.skipTest("built with KEEL_HOT_TEXT=OFF")
        sections = {}
        for line in readelf("--section-headers").splitlines():
            fields = line.replace("[ ", "[").split()
            if len(fields) > 6 and re.fullmatch(r"\[\d+\]", fields[0]):
                sections[fields[1]] = (int(fields[3], 16), int(fields[5], 16))
        self.assertIn(".text.keel_hot", sections)
        hot_address, hot_size = sections[".text.keel_hot"]
        self.assertLess(hot_address, sections[".text"][0])
        # Start files, musl's assembly and static initialisers alone are a few KiB; tens of KiB
        # mean the listed function names still match this build's sections.
        self.assertGreater(hot_size, 48 * 1024)


if __name__ == "__main__":
    keel_testing.main([("--hot-text", {"default": "0"})])
