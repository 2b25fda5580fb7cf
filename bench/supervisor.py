#!/usr/bin/env python3
"""keel's supervisor against its peers, in one run on one machine: size, idle wakeups, memory,
start overhead, reaping 2,000 orphans and signal forwarding latency.

    bench/supervisor.py --keel build/release/cli/keel [--out bench/README.md] [--quick]

Peers: Debian's tini, tini-static, dumb-init and catatonit, and the same three built with musl by
scripts/build-peers (run here if missing). Every init but the start-overhead one runs as PID 1 of
its own PID namespace (`unshare --pid --fork --mount-proc`), as in a container; the start overhead
is `INIT -- /bin/true` outside a namespace (the namespace's own cost would swamp it). Needs root
(or user namespaces), util-linux, hyperfine and musl-gcc (or cc). Payloads: bench/orphans.c and
bench/siglat.c, compiled into a temp dir. The figures go between the supervisor-bench markers of
--out and to stdout; an init that fails a measurement gets n/a there, the run goes on.
"""

import argparse
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hyperfine_rounds import overheads_us, run_rounds  # noqa: E402
from markdown_section import replace_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
CACHE = os.path.expanduser(os.environ.get("KEEL_CACHE_DIR", "~/.cache/keel"))
MUSL_DIR = os.path.join(CACHE, "peers", "musl")
ORPHANS = 2000


class Init:
    """One init under test: how to call it with a command, and what it measured."""

    def __init__(self, name, path, separator, options=()):
        self.name, self.path = name, path
        self.prefix = [path, *options, "--"] if separator else [path]  # dumb-init takes no `--`
        self.metrics = {}
        self.notes = []

    def argv(self, *cmd):
        return self.prefix + list(cmd)

    def fail(self, metric, why):
        why = " ".join(str(why).split())[:200]
        self.notes.append(f"{metric}: {why}")
        log(f"  {self.name}: {metric} n/a ({why})")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def peers():
    inits = [Init(name, f"/usr/bin/{name}", name != "dumb-init")
             for name in ("tini", "tini-static", "dumb-init", "catatonit")]
    if not all(os.path.exists(os.path.join(MUSL_DIR, n)) for n in ("tini", "dumb-init", "catatonit")):
        log(f"musl peers missing in {MUSL_DIR}: running scripts/build-peers")
        try:
            subprocess.run([os.path.join(ROOT, "scripts", "build-peers")], timeout=600, check=False,
                           stdout=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            log(f"scripts/build-peers failed: {e}")
    for name in ("tini", "dumb-init", "catatonit"):
        inits.append(Init(f"{name} (musl)", os.path.join(MUSL_DIR, name), name != "dumb-init"))
    return inits


def compile_payloads(tmp):
    """Static musl builds of the payloads (cc -O2 if musl-gcc is missing); None for one that fails."""
    cc = shutil.which("musl-gcc")
    flags = ["-static", "-O2"] if cc else ["-O2"]
    cc = cc or shutil.which("cc") or "gcc"
    out = {}
    for name in ("orphans", "siglat"):
        exe = os.path.join(tmp, name)
        try:
            r = run_bounded([cc, *flags, "-o", exe, os.path.join(BENCH, f"{name}.c")], 120)
            if r.returncode != 0:
                raise RuntimeError(r.stderr.decode(errors="replace")[-300:])
            out[name] = exe
        except (OSError, RuntimeError) as e:
            log(f"cannot build bench/{name}.c with {cc}: {e}")
            out[name] = None
    return out


def run_bounded(argv, timeout):
    """subprocess.run with the output captured, that kills the whole process group on timeout (a
    misbehaving init may leave children behind that would keep the pipes open)."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RuntimeError(f"{shlex.join(argv)}: no exit within {timeout} s")
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def namespace_prefix(pinned=False):
    ns = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]
    if os.geteuid() != 0:
        ns[1:1] = ["--user", "--map-root-user"]
    return (["taskset", "-c", "0"] if pinned else []) + ns


class InNamespace:
    """`unshare ... INIT CMD` in the background; finds the init's host PID; kills it all on exit."""

    def __init__(self, init, cmd, pinned=False, stdout=subprocess.DEVNULL):
        self.init = init
        self.errfile = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(namespace_prefix(pinned) + init.argv(*cmd), stdin=subprocess.DEVNULL,
                                     stdout=stdout, stderr=self.errfile, start_new_session=True)
        self.pid = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def find_init(self, timeout=5.0):
        """The host PID of the init (unshare's child) once it has exec'd the init binary."""
        want = os.path.realpath(self.init.path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}: {self.stderr()}")
            try:
                with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                    kids = f.read().split()
                if kids and os.readlink(f"/proc/{kids[0]}/exe") == want:
                    self.pid = int(kids[0])
                    return self.pid
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"init not running after {timeout} s: {self.stderr()}")

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read()[-300:].decode(errors="replace").strip() or "no output"

    def close(self):
        # Killing PID 1 of a namespace kills everything in it; --kill-child covers the rest.
        for pid in ([self.pid] if self.pid else []):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log(f"  {self.init.name}: unshare {self.proc.pid} did not exit after SIGKILL")
        self.errfile.close()


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()[0] if value.split() else ""
    return fields


