#!/usr/bin/env python3
"""keel's gRPC probe against grpc_health_probe (issue 18), in one run, against the same local grpcio
health server (tests/integration/grpc_servers.py's GrpcServer, run in a child process so that the
server's threads and GIL are not the harness's):

  grpc://:  keel healthcheck grpc://127.0.0.1:PORT[/app] | grpc_health_probe -addr=127.0.0.1:PORT
            [-service=app] | bench/grpc_reference_client.py (grpcio, one Health/Check)
  grpcs://: keel healthcheck grpcs://localhost:PORT --ca-file CA | grpc_health_probe -tls
            -tls-ca-cert CA -tls-server-name localhost | the grpcio client with the same CA

grpc_health_probe v0.3.6 is built here from a git mirror (--probe-mirror, a bare repository of
github.com/grpc-ecosystem/grpc-health-probe), GOPATH mode against Debian's Go packages, because
its go.mod pins modules that would need the network: apt-get install --no-install-recommends
golang-go golang-google-grpc-dev (which pulls in every other import the probe needs:
golang-github-golang-protobuf-1-3-dev, golang-google-genproto-dev, golang-golang-x-net-dev,
golang-golang-x-sys-dev, golang-golang-x-text-dev). So it links Debian's grpc-go (1.33.3 in
Debian 12) instead of the v1.34.0 its go.mod names; the flags are its release's (.goreleaser.yml:
-tags netgo -ldflags=-w, CGO_ENABLED=0). The binary is cached under KEEL_CACHE_DIR/bench, keyed
by the tag's commit. grpcio is scripts/setup's install (keel_grpc_python_dir). Not run in CI.

Timing: hyperfine (no shell, warmup), rounds with the order rotated, median and p95 of every run.
Memory: max RSS over separate runs, read with wait4() by keel_health_maxrss. Writes its section of
bench/README.md.

    bench/grpc.py [--build build/release] [--runs 100] [--rounds 5] [--out bench/README.md]
                  [--probe-mirror /work/.mirror/grpc-ecosystem+grpc-health-probe/repo]
"""

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# This file is named grpc.py: its directory goes last, so `import grpc` finds grpcio, not this.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from healthcheck import percentile, probe_bench_arguments, round_ratio, RSS_RUNS  # noqa: E402
from hyperfine_rounds import run_rounds  # noqa: E402
from markdown_section import replace_section  # noqa: E402
from health_servers import Pki  # noqa: E402
from grpc_servers import grpc_python_dir  # noqa: E402  (importing it also checks grpcio is installed)

PROBE_TAG = "v0.3.6"
PROBE_IMPORT = "github.com/grpc-ecosystem/grpc-health-probe"
DEFAULT_MIRROR = "/work/.mirror/grpc-ecosystem+grpc-health-probe/repo"
GOCODE = "/usr/share/gocode"
CLIENT = os.path.join(HERE, "grpc_reference_client.py")
WALL_GOAL, RSS_GOAL = 0.5, 0.25


def serve(tls):
    """The child process: a GrpcServer ("" and app SERVING, down NOT_SERVING) until stdin closes."""
    from grpc_servers import GrpcServer, NOT_SERVING, SERVING
    with GrpcServer({"": SERVING, "app": SERVING, "down": NOT_SERVING}, tls=tls) as server:
        print(f"port {server.port}", flush=True)
        sys.stdin.read()


