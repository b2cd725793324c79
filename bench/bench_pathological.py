"""Worst-case time of every text scanner on pathological input, at growing sizes (issue 9.7).

Each scanner of tests/pathological.py (QA checks, number extraction, glossary
matching, placeholder protection/restoration, segmentation, unit keys, the text and
HTML and XML readers) runs on each pathological input (runs of digits, `1,1,1`, dots, letters,
`a.a.a.`, `a@a.`, brackets, quotes, `<1<1`, formulas, ...) at each size. For each
scanner the table gives the worst input and its time (median of --rounds interleaved
rounds) per size, and the growth factor from one size to the next: about the size
ratio (10) for a linear scan, about its square (100) for a quadratic one. Times are CPU
time of this process (time.process_time), which other work on a shared machine disturbs
less than wall time. Peak memory
(ru_maxrss) of the whole run and the machine's load are printed too.

Usage:
  .venv/bin/python bench/bench_pathological.py                    # 100 KB and 1 MB
  .venv/bin/python bench/bench_pathological.py --sizes 10000,100000 --only check
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pathological import INPUTS, SCANNERS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="sizes in characters, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median is shown)")
    parser.add_argument("--only", default="", help="only scanners whose name contains this")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    scanners = {name: f for name, f in SCANNERS.items() if args.only in name}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cpus: {os.cpu_count()}")
    texts = {size: {name: make(size) for name, make in INPUTS.items()} for size in sizes}
    times: dict[tuple[str, str, int], list[float]] = {}
    for _ in range(args.rounds):  # rounds interleaved: every cell once per round
        for scanner, function in scanners.items():
            for size in sizes:
                for name, text in texts[size].items():
                    start = time.process_time()
                    function(text)
                    times.setdefault((scanner, name, size), []).append(time.process_time() - start)
    header = f"{'scanner':28}" + "".join(f"{f'worst at {s:,}':>30}" for s in sizes) + "  growth"
    print(header)
    print("-" * len(header))
    growths: list[float] = []
    for scanner in scanners:
        cells, worst_times = [], []
        for size in sizes:
            medians = {name: statistics.median(times[(scanner, name, size)]) for name in INPUTS}
            worst = max(medians, key=lambda n: medians[n])
            worst_times.append(medians[worst])
            cells.append(f"{medians[worst]:>10.4f} s ({worst:>14})")
        growth = [b / max(a, 1e-6) for a, b in zip(worst_times, worst_times[1:])]
        growths += growth
        print(f"{scanner:28}" + "".join(f"{c:>30}" for c in cells) + "  "
              + " ".join(f"x{g:.1f}" for g in growth))
    ratio = [b / a for a, b in zip(sizes, sizes[1:])]
    print(f"size ratio: {' '.join(f'x{r:g}' for r in ratio)}; largest growth: x{max(growths, default=0):.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB; load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
