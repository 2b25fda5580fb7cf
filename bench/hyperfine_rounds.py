"""hyperfine in a few short rounds with the command order rotated, for every timing in bench/.

Why: hyperfine runs one command's runs after another's, and this machine's speed drifts by tens of
percent over a minute, so in one long pass the drift lands on whichever commands ran in the slow
stretch (the same keel binary measured 2.0x and 3.4x the best peer's start overhead in two
sessions). Short rounds, each starting with a different command, spread the drift over all of
them; differences and ratios are taken within a round, where the commands ran close together.
"""

import json
import statistics
import subprocess
import tempfile


class Timings:
    """One command's results over the rounds (seconds)."""

    def __init__(self):
        self.round_medians = []
        self.times = []

    @property
    def median(self):
        """Median over the rounds of each round's median."""
        return statistics.median(self.round_medians)


def run_rounds(named_commands, runs, rounds, warmup=20, env=None, timeout=1800):
    """named_commands: [(name, shell-free command line)]. Returns {name: Timings}.
    Raises subprocess.CalledProcessError (with hyperfine's stderr) when hyperfine fails."""
    timings = {name: Timings() for name, _ in named_commands}
    for index in range(rounds):
        shift = index % len(named_commands)
        order = named_commands[shift:] + named_commands[:shift]
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            argv = ["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", out.name]
            for name, command in order:
                argv += ["--command-name", name, command]
            subprocess.run(argv, check=True, capture_output=True, env=env, timeout=timeout)
            for result in json.load(open(out.name))["results"]:
                timing = timings[result["command"]]
                timing.round_medians.append(result["median"])
                timing.times += result["times"]
    return timings


def per_round(timings, name, baseline, combine):
    """combine(name's round median, baseline's round median) for each round, sorted."""
    pairs = zip(timings[name].round_medians, timings[baseline].round_medians)
    return sorted(combine(a, b) for a, b in pairs)


def overheads_us(timings, name, baseline):
    """name minus baseline within each round, in µs, sorted."""
    return per_round(timings, name, baseline, lambda a, b: (a - b) * 1e6)


def ratios(timings, name, baseline):
    """name / baseline within each round, sorted."""
    return per_round(timings, name, baseline, lambda a, b: a / b)
