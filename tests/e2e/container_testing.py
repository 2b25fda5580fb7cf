"""Helpers for keel's container tests: a Docker engine (reused or started by scripts/start-docker),
bounded docker calls, the example app built static, build contexts, and host /proc readings of the
processes in a container's PID namespace."""

import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
START_DOCKER = os.path.join(ROOT, "scripts", "start-docker")
APP_SOURCE = os.path.join(ROOT, "examples", "app")
DOCKERFILE_EXAMPLE = os.path.join(ROOT, "Dockerfile.example")
LABEL = "keel-e2e"  # every container and image the suite makes carries it, for the final sweep


def docker_client():
    """The client shipped with Debian's docker.io (it matches its daemon and has BuildKit built in);
    a newer docker CLI without the buildx plugin refuses DOCKER_BUILDKIT=1."""
    if os.access("/usr/bin/docker", os.X_OK):
        return "/usr/bin/docker"
    return shutil.which("docker")


def wait_for(predicate, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Engine:
    """One Docker engine: DOCKER_HOST plus the private directory when this suite started it."""

    def __init__(self, host, started_dir=None):
        self.host = host
        self.started_dir = started_dir
        self.client = docker_client()

    def docker(self, *args, timeout=60, check=True, input=None):
        env = dict(os.environ, DOCKER_HOST=self.host, DOCKER_BUILDKIT="1")
        result = subprocess.run([self.client, *args], capture_output=True, text=input is None or isinstance(input, str),
                                input=input, env=env, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result

    def answers(self):
        try:
            return self.docker("info", "--format", "{{.ServerVersion}}", timeout=15, check=False).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def info(self, field):
        return self.docker("info", "--format", "{{" + field + "}}", timeout=15).stdout.strip()

    def stop(self):
        if self.started_dir:
            subprocess.run([START_DOCKER, "--stop", self.started_dir], capture_output=True, text=True, timeout=120)
            self.started_dir = None

    # Containers

    def run(self, image, *command, options=(), test=None):
        """docker run -d --network=none; returns the container id (removed at the test's end)."""
        result = self.docker("run", "-d", "--network=none", "--label", LABEL, *options, image, *command, timeout=60)
        container = result.stdout.strip()
        if test is not None:
            test.addCleanup(self.remove, container)
        return container

    def remove(self, container):
        self.docker("rm", "-f", "-v", container, timeout=60, check=False)

    def inspect(self, container, template):
        return self.docker("inspect", "-f", template, container, timeout=20).stdout.strip()

    def pid(self, container):
        """The host pid of the container's PID 1."""
        return int(self.inspect(container, "{{.State.Pid}}"))

    def logs(self, container):
        result = self.docker("logs", container, timeout=20, check=False)
        return result.stdout + result.stderr

    def wait_log(self, container, needle, timeout=15):
        wait_for(lambda: needle in self.logs(container), timeout, f"{needle!r} in docker logs")

    def exit_code(self, container, timeout=30):
        return int(self.docker("wait", container, timeout=timeout).stdout.strip())

    def timed_stop(self, container, grace):
        start = time.monotonic()
        self.docker("stop", "-t", str(grace), container, timeout=grace + 60)
        return time.monotonic() - start

    def sweep(self, images):
        """Removes every container the suite labelled and the given images."""
        ids = self.docker("ps", "-aq", "--filter", f"label={LABEL}", timeout=30, check=False).stdout.split()
        if ids:
            self.docker("rm", "-f", "-v", *ids, timeout=120, check=False)
        if images:
            self.docker("rmi", "-f", *images, timeout=120, check=False)


def start_engine(*start_args, reuse_default=True):
    """An engine for the suite: the one DOCKER_HOST (or the default socket) reaches, else a private
    daemon from scripts/start-docker. Raises SkipTest, with the reason, when none can run."""
    if reuse_default and docker_client() is not None:
        existing = Engine(os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"))
        if existing.answers():
            return existing
    try:
        result = subprocess.run([START_DOCKER, *start_args], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        raise unittest.SkipTest("scripts/start-docker did not finish within 900 s")
    match = re.search(r"^export DOCKER_HOST=(\S+)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        tail = " | ".join(result.stderr.strip().splitlines()[-5:])
        raise unittest.SkipTest(f"no Docker engine could start here: scripts/start-docker exited "
                                f"{result.returncode}: {tail}")
    directory = start_args[start_args.index("--dir") + 1] if "--dir" in start_args else None
    engine = Engine(match.group(1), started_dir=directory)
    if not engine.answers():
        engine.stop()
        raise unittest.SkipTest(f"the engine at {engine.host} does not answer")
    return engine


# The example app

def cargo():
    return shutil.which("cargo") or next(
        (path for path in [os.path.expanduser("~/.cargo/bin/cargo")] if os.access(path, os.X_OK)), None)


def is_static(path):
    output = subprocess.run(["file", "-L", path], capture_output=True, text=True, timeout=30).stdout
    return "statically linked" in output, output.strip()


def build_app(target_dir):
    """Builds examples/app as a static glibc binary (Rust's gnu target with crt-static; non-PIE so
    `file` says "statically linked"). Returns its path; SkipTest without cargo."""
    tool = cargo()
    if tool is None:
        raise unittest.SkipTest("no cargo to build examples/app (apt-get install cargo)")
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir,
               RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static")
    result = subprocess.run([tool, "build", "--release", "--locked", "--quiet"], cwd=APP_SOURCE, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise AssertionError(f"cargo build of examples/app failed:\n{result.stderr}")
    app = os.path.join(target_dir, "release", "app")
    static, description = is_static(app)
    if not static:
        raise AssertionError(f"examples/app is not static: {description}")
    return app


# Build contexts

PASSWD = "root:x:0:0:root:/root:/sbin/nologin\nappuser:x:10000:10000:appuser:/:/sbin/nologin\n"
GROUP = "root:x:0:\nappuser:x:10000:\n"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def make_context(keel, app):
    """A temporary build context for Dockerfile.example's *-prebuilt stages: prebuilt/app,
    prebuilt/keel and prebuilt/rootfs (passwd, group, the host's CA bundle and zoneinfo)."""
    context = tempfile.mkdtemp(prefix="keel-e2e-context-")
    prebuilt = os.path.join(context, "prebuilt")
    rootfs = os.path.join(prebuilt, "rootfs")
    os.makedirs(os.path.join(rootfs, "etc", "ssl", "certs"))
    os.makedirs(os.path.join(rootfs, "usr", "share"))
    shutil.copy(app, os.path.join(prebuilt, "app"))
    shutil.copy(keel, os.path.join(prebuilt, "keel"))
    with open(os.path.join(rootfs, "etc", "passwd"), "w") as f:
        f.write(PASSWD)
    with open(os.path.join(rootfs, "etc", "group"), "w") as f:
        f.write(GROUP)
    shutil.copy(CA_BUNDLE, os.path.join(rootfs, CA_BUNDLE.lstrip("/")))
    shutil.copytree("/usr/share/zoneinfo", os.path.join(rootfs, "usr", "share", "zoneinfo"), symlinks=True)
    shutil.copy(DOCKERFILE_EXAMPLE, os.path.join(context, "Dockerfile"))
    return context


def write_dockerfile(context, name, text):
    path = os.path.join(context, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# Podman

def podman_ulimits():
    """(nofile, nproc) for podman's containers: podman asks for nofile 1048576 (and nproc up to 32768)
    on its own, and without CAP_SYS_RESOURCE runc cannot raise them above this process's hard
    limits, so ask for those."""
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1], min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 32768)


def private_podman(root):
    """podman's argv prefix for storage of its own under `root` (vfs, no systemd, runc): the tests
    neither read nor leave images in the machine's storage."""
    return ["podman", "--root", f"{root}/storage", "--runroot", f"{root}/run", "--tmpdir", f"{root}/tmp",
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file",
            "--runtime", shutil.which("runc") or "runc"]


def podman_ulimit_options():
    nofile, nproc = podman_ulimits()
    return ("--ulimit", f"nofile={nofile}:{nofile}", "--ulimit", f"nproc={nproc}:{nproc}")


# Host /proc readings (the engine runs on this host, so container processes are visible here)

def proc_status(pid):
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields


def pid_namespace(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def namespace_processes(init_pid):
    """Status dicts (plus "Pid") of every host process in init_pid's PID namespace."""
    namespace = pid_namespace(init_pid)
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and pid_namespace(entry) == namespace:
            status = proc_status(entry)
            if status is not None:
                found.append(status)
    return found


def children_of(pid):
    return [s for s in namespace_processes(pid) if s.get("PPid") == str(pid)]


def zombies(init_pid):
    return [s for s in namespace_processes(init_pid) if s.get("State", "").startswith("Z")]


def namespace_pid(status):
    """The pid as seen inside the container: the last field of NSpid."""
    return int(status["NSpid"].split()[-1])
