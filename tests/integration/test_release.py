"""scripts/release: the files a user downloads (binaries by Docker's arch names, SBOMs, notices,
checksums), packaged from the presets' binaries already built (the release-aarch64 preset runs
this, after release and lean)."""

import json
import os
import subprocess
import tempfile
import unittest

import keel_testing

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARIES = {"keel-linux-amd64": ("release", True), "keel-linux-arm64": ("release-aarch64", True),
            "keel-lean-linux-amd64": ("lean", False)}


def package(out):
    result = subprocess.run([os.path.join(ROOT, "scripts", "release"), "--no-build", "--out", out],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"scripts/release failed: {result.stderr}")


class Release(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dist = os.path.join(cls.tmp.name, "dist")
        package(cls.dist)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def version_of(self, name):
        runner = keel_testing.RUNNER if name.endswith("arm64") else []
        result = subprocess.run([*runner, os.path.join(self.dist, name), "version", "--format", "json"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_checksums_cover_every_file_and_verify(self):
        listed = [line.split()[1] for line in open(os.path.join(self.dist, "SHA256SUMS"))]
        self.assertEqual(sorted(listed), sorted(n for n in os.listdir(self.dist) if n != "SHA256SUMS"))
        self.assertEqual(subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=self.dist).returncode, 0)

    def test_binaries_are_the_presets_static_stripped_builds(self):
        for name, (preset, _) in BINARIES.items():
            with self.subTest(name=name):
                path = os.path.join(self.dist, name)
                self.assertEqual(open(path, "rb").read(), open(os.path.join(ROOT, "build", preset, "cli", "keel"), "rb").read())
                self.assertEqual(os.stat(path).st_mode & 0o777, 0o755)
                described = subprocess.run(["file", path], capture_output=True, text=True).stdout
                self.assertIn("statically linked", described)
                self.assertIn("stripped", described)
                self.assertIn("x86-64" if "amd64" in name else "aarch64", described)

    def test_each_sbom_names_what_the_binary_reports(self):
        for name, (_, tls) in BINARIES.items():
            with self.subTest(name=name):
                doc = json.load(open(os.path.join(self.dist, name + ".spdx.json")))
                self.assertEqual(doc["spdxVersion"], "SPDX-2.3")
                packages = {p["name"]: p for p in doc["packages"]}
                ids = {p["SPDXID"] for p in doc["packages"]}
                for relation in doc["relationships"]:
                    self.assertIn(relation["relatedSpdxElement"], ids | {"SPDXRef-DOCUMENT"})
                report = self.version_of(name)
                keel = packages["keel"]
                self.assertEqual(keel["versionInfo"], report["version"])
                digest = subprocess.run(["sha256sum", os.path.join(self.dist, name)], capture_output=True,
                                        text=True).stdout.split()[0]
                self.assertEqual(keel["checksums"][0]["checksumValue"], digest)
                libraries = report["libraries"]
                for component in ("boost", "cli11", "spdlog", "fmt", "libc++"):
                    self.assertEqual(packages[component]["versionInfo"], libraries[component], component)
                self.assertIn("musl", packages)
                if tls:
                    openssl = packages["openssl"]
                    self.assertEqual(openssl["versionInfo"], libraries["openssl"])
                    refs = {r["referenceType"]: r["referenceLocator"] for r in openssl["externalRefs"]}
                    self.assertEqual(refs["cpe23Type"], f"cpe:2.3:a:openssl:openssl:{libraries['openssl']}:*:*:*:*:*:*:*")
                    self.assertRegex(openssl["checksums"][0]["checksumValue"], r"^[0-9a-f]{64}$")
                    self.assertEqual(packages["nghttp2"]["versionInfo"], libraries["nghttp2"])
                else:
                    self.assertNotIn("openssl", packages)
                    self.assertNotIn("openssl", libraries)
                    self.assertNotIn("nghttp2", packages)
                    self.assertNotIn("nghttp2", libraries)

    def test_each_sbom_names_every_archive_the_link_took_code_from(self):
        # build/PRESET/cli/keel.inputs: the archives and objects the linker map shows sections from
        # (cmake/link-inputs-launcher). What LTO compiled (keel's own code, and libc++ and libc++abi,
        # which Zig's toolchain builds as bitcode) shows as one object in the build directory,
        # cli/keel.lto.o; what the map cannot show, the SBOM test above checks against the binary's
        # own version report.
        owner = {"libssl.a": "openssl", "libcrypto.a": "openssl", "libc.a": "musl", "crt1.o": "musl",
                 "crti.o": "musl", "crtn.o": "musl", "rcrt1.o": "musl", "Scrt1.o": "musl", "libc++.a": "libc++",
                 "libc++abi.a": "libc++abi", "libunwind.a": "libunwind", "libcompiler_rt.a": "zig-compiler-rt"}
        for name, (preset, _) in BINARIES.items():
            with self.subTest(name=name):
                doc = json.load(open(os.path.join(self.dist, name + ".spdx.json")))
                linked = {p["name"] for p in doc["packages"]
                          if any(r["relatedSpdxElement"] == p["SPDXID"] and r["relationshipType"] == "STATIC_LINK"
                                 for r in doc["relationships"])}
                inputs = open(os.path.join(ROOT, "build", preset, "cli", "keel.inputs")).read().split()
                self.assertTrue(inputs, "keel.inputs is empty")
                seen = set()
                for path in inputs:
                    base = os.path.basename(path)
                    if not os.path.isabs(path) or path.startswith(os.path.join(ROOT, "build")):
                        continue  # an object of the build directory: keel's own, or LTO's output
                    self.assertIn(base, owner, f"{path}: a link input no SBOM component accounts for")
                    seen.add(owner[base])
                self.assertLessEqual(seen, linked, f"linked but missing from the SBOM: {seen - linked}")
                self.assertIn("musl", seen)
                self.assertEqual("openssl" in seen, "openssl" in linked)

    def test_notices_hold_every_linked_license(self):
        text = open(os.path.join(self.dist, "THIRD-PARTY-NOTICES")).read()
        for needle in ("OpenSSL", "nghttp2", "Apache License", "Boost Software License", "BSD-3-clause", "Expat", "musl",
                       "LLVM Exceptions"):
            self.assertIn(needle, text)
        self.assertLess(len(text), 500_000)

    def test_packaging_twice_gives_the_same_files(self):
        with tempfile.TemporaryDirectory() as other:
            again = os.path.join(other, "dist")
            package(again)
            self.assertEqual(open(os.path.join(again, "SHA256SUMS")).read(),
                             open(os.path.join(self.dist, "SHA256SUMS")).read())


if __name__ == "__main__":
    keel_testing.main([])