def context_switches(pid):
    s = proc_status(pid)
    return int(s["voluntary_ctxt_switches"]) + int(s["nonvoluntary_ctxt_switches"])


def measure_size(inits):
    for init in inits:
        try:
            init.metrics["size"] = os.stat(init.path).st_size
        except OSError as e:
            init.fail("size", e.strerror)


def measure_idle(inits, window):
    """All inits at once, each PID 1 over `sleep`: an idle process is not scheduled, so they do not
    disturb each other, and they share one window of the same machine noise."""
    log(f"idle wakeups and memory ({window} s window, all inits side by side)")
    running = []
    try:
        for init in inits:
            ns = InNamespace(init, ["sleep", str(window + 30)])
            running.append(ns)
        live = []
        for ns in running:
            try:
                ns.find_init()
                live.append(ns)
            except RuntimeError as e:
                ns.init.fail("idle", e)
        time.sleep(1.0)
        before = {}
        for ns in live:
            try:
                before[ns] = context_switches(ns.pid)
            except (OSError, KeyError, ValueError) as e:
                ns.init.fail("idle", f"cannot read /proc/{ns.pid}/status: {e}")
        time.sleep(window)
        for ns, start in before.items():
            try:
                if ns.proc.poll() is not None:
                    raise RuntimeError(f"exited early with {ns.proc.returncode}: {ns.stderr()}")
                status = proc_status(ns.pid)
                ns.init.metrics["wakeups"] = context_switches(ns.pid) - start
                ns.init.metrics["rss"] = int(status["VmRSS"])
                ns.init.metrics["hwm"] = int(status["VmHWM"])
            except (OSError, KeyError, ValueError, RuntimeError) as e:
                ns.init.fail("idle", e)
    finally:
        for ns in running:
            ns.close()


def measure_start(inits, warmup, runs, rounds):
    log(f"start overhead (hyperfine -N, {rounds} rounds of {runs} runs)")
    ok = []
    for init in inits:
        try:
            r = run_bounded(init.argv("/bin/true"), 10)
            if r.returncode != 0:
                raise RuntimeError(f"exit {r.returncode}: {r.stderr.decode(errors='replace')[-200:]}")
            ok.append(init)
        except (OSError, RuntimeError) as e:
            init.fail("start", e)
    commands = [("/bin/true", "/bin/true")] + [(i.name, shlex.join(i.argv("/bin/true"))) for i in ok]
    try:
        timings = run_rounds(commands, runs, rounds, warmup=warmup, timeout=300)
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        detail = getattr(e, "stderr", b"") or b""
        for init in ok:
            init.fail("start", f"hyperfine: {e} {detail.decode(errors='replace')[-300:]}")
        return None
    for init in ok:
        init.metrics["start"] = timings[init.name].median * 1e6
        init.metrics["overhead"] = statistics.median(overheads_us(timings, init.name, "/bin/true"))
    return timings["/bin/true"].median * 1e6


