"""Benchmark the fast PO state scanner against polib on large catalogs (issue 16: keep it only if needed).

`status` and pretranslate's quick look read each catalog's live entries (key, source,
state, line, confidence) with `store.scan_catalog`, a one-pass regular-expression
scanner in potext.py. The alternative is `store.polib_briefs`: the same answer read
with polib (what `scan_catalog` falls back to for a layout it does not recognise).
Both read the same bytes from disk, make the same checks (UTF-8, syntax, duplicates,
msgctxt keys) and return equal lists: the script asserts it before timing.

Catalogs are written by polib, as PO editors and workflow write them: units in every
state (new, machine with a confidence mark, changed with `#| msgid`, needs-work,
reviewed), some plural, some translator comments that mention "fuzzy", a block of
obsolete `#~` entries at the end. Layouts: one large catalog unwrapped with LF, the same
wrapped at 79 columns with CRLF, and many small catalogs (a newsroom's status run).

Times are medians of interleaved rounds (each round runs both readers once, in turn,
on the same files); `ratio` is polib's time / the scanner's. The machine's load
average is printed first.

Usage:
  .venv/bin/python bench/bench_scanner.py [--units 20000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polib  # noqa: E402
from bench_obsolete import TARGET, median_times  # noqa: E402
from bench_obsolete import sentence as obsolete_sentence  # noqa: E402

from workflow.confidence import MARK  # noqa: E402
from workflow.potext import scan_text  # noqa: E402
from workflow.segment import unit_key  # noqa: E402
from workflow.store import polib_briefs, scan_catalog  # noqa: E402


def sentence(rng: random.Random, index: int) -> str:
    """bench_obsolete's sentence, with quotes and a tab to escape."""
    return obsolete_sentence(rng, index).removesuffix(".") + ' "quoted" and\tmore.'


def catalog_text(units: int, obsolete: int, width: int, newline: str, seed: int) -> str:
    rng = random.Random(seed)
    catalog = polib.POFile(wrapwidth=width)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "zh",
                        "Plural-Forms": "nplurals=1; plural=0;"}
    for index in range(units):
        source = sentence(rng, seed * 10**7 + index)
        entry = polib.POEntry(msgctxt=unit_key(source), msgid=source, comment=f"paragraph {index + 1}",
                              occurrences=[("source/a.txt", str(index + 1))])
        kind = index % 6
        if kind:
            entry.msgstr = TARGET
        if kind in (1, 2, 3):
            entry.flags = ["fuzzy"]
            entry.tcomment = f"workflow: mt argos en-zh{MARK}{rng.randint(10, 99)}" if kind != 3 else ""
        if kind == 2:
            entry.previous_msgid = source.replace("Unit", "Item")
        if kind == 4:
            entry.tcomment = "checked: not a fuzzy match"  # a comment that mentions fuzzy
        if index % 50 == 7:
            entry.msgid_plural, entry.msgstr = source + "s", ""
            entry.msgstr_plural = {0: TARGET if kind else ""}
        catalog.append(entry)
    for index in range(obsolete):
        source = sentence(rng, seed * 10**7 + units + index)
        catalog.append(polib.POEntry(msgctxt=unit_key(source), msgid=source, msgstr=TARGET, obsolete=True))
    return str(catalog).replace("\n", newline) + newline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=20_000, help="units per layout (default 20,000)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print("load average (1, 5, 15 min): " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} CPU(s)")
    print(f"median of {args.rounds} interleaved rounds; ratio = polib / scanner")
    layouts = [  # name, catalogs, units each, width, newline
        (f"1 x {args.units:,} units, unwrapped, LF", 1, args.units, 0, "\n"),
        (f"1 x {args.units:,} units, width 79, CRLF", 1, args.units, 79, "\r\n"),
        (f"{args.units // 100:,} x 100 units, unwrapped, LF", args.units // 100, 100, 0, "\n"),
    ]
    print(f"{'layout':<36} {'MB':>5} {'polib s':>9} {'scanner s':>10} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, count, units, width, newline) in enumerate(layouts):
            paths = []
            for index in range(count):
                path = Path(folder) / f"{number}-{index}.po"
                path.write_bytes(catalog_text(units, units // 10, width, newline, seed=index).encode("utf-8"))
                paths.append(path)
            for path in paths:  # equal work: the same answer, and the scanner really read it (no fallback)
                assert scan_text(path.read_bytes().decode("utf-8")) is not None
                scanned = scan_catalog(path)
                assert scanned == polib_briefs(path) and len(scanned) == units
                assert [b.line for b in scanned] == [b.line for b in polib_briefs(path)]
            size = sum(p.stat().st_size for p in paths) / 1e6
            results = median_times({
                "polib": lambda: [polib_briefs(p) for p in paths],
                "scanner": lambda: [scan_catalog(p) for p in paths],
            }, args.rounds)
            print(f"{name:<36} {size:5.1f} {results['polib']:9.3f} {results['scanner']:10.3f} "
                  f"{results['polib'] / results['scanner']:6.2f}")


if __name__ == "__main__":
    main()
