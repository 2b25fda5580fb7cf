#!/usr/bin/env python3
"""What the default preflight (--require ca-certs,tzdata) costs at start, and how long
`keel check` takes over Debian's full CA bundle. hyperfine, one run, ratios against the same
binary with --require none.

    bench/preflight.py [--keel build/release/cli/keel] [--out bench/README.md] [--runs 300]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from markdown_section import replace_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def hyperfine(commands, runs, env):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "-N", "--warmup", "20", "--runs", str(runs), "--export-json", out.name,
                        *commands], check=True, capture_output=True, env=env, timeout=600)
        return {r["command"]: r for r in json.load(open(out.name))["results"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keel", default=os.path.join(ROOT, "build/release/cli/keel"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/README.md"))
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "SSL_CERT", "TZ"))}
    bundle = "/etc/ssl/certs/ca-certificates.crt"

    # Both through the option parser: `keel -- /bin/true` alone skips building it, which would
    # make the difference show that saving instead of the preflight.
    none = f"{args.keel} --require none -- /bin/true"
    default = f"{args.keel} --require ca-certs,tzdata -- /bin/true"
    check = f"{args.keel} check"
    results = hyperfine([none, default, check, "/bin/true"], args.runs, env)
    ms = {cmd: r["median"] * 1000 for cmd, r in results.items()}
    added = ms[default] - ms[none]
    certs = subprocess.run([args.keel, "check"], capture_output=True, text=True, env=env).stdout.splitlines()[0]
    text = f"""Measured by `bench/preflight.py` (hyperfine, {args.runs} runs each, medians; one run, same machine).
Bundle: `{bundle}` ({os.path.getsize(bundle):,} bytes): {certs.split(None, 2)[2]}.

| command | median | mean ± σ |
|---|---|---|
""" + "\n".join(f"| `{cmd.replace(args.keel, 'keel')}` | {ms[cmd]:.3f} ms | {results[cmd]['mean'] * 1000:.3f} ± "
                f"{results[cmd]['stddev'] * 1000:.3f} ms |" for cmd in (none, default, check, "/bin/true")) + f"""

Default preflight (ca-certs + tzdata) adds **{added * 1000:.0f} µs** to `keel -- /bin/true`
(the first two rows' difference)
(goal ≤ 1 ms: {'met' if added <= 1.0 else 'NOT met'}). `keel check` parses the whole bundle in {ms[check]:.2f} ms
(process start included).
"""
    replace_section(args.out, "preflight-bench", "Preflight cost", text)
    print(text)


if __name__ == "__main__":
    main()
