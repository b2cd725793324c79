"""Benchmark sentence splitting (segment.split_block) alone, in-process, at equal work.

The blocks are those extract meets: every page is read once with the HTML reader while
split_block's arguments are recorded; then each tree replays the same calls in a child
process, with a cold sentence cache each round (a paragraph repeated within a round is
still split once, as in a run), and reports the CPU seconds of all split_block calls
(`cold`); then replays them again (`warm`: every answer in the in-process cache, so what
is left is building the blocks). Trees alternate within each round; the table shows
medians. The machine's load is printed.

Two page sets: the pages of the folder $WORKFLOW_WEB_PAGES names (skipped when it is not
set) and --small generated news pages (bench_extract.small_page, seed 7).

Usage:
  .venv/bin/python bench/bench_segment.py                          # this tree only
  .venv/bin/python bench/bench_segment.py --before /path/to/other/tree --rounds 7
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_extract  # noqa: E402
import common  # noqa: E402

HERE = Path(__file__).resolve().parents[1]
TAG_FIELDS = ("role", "span", "description", "pair", "content")  # segment.Tag's, in order


def record(pages: list[tuple[str, bytes]], out: Path) -> tuple[int, int, int]:
    """Read the pages, writing every split_block call's arguments to `out`; returns the number of
    calls, of paragraphs given to the sentence segmenter, and of distinct ones (the others' answers
    come from the in-process cache)."""
    sys.path.insert(0, str(HERE))
    from workflow import segment
    from workflow.formats import html, scanner

    calls: list[tuple[Any, ...]] = []  # (parts, mode, source, spans, with line numbers, title)
    real = scanner.split_block

    def spy(parts: Any, mode: Any = "sentence", source: Any = None, spans: Any = None, line_of: Any = None,
            *, title: bool = False) -> Any:
        # a tag as a plain tuple of its fields: each tree replays it with its own Tag class
        plain = [part if isinstance(part, str) else tuple(getattr(part, name) for name in TAG_FIELDS)
                 for part in parts]
        calls.append((plain, mode, source, spans and list(spans), line_of is not None, title))
        return real(parts, mode, source, spans, line_of, title=title)

    paragraphs: list[str] = []
    real_starts = segment._syntok_starts

    def counting(plain: str) -> tuple[int, ...]:
        paragraphs.append(plain)
        return real_starts(plain)

    scanner.split_block = spy  # type: ignore[assignment]
    segment._syntok_starts = counting
    previous = segment.use_cache(segment.MemoryCache())
    try:
        for name, data in pages:
            html.read(data, name, "sentence")
    finally:
        scanner.split_block = real
        segment._syntok_starts = real_starts
        segment.use_cache(previous)
    out.write_bytes(pickle.dumps(calls))  # a page's source is written once (pickle's memo)
    return len(calls), len(paragraphs), len(set(paragraphs))


CHILD = r"""
import pickle, sys, time
from workflow import segment
from workflow.formats.common import LineIndex
calls = pickle.loads(open(sys.argv[1], "rb").read())
indexes = {}
for _, _, source, _, lines, _ in calls:
    if lines and id(source) not in indexes:
        indexes[id(source)] = LineIndex(source).line
calls = [([part if isinstance(part, str) else segment.Tag(*part) for part in parts], mode, source, spans,
          indexes[id(source)] if lines else None, title)
         for parts, mode, source, spans, lines, title in calls]
segment.use_cache(segment.MemoryCache())
split_block = segment.split_block
for _ in ("cold", "warm"):
    start = time.process_time()
    for parts, mode, source, spans, line_of, title in calls:
        split_block(parts, mode, source, spans, line_of, title=title)
    print(time.process_time() - start)
"""


def replay(tree: Path, calls: Path) -> tuple[float, float]:
    """CPU seconds of the calls with a cold cache, then warm."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(calls)], env=env, check=True,
                          capture_output=True, text=True, cwd=calls.parent)  # not this tree's workflow/
    cold, warm = map(float, done.stdout.split())
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="another tree to compare with (e.g. main)")
    parser.add_argument("--small", type=int, default=1000, help="generated pages (default 1,000)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sets: list[tuple[str, list[tuple[str, bytes]]]] = []
    web = os.environ.get("WORKFLOW_WEB_PAGES")
    if web:
        sets.append(("real", [(p.name, p.read_bytes()) for p in sorted(Path(web).glob("*.html"))]))
    rng = random.Random(7)
    sets.append((f"small x{args.small}", [(f"page{n}.html", bench_extract.small_page(rng, n).encode())
                                          for n in range(args.small)]))
    trees = [("after", HERE)] + ([("before", args.before.resolve())] if args.before else [])
    print(common.load())
    with tempfile.TemporaryDirectory() as tmp:
        for label, pages in sets:
            calls = Path(tmp) / f"{label}.pickle"
            count, split, distinct = record(pages, calls)
            seconds: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in trees}
            for _ in range(args.rounds):
                for name, tree in trees:
                    seconds[name].append(replay(tree, calls))
            print(f"{label}: {count} blocks, {split} paragraphs to split ({distinct} distinct), "
                  f"split_block CPU, median of {args.rounds}:")
            for cache, index in (("cold", 0), ("warm", 1)):
                median = {name: statistics.median(s[index] for s in runs) for name, runs in seconds.items()}
                figures = "  ".join(f"{name} {m:.3f} s" for name, m in median.items())
                ratio = f"  ({median['before'] / median['after']:.2f}x)" if args.before else ""
                print(f"  {cache}: {figures}{ratio}")
    print(common.load())


if __name__ == "__main__":
    main()
