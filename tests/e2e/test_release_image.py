"""The release image, dist/keel-image.oci.tar, as users get it: its layout (an OCI index of linux/amd64
and linux/arm64 images holding only /keel and /licenses/, labelled, ENTRYPOINT ["/keel"],
reproducible), loaded into podman and run, copied into a Docker engine with skopeo (Docker 20.10
cannot `docker load` an OCI archive) and used the way Dockerfile.example shows: `COPY --from=keel:VERSION`,
and the TARGETARCH download checked against pinned checksums (from a local file server, with a busybox
image in alpine's place: offline, so no real mirror, TLS or alpine). Also `scripts/release --sign`
with a throwaway gpg key.

Run by the release-aarch64 preset (the last of the three builds the release packages): dist/ is
packaged here from the release, release-aarch64 and lean binaries already built."""

import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import keel_testing  # noqa: E402
import container_testing as ct  # noqa: E402

IMAGE_TAR = "keel-image.oci.tar"
ARCH_BINARY = {"amd64": "keel-linux-amd64", "arm64": "keel-linux-arm64"}
PRIVATE_DIR = "/tmp/keel-release-docker"
TMP = None
DIST = None
LAYOUT = None
REPORT = None        # `keel version --format json` of the amd64 binary
MEASURED = {}


def release(out, *extra, env=None):
    return subprocess.run([os.path.join(ct.ROOT, "scripts", "release"), "--no-build", "--out", out, *extra],
                          capture_output=True, text=True, timeout=600, env=env)


def commit_time():
    return int(subprocess.run(["git", "-C", ct.ROOT, "log", "-1", "--format=%ct"], capture_output=True, text=True,
                              timeout=30).stdout.strip())


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def dist_file(name):
    with open(os.path.join(DIST, name), "rb") as f:
        return f.read()


class Layout:
    """The archive's index, and per platform its manifest, config and layer members."""

    def __init__(self, path):
        with tarfile.open(path) as tar:
            self.members = tar.getmembers()
            self.files = {m.name: tar.extractfile(m).read() for m in self.members if m.isfile()}
        self.top = json.loads(self.files["index.json"])
        self.images = {}
        (entry,) = self.top["manifests"]
        self.index = self.blob_json(entry["digest"])
        for item in self.index["manifests"]:
            manifest = self.blob_json(item["digest"])
            config = self.blob_json(manifest["config"]["digest"])
            layers = [self.layer(layer["digest"]) for layer in manifest["layers"]]
            self.images[item["platform"]["architecture"]] = dict(platform=item["platform"], manifest=manifest,
                                                                 config=config, layers=layers)

    def blob(self, digest):
        data = self.files["blobs/sha256/" + digest.split(":", 1)[1]]
        assert sha256(data) == digest.split(":", 1)[1], f"blob {digest} does not match its digest"
        return data

    def blob_json(self, digest):
        return json.loads(self.blob(digest))

    def layer(self, digest):
        """{name: (TarInfo, bytes or None)} of one gzipped layer."""
        with tarfile.open(fileobj=io.BytesIO(self.blob(digest)), mode="r:gz") as tar:
            return {m.name.lstrip("./").rstrip("/"): (m, tar.extractfile(m).read() if m.isfile() else None)
                    for m in tar.getmembers()}


def setUpModule():
    global TMP, DIST, LAYOUT, REPORT
    TMP = tempfile.mkdtemp(prefix="keel-release-image-")
    DIST = os.path.join(TMP, "dist")
    start = time.monotonic()
    result = release(DIST)
    MEASURED["scripts/release --no-build (with the image)"] = f"{time.monotonic() - start:.1f} s"
    if result.returncode != 0:
        raise AssertionError(f"scripts/release failed: {result.stderr}")
    LAYOUT = Layout(os.path.join(DIST, IMAGE_TAR))
    report = subprocess.run([os.path.join(DIST, "keel-linux-amd64"), "version", "--format", "json"],
                            capture_output=True, text=True, timeout=30)
    REPORT = json.loads(report.stdout)


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)
    if MEASURED:
        sys.stderr.write("\nmeasured:\n" + "".join(f"  {k:<52} {v}\n" for k, v in sorted(MEASURED.items())))


