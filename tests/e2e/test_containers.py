"""keel end to end in real containers: the FROM scratch image of Dockerfile.example, built from local
files only (no registry), run with --network=none on a Docker engine (the one DOCKER_HOST reaches, or a
private dockerd from scripts/start-docker), compared with the same app as PID 1 without an init and
under Docker's own --init (tini), then keel as Docker's --init and under podman (runc).

The app takes its switches by signal, so no network is needed: SIGUSR1 toggles /health between 200
and 503, SIGUSR2 spawns $ORPHANS orphans (see examples/app). Container processes are read from the
host's /proc (scratch has no ps). Without an engine every case here is skipped with the reason."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import keel_testing  # noqa: E402
import container_testing as ct  # noqa: E402

APP = None          # the example app, static
CONTEXT = None      # build context with prebuilt/ for Dockerfile.example
ENGINE = None       # the Docker engine every class but KeelAsDockerInit and Podman uses
ENGINE_SKIP = None  # why there is none
IMAGES = {}         # role -> tag on ENGINE
MEASURED = {}       # what the summary prints at the end
TAG = f"keel-e2e-{os.getpid()}"
PRIVATE_DIR = "/tmp/keel-e2e-docker"
INIT_DIR = "/tmp/keel-e2e-docker-init"
# Health probing fast enough for a test: the image's own HEALTHCHECK says 10 s.
FAST_HEALTH = ("--health-interval=500ms", "--health-timeout=3s", "--health-retries=2", "--health-start-period=0s")

# Dockerfile.example's line a test image leaves out to show keel's preflight refusing the image.
CA_BUNDLE_LINE = "COPY --from=base /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
# Small images beside Dockerfile.example's, FROM scratch too.
DYNAMIC_DOCKERFILE = """FROM scratch
COPY prebuilt/rootfs/ /
COPY prebuilt/keel /keel
COPY dynamic-app /app
ENV TZ=UTC
ENTRYPOINT ["/keel", "--"]
CMD ["/app"]
"""
PLAIN_DOCKERFILE = """FROM scratch
COPY prebuilt/app /app
ENTRYPOINT ["/app"]
"""


def setUpModule():
    global APP, CONTEXT
    target_dir = keel_testing.OPTIONS.app_target_dir or os.path.join(ct.ROOT, "build", "e2e-app")
    APP = keel_testing.OPTIONS.app or ct.build_app(target_dir)
    CONTEXT = ct.make_context(keel_testing.KEEL, APP)
    shutil.copy("/bin/true", os.path.join(CONTEXT, "dynamic-app"))
    with open(ct.DOCKERFILE_EXAMPLE) as f:
        example = f.read()
    assert CA_BUNDLE_LINE in example, f"Dockerfile.example has no line {CA_BUNDLE_LINE!r}"
    ct.write_dockerfile(CONTEXT, "Dockerfile.no-ca", example.replace(CA_BUNDLE_LINE, ""))
    ct.write_dockerfile(CONTEXT, "Dockerfile.dynamic", DYNAMIC_DOCKERFILE)
    ct.write_dockerfile(CONTEXT, "Dockerfile.plain", PLAIN_DOCKERFILE)


def tearDownModule():
    if ENGINE is not None:
        ENGINE.sweep(list(IMAGES.values()))
        ENGINE.stop()
    if CONTEXT:
        shutil.rmtree(CONTEXT, ignore_errors=True)
    print_summary()


def print_summary():
    if ENGINE_SKIP:
        # One line CTest's SKIP_REGULAR_EXPRESSION can match: the container cases did not run.
        sys.stderr.write(f"\nSKIP: container tests: {ENGINE_SKIP}\n")
    if not MEASURED:
        return
    lines = ["", "measured (docker stop -t 10 unless said otherwise):"]
    for key in sorted(MEASURED):
        lines.append(f"  {key:<58} {MEASURED[key]}")
    sys.stderr.write("\n".join(lines) + "\n")


def build(engine, role, dockerfile, *args):
    tag = f"{TAG}-{role}"
    engine.docker("build", "-q", "-f", os.path.join(CONTEXT, dockerfile), "--label", ct.LABEL,
                  "-t", tag, *args, CONTEXT, timeout=300)
    return tag


def example_image_args():
    return ("--build-arg", "APP_FROM=app-prebuilt", "--build-arg", "KEEL_FROM=keel-prebuilt",
            "--build-arg", "FILES_FROM=files-prebuilt")


def engine():
    """The shared engine and its images, made on first use; SkipTest (with the reason) without one."""
    global ENGINE, ENGINE_SKIP
    if ENGINE_SKIP:
        raise unittest.SkipTest(ENGINE_SKIP)
    if ENGINE is None:
        try:
            ENGINE = ct.start_engine("--no-install", "--dir", PRIVATE_DIR)
        except unittest.SkipTest as skip:
            ENGINE_SKIP = str(skip)
            raise
        start = time.monotonic()
        IMAGES["example"] = build(ENGINE, "example", "Dockerfile", *example_image_args())
        IMAGES["no-ca"] = build(ENGINE, "no-ca", "Dockerfile.no-ca", *example_image_args())
        IMAGES["dynamic"] = build(ENGINE, "dynamic", "Dockerfile.dynamic")
        IMAGES["plain"] = build(ENGINE, "plain", "Dockerfile.plain")
        MEASURED["image builds (4, local context)"] = f"{time.monotonic() - start:.1f} s"
    if len(IMAGES) < 4:
        raise AssertionError(f"an image failed to build earlier; built: {sorted(IMAGES)}")
    return ENGINE


class AppOnHost(unittest.TestCase):
    """The example app's HTTP API, run directly on the host (no container needed)."""

    def setUp(self):
        self.process = subprocess.Popen([APP], env={"PORT": "0", "ORPHANS": "5"}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.addCleanup(self.stop)
        first = self.process.stdout.readline()  # "app: listening on 0.0.0.0:PORT (...)"
        match = re.match(r"app: listening on 0\.0\.0\.0:(\d+) ", first)
        self.assertTrue(match, f"the app did not start: {first!r}")
        self.port = int(match.group(1))

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)

    def status(self, method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, data=body)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def test_health_admin_and_tasks(self):
        self.assertEqual(self.status("GET", "/health"), 200)
        self.assertEqual(self.status("POST", "/admin/fail"), 200)
        self.assertEqual(self.status("GET", "/health"), 503)
        self.assertEqual(self.status("POST", "/admin/recover"), 200)
        self.assertEqual(self.status("GET", "/health"), 200)
        self.assertEqual(self.status("POST", "/api/tasks", b"write the e2e suite"), 201)
        self.assertEqual(self.status("GET", "/api/tasks"), 200)
        self.assertEqual(self.status("POST", "/admin/orphans?n=3"), 200)
        self.assertEqual(self.status("POST", "/admin/orphans?n=x"), 400)
        self.assertEqual(self.status("DELETE", "/health"), 405)
        self.assertEqual(self.status("GET", "/nope"), 404)

    def test_signals_are_logged_and_term_exits_0(self):
        self.process.send_signal(signal.SIGHUP)
        self.process.send_signal(signal.SIGUSR1)
        ct.wait_for(lambda: self.status("GET", "/health") == 503, 5, "SIGUSR1 to switch /health to 503")
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=10)
        self.assertEqual(self.process.returncode, 0, output)
        for line in ("received SIGHUP (1)", "received SIGUSR1 (10): failing=true", "received SIGTERM (15)"):
            self.assertIn(line, output)


class ContainerCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = engine()

    def start_app(self, image_role, *command, options=()):
        """Runs an image of the app and waits until it listens; returns (container, host pid of PID 1)."""
        container = self.engine.run(IMAGES[image_role], *command, options=options, test=self)
        self.engine.wait_log(container, "app: listening")
        pid = self.engine.pid(container)
        if ct.proc_status(pid) is None:
            self.skipTest(f"the engine's processes are not in this host's /proc (pid {pid})")
        return container, pid

    def app_process(self, init_pid):
        children = ct.children_of(init_pid)
        self.assertEqual([c["Name"] for c in children], ["app"], "PID 1 has exactly one child, the app")
        return children[0]

    def count_zombies_after_orphans(self, container, init_pid, expect_reaped):
        self.engine.docker("kill", "-s", "USR2", container, timeout=20)
        self.engine.wait_log(container, "app: orphans: spawned 200 (all forked)")
        if expect_reaped:
            ct.wait_for(lambda: not ct.zombies(init_pid), 10, "every orphan to be reaped")
            return 0
        # Nothing reaps them: give a would-be reaper time, then count.
        time.sleep(1)
        return len(ct.zombies(init_pid))

    def check_init_reaps_and_stops(self, container, init_pid, init_name):
        """An init in front of an app without a TERM handler: orphans reaped, docker stop prompt
        (the app dies of the forwarded SIGTERM: 143)."""
        self.assertEqual(self.count_zombies_after_orphans(container, init_pid, expect_reaped=True), 0)
        MEASURED[f"zombies after 200 orphans: {init_name}"] = 0
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED[f"stop: {init_name}, app without TERM handler"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)
        self.assertEqual(self.engine.exit_code(container), 128 + signal.SIGTERM)


