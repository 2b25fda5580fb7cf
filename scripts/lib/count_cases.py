#!/usr/bin/env python3
"""Counts the cases each CTest suite of one preset ran and skipped, from CTest's LastTest.log.

    count_cases.py BUILD_DIR/Testing/Temporary/LastTest.log

Every suite says how many cases it ran, in one of two forms:
  cases: N run, K skipped                                      (keel's Python suites, fuzz, lint, ...)
  [doctest] test cases: T | P passed | F failed | S skipped    (the doctest binary)
Prints one line per suite and a total line "cases: N run, K skipped, S suites". Exits 1 when a suite
printed no count, or ran no case: such a suite would pass while exercising nothing.
"""

import re
import sys

BLOCK = re.compile(r"^\d+/\d+ Testing: (?P<name>\S+)\n(?P<body>.*?)^\"(?P=name)\" end time", re.S | re.M)
KEEL = re.compile(r"^cases: (\d+) run, (\d+) skipped$", re.M)
DOCTEST = re.compile(r"^\[doctest\] test cases:\s*(\d+) \|\s*\d+ passed \|\s*\d+ failed \|\s*(\d+) skipped", re.M)


def counts(body):
    """(run, skipped) for one suite's output, or None when it printed no count."""
    found = [(int(a), int(b)) for a, b in KEEL.findall(body)]
    found += [(int(total) - int(skipped), int(skipped)) for total, skipped in DOCTEST.findall(body)]
    if not found:
        return None
    return found[-1]


def main(path):
    with open(path, errors="replace") as f:
        log = f.read()
    total_run = total_skipped = suites = 0
    bad = []
    for match in BLOCK.finditer(log):
        name = match.group("name")
        suites += 1
        found = counts(match.group("body"))
        if found is None:
            bad.append(f"{name}: printed no case count")
            print(f"  {name}: no case count")
            continue
        run, skipped = found
        total_run += run
        total_skipped += skipped
        print(f"  {name}: {run} run, {skipped} skipped")
        if run == 0:
            bad.append(f"{name}: ran no case")
    if suites == 0:
        bad.append("no suite in the log")
    print(f"cases: {total_run} run, {total_skipped} skipped, {suites} suites")
    for line in bad:
        print(f"FAILED: {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
