"""Benchmark the catalog stage of `workflow extract`: building and rendering POT and PO files (issue 10).

The catalog stage is every call of `plan_catalog` (merge with the file on disk, render,
compare): its CPU seconds are summed in-process (time.process_time) during
`workflow --languages fr extract`, on one process (PARALLEL_FROM raised, so no worker
pool), imports excluded. Two trees are measured at equal work, in interleaved rounds
(a fresh process and fresh workspace copy per round; the trees alternate which runs
first), and the medians are printed with the machine's load average before and after.

Three page sets:
  real    the pages in the folder --real names (default: $WORKFLOW_WEB_PAGES; skipped when unset);
  small   --small generated news pages (bench_extract.small_page, seed 7; default 1,000);
  edited  --edited of those pages (default: as many as --small), extracted and every unit translated
          (`pretranslate fr --engine pseudo`, with this tree), then one word of the first paragraph of
          every page changed ("the" -> "a"): re-extract reads each translated PO, merges (a fuzzy
          suggestion per page) and writes it.

Per round (small and real):
  fresh   extract into a workspace with no catalogs (a POT and a new PO per page);
  replan  the same plan_catalog calls again in that process, to new files, median of 5 (the stage
          without its one-time costs: Babel's locale data, lazy imports; whole-extract column: the same);
  again   extract --force over the catalogs just written (read, merge, compare; nothing changes).
Per round (edited):
  edited  extract after the edit (the translated POs and the templates rewritten).

Usage:
  PYTHONPATH=. .venv/bin/python bench/bench_catalogs.py --before /path/to/other/tree
  PYTHONPATH=. .venv/bin/python bench/bench_catalogs.py --small 200 --rounds 5 --real /pages
  PYTHONPATH=. .venv/bin/python bench/bench_catalogs.py --profile      # cProfile of this tree, one round
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "bench"))

import bench_extract  # noqa: E402  (the small pages, as bench_extract makes them)

CHILD = r"""
import cProfile, json, pstats, shutil, statistics, sys, time
from pathlib import Path
from workflow import extract as stage, store
from workflow.settings import load_settings
template, root, profile = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "profile"
runs = (("edited", False),) if sys.argv[4] == "edited" else (("fresh", False), ("again", True))
stage.PARALLEL_FROM = 10 ** 9  # one process: the catalog stage is all in this one
spent = [0.0]
planned = stage.plan_catalog
calls = []
profilers = {}
def timed(*args, **kwargs):
    start = time.process_time()
    if profile:
        profilers[run].enable()
    calls.append(args[1:])
    try:
        return planned(*args, **kwargs)
    finally:
        if profile:
            profilers[run].disable()
        spent[0] += time.process_time() - start
stage.plan_catalog = timed
shutil.copytree(template, root)
settings = load_settings(root, {"languages": "fr"})
result = {}
replan = None
for run, force in runs:
    profilers[run] = cProfile.Profile()
    spent[0] = 0.0
    start = time.process_time()
    report = stage.extract(settings, force=force)
    assert not report.failures, report.failures
    result[run] = [spent[0], time.process_time() - start]
    if run == "fresh":  # the same plans again, to new files: the stage without its one-time costs
        rounds = []
        for _ in range(5):
            getattr(store, "_RENDERED", {}).clear()
            getattr(store, "_UNITS", [([], "", [])])[0] = ([], "", [])
            start = time.process_time()
            for number, call in enumerate(calls):
                planned(root / f"replan{number}.po", *call)
            rounds.append(time.process_time() - start)
        replan = statistics.median(rounds)
if replan is not None:
    result["replan"] = [replan, replan]
