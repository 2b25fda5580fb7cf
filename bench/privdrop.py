#!/usr/bin/env python3
"""keel -u against gosu (and util-linux setpriv) at their shared job: become an unprivileged user
and exec a program. One run, same machine: binary size and hyperfine medians of
`TOOL USER /bin/true` against /bin/true alone, in rounds (bench/hyperfine_rounds.py). Writes its
section of bench/README.md.

    bench/privdrop.py --keel build/release/cli/keel [--runs 100] [--rounds 5] [--out bench/README.md]

keel runs with --require none: the image checks are the preflight's job (bench/preflight.py), and
gosu does none. keel still supervises (forks, waits, reaps) where gosu and setpriv exec in place.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hyperfine_rounds import overheads_us, run_rounds  # noqa: E402
from markdown_section import replace_section  # noqa: E402

USER = "nobody"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keel", required=True)
    parser.add_argument("--runs", type=int, default=100, help="runs per command and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(HERE, "README.md"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/privdrop.py: needs root (every tool here drops from root)")
    tools = [("keel -u", os.path.abspath(args.keel), f"{os.path.abspath(args.keel)} --require none -u {USER} -- /bin/true")]
    for name, argv in (("gosu", f"gosu {USER} /bin/true"),
                       ("setpriv", f"setpriv --reuid={USER} --regid=nogroup --clear-groups /bin/true")):
        path = shutil.which(argv.split()[0])
        if path is None:
            print(f"{name} not found: left out (apt-get install {name})", file=sys.stderr)
            continue
        tools.append((name, path, argv.replace(argv.split()[0], path, 1)))
    timings = run_rounds([("/bin/true", "/bin/true")] + [(name, command) for name, _, command in tools],
                         args.runs, args.rounds, timeout=600)
    baseline = timings["/bin/true"].median * 1000
    rows = []
    for name, path, _ in tools:
        median = timings[name].median * 1000
        overhead = statistics.median(overheads_us(timings, name, "/bin/true")) / 1000
        rows.append((name, os.path.getsize(path), median, overhead))
        print(f"{name}: {median:.3f} ms", file=sys.stderr)
    gosu = next((r for r in rows if r[0] == "gosu"), None)
    lines = [f"Measured by `bench/privdrop.py` (hyperfine -N, {args.rounds} rounds with the order rotated, {args.runs} "
             "runs per command and round after 20 warm-ups; medians over the rounds, overheads taken within a round; "
             f"one run, same machine). Each drops from root to `{USER}` and runs `/bin/true` ({baseline:.3f} ms alone). "
             "keel runs with `--require none` and supervises the program (vfork, wait, reap); gosu and setpriv "
             "exec in place.", "",
             "| tool | size (bytes) | median | overhead over /bin/true | overhead ÷ gosu's |", "|---|---:|---:|---:|---:|"]
    for name, size, median, overhead in rows:
        ratio = f"{overhead / gosu[3]:.2f}" if gosu and gosu[3] > 0 else "n/a"
        lines.append(f"| {name} | {size:,} | {median:.3f} ms | {overhead:.3f} ms | {ratio} |")
    replace_section(args.out, "privdrop-bench", "Privilege drop: keel -u vs gosu and setpriv", "\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