class KeelInTheExampleImage(ContainerCase):
    """Dockerfile.example's image: ENTRYPOINT ["/keel", "-u", "appuser", "--"], CMD ["/app"]."""

    def test_keel_is_pid1_and_the_app_runs_as_uid_10000(self):
        _, pid = self.start_app("example")
        keel = ct.proc_status(pid)
        self.assertEqual(keel["Name"], "keel")
        self.assertEqual(ct.namespace_pid(keel), 1)
        app = self.app_process(pid)
        self.assertEqual(app["Uid"].split(), ["10000"] * 4)
        self.assertEqual(app["Gid"].split(), ["10000"] * 4)
        self.assertEqual(app["CapEff"], "0000000000000000")
        # keel dropped too: nothing in the container keeps root.
        self.assertEqual(keel["Uid"].split(), ["10000"] * 4)

    def test_health_goes_starting_healthy_unhealthy_healthy(self):
        container, _ = self.start_app("example", options=FAST_HEALTH)
        seen = []

        def reach(state, timeout=20):
            def current():
                status = self.engine.inspect(container, "{{.State.Health.Status}}")
                if not seen or seen[-1] != status:
                    seen.append(status)
                return status == state
            try:
                ct.wait_for(current, timeout, f"health {state!r}")
            except AssertionError:
                last = self.engine.inspect(container, "{{range .State.Health.Log}}{{.ExitCode}}: {{.Output}}|{{end}}")
                self.fail(f"health never became {state!r}; states seen {seen}; probe log: {last}")

        seen.append(self.engine.inspect(container, "{{.State.Health.Status}}"))
        self.assertEqual(seen[0], "starting")
        reach("healthy")
        self.engine.docker("kill", "-s", "USR1", container, timeout=20)  # the app answers 503 now
        reach("unhealthy")
        self.engine.docker("kill", "-s", "USR1", container, timeout=20)
        reach("healthy")
        self.assertEqual(seen, ["starting", "healthy", "unhealthy", "healthy"])

    def test_docker_stop_is_prompt_and_returns_the_app_status(self):
        container, _ = self.start_app("example")
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED["stop: keel, app handles TERM"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)
        self.assertEqual(self.engine.exit_code(container), 0)
        self.assertIn("received SIGTERM (15): exiting with 0", self.engine.logs(container))

    def test_app_without_term_handler_stops_promptly_with_143(self):
        container, _ = self.start_app("example", "/app", "--default-term")
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED["stop: keel, app without TERM handler"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)
        self.assertEqual(self.engine.exit_code(container), 128 + signal.SIGTERM)

    def test_app_ignoring_term_is_killed_after_the_stop_timeout(self):
        container, _ = self.start_app("example", "/app", "--ignore-term")
        elapsed = self.engine.timed_stop(container, 1)
        MEASURED["stop -t 1: keel, app ignores TERM"] = f"{elapsed:.2f} s"
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertIn("received SIGTERM (15): ignored", self.engine.logs(container))
        self.assertEqual(self.engine.exit_code(container), 128 + signal.SIGKILL)

    def test_200_orphans_leave_no_zombie(self):
        container, pid = self.start_app("example", options=("-e", "ORPHANS=200"))
        self.assertEqual(self.count_zombies_after_orphans(container, pid, expect_reaped=True), 0)
        MEASURED["zombies after 200 orphans: keel"] = 0
        self.assertEqual([c["Name"] for c in ct.children_of(pid)], ["app"])

    def test_hup_reaches_the_app(self):
        container, _ = self.start_app("example")
        self.engine.docker("kill", "-s", "HUP", container, timeout=20)
        self.engine.wait_log(container, "app: received SIGHUP (1)")
        self.assertTrue(self.engine.inspect(container, "{{.State.Running}}") == "true")

    def test_docker_wait_returns_the_app_exit_code(self):
        container, _ = self.start_app("example", "/app", "--exit-code", "7")
        self.engine.docker("kill", "-s", "TERM", container, timeout=20)
        self.assertEqual(self.engine.exit_code(container), 7)

    def test_killed_app_gives_128_plus_n(self):
        container, pid = self.start_app("example")
        os.kill(int(self.app_process(pid)["Pid"]), signal.SIGKILL)  # as the OOM killer would
        self.assertEqual(self.engine.exit_code(container), 128 + signal.SIGKILL)
        container, _ = self.start_app("example", "/app", "--default-term")
        self.engine.docker("kill", "-s", "TERM", container, timeout=20)
        self.assertEqual(self.engine.exit_code(container), 128 + signal.SIGTERM)


    def test_kubernetes_example_settings(self):
        # examples/kubernetes.yaml's container settings mapped onto docker run: uid 10000 from the
        # runtime (keel has nothing to drop), read-only root, no capabilities, no new privileges, /tmp
        # from a tmpfs (the emptyDir), the manifest's command and env (KEEL_REQUIRE with tmp).
        pod, container = kubernetes_example()
        pod_security, security = pod["securityContext"], container["securityContext"]
        user = pod_security["runAsUser"]
        options = ["--user", f"{user}:{pod_security.get('runAsGroup', user)}", "--entrypoint", container["command"][0]]
        if security.get("readOnlyRootFilesystem"):
            options.append("--read-only")
        for capability in security["capabilities"]["drop"]:
            options += ["--cap-drop", capability]
        if security.get("allowPrivilegeEscalation") is False:
            options += ["--security-opt", "no-new-privileges"]
        for mount in container.get("volumeMounts", []):
            options += ["--tmpfs", mount["mountPath"]]
        for item in container.get("env", []):
            options += ["-e", f"{item['name']}={item['value']}"]
        command = container["command"][1:] + container.get("args", [])
        running, pid = self.start_app("example", *command, options=options)
        keel = ct.proc_status(pid)
        self.assertEqual((keel["Name"], ct.namespace_pid(keel)), ("keel", 1))
        app = self.app_process(pid)
        for process in (keel, app):
            self.assertEqual(process["Uid"].split(), [str(user)] * 4)
            self.assertEqual(process["CapBnd"], "0000000000000000")
            self.assertEqual(process["NoNewPrivs"], "1")
        elapsed = self.engine.timed_stop(running, 10)
        MEASURED["stop: keel with the Kubernetes example's settings"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)
        self.assertEqual(self.engine.exit_code(running), 0)


