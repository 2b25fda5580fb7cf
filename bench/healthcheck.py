#!/usr/bin/env python3
"""keel healthcheck against the probes people put in HEALTHCHECK lines, in one run, against the same
local server (tests/helpers/health_server.cpp, built as keel_health_server next to keel):

  http:  keel healthcheck URL | curl -fsS -o /dev/null URL | busybox wget -q -O /dev/null URL
  https: the same three, each verifying the chain and the host name against Debian's bundle with a
         test CA appended (the same file: SSL_CERT_FILE for keel and for the `openssl s_client` that
         Debian's busybox wget runs for https, --cacert for curl). The URL names localhost: busybox
         hands "HOST:PORT" to s_client's -verify_ip, which fails for any IP literal.

Timing: hyperfine (no shell, warmup), median and p95 of every run. Memory: max RSS over
separate runs, read with wait4(). Writes its section of bench/README.md.

    bench/healthcheck.py [--build build/release] [--runs 200] [--out bench/README.md]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from hyperfine_rounds import ratios, run_rounds  # noqa: E402
from markdown_section import replace_section  # noqa: E402
from health_servers import Pki  # noqa: E402

BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
RSS_RUNS = 30


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def start_server(server, *args):
    process = subprocess.Popen([server, *args], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("port "):
        process.kill()
        raise SystemExit(f"{server} did not start: {line!r}")
    return process, int(line.split()[1])


def check_works(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
    if result.returncode != 0:
        raise SystemExit(f"{command} failed ({result.returncode}): {result.stdout}{result.stderr}")


def round_ratio(results, name, baseline):
    """Median over the rounds of name's median / baseline's median in the same round."""
    return statistics.median(ratios(results, name, baseline))


def max_rss_kib(maxrss, command, env):
    """(peak, floor) in KiB over RSS_RUNS runs, via keel_health_maxrss (see its comment)."""
    peak = floor = 0
    for _ in range(RSS_RUNS):
        result = subprocess.run([maxrss, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env=env, timeout=30)
        words = result.stderr.split()
        if result.returncode != 0 or words[:1] != ["maxrss"]:
            raise SystemExit(f"{command} under keel_health_maxrss failed: {result.stderr}")
        peak, floor = max(peak, int(words[1])), max(floor, int(words[3]))
    return peak, floor


def measure(rows, runs, env, maxrss, rounds):
    """rows: [(name, argv)] -> ({name: Timings}, {name: (peak, floor) RSS in KiB})"""
    for _, command in rows:
        check_works(command, env)
    timings = run_rounds([(name, subprocess.list2cmdline(command)) for name, command in rows], runs, rounds, env=env)
    return timings, {name: max_rss_kib(maxrss, command, env) for name, command in rows}


def table(results, baseline):
    timings, rss = results
    lines = ["| probe | median | p95 | × " + baseline.split()[0] + " (median) | max RSS |", "|---|---|---|---|---|"]
    for name, timing in timings.items():
        lines.append(f"| {name} | {statistics.median(timing.times) * 1000:.2f} ms | "
                     f"{percentile(timing.times, 0.95) * 1000:.2f} ms | {round_ratio(timings, name, baseline):.2f} | "
                     f"{rss[name][0] / 1024:.2f} MiB |")
    return "\n".join(lines)


def probe_bench_arguments():
    """The options every probe benchmark takes (this one and bench/grpc.py)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build/release"))
    parser.add_argument("--runs", type=int, default=100, help="runs per probe and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(HERE, "README.md"))
    return parser


def main():
    args = probe_bench_arguments().parse_args()
    keel = os.path.join(args.build, "cli/keel")
    server = os.path.join(args.build, "tests/keel_health_server")
    maxrss = os.path.join(args.build, "tests/keel_health_maxrss")
    for tool in ("hyperfine", "curl", "busybox", "openssl"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found (apt-get install hyperfine curl busybox-static openssl)")
    curl, busybox = shutil.which("curl"), shutil.which("busybox")

    with tempfile.TemporaryDirectory(prefix="keel-bench-") as tmp:
        pki = Pki(os.path.join(tmp, "pki"))
        bundle = os.path.join(tmp, "bundle.pem")
        with open(bundle, "w") as out:
            for source in (BUNDLE, pki.ca):
                with open(source) as f:
                    out.write(f.read())
        certificates = open(bundle).read().count("BEGIN CERTIFICATE")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT", "CURL_"))}
        env["SSL_CERT_FILE"] = bundle  # keel's bundle; curl gets the same file through --cacert

        http_server, http_port = start_server(server)
        https_server, https_port = start_server(server, "--tls", pki.leaf, pki.key_of(pki.leaf))
        try:
            http_url = f"http://127.0.0.1:{http_port}/health"
            https_url = f"https://localhost:{https_port}/health"
            http = measure([("keel healthcheck", [keel, "healthcheck", http_url]),
                            ("curl -fsS -o /dev/null", [curl, "-fsS", "-o", "/dev/null", http_url]),
                            ("busybox wget -q -O /dev/null", [busybox, "wget", "-q", "-O", "/dev/null", http_url])],
                           args.runs, env, maxrss, args.rounds)
            https = measure([("keel healthcheck", [keel, "healthcheck", https_url]),
                             ("curl -fsS -o /dev/null --cacert BUNDLE", [curl, "-fsS", "-o", "/dev/null", "--cacert", bundle, https_url]),
                             ("busybox wget -q -O /dev/null", [busybox, "wget", "-q", "-O", "/dev/null", https_url])],
                            args.runs, env, maxrss, args.rounds)
        finally:
            for process in (http_server, https_server):
                process.kill()
                process.wait()
                process.stdout.close()

    http_vs_wget = round_ratio(http[0], "keel healthcheck", "busybox wget -q -O /dev/null")
    http_vs_curl = round_ratio(http[0], "keel healthcheck", "curl -fsS -o /dev/null")
    https_vs_curl = round_ratio(https[0], "keel healthcheck", "curl -fsS -o /dev/null --cacert BUNDLE")
    version = subprocess.run([keel, "version"], capture_output=True, text=True).stdout.splitlines()
    text = f"""Measured by `bench/healthcheck.py` (hyperfine -N, {args.rounds} rounds with the order rotated, {args.runs} runs
per probe and round after 20 warmups; median and p95 over all runs; ratios are the median over the rounds
of the ratio within a round;
max RSS over {RSS_RUNS} further runs, each forked by `keel_health_maxrss`, whose own
{max(floor for _, floor in [*http[1].values(), *https[1].values()])} KiB is the floor of that figure). One run, one machine, all probes against the same
local server (`keel_health_server`, C++, 127.0.0.1, 200 OK with a 2-byte body). keel: `{os.path.relpath(keel, ROOT)}`
({", ".join(version[:2])}, {os.path.getsize(keel):,} bytes); {subprocess.run([curl, "--version"], capture_output=True, text=True).stdout.splitlines()[0].split(" (")[0]};
{subprocess.run([busybox], capture_output=True, text=True).stdout.splitlines()[0].split(" multi-call")[0]}.

### http://

{table(http, "curl -fsS -o /dev/null")}

keel / busybox wget: **{http_vs_wget:.2f}** (goal ≤ 1: {"met" if http_vs_wget <= 1 else "NOT met"});
keel / curl: **{http_vs_curl:.2f}**.

### https:// (full verification)

URL `https://localhost:PORT/health`. Bundle: Debian's `{BUNDLE}` plus the test CA ({certificates}
certificates); ECDSA P-256 server certificate signed by that CA; TLS 1.3. keel reads the bundle
through `SSL_CERT_FILE` (its default lookup) and indexes it by subject, decoding only the issuer the
chain needs; curl (`--cacert`) and busybox wget (which runs `openssl s_client -verify_return_error`,
reading `SSL_CERT_FILE`) load the whole file.

{table(https, "curl -fsS -o /dev/null --cacert BUNDLE")}

keel / curl: **{https_vs_curl:.2f}** (goal ≤ 0.6: {"met" if https_vs_curl <= 0.6 else "NOT met"}). busybox wget's RSS is
its own process only: the `openssl s_client` it starts for https is not counted (its time is).
"""
    replace_section(args.out, "healthcheck-bench", "Health probe: keel vs curl vs busybox wget", text)
    print(text)


if __name__ == "__main__":
    main()
