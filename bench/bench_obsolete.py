"""Benchmark reading a catalog that keeps thousands of obsolete `#~` entries (issue 10.2).

A news article's catalog keeps every removed unit that carried a translation, as
`msgmerge` does: after a year of edits one article may hold thousands of obsolete
entries, at the end of the file where gettext tools put them. The script writes one
such catalog (100 live units in every state, then 3,200 obsolete entries, about 450 KB)
and times, as medians of interleaved rounds (each round runs every reader once, in turn,
on the same file):

  1. `store.scan_catalog`, the regex scanner `status` and pretranslate's quick look use,
  2. `store.load_catalog`, the polib reader every other command uses (the baseline),
  3. `status.tally`, what `status` does per catalog (the scanner plus word counts).

The scanner is kept only because it is faster than polib on the same file: `ratio`
is polib's time / the row's time. The machine's load average is printed first.

Usage:
  .venv/bin/python bench/bench_obsolete.py [--obsolete 3200] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from workflow.segment import unit_key
from workflow.status import tally
from workflow.store import load_catalog, scan_catalog

WORDS = ("trade services cooperation development growth economy market policy report forum agreement "
         "investment country region government ministry council summit exhibition platform").split()
TARGET = "白皮书约2.6万字，除前言和结束语外，共分为八个部分。"


def sentence(rng: random.Random, index: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
    return f"Unit {index}: {words.capitalize()}."


def catalog_text(live: int, obsolete: int, seed: int = 10) -> str:
    rng = random.Random(seed)
    parts = ['msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: zh\\n"\n']
    for index in range(live):
        text = sentence(rng, index)
        kind = index % 4
        flags = "#, fuzzy\n" if kind in (1, 2) else ""
        previous = f'#| msgid "{sentence(rng, index + 10**6)}"\n' if kind == 2 else ""
        target = "" if kind == 0 else TARGET
        parts.append(f"#. paragraph {index + 1} of {live}\n#: source/a.txt:{index + 1}\n{flags}{previous}"
                     f'msgctxt "{unit_key(text)}"\nmsgid "{text}"\nmsgstr "{target}"\n')
    for index in range(obsolete):
        text = sentence(rng, index + 2 * 10**6)
        if index % 2:  # as msgmerge writes them: no msgctxt
            parts.append(f'#~ msgid "{text}"\n#~ msgstr "{TARGET}"\n')
        else:
            parts.append(f'#, fuzzy\n#~ msgctxt "{unit_key(text)}"\n'
                         f'#~ msgid "{text}"\n#~ msgstr "{TARGET}"\n')
    return "\n".join(parts)


def median_times(readers: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(rounds):
        for name, read in readers.items():
            started = time.perf_counter()
            read()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--live", type=int, default=100)
    parser.add_argument("--obsolete", type=int, default=3200)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print("load average (1, 5, 15 min): " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.po"
        path.write_text(catalog_text(args.live, args.obsolete), encoding="utf-8")
        print(f"catalog: {args.live} live units, {args.obsolete} obsolete entries, "
              f"{path.stat().st_size / 1024:.0f} KB; median of {args.rounds} interleaved rounds")
        assert len(scan_catalog(path)) == args.live
        results = median_times({
            "polib (load_catalog)": lambda: load_catalog(path, keys=True),
            "scanner (scan_catalog)": lambda: scan_catalog(path),
            "status per catalog (tally)": lambda: tally(path),
        }, args.rounds)
    baseline = results["polib (load_catalog)"]
    print(f"{'reader':<28} {'seconds':>9} {'ratio':>7}")
    for name, seconds in results.items():
        print(f"{name:<28} {seconds:9.4f} {baseline / seconds:7.2f}")


if __name__ == "__main__":
    main()