shutil.rmtree(root)
for run, profiler in profilers.items() if profile else ():
    print(f"--- {run}: the catalog stage only", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
print(json.dumps(result))
"""


def workspace(base: Path, name: str, pages: dict[str, str]) -> Path:
    """A `workflow init` workspace with the pages in source/."""
    root = base / name
    root.mkdir()
    subprocess.run([sys.executable, "-m", "workflow", "init", "."], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(HERE)})
    for stem, text in pages.items():
        (root / "source" / stem).write_text(text, encoding="utf-8")
    return root


def translated(base: Path, pages: dict[str, str]) -> Path:
    """A workspace whose every unit is translated, then one word of every page's first paragraph edited."""
    root = workspace(base, "edited", pages)
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    for command in (["--languages", "fr", "extract"], ["--languages", "fr", "pretranslate", "fr", "--engine",
                                                        "pseudo"]):
        subprocess.run([sys.executable, "-m", "workflow", "-q", *command], cwd=root, check=True, env=env,
                       stdout=subprocess.DEVNULL)
    for page in sorted((root / "source").iterdir()):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"(<p\b[^>]*>[^<]*?\b)the\b", r"\1a", text, count=1), encoding="utf-8")
    return root


def run(tree: Path, template: Path, mode: str = "time") -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(tree), "SOURCE_DATE_EPOCH": "1700000000"}
    root = template.with_name(template.name + "-run")
    # run outside any tree: `python -c` puts its working folder first on sys.path, before PYTHONPATH
    done = subprocess.run([sys.executable, "-c", CHILD, str(template), str(root), mode, template.name],
                          env=env, cwd=template.parent, check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="another tree to compare with (e.g. main's checkout)")
    parser.add_argument("--real", type=Path, default=os.environ.get("WORKFLOW_WEB_PAGES") or None)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--edited", type=int, help="pages of the edited set (default: --small; 0: none)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of this tree, one round")
    args = parser.parse_args()
    after = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or HERE).resolve()
    trees = {"after": after, **({"before": args.before.resolve()} if args.before else {})}
    with tempfile.TemporaryDirectory(prefix="bench-catalogs-") as scratch:
        base = Path(scratch)
        sets: dict[str, Path] = {}
        if args.real:
            sets["real"] = workspace(base, "real", {p.name: p.read_text(encoding="utf-8", errors="replace")
                                                    for p in sorted(args.real.glob("*.html"))})
        if args.small:
            rng = random.Random(7)
            sets["small"] = workspace(base, "small", {f"page{n:04}.html": bench_extract.small_page(rng, n)
                                                      for n in range(args.small)})
        edited = args.small if args.edited is None else args.edited
        if edited:
            rng = random.Random(7)
            sets["edited"] = translated(base, {f"page{n:04}.html": bench_extract.small_page(rng, n)
                                               for n in range(edited)})
        print(f"load average before: {os.getloadavg()}")
        for name, template in sets.items():
            if args.profile:
                print(f"### {name}: profile of {after}", flush=True)
                print(run(after, template, "profile"))
                continue
            kinds = ("edited",) if name == "edited" else ("fresh", "again", "replan")
            times: dict[str, dict[str, list[list[float]]]] = {t: {k: [] for k in kinds} for t in trees}
            for number in range(args.rounds):
                order = list(trees) if number % 2 == 0 else list(reversed(trees))
                for tree in order:
                    for kind, pair in run(trees[tree], template).items():
                        times[tree][kind].append(pair)
            print(f"### {name} ({len(list((template / 'source').iterdir())):,} pages), medians of "
                  f"{args.rounds} rounds, CPU s: catalog stage / whole extract")
            for tree, runs in times.items():
                cells = "  ".join(f"{kind} {statistics.median(c for c, _ in v):.3f} / "
                                  f"{statistics.median(w for _, w in v):.3f}" for kind, v in runs.items())
                print(f"  {tree:6} {cells}   ({trees[tree]})")
            if "before" in times:
                medians = {tree: {kind: statistics.median(c for c, _ in v) for kind, v in runs.items()}
                           for tree, runs in times.items()}
                ratio = "  ".join(f"{kind} {medians['before'][kind] / max(1e-9, medians['after'][kind]):.2f}x"
                                  for kind in kinds)
                print(f"  catalog stage, before/after: {ratio}")
        print(f"load average after: {os.getloadavg()}")
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