def start_server(*tls):
    process = subprocess.Popen([sys.executable, __file__, "--serve", *tls], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("port "):
        process.kill()
        raise SystemExit(f"the grpcio server did not start: {line!r}")
    return process, int(line.split()[1])


def stop_server(process):
    process.stdin.close()  # serve() returns, GrpcServer stops cleanly
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def run(*argv, **kwargs):
    return subprocess.run(argv, capture_output=True, check=True, **kwargs).stdout


def build_probe(mirror):
    """(path, "go version ...; grpc-go X") of grpc_health_probe PROBE_TAG, built once per commit."""
    commit = run("git", f"--git-dir={mirror}", "rev-parse", f"{PROBE_TAG}^{{commit}}", text=True).strip()
    cache = os.path.join(os.path.dirname(grpc_python_dir()), "bench", f"grpc_health_probe-{commit[:12]}")
    binary, about = os.path.join(cache, "grpc_health_probe"), os.path.join(cache, "build.txt")
    if not os.path.exists(about):
        if not shutil.which("go") or not os.path.isdir(os.path.join(GOCODE, "src/google.golang.org/grpc")):
            raise SystemExit("building grpc_health_probe needs Go and Debian's grpc-go: "
                             "apt-get install -y --no-install-recommends golang-go golang-google-grpc-dev")
        os.makedirs(cache, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="keel-gopath-") as gopath:
            source = os.path.join(gopath, "src", PROBE_IMPORT)
            os.makedirs(source)
            archive = run("git", f"--git-dir={mirror}", "archive", commit)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(source, filter="data")
            env = dict(os.environ, GO111MODULE="off", GOPATH=f"{gopath}:{GOCODE}", CGO_ENABLED="0",
                       GOFLAGS="")
            print(f"building grpc_health_probe {PROBE_TAG} ({commit[:12]}) ...", file=sys.stderr)
            run("go", "build", "-tags", "netgo", "-ldflags=-w", "-o", binary + ".tmp", ".", cwd=source, env=env)
        os.replace(binary + ".tmp", binary)
        grpc_go = next(line.split('"')[1] for line in open(os.path.join(GOCODE, "src/google.golang.org/grpc/version.go"))
                       if line.startswith("const Version"))
        with open(about, "w") as f:
            f.write(f"{run('go', 'version', text=True).strip()}; Debian's grpc-go {grpc_go}; commit {commit}\n")
    return binary, open(about).read().strip()


def check(name, good, bad, env):
    """good must exit 0 (SERVING) and bad non-zero (NOT_SERVING), or nothing here means anything."""
    for command, want_ok in ((good, True), (bad, False)):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
        if (result.returncode == 0) != want_ok:
            raise SystemExit(f"{name}: {command} exited {result.returncode}: {result.stdout}{result.stderr}")


def max_rss_kib(maxrss, command, env):
    """(peak, floor) in KiB over RSS_RUNS runs, like bench/healthcheck.py's, except that the probe's own
    stderr comes first (grpc_health_probe logs "status: SERVING" there): keel_health_maxrss's line is last."""
    peak = floor = 0
    for _ in range(RSS_RUNS):
        result = subprocess.run([maxrss, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env=env, timeout=30)
        words = (result.stderr.splitlines() or [""])[-1].split()
        if result.returncode != 0 or words[:1] != ["maxrss"]:
            raise SystemExit(f"{command} under keel_health_maxrss failed: {result.stderr}")
        peak, floor = max(peak, int(words[1])), max(floor, int(words[3]))
    return peak, floor


def measure(rows, runs, rounds, env, maxrss):
    """rows: [(name, argv, argv for the NOT_SERVING service)] -> ({name: Timings}, {name: (peak, floor) KiB})"""
    for name, good, bad in rows:
        check(name, good, bad, env)
    timings = run_rounds([(name, subprocess.list2cmdline(good)) for name, good, _ in rows], runs, rounds, env=env)
    return timings, {name: max_rss_kib(maxrss, good, env) for name, good, _ in rows}


def table(results, baseline):
    timings, rss = results
    lines = ["| probe | median | p95 | × grpc_health_probe (median) | max RSS |", "|---|---|---|---|---|"]
    for name, timing in timings.items():
        lines.append(f"| {name} | {statistics.median(timing.times) * 1000:.2f} ms | "
                     f"{percentile(timing.times, 0.95) * 1000:.2f} ms | {round_ratio(timings, name, baseline):.2f} | "
                     f"{rss[name][0] / 1024:.2f} MiB |")
    return "\n".join(lines)


def goals(pairs):
    """pairs: [(label, results, keel row, probe row)] -> the ratio table, and whether all goals were met."""
    lines = [f"| keel / grpc_health_probe | wall (median) | goal ≤ {WALL_GOAL} | max RSS | goal ≤ {RSS_GOAL} |",
             "|---|---|---|---|---|"]
    met = True
    for label, (timings, rss), keel, probe in pairs:
        wall, memory = round_ratio(timings, keel, probe), rss[keel][0] / rss[probe][0]
        met = met and wall <= WALL_GOAL and memory <= RSS_GOAL
        lines.append(f"| {label} | **{wall:.2f}** | {'met' if wall <= WALL_GOAL else 'not met'} | "
                     f"**{memory:.2f}** | {'met' if memory <= RSS_GOAL else 'not met'} |")
    return "\n".join(lines), met


def loadavg():
    return open("/proc/loadavg").read().split()[0]


def main():
    parser = probe_bench_arguments()
    parser.add_argument("--probe-mirror", default=DEFAULT_MIRROR if os.path.isdir(DEFAULT_MIRROR) else None,
                        help="bare git repository of grpc-ecosystem/grpc-health-probe")
    parser.add_argument("--serve", nargs="*", help=argparse.SUPPRESS)  # internal: the server child
    args = parser.parse_args()
    if args.serve is not None:
        return serve(tuple(args.serve) or None)
    keel = os.path.join(args.build, "cli/keel")
    maxrss = os.path.join(args.build, "tests/keel_health_maxrss")
    for path in (keel, maxrss):
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: cmake --preset release && cmake --build --preset release")
    if not shutil.which("hyperfine"):
        raise SystemExit("hyperfine not found (apt-get install hyperfine)")
    if not args.probe_mirror:
        raise SystemExit("--probe-mirror: a bare clone of https://github.com/grpc-ecosystem/grpc-health-probe")
    probe, probe_build = build_probe(args.probe_mirror)
    python = os.path.realpath(sys.executable)
    # The timed commands get a clean environment; PYTHONPATH only matters to the grpcio client.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT", "GRPC_", "PYTHON"))}
    env["PYTHONPATH"] = grpc_python_dir()
    load_before = loadavg()

    with tempfile.TemporaryDirectory(prefix="keel-bench-") as tmp:
        pki = Pki(os.path.join(tmp, "pki"))
        plain_server, port = start_server()
        tls_server, tls_port = start_server(pki.leaf, pki.key_of(pki.leaf))
        try:
            addr, tls_addr = f"127.0.0.1:{port}", f"127.0.0.1:{tls_port}"
            url, tls_url = f"grpc://{addr}", f"grpcs://localhost:{tls_port}"
            plain = measure([
                ("keel healthcheck grpc://…", [keel, "healthcheck", url], [keel, "healthcheck", url + "/down"]),
                ("keel healthcheck grpc://…/app", [keel, "healthcheck", url + "/app"],
                 [keel, "healthcheck", url + "/down"]),
                ("grpc_health_probe", [probe, f"-addr={addr}"], [probe, f"-addr={addr}", "-service=down"]),
                ("grpc_health_probe -service=app", [probe, f"-addr={addr}", "-service=app"],
                 [probe, f"-addr={addr}", "-service=down"]),
                ("python grpcio client", [python, CLIENT, addr], [python, CLIENT, addr, "down"]),
            ], args.runs, args.rounds, env, maxrss)
            tls_probe = [probe, f"-addr={tls_addr}", "-tls", "-tls-ca-cert", pki.ca, "-tls-server-name", "localhost"]
            tls_client = [python, CLIENT, tls_addr, "--ca", pki.ca, "--server-name", "localhost"]
            tls = measure([
                ("keel healthcheck grpcs://… --ca-file CA", [keel, "healthcheck", tls_url, "--ca-file", pki.ca],
                 [keel, "healthcheck", tls_url + "/down", "--ca-file", pki.ca]),
                ("grpc_health_probe -tls -tls-ca-cert CA", tls_probe, tls_probe + ["-service=down"]),
                ("python grpcio client (TLS)", tls_client, tls_client + ["down"]),
            ], args.runs, args.rounds, env, maxrss)
        finally:
            stop_server(plain_server)
            stop_server(tls_server)

    load_after = loadavg()
    ratio_table, all_met = goals([
        ("grpc://", plain, "keel healthcheck grpc://…", "grpc_health_probe"),
        ("grpc://…/app vs -service=app", plain, "keel healthcheck grpc://…/app", "grpc_health_probe -service=app"),
        ("grpcs://", tls, "keel healthcheck grpcs://… --ca-file CA", "grpc_health_probe -tls -tls-ca-cert CA"),
    ])
    version = run(keel, "version", text=True).splitlines()
    keel_about = ", ".join([*version[:2], *(line for line in version if line.startswith(("TLS:", "gRPC:")))])
    grpcio = next(name[len("grpcio-"):-len(".dist-info")] for name in os.listdir(grpc_python_dir())
                  if name.startswith("grpcio-") and name.endswith(".dist-info"))
    # A shared-libpython build (pyenv's) keeps the interpreter in libpython: count it too.
    interpreter = os.path.getsize(python) + (os.path.getsize(os.path.join(
        sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))
        if sysconfig.get_config_var("Py_ENABLE_SHARED") else 0)
    grpcio_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(grpc_python_dir()) for f in files)
    floor = max(f for _, f in [*plain[1].values(), *tls[1].values()])
    text = f"""Measured by `bench/grpc.py` (hyperfine -N, {args.rounds} rounds with the order rotated, {args.runs} runs per
probe and round after 20 warmups; median and p95 over all runs; ratios are the median over the rounds of the
ratio within a round; max RSS over {RSS_RUNS} further runs, each forked by `keel_health_maxrss`, whose own
{floor} KiB is the floor of that figure). One run, one machine ({os.cpu_count()} CPUs, 1-minute load average
{load_before} before, {load_after} after), all probes against the same grpcio {grpcio} server (standard health
service, 127.0.0.1, its own process). keel: `{os.path.relpath(keel, ROOT)}` ({keel_about}).
grpc_health_probe {PROBE_TAG}, built by the script from source ({probe_build}), with its release flags
(`CGO_ENABLED=0 -tags netgo -ldflags=-w`). The grpcio client (`bench/grpc_reference_client.py`,
Python {sys.version.split()[0]}) is a reference only: Python's start and grpcio's import are most of its time.

### grpc:// (plaintext, h2c)

{table(plain, "grpc_health_probe")}

### grpcs:// (TLS, verified against the test CA)

keel dials `localhost` (`/etc/hosts`: 127.0.0.1); grpc_health_probe and the grpcio client dial 127.0.0.1
and verify the name `localhost` (`-tls-server-name`, `grpc.ssl_target_name_override`). ECDSA P-256
server certificate signed by the test CA.

{table(tls, "grpc_health_probe -tls -tls-ca-cert CA")}

### Ratios and goals (issue 18)

{ratio_table}

All goals: **{"met" if all_met else "not met"}**.

### Sizes

| binary | bytes |
|---|---|
| keel (static musl, all of keel, not only the probe) | {os.path.getsize(keel):,} |
| grpc_health_probe (static Go) | {os.path.getsize(probe):,} |
| python3 (+ libpython, without its stdlib) + grpcio, protobuf (installed files) | {interpreter:,} + {grpcio_bytes:,} |
"""
    replace_section(args.out, "grpc-bench", "gRPC probe: keel vs grpc_health_probe", text)
    print(text)


if __name__ == "__main__":
    main()
