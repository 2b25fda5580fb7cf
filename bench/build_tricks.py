#!/usr/bin/env python3
"""Measures what the static binary's build trick buys, in one run: keel's own malloc in place of
musl's mallocng (cli/static_runtime/heap.cpp, KEEL_OWN_HEAP). Two release builds, with and without:

    bench/build_tricks.py [--rounds 15] [--runs 100] [--check]   (builds build/bench-<variant> first)

Per variant: the memory-mapping system calls (mmap, munmap, mremap, brk, madvise) of keel's own
process for a start, a start with -u and an http probe (strace); start overhead (hyperfine rounds,
rotated, against /bin/true in the same round) of the fast path `keel -- /bin/true` and of the
ENTRYPOINT path `keel -u nobody -- /bin/true`; memory of keel supervising `sleep` (VmRSS, RssAnon,
RssFile after 1 s); the http and https probe against the local test server. Writes the
"build-tricks" section of bench/README.md.

--check (scripts/reliability-report): exit 1 when the gain is gone, i.e. when keel's heap does not
make fewer memory-mapping calls than mallocng, or its median start overhead (either path) or
median http probe time is not below mallocng's. Medians, not quartiles: on a shared 2-core
machine the quartiles of a 100-200 µs gain overlap in some runs, and a check that fails at random
would be ignored.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from hyperfine_rounds import overheads_us, run_rounds  # noqa: E402
from markdown_section import replace_section  # noqa: E402
from health_servers import Pki  # noqa: E402
from healthcheck import start_server  # noqa: E402  (bench/healthcheck.py)
from keel_testing import memory_calls  # noqa: E402  (tests/integration/keel_testing.py)

# (name, build directory, KEEL_OWN_HEAP)
VARIANTS = [
    ("own heap", "bench-heap", "ON"),
    ("mallocng", "bench-mallocng", "OFF"),
]


def build(directory, own_heap):
    directory = os.path.join(ROOT, "build", directory)
    subprocess.run(["cmake", "--preset", "release", "-B", directory, f"-DKEEL_OWN_HEAP={own_heap}"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", directory, "--target", "keel", "keel_health_server"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return directory


def memory(keel, *options):
    """VmRSS, RssAnon, RssFile (kB) of keel supervising sleep, 1 s after its start (median of 5)."""
    samples = []
    for _ in range(5):
        process = subprocess.Popen([keel, *options, "--", "/bin/sleep", "3"], stderr=subprocess.DEVNULL)
        time.sleep(1)
        status = dict(line.split(":", 1) for line in open(f"/proc/{process.pid}/status"))
        samples.append(tuple(int(status[key].split()[0]) for key in ("VmRSS", "RssAnon", "RssFile")))
        process.terminate()
        process.wait()
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--out", default=os.path.join(HERE, "README.md"))
    parser.add_argument("--check", action="store_true", help="exit 1 when keel's heap no longer wins")
    args = parser.parse_args()
    builds = {name: build(directory, heap) for name, directory, heap in VARIANTS}
    keels = {name: os.path.join(d, "cli/keel") for name, d in builds.items()}
    sizes = {name: os.path.getsize(k) for name, k in keels.items()}

    start_commands = [("/bin/true", "/bin/true")]
    for name, keel in keels.items():
        start_commands += [(f"{name}: fast", f"{keel} -- /bin/true"), (f"{name}: -u", f"{keel} -u nobody -- /bin/true")]
    starts = run_rounds(start_commands, args.runs, args.rounds)

    mem = {name: (memory(keel), memory(keel, "-u", "nobody")) for name, keel in keels.items()}

    server = os.path.join(builds[VARIANTS[0][0]], "tests/keel_health_server")
    with tempfile.TemporaryDirectory(prefix="keel-bench-") as tmp:
        pki = Pki(os.path.join(tmp, "pki"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT"))}
        env["SSL_CERT_FILE"] = pki.ca
        http_server, http_port = start_server(server)
        https_server, https_port = start_server(server, "--tls", pki.leaf, pki.key_of(pki.leaf))
        try:
            # The starts run in this environment (-u nobody could not read the bench's CA file), the
            # probe in the probes' one.
            calls = {name: (len(memory_calls(keel, "--", "/bin/true")),
                            len(memory_calls(keel, "-u", "nobody", "--", "/bin/true")),
                            len(memory_calls(keel, "healthcheck", f"http://127.0.0.1:{http_port}/health", env=env)))
                     for name, keel in keels.items()}
            probe_commands = []
            for name, keel in keels.items():
                probe_commands += [(f"{name}: http", f"{keel} healthcheck http://127.0.0.1:{http_port}/health"),
                                   (f"{name}: https", f"{keel} healthcheck https://localhost:{https_port}/health")]
            for _, command in probe_commands:
                check = subprocess.run(command.split(), capture_output=True, text=True, env=env)
                if check.returncode != 0:
                    raise SystemExit(f"{command}: {check.stdout}{check.stderr}")
            probes = run_rounds(probe_commands, args.runs, max(3, args.rounds // 3), env=env)
        finally:
            for process in (http_server, https_server):
                process.kill()
                process.wait()

    def us(name):
        values = overheads_us(starts, name, "/bin/true")
        return statistics.median(values), values[len(values) // 4], values[(3 * len(values)) // 4]

    rows = []
    for name, *_ in VARIANTS:
        fast, user = us(f"{name}: fast"), us(f"{name}: -u")
        (rss, anon, file_), (urss, uanon, ufile) = mem[name]
        http = statistics.median(probes[f"{name}: http"].round_medians) * 1e3
        https = statistics.median(probes[f"{name}: https"].round_medians) * 1e3
        rows.append(f"| {name} | {sizes[name]:,} | {' / '.join(map(str, calls[name]))} | "
                    f"{fast[0]:.0f} ({fast[1]:.0f}–{fast[2]:.0f}) | "
                    f"{user[0]:.0f} ({user[1]:.0f}–{user[2]:.0f}) | {rss:.0f} / {anon:.0f} / {file_:.0f} | "
                    f"{urss:.0f} / {uanon:.0f} / {ufile:.0f} | {http:.2f} | {https:.2f} |")
    body = f"""Measured by `bench/build_tricks.py` in one run on one machine ({os.cpu_count()} CPUs, load
{os.getloadavg()[0]:.2f} at the end): two release builds, with keel's own malloc (`KEEL_OWN_HEAP`,
cli/static_runtime/heap.cpp) and with musl's mallocng. Memory calls: mmap, munmap, mremap, brk and
madvise of keel's own process (strace) for `keel -- /bin/true`, `keel -u nobody -- /bin/true` and an
http probe. Start overhead: hyperfine -N,
{args.rounds} rounds (order rotated) of {args.runs} runs, per round the median minus `/bin/true`'s; the table
gives the median over the rounds and, in brackets, the quartiles of the per-round figures (the run-to-run
noise). Memory: keel supervising `sleep`, 1 s after its start, median of 5. Probes: median over
{max(3, args.rounds // 3)} rounds of {args.runs} runs against `keel_health_server` (https: ECDSA P-256, TLS 1.3).

| build | size (bytes) | memory calls: start / -u / probe | start overhead, fast path (µs) | start overhead, `-u nobody` (µs) | VmRSS / RssAnon / RssFile (kB) | same, `-u nobody` | http probe (ms) | https probe (ms) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}
"""
    replace_section(args.out, "build-tricks", "Build tricks: keel's own malloc", body)
    print(body)
    if args.check:
        own, musl = VARIANTS[0][0], VARIANTS[1][0]
        lost = []
        if sum(calls[own]) >= sum(calls[musl]):
            lost.append(f"memory calls {calls[own]} against mallocng's {calls[musl]}")
        for path in ("fast", "-u"):
            mine, theirs = us(f"{own}: {path}")[0], us(f"{musl}: {path}")[0]
            if mine >= theirs:
                lost.append(f"{path} start overhead {mine:.0f} µs against mallocng's {theirs:.0f} µs")
        mine, theirs = (statistics.median(probes[f"{name}: http"].round_medians) * 1e3 for name in (own, musl))
        if mine >= theirs:
            lost.append(f"http probe {mine:.2f} ms against mallocng's {theirs:.2f} ms")
        if lost:
            sys.exit("build_tricks: keel's heap no longer wins: " + "; ".join(lost))
        print("build_tricks: keel's heap still wins")


if __name__ == "__main__":
    main()
