"""examples/kubernetes.yaml: the Deployment keeps the hardening and probes the docs promise, and its
probes and keel agree (the exec probe is keel healthcheck against the container's own port, with the
kubelet's timeout above keel's, so keel's reason is what gets recorded). Parsed with PyYAML (Debian's python3-yaml)."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import keel_testing  # noqa: E402

MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "kubernetes.yaml")
KEEL_DEFAULT_TIMEOUT_S = 2  # keel healthcheck --timeout, when its --help shows no default
KEEL_DEFAULT_GRACE_S = 5    # keel --grace default (README)


def seconds(duration):
    """keel's duration syntax (2s, 500ms, 1m30s) in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+)(ms|s|m|h)", duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a keel duration: {duration!r}")
    return sum(int(n) * units[u] for n, u in parts)


def keel_healthcheck_timeout():
    """The default of `keel healthcheck --timeout` as its --help prints it, or the documented 2 s."""
    result = keel_testing.run_keel("healthcheck", "--help")
    match = re.search(r"--timeout\b[^\n\[]*\[([0-9a-z]+)\]", result.stdout)
    return seconds(match.group(1)) if match else KEEL_DEFAULT_TIMEOUT_S


class Deployment(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            import yaml
        except ImportError:
            raise AssertionError("PyYAML is missing: apt-get install python3-yaml (scripts/setup installs it)")
        with open(MANIFEST) as f:
            documents = [d for d in yaml.safe_load_all(f) if d is not None]
        if len(documents) != 1:
            raise AssertionError(f"{MANIFEST} holds {len(documents)} documents, expected one Deployment")
        cls.deployment = documents[0]
        cls.pod = cls.deployment["spec"]["template"]["spec"]
        containers = cls.pod["containers"]
        if len(containers) != 1:
            raise AssertionError(f"expected one container, found {len(containers)}")
        cls.container = containers[0]

    def test_is_a_deployment_whose_selector_matches_its_pods(self):
        self.assertEqual((self.deployment["apiVersion"], self.deployment["kind"]), ("apps/v1", "Deployment"))
        selector = self.deployment["spec"]["selector"]["matchLabels"]
        labels = self.deployment["spec"]["template"]["metadata"]["labels"]
        self.assertTrue(selector)
        self.assertLessEqual(selector.items(), labels.items())

    def test_pod_runs_non_root_as_10000_with_runtime_default_seccomp(self):
        security = self.pod["securityContext"]
        self.assertIs(security["runAsNonRoot"], True)
        self.assertEqual(security["runAsUser"], 10000)
        self.assertEqual(security["seccompProfile"], {"type": "RuntimeDefault"})

    def test_container_is_locked_down(self):
        security = self.container["securityContext"]
        self.assertIs(security["allowPrivilegeEscalation"], False)
        self.assertIs(security["readOnlyRootFilesystem"], True)
        self.assertEqual(security["capabilities"]["drop"], ["ALL"])
        self.assertNotIn("add", security["capabilities"])
        self.assertNotIn("privileged", security)

    def test_keel_is_the_entrypoint(self):
        command = self.container.get("command", [])
        self.assertEqual(command[:1], ["/keel"])
        self.assertIn("--", command, "PROGRAM follows --")

    def env(self):
        return {item["name"]: item.get("value") for item in self.container.get("env", [])}

    def test_required_checks_fit_the_pod(self):
        required = self.env().get("KEEL_REQUIRE", "ca-certs,tzdata").split(",")
        self.assertLessEqual(set(required), {"ca-certs", "tzdata", "non-root", "tmp", "none"})
        if "tmp" in required:  # a read-only root filesystem needs a writable /tmp mounted
            mounts = {m["mountPath"]: m["name"] for m in self.container.get("volumeMounts", [])}
            self.assertIn("/tmp", mounts)
            self.assertIn(mounts["/tmp"], [v["name"] for v in self.pod.get("volumes", [])])

    def test_probes_run_keel_healthcheck_against_the_container_port(self):
        port = self.container["ports"][0]["containerPort"]
        timeout = keel_healthcheck_timeout()
        for kind in ("livenessProbe", "readinessProbe"):
            with self.subTest(kind):
                probe = self.container[kind]
                command = probe["exec"]["command"]
                self.assertEqual(command[:2], ["/keel", "healthcheck"])
                self.assertEqual(command[-1], f"http://127.0.0.1:{port}/health")
                # keel must give its verdict (and its one-line reason, which the kubelet records in
                # the pod's events) before the kubelet gives up on the command.
                self.assertGreater(probe["timeoutSeconds"], timeout, "kubelet timeout > keel's --timeout")
        startup = self.container.get("startupProbe")
        if startup:
            self.assertEqual(startup["exec"]["command"], self.container["livenessProbe"]["exec"]["command"])

    def test_termination_grace_outlasts_keels_grace(self):
        grace = seconds(self.env().get("KEEL_GRACE") or f"{KEEL_DEFAULT_GRACE_S}s")
        self.assertGreater(self.pod["terminationGracePeriodSeconds"], grace)

    def test_the_probe_command_is_one_keel_accepts(self):
        # keel parses it (exit 2 would be a bad command line); against a closed port it is unhealthy.
        command = self.container["livenessProbe"]["exec"]["command"]
        result = keel_testing.run_keel(*command[1:-1], "http://127.0.0.1:1/health", timeout=30)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("unhealthy", result.stdout + result.stderr)


if __name__ == "__main__":
    keel_testing.main()