def run_orphans_once(init, exe):
    t0 = time.perf_counter()
    with InNamespace(init, [exe, str(ORPHANS), "10000"], stdout=subprocess.PIPE) as ns:
        try:
            out, _ = ns.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            raise RuntimeError("no exit within 30 s")
        wall = time.perf_counter() - t0
        fields = dict(kv.split("=") for kv in out.decode().split() if "=" in kv)
        if "elapsed_us" not in fields:
            raise RuntimeError(f"exit {ns.proc.returncode}, no report: {ns.stderr()}")
        return (int(fields["elapsed_us"]) / 1000, int(fields["drain_us"]) / 1000, wall * 1000,
                int(fields["zombies_left"]))


def measure_orphans(inits, exe, reps):
    log(f"reaping {ORPHANS} orphans ({reps} run(s) each, median)")
    for init in inits:
        try:
            if exe is None:
                raise RuntimeError("bench/orphans.c did not build")
            runs = [run_orphans_once(init, exe) for _ in range(reps)]
            init.metrics["reap"] = statistics.median(r[0] for r in runs)
            init.metrics["drain"] = statistics.median(r[1] for r in runs)
            init.metrics["reap_wall"] = statistics.median(r[2] for r in runs)
            init.metrics["zombies"] = max(r[3] for r in runs)
        except (OSError, RuntimeError, ValueError) as e:
            init.fail("orphans", e)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def run_siglat_once(init, exe, count, gap_us, pinned):
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "acks")
        os.mkfifo(fifo)
        with InNamespace(init, [exe, "recv", fifo, str(count)], pinned=pinned) as ns:
            pid = ns.find_init()
            sender = (["taskset", "-c", "0"] if pinned else []) + [exe, "send", str(pid), fifo, str(count),
                                                                    str(gap_us)]
            r = run_bounded(sender, 30 + count * (gap_us + 2000) / 1e6)
            latencies = [int(x) / 1000 for x in r.stdout.split()]
            if r.returncode != 0 or len(latencies) < count:
                raise RuntimeError(f"{len(latencies)}/{count} signals: {r.stderr.decode(errors='replace')}"
                                   f" / init: {ns.stderr()}")
            return statistics.median(latencies), percentile(latencies, 99)


def measure_signals(inits, exe, count):
    log(f"signal forwarding latency ({count} SIGUSR1, 2 ms apart; unpinned and taskset -c 0)")
    for init in inits:
        for pinned, key in ((False, "sig"), (True, "sig_pinned")):
            try:
                if exe is None:
                    raise RuntimeError("bench/siglat.c did not build")
                init.metrics[key], init.metrics[key + "_p99"] = run_siglat_once(init, exe, count, 2000, pinned)
            except (OSError, RuntimeError, subprocess.SubprocessError, ValueError) as e:
                init.fail("signals pinned" if pinned else "signals", e)


# (key, column title, format, what "better" means is always "lower")
COLUMNS = [
    ("size", "size (bytes)", "{:,}"),
    ("wakeups", "idle wakeups", "{}"),
    ("rss", "VmRSS (kB)", "{:,}"),
    ("hwm", "VmHWM (kB)", "{:,}"),
    ("start", "start median (µs)", "{:.0f}"),
    ("overhead", "start overhead (µs)", "{:.0f}"),
    ("reap", f"reap {ORPHANS:,} orphans (ms)", "{:.1f}"),
    ("drain", "orphans drain (ms)", "{:.2f}"),
    ("reap_wall", "orphans run, wall (ms)", "{:.1f}"),
    ("zombies", "zombies left", "{}"),
    ("sig", "signal median (µs)", "{:.1f}"),
    ("sig_p99", "signal p99 (µs)", "{:.1f}"),
    ("sig_pinned", "pinned median (µs)", "{:.1f}"),
    ("sig_pinned_p99", "pinned p99 (µs)", "{:.1f}"),
]


def cell(init, key, fmt):
    value = init.metrics.get(key)
    return "n/a" if value is None else fmt.format(value)