class StartupAndShutdown(ContainerCase):
    """--file-env with a root-only secret mounted as Docker does, --stop-delay under docker stop,
    --wait for another container's port (sharing its network namespace), and keel sleep run with
    docker exec (a preStop hook's way), in the example image."""

    def test_root_only_secret_reaches_the_app_running_as_10000(self):
        secrets = tempfile.mkdtemp(prefix="keel-e2e-secret-")
        self.addCleanup(shutil.rmtree, secrets, True)
        path = os.path.join(secrets, "db_password")
        with open(path, "w") as f:
            f.write("pa55 w\u00f6rd\n")
        os.chmod(path, 0o400)  # root's alone, as a secret should be mounted
        options = ["-v", f"{path}:/run/secrets/db_password:ro", "-e", "DB_PASSWORD_FILE=/run/secrets/db_password",
                   "-e", "KEEL_FILE_ENV=DB_PASSWORD"]
        _, pid = self.start_app("example", options=options)
        app = self.app_process(pid)
        self.assertEqual(app["Uid"].split(), ["10000"] * 4)
        with open(f"/proc/{app['Pid']}/environ", "rb") as f:
            environment = dict(entry.split(b"=", 1) for entry in f.read().split(b"\0") if entry)
        self.assertEqual(environment[b"DB_PASSWORD"].decode(), "pa55 w\u00f6rd")
        self.assertNotIn(b"DB_PASSWORD_FILE", environment)

    def test_stop_delay_holds_docker_stops_sigterm(self):
        container, _ = self.start_app("example", options=["-e", "KEEL_STOP_DELAY=1s"])
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED["stop: keel --stop-delay 1s, app handles TERM"] = f"{elapsed:.2f} s"
        self.assertGreaterEqual(elapsed, 1.0)
        self.assertLess(elapsed, 3.0)
        self.assertEqual(self.engine.exit_code(container), 0)
        self.assertIn("app: received SIGTERM", self.engine.logs(container))

    def test_the_app_waits_for_a_port_in_another_container_and_starts_when_it_opens(self):
        # The dependency: a container holding a network namespace (keel sleep keeps it alive), in
        # which the app is started later with docker exec on port 8081.
        dependency = self.engine.run(IMAGES["example"], "sleep", "infinity", options=["--entrypoint", "/keel"],
                                     test=self)
        result = self.engine.docker("run", "-d", "--network", f"container:{dependency}", "--label", ct.LABEL,
                                    "-e", "KEEL_WAIT=http://127.0.0.1:8081/health", "-e", "KEEL_WAIT_TIMEOUT=60s",
                                    IMAGES["example"], timeout=60)
        app = result.stdout.strip()
        self.addCleanup(self.engine.remove, app)
        self.engine.wait_log(app, "waiting for http://127.0.0.1:8081/health")
        time.sleep(1.0)
        self.assertNotIn("app: listening", self.engine.logs(app), "the app started before its dependency was up")
        opened = time.monotonic()
        self.engine.docker("exec", "-d", "-e", "PORT=8081", dependency, "/app", timeout=30)
        self.engine.wait_log(app, "app: listening", timeout=15)
        MEASURED["--wait: dependency's app started to the waiting app listening"] = f"{time.monotonic() - opened:.2f} s"
        self.assertIn("http://127.0.0.1:8081/health is up after", self.engine.logs(app))

    def test_keel_sleep_as_a_prestop_hook_runs_it(self):
        container, _ = self.start_app("example")
        start = time.monotonic()
        result = self.engine.docker("exec", container, "/keel", "sleep", "0.3", check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreaterEqual(time.monotonic() - start, 0.3)


def kubernetes_example():
    """(pod spec, first container) of examples/kubernetes.yaml."""
    try:
        import yaml
    except ImportError:
        raise unittest.SkipTest("PyYAML is missing: apt-get install python3-yaml")
    with open(os.path.join(ct.ROOT, "examples", "kubernetes.yaml")) as f:
        pod = yaml.safe_load(f)["spec"]["template"]["spec"]
    return pod, pod["containers"][0]


class KeelRefusesABrokenImage(ContainerCase):
    def run_to_exit(self, image_role):
        container = self.engine.run(IMAGES[image_role], test=self)
        return self.engine.exit_code(container), self.engine.logs(container)

    def test_missing_ca_bundle_exits_1_naming_the_file_and_the_fix(self):
        code, logs = self.run_to_exit("no-ca")
        self.assertEqual(code, 1, logs)
        self.assertIn("keel: ca-certs: no CA certificates found", logs)
        self.assertIn("/etc/ssl/certs/ca-certificates.crt", logs)
        self.assertIn("fix: COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/", logs)
        self.assertNotIn("app: listening", logs)

    def test_dynamic_app_exits_126_naming_the_missing_interpreter(self):
        code, logs = self.run_to_exit("dynamic")
        self.assertEqual(code, 126, logs)
        self.assertIn("/app: cannot run: it is dynamically linked and its ELF interpreter "
                      "/lib64/ld-linux-x86-64.so.2 is not in this image", logs)


class WithoutKeel(ContainerCase):
    """The same app with no init (the app is PID 1) and under `docker run --init` (tini)."""

    def start_plain(self, *command, init=False):
        try:
            return self.start_app("plain", *command, options=("--init",) if init else ())
        except AssertionError as error:
            if init and "docker-init" in str(error):
                self.skipTest(f"this engine has no docker-init for --init: {error}")
            raise

    def test_app_as_pid1_handling_term_stops_promptly(self):
        # A handler installed: the kernel delivers SIGTERM to PID 1, so no init is needed for this.
        container, _ = self.start_plain()
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED["stop: no init, app handles TERM"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)

    def test_app_as_pid1_without_term_handler_waits_the_full_timeout(self):
        # Default action as PID 1: the kernel drops SIGTERM; docker stop waits, then SIGKILLs.
        container, _ = self.start_plain("--default-term")
        elapsed = self.engine.timed_stop(container, 10)
        MEASURED["stop: no init, app without TERM handler"] = f"{elapsed:.2f} s"
        self.assertGreaterEqual(elapsed, 9.5)
        self.assertEqual(self.engine.exit_code(container), 128 + signal.SIGKILL)

    def test_app_as_pid1_leaves_200_zombies(self):
        container, pid = self.start_plain()
        count = self.count_zombies_after_orphans(container, pid, expect_reaped=False)
        MEASURED["zombies after 200 orphans: no init"] = count
        self.assertGreaterEqual(count, 200)

    def test_docker_init_tini(self):
        container, pid = self.start_plain("--default-term", init=True)
        self.assertEqual(ct.proc_status(pid)["Name"], "docker-init")
        self.check_init_reaps_and_stops(container, pid, "docker --init (tini)")


class KeelAsDockerInit(ContainerCase):
    """A second engine started with --init-path=keel: `docker run --init` on an image without keel
    runs `/sbin/docker-init -- /app`, i.e. keel as PID 1."""

    @classmethod
    def setUpClass(cls):
        engine()  # skips like the others when no engine can run at all
        cls.engine = ct.start_engine("--no-install", "--init-path", os.path.abspath(keel_testing.KEEL),
                                     "--dir", INIT_DIR, reuse_default=False)
        cls.image = build(cls.engine, "plain", "Dockerfile.plain")

    @classmethod
    def tearDownClass(cls):
        cls.engine.sweep([cls.image])
        cls.engine.stop()

    def start_app(self, *command, options=()):
        # The plain image has no CA bundle, so keel's default preflight would refuse to start.
        container = self.engine.run(self.image, *command, test=self,
                                    options=("--init", "-e", "KEEL_REQUIRE=none", *options))
        self.engine.wait_log(container, "app: listening")
        pid = self.engine.pid(container)
        if ct.proc_status(pid) is None:
            self.skipTest(f"the engine's processes are not in this host's /proc (pid {pid})")
        return container, pid

    def test_keel_is_pid1_with_dockers_argv(self):
        _, pid = self.start_app()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            self.assertEqual(f.read().split(b"\0")[:-1], [b"/sbin/docker-init", b"--", b"/app"])
        with open(f"/proc/{pid}/exe", "rb") as running, open(keel_testing.KEEL, "rb") as built:
            self.assertEqual(hashlib.sha256(running.read()).hexdigest(), hashlib.sha256(built.read()).hexdigest())
        self.assertEqual(ct.namespace_pid(ct.proc_status(pid)), 1)
        self.app_process(pid)

    def test_stop_orphans_signals_and_exit_codes(self):
        container, pid = self.start_app("--default-term")
        self.engine.docker("kill", "-s", "HUP", container, timeout=20)
        self.engine.wait_log(container, "app: received SIGHUP (1)")
        self.check_init_reaps_and_stops(container, pid, "keel as docker --init")
        container, _ = self.start_app("--exit-code", "5")
        self.engine.docker("kill", "-s", "TERM", container, timeout=20)
        self.assertEqual(self.engine.exit_code(container), 5)

    def test_without_ca_bundle_keels_preflight_refuses(self):
        container = self.engine.run(self.image, test=self, options=("--init",))
        self.assertEqual(self.engine.exit_code(container), 1)
        self.assertIn("keel: ca-certs: no CA certificates found", self.engine.logs(container))


class Podman(unittest.TestCase):
    """The example image under podman (runc), loaded with `docker save | podman load`; private
    storage under a temporary directory."""

    @classmethod
    def setUpClass(cls):
        cls.docker = engine()
        if shutil.which("podman") is None:
            raise unittest.SkipTest("podman is not installed (apt-get install podman)")
        cls.root = tempfile.mkdtemp(prefix="keel-e2e-podman-")
        cls.base = ct.private_podman(cls.root)
        saved = subprocess.run([cls.docker.client, "save", IMAGES["example"]], capture_output=True, timeout=120,
                               env=dict(os.environ, DOCKER_HOST=cls.docker.host))
        if saved.returncode != 0:
            raise AssertionError(f"docker save failed: {saved.stderr.decode()}")
        loaded = subprocess.run(cls.base + ["load"], input=saved.stdout, capture_output=True, timeout=120)
        if loaded.returncode != 0:
            raise AssertionError(f"podman load failed: {loaded.stderr.decode()}")
        cls.image = f"localhost/{IMAGES['example']}:latest"

    @classmethod
    def tearDownClass(cls):
        subprocess.run(cls.base + ["rm", "-af", "-t", "0"], capture_output=True, timeout=120)
        subprocess.run(cls.base + ["rmi", "-af"], capture_output=True, timeout=120)
        with open("/proc/self/mounts") as f:
            mounts = [line.split()[1] for line in f if line.split()[1].startswith(cls.root + "/")]
        for mount in sorted(mounts, reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True, timeout=30)
        shutil.rmtree(cls.root, ignore_errors=True)

    def podman(self, *args, timeout=60, env=None, check=True):
        result = subprocess.run(self.base + list(args), capture_output=True, text=True, timeout=timeout, env=env)
        if check:
            self.assertEqual(result.returncode, 0, f"podman {' '.join(args)}: {result.stderr}")
            return result.stdout.strip()
        return result

    def test_keel_under_podman(self):
        container = self.podman("run", "-d", "--network=none", *ct.podman_ulimit_options(), self.image)
        self.addCleanup(subprocess.run, self.base + ["rm", "-f", "-t", "0", container], capture_output=True,
                        timeout=60)
        ct.wait_for(lambda: "app: listening" in self.podman("logs", container), 15, "the app to listen")
        pid = int(self.podman("inspect", "-f", "{{.State.Pid}}", container))
        keel = ct.proc_status(pid)
        self.assertEqual((keel["Name"], ct.namespace_pid(keel)), ("keel", 1))
        children = ct.children_of(pid)
        self.assertEqual([(c["Name"], c["Uid"].split()[0]) for c in children], [("app", "10000")])
        self.podman("kill", "-s", "HUP", container)
        ct.wait_for(lambda: "app: received SIGHUP (1)" in self.podman("logs", container), 10, "SIGHUP in the log")
        start = time.monotonic()
        self.podman("stop", "-t", "10", container, timeout=70)
        elapsed = time.monotonic() - start
        MEASURED["stop: keel under podman (runc), app handles TERM"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, 1.0)
        self.assertEqual(self.podman("inspect", "-f", "{{.State.ExitCode}}", container), "0")


    def test_kubernetes_example_under_podman_kube_play(self):
        # examples/kubernetes.yaml played by a real engine: the manifest's securityContext (uid 10000,
        # read-only root, no capabilities, no privilege escalation), command, env and /tmp emptyDir.
        # One change: the container's ports are left out, because podman 4.3 refuses port mappings
        # with --network none, and the machines CI runs on have no container networking (no
        # slirp4netns or netavark); the probes reach the app over the pod's loopback anyway.
        import yaml
        pod, container = kubernetes_example()
        self.podman("tag", self.image, container["image"])
        nofile, nproc = ct.podman_ulimits()
        conf = os.path.join(self.root, "containers.conf")
        with open(conf, "w") as f:
            # ct.podman_ulimits: podman's own defaults are above this machine's hard limits.
            f.write(f'[containers]\ndefault_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n')
        env = dict(os.environ, CONTAINERS_CONF=conf)
        with open(os.path.join(ct.ROOT, "examples", "kubernetes.yaml")) as f:
            deployment = yaml.safe_load(f)
        deployment["spec"]["template"]["spec"]["containers"][0].pop("ports", None)
        manifest = os.path.join(self.root, "kubernetes.yaml")
        with open(manifest, "w") as f:
            yaml.safe_dump(deployment, f)
        self.podman("kube", "play", "--network", "none", manifest, env=env, timeout=120)
        self.addCleanup(self.podman, "kube", "down", manifest, env=env, timeout=120, check=False)
        name = next(n for n in self.podman("ps", "--format", "{{.Names}}").split() if n.endswith("-" + container["name"]))
        ct.wait_for(lambda: "app: listening" in self.podman("logs", name), 15, "the app to listen")
        pid = int(self.podman("inspect", "-f", "{{.State.Pid}}", name))
        keel = ct.proc_status(pid)
        self.assertEqual((keel["Name"], ct.namespace_pid(keel)), ("keel", 1))
        (app,) = ct.children_of(pid)
        user = str(pod["securityContext"]["runAsUser"])
        for process in (keel, app):
            self.assertEqual(process["Uid"].split(), [user] * 4)
            self.assertEqual(process["CapEff"], "0000000000000000")
            self.assertEqual(process["NoNewPrivs"], "1")
        # The probes, run the way the kubelet runs an exec probe: the command array in the container,
        # no shell.
        probes = [container[k]["exec"]["command"] for k in ("startupProbe", "livenessProbe", "readinessProbe")]
        for command in probes:
            result = self.podman("exec", name, *command, check=False)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertTrue(result.stdout.startswith("healthy: 200"), result.stdout)
        os.kill(int(app["Pid"]), signal.SIGUSR1)  # the app's /health answers 503 from now on
        ct.wait_for(lambda: "failing=true" in self.podman("logs", name), 10, "the app's health to fail")
        for command in probes:
            result = self.podman("exec", name, *command, check=False)
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertTrue(result.stdout.startswith("unhealthy: status 503"), result.stdout)
        # What podman 4.3 makes of the exec probe: a shell command that cannot run in a scratch image
        # (README, troubleshooting). Pinned so that note is checked, not remembered.
        healthcheck = json.loads(self.podman("inspect", "-f", "{{json .Config.Healthcheck}}", name))
        self.assertEqual(healthcheck["Test"][0], "CMD-SHELL")
        start = time.monotonic()
        self.podman("kube", "down", manifest, env=env, timeout=120)
        elapsed = time.monotonic() - start
        MEASURED["podman kube down: examples/kubernetes.yaml"] = f"{elapsed:.2f} s"
        self.assertLess(elapsed, pod["terminationGracePeriodSeconds"] / 3)


if __name__ == "__main__":
    keel_testing.main(extra_args=[
        ("--app", dict(default="", help="a prebuilt static examples/app (default: cargo build)")),
        ("--app-target-dir", dict(default="", help="CARGO_TARGET_DIR for examples/app (default build/e2e-app)")),
    ])
