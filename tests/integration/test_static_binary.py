"""The release binary is fully static: no ELF interpreter, no dynamic section, no DT_NEEDED."""

import subprocess
import unittest

import keel_testing


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


if __name__ == "__main__":
    keel_testing.main()