def results_table(inits):
    lines = ["| init | " + " | ".join(c[1] for c in COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    for init in inits:
        lines.append(f"| {init.name} | " + " | ".join(cell(init, k, f) for k, _, f in COLUMNS) + " |")
    return "\n".join(lines)


def ratio_table(keel, others):
    lines = ["| metric | keel | best peer | keel ÷ best |", "|---|---:|---|---:|"]
    for key, title, fmt in COLUMNS:
        if key in ("start", "reap_wall"):
            continue
        have = [p for p in others if p.metrics.get(key) is not None]
        mine = keel.metrics.get(key)
        if not have:
            lines.append(f"| {title} | {cell(keel, key, fmt)} | n/a | n/a |")
            continue
        best = min(have, key=lambda p: p.metrics[key])
        b = best.metrics[key]
        if mine is None:
            ratio = "n/a"
        elif b > 0:
            ratio = f"{mine / b:.2f}×"
        else:
            ratio = "1.00×" if mine == 0 else "∞"
        lines.append(f"| {title} | {cell(keel, key, fmt)} | {best.name}: {fmt.format(b)} | {ratio} |")
    return "\n".join(lines)


def entrypoint_ratio(inits):
    """The start-overhead goal (issue 17): the ENTRYPOINT path against the best musl peer."""
    entry = next((i for i in inits if i.name == "keel -u nobody"), None)
    musl = [i for i in inits if i.name.endswith("(musl)") and i.metrics.get("overhead") is not None]
    if entry is None or entry.metrics.get("overhead") is None or not musl:
        return "Start overhead of `keel -u nobody` against the best musl peer: n/a."
    best = min(musl, key=lambda p: p.metrics["overhead"])
    mine, theirs = entry.metrics["overhead"], best.metrics["overhead"]
    ratio = f"{mine / theirs:.2f}×" if theirs > 0 else "n/a"
    return (f"Start overhead of the ENTRYPOINT path `keel -u nobody -- /bin/true` (privilege drop and the "
            f"default image checks): {mine:.0f} µs against {best.name}'s {theirs:.0f} µs, **{ratio}** "
            "(goal: at most 1.1×).")


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}, load {os.getloadavg()[0]:.2f} at start"


def plot(inits, path):
    """Horizontal bar charts, one per metric, as a dependency-free SVG (keel orange, peers blue)."""
    keys = [c for c in COLUMNS if c[0] in ("size", "wakeups", "hwm", "overhead", "reap", "sig", "sig_pinned")]
    label_w, bar_w, row_h, title_h, gap = 150, 420, 16, 22, 14
    panel_h = title_h + row_h * len(inits) + gap
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" height="{panel_h * len(keys)}" '
           'font-family="sans-serif" font-size="11">', '<rect width="100%" height="100%" fill="white"/>']
    for panel, (key, title, fmt) in enumerate(keys):
        top = panel * panel_h
        out.append(f'<text x="4" y="{top + 15}" font-weight="bold">{title}, lower is better</text>')
        values = [i.metrics.get(key) for i in inits]
        largest = max((v for v in values if v is not None), default=0) or 1
        for row, (init, value) in enumerate(zip(inits, values)):
            y = top + title_h + row * row_h
            out.append(f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end">{init.name}</text>')
            if value is None:
                out.append(f'<text x="{label_w + 4}" y="{y + 11}">n/a</text>')
                continue
            width = max(1, round(bar_w * value / largest))
            color = "#e8842c" if init.name.startswith("keel") else "#4a79b8"
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="{row_h - 4}" fill="{color}"/>')
            out.append(f'<text x="{label_w + width + 4}" y="{y + 11}">{fmt.format(value)}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return True


def report(inits, args, base, settings):
    keel, others = inits[0], [i for i in inits[1:] if not i.name.startswith("keel")]
    notes = [f"- {i.name}: {n}" for i in inits for n in i.notes]
    body = [
        f"Measured by `bench/supervisor.py{' --quick' if settings['quick'] else ''}` in one run on one machine "
        f"({machine()}).",
        f"keel binary: `{args.keel}`. Peers: Debian 12's packages (`/usr/bin/...`) and the same sources built "
        "by `scripts/build-peers` with `musl-gcc -static -Os -s` (\"musl\").",
        "",
        results_table(inits),
        "`keel` is `keel -- PROGRAM`, the usual entrypoint: with no option and no KEEL_* variable it skips "
        "building its option parser. `keel --grace=5s` is the same binary given one option (the default "
        "value), so it parses.",
        "",
        "Lower is better everywhere.",
        f"- **idle wakeups**: context switches (voluntary + involuntary) of the init over {settings['window']} s "
        "while it runs as PID 1 of a PID namespace over `sleep`, from 1 s after start. **VmRSS/VmHWM**: the "
        "same process, at the end of that window.",
        f"- **start**: hyperfine -N, {settings['rounds']} rounds (command order rotated) of {settings['runs']} runs "
        f"after {settings['warmup']} warm-up; per round the median of "
        "`INIT -- /bin/true` outside a namespace, **overhead** = that minus the round's `/bin/true` alone; "
        f"the table gives the median over the rounds (`/bin/true`: {'n/a' if base is None else f'{base:.0f} µs'}).",
        f"- **orphans**: the init is PID 1 of a PID namespace; its child `bench/orphans.c` forks {ORPHANS:,} "
        "children that each fork a grandchild and exit, so the init must reap every grandchild; the time runs "
        "from the first fork until the child sees no process but itself and PID 1 in the namespace's /proc "
        f"(median of {settings['reps']}); *drain* is the part after the child's own last child was reaped; "
        "*wall* is the whole `unshare … INIT orphans` run; *zombies left* counts those still there after 10 s.",
        f"- **signal**: `bench/siglat.c send` (outside the namespace) reads CLOCK_MONOTONIC and sends SIGUSR1 "
        f"to the init; the init's child `siglat recv` takes it with sigwaitinfo and reads CLOCK_MONOTONIC; "
        f"{settings['signals']} signals, each acknowledged before the next, 2 ms apart. *pinned*: init, child "
        "and sender all on CPU 0 (`taskset -c 0`).",
        "",
        "keel against the best peer per metric:",
        "",
        ratio_table(keel, others),
        "",
        entrypoint_ratio(inits),
    ]
    if notes:
        body += ["", "Not measured:", *notes]
    if settings.get("plot"):
        body += ["", f"![supervisor benchmark]({settings['plot']})"]
    return "\n".join(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keel", required=True, help="the init under test, called as KEEL -- PROGRAM ARGS")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "README.md"))
    parser.add_argument("--quick", action="store_true", help="fewer runs and a shorter window (smoke test)")
    args = parser.parse_args()
    for tool in ("unshare", "hyperfine", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"error: {tool} not found (scripts/setup installs it)")

    settings = dict(quick=True, window=3, warmup=3, runs=30, rounds=2, reps=1, signals=50) if args.quick else \
        dict(quick=False, window=10, warmup=20, runs=100, rounds=15, reps=3, signals=200)
    keel = Init("keel", os.path.abspath(args.keel), True)
    # `keel -- PROGRAM` with no option skips building its option parser; any option builds it.
    keel_with_option = Init("keel --grace=5s", os.path.abspath(args.keel), True, ["--grace=5s"])
    # What a real ENTRYPOINT runs: a privilege drop and the default image checks (CA bundle, tzdata).
    keel_entrypoint = Init("keel -u nobody", os.path.abspath(args.keel), True, ["-u", "nobody"])
    inits = [keel, keel_with_option, keel_entrypoint] + peers()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        exes = compile_payloads(tmp)
        # The ENTRYPOINT variant is there for its start overhead: as nobody it could not reach the
        # payloads in the private temp dir, and its other figures are keel's own, measured above.
        full = [i for i in inits if i is not keel_entrypoint]
        measure_size(full)
        measure_idle(full, settings["window"])
        base = measure_start(inits, settings["warmup"], settings["runs"], settings["rounds"])
        measure_orphans(full, exes["orphans"], settings["reps"])
        measure_signals(full, exes["siglat"], settings["signals"])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    image = os.path.join(os.path.dirname(os.path.abspath(args.out)), "supervisor.svg")
    plot(inits, image)
    settings["plot"] = os.path.basename(image)
    body = report(inits, args, base, settings)
    print(body, flush=True)
    replace_section(args.out, "supervisor-bench", "Supervisor against its peers", body)
    log(f"done in {time.monotonic() - started:.0f} s; wrote {args.out}")


if __name__ == "__main__":
    main()
