#!/usr/bin/env python3
"""How soon PROGRAM starts once its dependency is up: keel --wait against Debian's wait-for-it.

    bench/wait.py --keel build/release/cli/keel [--out bench/README.md] [--runs N] [--check]

A TCP port on 127.0.0.1 is bound at once and starts listening later. Each tool waits for it and
then runs PROGRAM, a tiny static C program compiled here that writes when it started
(CLOCK_MONOTONIC); the figure is PROGRAM's start minus the moment listen() returned. Two series:
- the listener after exactly 0.1 s, 1 s and 5 s (the issue's figures). wait-for-it tries at a
  fixed phase (its start, then every second), so at a whole number of seconds it tries right after
  the listener appears: a lucky alignment that real dependencies do not give it;
- the listener after D + u, u uniform in [0, 1) (the same u for both tools in a pair, fixed
  seed): what a dependency that starts at an unknown moment gets, averaged over the phase.
CPU: each tool waits 10 s for a port that never opens, minus the same tool when the port is open
at once (its start-up), per second of waiting (RUSAGE_CHILDREN: the tool and all it ran).
wait-for-it is bash polling once a second with /dev/tcp (`wait-for-it HOST:PORT --strict -t 30 --
PROGRAM`); dockerize is not packaged in Debian, so it is not measured here.

Goals (issue 19): with the listener at exactly D, keel's delay is at most the backoff step in
effect then (healthcheck/wait_plan.hpp; a refused try is retried after 250 ms, then every 500 ms);
over the phase, keel's median delay is below wait-for-it's at every D; CPU while waiting at most
5 ms per second. --check exits 1 when one is missed.
"""

import argparse
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from markdown_section import replace_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DELAYS = (0.1, 1.0, 5.0)

STAMP_C = r"""
#include <stdio.h>
#include <time.h>
int main(int argc, char **argv) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    FILE *out = fopen(argv[1], "w");
    if (!out) return 1;
    fprintf(out, "%lld.%09ld\n", (long long)now.tv_sec, now.tv_nsec);
    return fclose(out) != 0;
}
"""


def backoff_step(at, interval=0.25, cap=0.5):
    """keel's retry delay in effect at `at` seconds for a refused port (tries from t=0, each delay
    counted from the try before, doubling from `interval` up to the refusal cap)."""
    start, delay = 0.0, interval
    while start + delay <= at:
        start += delay
        delay = min(delay * 2, cap)
    return delay