class ImageLayout(unittest.TestCase):
    def test_archive_is_sorted_root_owned_and_dated_by_the_commit(self):
        names = [m.name for m in LAYOUT.members]
        self.assertEqual(names, sorted(names))
        self.assertIn("oci-layout", names)
        when = commit_time()
        for member in LAYOUT.members:
            self.assertEqual((member.mtime, member.uid, member.gid), (when, 0, 0), member.name)
        self.assertIn(IMAGE_TAR, dist_file("SHA256SUMS").decode())

    def test_index_holds_linux_amd64_and_arm64(self):
        self.assertEqual(self.index_media_type(), "application/vnd.oci.image.index.v1+json")
        self.assertEqual(sorted((i["platform"]["os"], a) for a, i in LAYOUT.images.items()),
                         [("linux", "amd64"), ("linux", "arm64")])

    def index_media_type(self):
        return LAYOUT.top["manifests"][0]["mediaType"]

    def test_each_image_holds_only_keel_and_licenses(self):
        for arch, image in LAYOUT.images.items():
            with self.subTest(arch=arch):
                (layer,) = image["layers"]
                self.assertEqual(sorted(layer), ["keel", "licenses", "licenses/LICENSE", "licenses/THIRD-PARTY-NOTICES"])
                info, data = layer["keel"]
                self.assertEqual((info.mode & 0o7777, info.uid, info.gid), (0o755, 0, 0))
                self.assertEqual(sha256(data), sha256(dist_file(ARCH_BINARY[arch])))
                for name in ("LICENSE", "THIRD-PARTY-NOTICES"):
                    info, data = layer["licenses/" + name]
                    self.assertEqual((info.mode & 0o7777, info.uid), (0o644, 0))
                    self.assertEqual(data, dist_file(name))

    def test_configs_say_their_platform_entrypoint_and_labels(self):
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(commit_time()))
        sbom = json.loads(dist_file("keel-linux-amd64.spdx.json"))
        for arch, image in LAYOUT.images.items():
            with self.subTest(arch=arch):
                config = image["config"]
                self.assertEqual((config["architecture"], config["os"]), (arch, "linux"))
                self.assertEqual(config["config"]["Entrypoint"], ["/keel"])
                self.assertNotIn("Cmd", config["config"])
                self.assertEqual(config["created"], created)
                labels = config["config"]["Labels"]
                prefix = "org.opencontainers.image."
                self.assertEqual(labels[prefix + "version"], REPORT["version"])
                self.assertEqual(labels[prefix + "revision"], REPORT["commit"])
                self.assertEqual(labels[prefix + "created"], created)
                self.assertTrue(labels[prefix + "source"].startswith("https://"))
                for package in sbom["packages"]:
                    if package["primaryPackagePurpose"] != "APPLICATION" or package["name"] == "keel":
                        self.assertIn(package["licenseDeclared"], labels[prefix + "licenses"], package["name"])

    def test_arm64_images_keel_runs_under_qemu(self):
        if not keel_testing.RUNNER:
            self.fail("no --emulator: this suite runs in the release-aarch64 preset, with qemu")
        (layer,) = LAYOUT.images["arm64"]["layers"]
        path = os.path.join(TMP, "keel-from-arm64-image")
        with open(path, "wb") as f:
            f.write(layer["keel"][1])
        os.chmod(path, 0o755)
        result = subprocess.run([*keel_testing.RUNNER, path, "version", "--format", "json"], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertIn("aarch64", report["target"])
        self.assertEqual(report["commit"], REPORT["commit"])


class Podman(unittest.TestCase):
    """podman load of the archive (private vfs storage, runc): podman takes the amd64 image here."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("podman") is None:
            raise AssertionError("podman is not installed (scripts/setup installs it)")
        cls.root = tempfile.mkdtemp(prefix="keel-release-podman-")
        cls.base = ct.private_podman(cls.root)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(cls.base + ["rm", "-af", "-t", "0"], capture_output=True, timeout=120)
        subprocess.run(cls.base + ["rmi", "-af"], capture_output=True, timeout=120)
        shutil.rmtree(cls.root, ignore_errors=True)

    def podman(self, *args, timeout=120):
        result = subprocess.run(self.base + list(args), capture_output=True, text=True, timeout=timeout)
        self.assertEqual(result.returncode, 0, f"podman {' '.join(args)}: {result.stderr}")
        return result.stdout.strip()

    def test_podman_loads_the_archive_and_runs_keel(self):
        loaded = self.podman("load", "-i", os.path.join(DIST, IMAGE_TAR))
        match = re.search(r"Loaded image(?:\(s\))?: (\S+)", loaded)
        self.assertTrue(match, loaded)
        image = match.group(1)
        self.assertEqual(self.podman("image", "inspect", "-f", "{{.Architecture}}", image), "amd64")
        output = self.podman("run", "--rm", "--network=none", *ct.podman_ulimit_options(), image, "version", "--format", "json")
        self.assertEqual(json.loads(output)["commit"], REPORT["commit"])


class FileServer:
    """dist/ over HTTP on 127.0.0.1 (a thread), what a user's mirror of the release files would be."""

    def __init__(self, directory):
        handler = lambda *a, **k: QuietHandler(*a, directory=directory, **k)  # noqa: E731
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


FETCH_IMAGE = "keel-release-test-fetch:busybox"   # alpine's stand-in: busybox's sh, wget, sha256sum
BUSYBOX_APPLETS = ("sh", "wget", "sha256sum", "chmod", "tr", "echo", "[")


class Docker(unittest.TestCase):
    """skopeo copies the archive into a private Docker engine as keel:VERSION; Dockerfile.example is
    built both ways and the keel it holds is compared with the release binary."""

    @classmethod
    def setUpClass(cls):
        cls.engine = ct.start_engine("--no-install", "--dir", PRIVATE_DIR, reuse_default=False)
        cls.images = []
        cls.tag = f"keel:{REPORT['version']}"
        start = time.monotonic()
        copied = subprocess.run(["skopeo", "copy", "--quiet", "--dest-daemon-host", cls.engine.host,
                                 f"oci-archive:{os.path.join(DIST, IMAGE_TAR)}", f"docker-daemon:{cls.tag}"],
                                capture_output=True, text=True, timeout=300)
        MEASURED["skopeo copy into docker-daemon:"] = f"{time.monotonic() - start:.1f} s"
        if copied.returncode != 0:
            raise AssertionError(f"skopeo copy into the Docker engine failed: {copied.stderr}")
        cls.images.append(cls.tag)
        cls.app = ct.build_app(keel_testing.OPTIONS.app_target_dir)
        cls.context = ct.make_context(os.path.join(DIST, "keel-linux-amd64"), cls.app)
        fetch = os.path.join(cls.context, "fetch")
        os.makedirs(os.path.join(fetch, "bin"))
        shutil.copy("/bin/busybox", os.path.join(fetch, "bin", "busybox"))
        for applet in BUSYBOX_APPLETS:
            os.symlink("busybox", os.path.join(fetch, "bin", applet))
        ct.write_dockerfile(fetch, "Dockerfile", 'FROM scratch\nCOPY bin/ /bin/\nENV PATH=/bin\n')
        cls.engine.docker("build", "-q", "--label", ct.LABEL, "-t", FETCH_IMAGE, fetch, timeout=120)
        cls.images.append(FETCH_IMAGE)

    @classmethod
    def tearDownClass(cls):
        cls.engine.sweep(cls.images)
        cls.engine.stop()
        shutil.rmtree(cls.context, ignore_errors=True)

    def build(self, name, *args, check=True):
        tag = f"keel-release-test-{name}:{os.getpid()}"
        result = self.engine.docker("build", "-q", "--label", ct.LABEL, "-t", tag, "--build-arg", "APP_FROM=app-prebuilt",
                                    "--build-arg", "FILES_FROM=files-prebuilt", *args, self.context, timeout=300,
                                    check=check)
        if result.returncode == 0:
            self.images.append(tag)
        return tag, result

    def keel_in(self, image):
        """The bytes of /keel in an image (docker create + docker cp: no container runs)."""
        container = self.engine.docker("create", "--label", ct.LABEL, image).stdout.strip()
        try:
            copied = self.engine.docker("cp", f"{container}:/keel", "-", timeout=60, input=b"")
        finally:
            self.engine.remove(container)
        with tarfile.open(fileobj=io.BytesIO(copied.stdout)) as tar:
            return tar.extractfile("keel").read()

    def test_copy_from_the_release_image(self):
        # Dockerfile.example's default: KEEL_FROM=keel-image, FROM keel:VERSION, COPY --from.
        image, _ = self.build("image")
        self.assertEqual(sha256(self.keel_in(image)), sha256(dist_file("keel-linux-amd64")))
        container = self.engine.run(image, test=self)
        pid = self.engine.pid(container)
        keel = ct.wait_for(lambda: ct.proc_status(pid), 10, "keel's /proc entry")
        self.assertEqual((keel["Name"], ct.namespace_pid(keel)), ("keel", 1))
        self.engine.wait_log(container, "app: listening")
        probe = self.engine.docker("exec", container, "/keel", "healthcheck", "http://127.0.0.1:8080/health",
                                   check=False)
        self.assertEqual(probe.returncode, 0, probe.stdout + probe.stderr)
        self.assertTrue(probe.stdout.startswith("healthy: 200"), probe.stdout)
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED["docker stop: the COPY --from image"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)
        self.assertEqual(self.engine.exit_code(container), 0)

    def download_args(self, server, sums):
        return ("--network=host", "--build-arg", "KEEL_FROM=keel-download", "--build-arg", f"ALPINE_IMAGE={FETCH_IMAGE}",
                "--build-arg", f"KEEL_RELEASE_URL={server.url}",
                "--build-arg", f"KEEL_SHA256_AMD64={sums['keel-linux-amd64']}",
                "--build-arg", f"KEEL_SHA256_ARM64={sums['keel-linux-arm64']}")

    def release_sums(self):
        return {name: digest for digest, name in (line.split() for line in dist_file("SHA256SUMS").decode().splitlines())}

    def test_download_for_each_target_arch_checks_the_pinned_checksum(self):
        server = FileServer(DIST)
        self.addCleanup(server.close)
        for arch in ("amd64", "arm64"):
            with self.subTest(arch=arch):
                image, _ = self.build(f"download-{arch}", "--platform", f"linux/{arch}",
                                      *self.download_args(server, self.release_sums()))
                self.assertEqual(sha256(self.keel_in(image)), sha256(dist_file(ARCH_BINARY[arch])))
                self.assertEqual(self.engine.docker("image", "inspect", "-f", "{{.Architecture}}", image).stdout.strip(),
                                 arch)

    def test_download_with_a_wrong_checksum_fails_the_build(self):
        server = FileServer(DIST)
        self.addCleanup(server.close)
        sums = dict(self.release_sums(), **{"keel-linux-amd64": "0" * 64})
        _, result = self.build("bad-sum", "--platform", "linux/amd64", *self.download_args(server, sums), check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("FAILED", result.stderr)

    def test_download_without_a_pinned_checksum_says_what_to_set(self):
        _, result = self.build("no-sum", "--platform", "linux/amd64", "--network=host", "--build-arg",
                               "KEEL_FROM=keel-download", "--build-arg", f"ALPINE_IMAGE={FETCH_IMAGE}", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("KEEL_SHA256_AMD64", result.stderr)


class Signing(unittest.TestCase):
    """scripts/release --sign KEY with a throwaway key in a private GNUPGHOME."""

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="keel-release-gpg-")
        os.chmod(cls.home, 0o700)
        cls.env = dict(os.environ, GNUPGHOME=cls.home)
        made = subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "keel release test <test@keel.invalid>",
                               "ed25519", "sign", "never"], capture_output=True, text=True, env=cls.env, timeout=120)
        if made.returncode != 0:
            raise AssertionError(f"gpg could not make a test key: {made.stderr}")
        listing = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], capture_output=True, text=True,
                                 env=cls.env, timeout=60).stdout
        cls.key = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["gpgconf", "--kill", "all"], env=cls.env, capture_output=True, timeout=60)
        shutil.rmtree(cls.home, ignore_errors=True)

    def verify(self, directory):
        return subprocess.run(["gpg", "--batch", "--verify", "SHA256SUMS.asc", "SHA256SUMS"], cwd=directory,
                              capture_output=True, text=True, env=self.env, timeout=60)

    def test_signature_verifies_and_catches_a_changed_checksum(self):
        out = os.path.join(TMP, "signed")
        result = release(out, "--sign", self.key, env=self.env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(open(os.path.join(out, "SHA256SUMS")).read(), dist_file("SHA256SUMS").decode())
        verified = self.verify(out)
        self.assertEqual(verified.returncode, 0, verified.stderr)
        self.assertIn("Good signature", verified.stderr)
        with open(os.path.join(out, "SHA256SUMS"), "a") as f:
            f.write("0" * 64 + "  extra\n")
        self.assertNotEqual(self.verify(out).returncode, 0)

    def test_unknown_key_is_one_line_exit_1(self):
        result = release(os.path.join(TMP, "unsigned"), "--sign", "0000000000000000DEADBEEF", env=self.env)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"--sign 0000000000000000DEADBEEF: no such secret key")


if __name__ == "__main__":
    keel_testing.main(extra_args=[
        ("--app-target-dir", dict(default=os.path.join(ct.ROOT, "build", "e2e-app"),
                                  help="CARGO_TARGET_DIR for examples/app (shared with the e2e suite)")),
    ])
