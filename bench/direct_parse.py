#!/usr/bin/env python3
"""What keel's direct parser (cli/direct_parse.hpp) saves on the ENTRYPOINT path, against CLI11.

    bench/direct_parse.py --keel build/release/cli/keel [--out bench/README.md] [--rounds N] [--check]

One binary, two spellings of the same command line: `keel -u nobody -- /bin/true`, which the direct
parser takes, and `keel -unobody -- /bin/true` (an attached short value), which it leaves to CLI11.
Both drop to nobody with the default image checks, so the difference is the parser alone.
Measured: keel's own user-space instructions (callgrind; the child not followed) and the start
overhead (hyperfine -N, rounds with the order rotated, each round's median minus /bin/true's).
Needs root (the drop), valgrind and hyperfine.

--check exits 1 unless the direct path runs under half CLI11's instructions and its median start
overhead is the lower one: the trick must keep paying for itself (scripts/reliability-report).
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


def instructions(argv):
    """keel's own user-space instructions (callgrind). keel drops to nobody before it exits, so
    callgrind writes its output into a file created beforehand that nobody may write."""
    with tempfile.TemporaryDirectory() as directory:
        os.chmod(directory, 0o1777)
        out = os.path.join(directory, "callgrind.out")
        open(out, "w").close()
        os.chmod(out, 0o666)
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
                           capture_output=True, text=True, timeout=120)
    for line in r.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[1].replace(",", ""))
    raise RuntimeError(f"callgrind gave no count for {argv}: {r.stderr[-300:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keel", required=True)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "README.md"))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 when the direct parser no longer pays")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/direct_parse.py: needs root (keel -u nobody)")
    keel = os.path.abspath(args.keel)
    lines = {"direct": [keel, "-u", "nobody", "--", "/bin/true"], "CLI11": [keel, "-unobody", "--", "/bin/true"]}
    for name, argv in lines.items():
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            sys.exit(f"bench/direct_parse.py: {' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()}")
    counts = {name: instructions(argv) for name, argv in lines.items()}
    named = [("true", "/bin/true")] + [(name, " ".join(argv)) for name, argv in lines.items()]
    timings = run_rounds(named, runs=100, rounds=args.rounds)
    overhead = {name: overheads_us(timings, name, "true") for name in lines}
    median = {name: statistics.median(values) for name, values in overhead.items()}

    def quartiles(values):
        return f"{values[len(values) // 4]:.0f}–{values[(3 * len(values)) // 4]:.0f}"

    rows = "\n".join(
        f"| `{' '.join(['keel', *argv[1:]])}` | {name} | {counts[name]:,} | {median[name]:.0f} ({quartiles(overhead[name])}) |"
        for name, argv in lines.items())
    ratio = counts["direct"] / counts["CLI11"]
    text = f"""Measured by `bench/direct_parse.py` in one run on one machine: one release binary
(`{os.path.relpath(keel, ROOT)}`), the same options spelled two ways. `-u nobody` is taken by the
direct parser (cli/direct_parse.hpp); `-unobody` (an attached short value) is left to CLI11, which
builds its whole parser. Instructions: keel's own process, callgrind. Start overhead: hyperfine -N,
{args.rounds} rounds (order rotated) of 100 runs, per round the median minus `/bin/true`'s
({timings['true'].median * 1e6:.0f} µs); median over the rounds, quartiles in brackets.

| command | parser | user-space instructions | start overhead (µs) |
|---|---|---:|---:|
{rows}

The direct parser runs {ratio:.2f}× CLI11's instructions and saves {median['CLI11'] - median['direct']:.0f} µs of
start overhead (medians).
"""
    replace_section(args.out, "direct-parse-bench", "Direct parse: the ENTRYPOINT line without CLI11", text)
    print(text)
    if args.check:
        if ratio >= 0.5 or median["direct"] >= median["CLI11"]:
            print(f"direct parse no longer pays: {ratio:.2f}x the instructions, "
                  f"{median['direct']:.0f} against {median['CLI11']:.0f} µs", file=sys.stderr)
            return 1
        print(f"direct parse pays: {ratio:.2f}x the instructions, {median['direct']:.0f} against {median['CLI11']:.0f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
