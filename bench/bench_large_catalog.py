"""Benchmark pretranslate's reads and writes on large and many catalogs (issue 10, item 3).

Two workspaces, extracted once with this tree's `workflow extract`, then copied
fresh for every run:

  large   one article of --units sentences (default 100,001): one catalog of ~18 MB;
  many    --articles small articles (default 1,000) of six sentences each.

Each run is `pretranslate zh --engine pseudo` in a child process, importing
`workflow` from a given tree: this one ("after") and, with --before TREE, an older
checkout ("before"; e.g. `git archive 95aa28b workflow | tar -x -C /tmp/before`).
Rounds alternate the trees (before, after, before, after, ...) and the median of
each counts. A run is stopped (Ctrl-C, as a user would) after --limit seconds; its
row says how much of the catalog it filled by then. Counted in the child:

  parses   polib parses of a catalog (`polib._POFileParser.parse`),
  scans    fast-scanner reads (`store.scan_text`),
  writes   files replaced (`os.replace`: every atomic write).

The machine's load is printed before and after.

Usage:
  .venv/bin/python bench/bench_large_catalog.py --before /tmp/before
  .venv/bin/python bench/bench_large_catalog.py --units 20001 --articles 200 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from workflow.extract import extract
from workflow.settings import init_workspace, load_settings

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("trade services cooperation development growth economy market policy report forum agreement "
         "investment country region government ministry council summit exhibition platform").split()

# The child: run pretranslate with counters, print one JSON line.
CHILD = r'''
import json, os, sys, time
import polib
from workflow import store
from workflow.pretranslate import pretranslate
from workflow.settings import load_settings

counts = {"parses": 0, "scans": 0, "writes": 0}
parse, scan, replace = polib._POFileParser.parse, store.scan_text, os.replace

def counted_parse(self, *args, **kwargs):
    counts["parses"] += 1
    return parse(self, *args, **kwargs)

def counted_scan(*args, **kwargs):
    counts["scans"] += 1
    return scan(*args, **kwargs)

def counted_replace(*args, **kwargs):
    counts["writes"] += 1
    return replace(*args, **kwargs)

polib._POFileParser.parse, store.scan_text, os.replace = counted_parse, counted_scan, counted_replace
limit = float(sys.argv[2])
started = time.perf_counter()
done = [0, 0]

def progress(lang, filled, total):
    done[:] = [filled, total]
    if time.perf_counter() - started > limit:
        raise KeyboardInterrupt

import workflow
settings = load_settings(__import__("pathlib").Path(sys.argv[1]), {"languages": "zh"})
try:
    report = pretranslate(settings, ["zh"], engines=["pseudo"], progress=progress)
    stopped = False
except KeyboardInterrupt:
    stopped = True
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "stopped": stopped, "done": done[0], "total": done[1], **counts,
                  "module": workflow.__file__}))
'''


def sentence(rng: random.Random, index: int) -> str:
    return f"Item {index} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))) + "."


def build(folder: Path, articles: dict[str, str]) -> Path:
    """A workspace with these sources, extracted by this tree, zh only."""
    root = folder
    init_workspace(root)
    config = root / "setup.cfg"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("languages = zh fr es ar ru", "languages = zh"), encoding="utf-8")
    for name, text in articles.items():
        (root / "source" / name).write_text(text, encoding="utf-8")
    report = extract(load_settings(root))
    assert report.ok, report.failures
    return root


def run(tree: Path, workspace: Path, scratch: Path, limit: float) -> dict[str, float]:
    copy = scratch / "run"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(workspace, copy)
    env = {**os.environ, "PYTHONPATH": str(tree), "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-c", CHILD, str(copy), str(limit)]
    # run in the scratch folder, not this one: `workflow` must come from `tree`
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=scratch)
    if result.returncode != 0:
        raise SystemExit(f"the run failed ({tree}):\n{result.stderr}")
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(found.pop("module")).resolve().is_relative_to(tree.resolve()), "imported the wrong tree"
    return {key: float(value) for key, value in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="a tree holding an older workflow/ to compare with")
    parser.add_argument("--units", type=int, default=100_001, help="sentences in the large catalog")
    parser.add_argument("--articles", type=int, default=1_000, help="small articles in the other workspace")
    parser.add_argument("--rounds", type=int, default=3, help="runs per tree and case; the median counts")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds before a run is stopped")
    options = parser.parse_args()
    trees = ([("before", options.before.resolve())] if options.before else []) + [("after", ROOT)]
    rng = random.Random(10)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores; python {sys.version.split()[0]}")
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        large = "\n\n".join(sentence(rng, i) for i in range(options.units)) + "\n"
        many = {f"a{n:05d}.txt": f"Title {n}\n\n" + "\n\n".join(
            f"{sentence(rng, n * 10 + i)} {sentence(rng, n * 10 + i + 5)}" for i in range(3)) + "\n"
            for n in range(options.articles)}
        cases = [(f"1 catalog, {options.units:,} units", build(scratch / "large", {"large.txt": large})),
                 (f"{options.articles:,} articles", build(scratch / "many", many))]
        for name, workspace in cases:
            results: dict[str, list[dict[str, float]]] = {label: [] for label, _ in trees}
            for _ in range(options.rounds):
                for label, tree in trees:  # interleaved: load on the machine hits both alike
                    results[label].append(run(tree, workspace, scratch, options.limit))
            for label, _ in trees:
                found = results[label]
                median = {key: statistics.median(r[key] for r in found)
                          for key in ("seconds", "done", "total", "parses", "scans", "writes")}
                median["stopped"] = sum(bool(r["stopped"]) for r in found)
                rows.append((name, label, median))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  (*: stopped at the limit)")
    print(f"pseudo pretranslate, median of {options.rounds} round(s), stopped after {options.limit:.0f} s")
    print(f"{'case':<26} {'tree':<7} {'seconds':>8} {'filled':>16} {'units/s':>9} {'parses':>7} {'scans':>6} "
          f"{'writes':>7}")
    for name, label, m in rows:
        filled = f"{m['done']:,.0f}/{m['total']:,.0f}" + ("*" if m["stopped"] else "")
        rate = m["done"] / m["seconds"] if m["seconds"] else 0.0
        print(f"{name:<26} {label:<7} {m['seconds']:8.1f} {filled:>16} {rate:9,.0f} {m['parses']:7.0f} "
              f"{m['scans']:6.0f} {m['writes']:7.0f}")


if __name__ == "__main__":
    main()
