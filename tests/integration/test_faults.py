"""Fault injection: resource limits, signal storms, orphan floods, kills at awkward moments.
Each test prints one FIGURE line (docs/reliability.md is built from them)."""

import concurrent.futures
import os
import random
import re
import signal
import subprocess
import sys
import time
import unittest

import keel_testing
from broken_responses import broken_response, valid_response
from health_servers import Server, answer
from test_supervisor import Session, children_of, keel_cmd, read_file, recorded, wait_for

PAYLOAD = None
BROKEN_RESPONSES = 1000  # --broken-responses: how many generated broken replies to probe


def figure(name, **values):
    print(f"FIGURE {name}: " + ", ".join(f"{k}={v}" for k, v in values.items()), file=sys.stderr, flush=True)


def rss_kb(pid):
    for line in read_file(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


class Faults(unittest.TestCase):
    def test_nofile_limit_16_still_supervises(self):
        import test_supervisor
        test_supervisor.PAYLOAD = PAYLOAD
        # Session builds `keel -- payload signals FILE`; run it under prlimit via the runner hook.
        saved = keel_testing.RUNNER
        keel_testing.RUNNER = ["prlimit", "--nofile=16"] + saved
        self.addCleanup(setattr, keel_testing, "RUNNER", saved)
        session = Session(self)
        session.send(signal.SIGUSR1)
        wait_for(lambda: signal.SIGUSR1 in recorded(session.record), what="SIGUSR1 under RLIMIT_NOFILE=16")
        session.send(signal.SIGTERM)
        code, _, err = session.wait()
        self.assertEqual(code, 0, err)
        figure("nofile16", exit=code, forwarded="yes")

    def test_signal_storm(self):
        import test_supervisor
        test_supervisor.PAYLOAD = PAYLOAD
        session = Session(self)
        kinds = [signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGWINCH, signal.SIGRTMIN + 1, signal.SIGRTMIN + 2]
        rss_before = rss_kb(session.keel)
        senders = 4
        per_sender = 25_000
        start = time.monotonic()
        children = []
        for n in range(senders):
            pid = os.fork()
            if pid == 0:
                try:
                    for i in range(per_sender):
                        try:
                            os.kill(session.keel, kinds[(i + n) % len(kinds)])
                        except ProcessLookupError:
                            os._exit(2)
                finally:
                    os._exit(0)
            children.append(pid)
        statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        sent_seconds = time.monotonic() - start
        self.assertEqual(statuses, [0] * senders, "keel disappeared during the storm")
        # Still responsive: every kind arrives, and SIGTERM still ends the child promptly.
        wait_for(lambda: set(int(k) for k in kinds) <= set(recorded(session.record)), timeout=30,
                 what="every signal kind at the child")
        time.sleep(0.5)
        rss_after = rss_kb(session.keel)
        received = len(recorded(session.record))
        session.send(signal.SIGTERM)
        code, _, err = session.wait(timeout=30)
        self.assertEqual(code, 0, err)
        self.assertLess(rss_after - rss_before, 256, "keel's RSS grew during the storm")
        figure("signal_storm", signals_sent=senders * per_sender, senders=senders, seconds=f"{sent_seconds:.2f}",
               child_received=received, keel_rss_kb_before=rss_before, keel_rss_kb_after=rss_after)

    def test_ten_thousand_orphans_in_bursts(self):
        start = time.monotonic()
        result = subprocess.run(keel_cmd("--require", "none", "--", PAYLOAD, "orphans", "10000", pid1=True),
                                capture_output=True, text=True, timeout=300)
        elapsed = time.monotonic() - start
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("zombies_left=0", result.stdout)
        figure("orphans_10000", seconds=f"{elapsed:.2f}", zombies_left=0)

    def test_leftovers_killed_from_outside_during_grace(self):
        # The sleepers ignore SIGTERM; the grace is long; killing them ends keel's wait at once.
        proc = subprocess.Popen(keel_cmd("--grace", "30s", "--require", "none", "--", PAYLOAD, "leave-sleepers",
                                         "3", "--ignore-term"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        keel = proc.pid
        def three_reparented_sleepers():
            kids = children_of(keel)
            return kids if len(kids) == 3 else None

        sleepers = wait_for(three_reparented_sleepers, what="three reparented sleepers")
        start = time.monotonic()
        for pid in sleepers:
            os.kill(pid, signal.SIGKILL)
        proc.communicate(timeout=10)
        elapsed = time.monotonic() - start
        self.assertEqual(proc.returncode, 0)
        self.assertLess(elapsed, 2.0)
        figure("kill_during_grace", seconds_to_exit=f"{elapsed:.3f}", grace="30s")

    def test_child_killed_while_handling_sigterm(self):
        import test_supervisor
        test_supervisor.PAYLOAD = PAYLOAD
        session = Session(self, payload_args=["--ignore-term"])
        session.send(signal.SIGTERM)  # forwarded and ignored: the app is "shutting down slowly"
        time.sleep(0.2)
        os.kill(session.child, signal.SIGKILL)
        code, _, _ = session.wait(timeout=10)
        self.assertEqual(code, 128 + signal.SIGKILL)
        figure("sigkill_after_sigterm", exit=code)

    def probe(self, url, *args, timeout="2s", **extra_env):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT"))}
        env.update(extra_env)
        started = time.monotonic()
        result = keel_testing.run_keel("healthcheck", "--timeout", timeout, *args, url, env=env, timeout=30,
                                       errors="replace")
        return result, time.monotonic() - started

    def test_probe_under_descriptor_limits_3_to_16(self):
        # Every limit gives one line and exit 0/1; the lowest ones fail cleanly naming the cause.
        saved = keel_testing.RUNNER
        self.addCleanup(setattr, keel_testing, "RUNNER", saved)
        outcomes = {}
        with Server(answer(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) as server:
            for limit in range(3, 17):
                keel_testing.RUNNER = ["prlimit", f"--nofile={limit}"] + saved
                result, _ = self.probe(server.url())
                outcomes[limit] = (result.returncode, result.stdout, result.stderr)
        sanitizer_failed = False
        checked = {}
        for limit, (code, out, err) in outcomes.items():
            if out == "" and ("error while loading shared libraries" in err or "runtime error:" in err):
                # The dev build's own machinery, not keel: its dynamic loader cannot open the
                # sanitizer libraries, or UBSan's vptr check cannot get the pipe it probes memory
                # with. The static release build runs every limit.
                sanitizer_failed = True
                continue
            self.assertIn(code, (0, 1), f"nofile={limit}: {out!r} {err!r}")
            self.assertEqual(len(out.splitlines()), 1, f"nofile={limit}: {out!r}")
            checked[limit] = (code, out)
        self.assertEqual(checked[16][0], 0, outcomes[16])
        starved = [out for code, out in checked.values() if code == 1]
        if not sanitizer_failed:
            self.assertTrue(starved, outcomes)
        for out in starved:
            self.assertIn("no file descriptors available", out)
        lowest = min(limit for limit, (code, _) in checked.items() if code == 0)
        figure("probe_nofile", limits="3..16", lowest_healthy_limit=lowest, starved_message=repr(starved[0].strip() if starved else "(sanitizer build: not reached)"))

    def test_generated_broken_http_responses(self):
        # Each probe asks for /r/N and gets response N, so probes can run side by side.
        seed = int(os.environ.get("KEEL_BROKEN_RESPONSES_SEED", random.randrange(2**32)))
        rng = random.Random(seed)
        broken = BROKEN_RESPONSES
        cases = [(valid_response(rng)) for _ in range(300)] + [(broken_response(rng), None) for _ in range(broken)]

        def serve(conn, server):
            request = server.receive(conn)
            match = re.match(rb"GET /r/(\d+) ", request)
            if match:
                conn.sendall(cases[int(match.group(1))][0])

        verdicts = {0: 0, 1: 0}
        slowest = 0.0
        with Server(serve) as server, concurrent.futures.ThreadPoolExecutor(4) as pool:
            started = time.monotonic()
            runs = pool.map(lambda i: self.probe(server.url(path=f"/r/{i}"), timeout="1s"), range(len(cases)))
            for index, ((result, elapsed), (raw, healthy)) in enumerate(zip(runs, cases)):
                where = f"seed {seed}, case {index}: {raw[:300]!r} -> {result!r}"
                self.assertIn(result.returncode, (0, 1), where)
                self.assertEqual(len(result.stdout.splitlines()), 1, where)
                self.assertRegex(result.stdout, r"^(healthy|unhealthy): ", where)
                self.assertLess(elapsed, 1.5, where)  # the 1 s deadline plus process start
                if healthy is not None:
                    self.assertEqual(result.returncode, 0 if healthy else 1, where)
                if healthy is None:
                    verdicts[result.returncode] += 1
                slowest = max(slowest, elapsed)
            total = time.monotonic() - started
        figure("broken_http_responses", seed=seed, broken=broken, healthy=verdicts[0], unhealthy=verdicts[1],
               valid_checked=300, slowest_probe=f"{slowest:.3f}s", total=f"{total:.1f}s")


if __name__ == "__main__":
    def setup(options):
        global PAYLOAD, BROKEN_RESPONSES
        PAYLOAD = options.payload
        BROKEN_RESPONSES = options.broken_responses
        os.environ["KEEL_REQUIRE"] = "none"  # the preflight is not what is tested here
    keel_testing.main([("--payload", {"required": True}),
                       ("--broken-responses", {"type": int, "default": 1000})], setup=setup)
