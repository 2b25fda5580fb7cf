#!/usr/bin/env python3
"""What the default preflight (--require ca-certs,tzdata) costs at start, and how long
`keel check` takes over Debian's full CA bundle. hyperfine, in a few rounds with the order
rotated, against the same binary with --require none.

    bench/preflight.py [--keel build/release/cli/keel] [--out bench/README.md] [--runs 100] [--rounds 15]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hyperfine_rounds import overheads_us, run_rounds  # noqa: E402
from markdown_section import replace_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def instructions(command, env):
    """keel's own user-space instructions (callgrind; the child it starts is not followed)."""
    with tempfile.NamedTemporaryFile(suffix=".out") as out:
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", *command.split()],
                           capture_output=True, text=True, env=env, timeout=120)
    for line in r.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[1].replace(",", ""))
    raise RuntimeError(f"callgrind gave no count for {command}: {r.stderr[-300:]}")


def syscalls(command, env):
    """System calls keel itself makes (strace -c, the child not followed)."""
    r = subprocess.run(["strace", "-c", *command.split()], capture_output=True, text=True, env=env, timeout=60)
    total = [line for line in r.stderr.splitlines() if line.rstrip().endswith("total")]
    if not total:
        raise RuntimeError(f"strace gave no total for {command}: {r.stderr[-300:]}")
    return int(total[-1].split()[3])  # % time, seconds, usecs/call, calls, [errors,] total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keel", default=os.path.join(ROOT, "build/release/cli/keel"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/README.md"))
    parser.add_argument("--runs", type=int, default=100, help="runs per command and round")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT", "TZ"))}
    bundle = "/etc/ssl/certs/ca-certificates.crt"

    # Both through the option parser: `keel -- /bin/true` alone skips building it, which would
    # make the difference show that saving instead of the preflight.
    none = f"{args.keel} --require none -- /bin/true"
    default = f"{args.keel} --require ca-certs,tzdata -- /bin/true"
    check = f"{args.keel} check"
    # The preflight adds tens of µs to a start of about a millisecond: the difference is taken
    # within each round (bench/hyperfine_rounds.py).
    commands = [none, default, check, "/bin/true"]
    timings = run_rounds([(cmd, cmd) for cmd in commands], args.runs, args.rounds, env=env, timeout=600)
    ms = {cmd: timings[cmd].median * 1000 for cmd in commands}
    per_round = overheads_us(timings, default, none)
    added = statistics.median(per_round) / 1000
    results = {cmd: {"mean": statistics.mean(timings[cmd].times), "stddev": statistics.stdev(timings[cmd].times)}
               for cmd in commands}
    counts = {cmd: (instructions(cmd, env), syscalls(cmd, env)) for cmd in (none, default)}
    certs = subprocess.run([args.keel, "check"], capture_output=True, text=True, env=env).stdout.splitlines()[0]
    text = f"""Measured by `bench/preflight.py` (hyperfine, {args.rounds} rounds with the order rotated, {args.runs} runs per
command and round; medians over the rounds; one run, same machine).
Bundle: `{bundle}` ({os.path.getsize(bundle):,} bytes): {certs.split(None, 2)[2]}.

| command | median | mean ± σ |
|---|---|---|
""" + "\n".join(f"| `{cmd.replace(args.keel, 'keel')}` | {ms[cmd]:.3f} ms | {results[cmd]['mean'] * 1000:.3f} ± "
                f"{results[cmd]['stddev'] * 1000:.3f} ms |" for cmd in (none, default, check, "/bin/true")) + f"""

Default preflight (ca-certs + tzdata) adds **{added * 1000:.0f} µs** to `keel -- /bin/true`
(the first two rows' difference within a round, median over the rounds; per round
{", ".join(f"{d:.0f}" for d in per_round)} µs)
(goal ≤ 1 ms: {'met' if added <= 1.0 else 'NOT met'}). `keel check` parses the whole bundle in {ms[check]:.2f} ms
(process start included).

Counted, so free of the machine's noise (keel's own process, the child not followed):

| command | user-space instructions (callgrind) | system calls (strace -c) |
|---|---:|---:|
""" + "\n".join(f"| `{cmd.replace(args.keel, 'keel')}` | {counts[cmd][0]:,} | {counts[cmd][1]} |" for cmd in (none, default)) + """
"""
    replace_section(args.out, "preflight-bench", "Preflight cost", text)
    print(text)


if __name__ == "__main__":
    main()
