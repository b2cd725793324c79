"""CPU seconds of the markup scanner alone (workflow/formats/scanner.py), one tree against another.

The scanner turns a decoded page into blocks (the HTML reader's work after decoding):
it is timed in-process, after a warm-up pass (imports done, regexes compiled, the
segmentation cache warm, so sentence splitting costs little and the figure is mostly
the scanner's own per-token work), on two page sets:
  real   the pages in the folder $WORKFLOW_WEB_PAGES names, else tests/data/*.html;
  small  --small generated news pages (bench_extract.small_page, fixed seed).

Each round runs one process per tree (the trees alternate in order from round to
round); each process times --passes passes over the page set and reports its median.
The table gives the medians over --rounds rounds and the machine's load before and after.

Usage (before = another checkout, after = this one, or the first tree on PYTHONPATH):
  .venv/bin/python bench/bench_scan.py --before /path/to/main
  .venv/bin/python bench/bench_scan.py --before /path/to/main --small 300 --rounds 7
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import load  # noqa: E402  (bench/ is not a package)

TREE = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or HERE.parent)

CHILD = r"""
import json, random, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import bench_extract
import workflow
assert Path(workflow.__file__).parent.parent == Path.cwd(), (workflow.__file__, Path.cwd())
from workflow.formats.html import DIALECT
from workflow.formats.published import Dates
from workflow.formats.scanner import scan
real = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[2]).glob("*.html"))]
rng = random.Random(7)
small = [bench_extract.small_page(rng, n) for n in range(int(sys.argv[3]))]
passes = int(sys.argv[4])
result = {}
for name, pages in (("real", real), ("small", small)):
    def scan_all():
        for text in pages:
            scan(text, DIALECT, "sentence", "page.html", frozenset(), Dates())
    scan_all()  # warm-up
    times = []
    for _ in range(passes):
        start = time.process_time()
        scan_all()
        times.append(time.process_time() - start)
    result[name] = statistics.median(times)
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="the other tree (its repository root)")
    parser.add_argument("--small", type=int, default=300, help="generated pages (default 300)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=5, help="timed passes per process (default 5)")
    args = parser.parse_args()
    web = os.environ.get("WORKFLOW_WEB_PAGES") or str(HERE.parent / "tests" / "data")
    trees = {"before": args.before.resolve(), "after": TREE.resolve()}
    results: dict[str, dict[str, list[float]]] = {name: {"real": [], "small": []} for name in trees}
    print(f"before: {load()}")
    for number in range(args.rounds):
        for name in (("before", "after") if number % 2 == 0 else ("after", "before")):
            env = {**os.environ, "PYTHONPATH": str(trees[name])}
            command = [sys.executable, "-c", CHILD, str(HERE), web, str(args.small), str(args.passes)]
            # run in the tree: `-c` puts the working folder first on sys.path, before PYTHONPATH
            done = subprocess.run(command, env=env, cwd=trees[name], capture_output=True, text=True,
                                  check=True)
            for kind, seconds in json.loads(done.stdout).items():
                results[name][kind].append(seconds)
    print(f"after:  {load()}")
    pages = len(list(Path(web).glob("*.html")))
    print(f"scanner CPU seconds, medians of {args.rounds} rounds ({args.passes} passes each)")
    print(f"{'page set':<28}{'before':>10}{'after':>10}{'ratio':>8}")
    labels = {"real": f"real ({pages} pages, {Path(web).name})", "small": f"small ({args.small} pages)"}
    for kind, label in labels.items():
        before, after = (statistics.median(results[name][kind]) for name in ("before", "after"))
        print(f"{label:<28}{before:>10.4f}{after:>10.4f}{before / after:>7.2f}x")


if __name__ == "__main__":
    main()
