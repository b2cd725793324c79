"""Benchmark `workflow status` on 100,000 units (issue 4: "100,000 units in a few seconds").

The script writes a workspace whose catalogs hold 100,000 units in all, in the
layout `workflow extract` writes (a mix of new, machine, changed and reviewed
units, about 20 words each), then times, best of --repeat runs, in this process:

  1. `workflow status` (workflow.status.status: the regex scanner, words per state),
  2. the same tally read through polib (`store.load_catalog` + `store.entry_state`),
     the reader every other command uses: the baseline,
  3. Translate Toolkit's `pocount` statistics (`translate.tools.pocount.calcstats`).

Two layouts: 1,000 articles of 100 units (a newsroom's year), and one catalog of
100,000 units (the worst case for a reader). On the single catalog the baseline is
`polib.pofile` alone, the cheapest polib read (polib's own duplicate check is
quadratic there).

`ratio` is the baseline's time / the row's time (above 1: faster than polib).

Usage:
  .venv/bin/python bench/bench_status.py
  .venv/bin/python bench/bench_status.py --units 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polib

from workflow.languages import words
from workflow.model import State
from workflow.segment import unit_key
from workflow.settings import Settings, init_workspace, load_settings
from workflow.status import status
from workflow.store import entry_state, load_catalog

WORDS = (
    "trade services cooperation development growth economy market policy report forum agreement "
    "investment country region government ministry council summit exhibition platform innovation "
    "digital finance security health program project initiative partnership industry enterprise"
).split()
TARGET = "白皮书约2.6万字，除前言和结束语外，共分为八个部分，分别是国际发展合作与人类命运共同体。"


def sentence(rng: random.Random, index: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    words.insert(3, f"{rng.randint(2, 90_000):,}")
    if index % 7 == 0:
        words.insert(5, f"<1>{rng.choice(WORDS)}</1>")
    return f"Unit {index}: " + " ".join(words).capitalize() + "."


def write_catalogs(settings: Settings, lang: str, articles: int, per_article: int, seed: int = 4) -> None:
    """Catalogs as `workflow extract` writes them, with work in every state."""
    rng = random.Random(seed)
    folder = settings.locales / lang
    for number in range(articles):
        catalog = polib.POFile(wrapwidth=0)
        catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang}
        for index in range(per_article):
            source = sentence(rng, number * per_article + index)
            entry = polib.POEntry(
                msgctxt=unit_key(source), msgid=source, comment="paragraph: 1 of 9",
                occurrences=[(f"source/article-{number:05d}.txt", str(index + 1))],
            )
            state = rng.choice([State.NEW, State.MACHINE, State.CHANGED, State.REVIEWED])
            if state is not State.NEW:
                entry.msgstr = TARGET
            if state in (State.MACHINE, State.CHANGED):
                entry.flags = ["fuzzy"]
                entry.tcomment = "workflow: mt argos en-zh"
            if state is State.CHANGED:
                entry.previous_msgid = source.replace("Unit", "Item")
            catalog.append(entry)
        catalog.save(str(folder / f"article-{number:05d}.po"))
        # status counts catalogs whose article is in source/ (others are reported as orphans)
        (settings.source / f"article-{number:05d}.txt").write_text("Title\n", encoding="utf-8")


def tally_with_polib(settings: Settings, lang: str, check_duplicates: bool) -> Counter[State]:
    counted: Counter[State] = Counter()
    for path in sorted((settings.locales / lang).glob("*.po")):
        catalog = load_catalog(path) if check_duplicates else polib.pofile(str(path), wrapwidth=0)
        for entry in catalog:
            if not entry.obsolete:
                counted[entry_state(entry)] += words(entry.msgid)
    return counted


def tally_with_pocount(settings: Settings, lang: str) -> int:
    from translate.tools.pocount import calcstats

    return sum(calcstats(str(path))["total"] for path in sorted((settings.locales / lang).glob("*.po")))


def best(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=100_000, help="units in all (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    options = parser.parse_args()
    rows: list[tuple[str, str, float, float]] = []
    layouts = [(f"{options.units // 100:,} catalogs x 100 units", options.units // 100, 100),
               (f"1 catalog x {options.units:,} units", 1, options.units)]
    with tempfile.TemporaryDirectory() as temporary:
        for name, articles, per_article in layouts:
            root = Path(temporary) / f"ws-{articles}"
            init_workspace(root)
            settings = load_settings(root, {"languages": "zh"})
            write_catalogs(settings, "zh", articles, per_article)
            report = status(settings, ["zh"])
            assert report.totals[0].units.total == articles * per_article and not report.failures
            single = articles == 1
            baseline = best(
                lambda: tally_with_polib(settings, "zh", check_duplicates=not single), options.repeat
            )
            label = "polib.pofile (baseline)" if single else "polib via load_catalog (baseline)"
            rows.append((name, label, baseline, 1.0))
            pocount = best(lambda: tally_with_pocount(settings, "zh"), options.repeat)
            rows.append((name, "translate-toolkit pocount", pocount, baseline / pocount))
            ours = best(lambda: status(settings, ["zh"]), options.repeat)
            rows.append((name, "workflow status", ours, baseline / ours))
    units = options.units
    print(f"status over {units:,} units; best of {options.repeat}; python {sys.version.split()[0]}")
    print(f"{'layout':<28}  {'reader':<38}  {'seconds':>8}  {'units/s':>10}  {'ratio':>6}")
    for name, label, seconds, ratio in rows:
        print(f"{name:<28}  {label:<38}  {seconds:8.2f}  {units / seconds:10,.0f}  {ratio:6.2f}")


if __name__ == "__main__":
    main()
