"""Layers run one way: cli -> {init, healthcheck} -> common (docs/architecture.md).

Checks the #include lines of every source of keel's own, and the link graph CMake generated
(--link-graph: one "target=dep;dep;..." line per library, written by tests/CMakeLists.txt)."""

import os
import re
import subprocess
import unittest

import keel_testing

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# Which top directories a directory's sources may include from ("keel/" is the generated build_info).
ALLOWED = {
    "common": {"common", "keel"},
    "init": {"common", "init", "keel"},
    "healthcheck": {"common", "healthcheck", "keel"},
    "cli": {"cli", "common", "init", "healthcheck", "keel"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]*"', re.M)


def sources():
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "--", *ALLOWED], capture_output=True, text=True,
                            check=True).stdout.split()
    return [path for path in listed if path.endswith((".cpp", ".hpp", ".in"))]


def violations(path, text):
    top = path.split("/", 1)[0]
    return [f"{path} includes {found}/..." for found in INCLUDE.findall(text) if found not in ALLOWED[top]]


def link_graph(path):
    graph = {}
    with open(path) as f:
        for line in f:
            name, _, deps = line.strip().partition("=")
            if name:
                graph[name] = [d for d in deps.split(";") if d]
    return graph


def reachable(graph, start):
    seen, todo = set(), list(graph.get(start, []))
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(graph.get(dep, []))
    return seen


class Includes(unittest.TestCase):
    def test_every_include_points_down_or_sideways_within_its_layer(self):
        files = sources()
        self.assertGreater(len(files), 50, "git ls-files found too few sources")
        found = []
        for path in files:
            with open(os.path.join(ROOT, path), errors="replace") as f:
                found += violations(path, f.read())
        self.assertEqual(found, [])

    def test_the_rule_catches_a_crossing(self):
        # The checker itself: an init source reaching into healthcheck is reported.
        self.assertEqual(violations("init/x.cpp", '#include "healthcheck/probe.hpp"\n#include "common/result.hpp"\n'),
                         ["init/x.cpp includes healthcheck/..."])
        self.assertEqual(violations("common/x.cpp", '#include "init/spawn.hpp"\n'), ["common/x.cpp includes init/..."])


class Links(unittest.TestCase):
    def setUp(self):
        self.graph = link_graph(keel_testing.OPTIONS.link_graph)

    def test_graph_names_every_library(self):
        for name in ("keel_common", "keel_init_core", "keel_init", "keel_health_core", "keel_health", "keel_cli"):
            self.assertIn(name, self.graph)

    def test_healthcheck_links_nothing_of_init_and_back(self):
        for lib in ("keel_health_core", "keel_health"):
            self.assertEqual({d for d in reachable(self.graph, lib) if d.startswith("keel_init")}, set(), lib)
        for lib in ("keel_init_core", "keel_init"):
            self.assertEqual({d for d in reachable(self.graph, lib) if d.startswith("keel_health")}, set(), lib)

    def test_common_links_no_job(self):
        self.assertEqual({d for d in reachable(self.graph, "keel_common")
                          if d.startswith(("keel_init", "keel_health", "keel_cli"))}, set())

    def test_cli_sits_over_both(self):
        self.assertLessEqual({"keel_init", "keel_health", "keel_common"}, reachable(self.graph, "keel_cli"))


if __name__ == "__main__":
    keel_testing.main([("--link-graph", {"required": True})])