def measure(argv_for, delay, stamp_file):
    """(delay from listen() to PROGRAM's start in s, CPU s of the tool and its children)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if os.path.exists(stamp_file):
        os.unlink(stamp_file)
    listened = {}

    def open_port():
        sock.listen(16)
        listened["at"] = time.clock_gettime(time.CLOCK_MONOTONIC)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    timer = threading.Timer(delay, open_port)
    proc = subprocess.Popen(argv_for(port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    timer.start()
    _, err = proc.communicate(timeout=60)
    timer.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sock.close()
    if proc.returncode != 0 or not os.path.exists(stamp_file):
        raise RuntimeError(f"{argv_for(port)} failed ({proc.returncode}): {err.strip()[-300:]}")
    started = float(open(stamp_file).read())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return started - listened["at"], cpu


def waiting_cpu(argv_for, stamp_file, seconds=10):
    """CPU seconds per second of waiting: a wait that never ends (a port that stays refused) for
    `seconds`, minus a wait that ends at once (the tool's own start-up and PROGRAM)."""
    def cpu_of(argv, expect_ok):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if (result.returncode == 0) != expect_ok:
            raise RuntimeError(f"{argv}: exit {result.returncode}")
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(16)
    try:
        waiting = cpu_of(argv_for(refused.getsockname()[1], seconds), expect_ok=False)
        at_once = cpu_of(argv_for(listening.getsockname()[1], seconds), expect_ok=True)
    finally:
        refused.close()
        listening.close()
    return max(waiting - at_once, 0.0) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keel", required=True)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "README.md"))
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and listener delay")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    keel = os.path.abspath(args.keel)
    wait_for_it = shutil.which("wait-for-it")
    if not wait_for_it:
        sys.exit("bench/wait.py: needs Debian's wait-for-it (scripts/setup installs it)")
    rng = random.Random(20261202)
    with tempfile.TemporaryDirectory() as tmp:
        stamp = os.path.join(tmp, "stamp")
        program = os.path.join(tmp, "started-at")
        with open(program + ".c", "w") as f:
            f.write(STAMP_C)
        subprocess.run(["cc", "-O2", "-static", "-o", program, program + ".c"], check=True)
        tools = {
            "keel --wait": lambda port, limit=30: [keel, "--require", "none", "--wait", f"127.0.0.1:{port}",
                                                   "--wait-timeout", f"{limit}s", "--", program, stamp],
            "wait-for-it": lambda port, limit=30: [wait_for_it, f"127.0.0.1:{port}", "--strict", "-t", str(limit),
                                                   "--", program, stamp],
        }
        fixed, spread = {}, {}
        for delay in DELAYS:
            for _ in range(args.runs):
                phase = rng.random()
                for name, argv_for in tools.items():  # alternated, so drift hits both alike
                    fixed.setdefault((name, delay), []).append(measure(argv_for, delay, stamp)[0])
                    spread.setdefault((name, delay), []).append(measure(argv_for, delay + phase, stamp)[0])
        cpu = {name: waiting_cpu(argv_for, stamp) for name, argv_for in tools.items()}

    def cell(values):
        return f"{statistics.median(values) * 1000:.0f} ({min(values) * 1000:.0f}–{max(values) * 1000:.0f})"

    rows, failures = [], []
    for delay in DELAYS:
        step = backoff_step(delay)
        keel_fixed, wfi_fixed = fixed[("keel --wait", delay)], fixed[("wait-for-it", delay)]
        keel_spread, wfi_spread = spread[("keel --wait", delay)], spread[("wait-for-it", delay)]
        ratio = statistics.median(keel_spread) / statistics.median(wfi_spread)
        rows.append(f"| {delay:g} s | {cell(keel_fixed)} | {cell(wfi_fixed)} | {step * 1000:.0f} | "
                    f"{cell(keel_spread)} | {cell(wfi_spread)} | {ratio:.2f}× |")
        if max(keel_fixed) > step + 0.05:  # 50 ms for PROGRAM's start and the machine's noise
            failures.append(f"listener at {delay:g} s: keel took up to {max(keel_fixed) * 1000:.0f} ms, over the "
                            f"{step * 1000:.0f} ms step in effect")
        if statistics.median(keel_spread) >= statistics.median(wfi_spread):
            failures.append(f"listener at {delay:g} s + phase: keel ({statistics.median(keel_spread) * 1000:.0f} ms) "
                            f"is not ahead of wait-for-it ({statistics.median(wfi_spread) * 1000:.0f} ms)")
    if cpu["keel --wait"] > 0.005:
        failures.append(f"keel used {cpu['keel --wait'] * 1000:.2f} ms of CPU per second of waiting")
    table = "\n".join(rows)
    text = f"""Measured by `bench/wait.py` in one run on one machine ({args.runs} runs per cell, the tools
alternated): a port on 127.0.0.1 starts listening after the time shown; each tool waits for it and
then starts PROGRAM, which records when it started. Delay: PROGRAM's start minus the moment
listen() returned, in ms, median (range). keel: `{os.path.relpath(keel, ROOT)} --wait
127.0.0.1:PORT`; wait-for-it: Debian's package (bash and `/dev/tcp`, one try a second),
`wait-for-it 127.0.0.1:PORT --strict -t 30 -- PROGRAM`. dockerize is not packaged in Debian and is
not measured.

| listener after D = | keel, at D | wait-for-it, at D | keel's step at D (ms) | keel, at D + phase | wait-for-it, at D + phase | keel / wait-for-it (phase) |
|---|---:|---:|---:|---:|---:|---:|
{table}

"At D": exactly D after the tool started. wait-for-it tries at its start and then every second,
so at a whole number of seconds it tries just after the listener appears (a few ms of delay):
luck of alignment. "At D + phase": D plus a random fraction of a second (the same for both tools
in a pair), the way a dependency that starts at an unknown moment meets a poller; that is the
comparison that counts. keel retries a refused port after 250 ms, then every 500 ms
(healthcheck/wait_plan.hpp), so it waits at most 500 ms and 250 ms on average, against
wait-for-it's 1 s and 500 ms.

CPU while waiting (10 s for a port that never opens, minus start-up, per second): keel
{cpu['keel --wait'] * 1000:.2f} ms, wait-for-it {cpu['wait-for-it'] * 1000:.2f} ms.

Goals: at D, keel within the step in effect; over the phase, keel ahead of wait-for-it at every
D; at most 5 ms of CPU per second of waiting: {"all met" if not failures else "missed: " + "; ".join(failures)}.
"""
    replace_section(args.out, "wait-bench", "Waiting for a dependency: keel --wait against wait-for-it", text)
    print(text)
    if args.check and failures:
        for failure in failures:
            print(failure, file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
