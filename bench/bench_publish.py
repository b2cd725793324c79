"""Benchmark `publish`: a cold publish, a publish with nothing changed and a publish with one
article's catalog changed, of N articles in 3 languages.

Usage:
    python bench/bench_publish.py [--articles 1000] [--langs zh ar fr] [--rounds 3] [--keep DIR]

All three runs do the whole of a publish (every language, every article) on the same
workspace; they differ only in what changed since the last run:

- cold: output/ and the record of what was published (`.workflow/published.json`)
  are deleted first, so every edition, index and feed is worked out and written;
- no change: the same publish again;
- one article changed: one unit of one article's catalog (first language) gets
  another translation, alternating between two so that each round changes it.

Each run is checked: the report has no failures, every edition is published, and the
files written are the ones expected (all of them; none; exactly that edition's page
and bulletin). Rounds are interleaved (cold, no change, one changed, cold, ...) and the
table gives the median of each; the machine's load is printed before and after.

Wall and CPU seconds are both given: on a shared machine, CPU seconds are the ones to compare.

What it compares: publish with itself. No other tool publishes these editions, so there
is no independent baseline; "x faster than cold" is the ratio of each run to the cold
publish of the same workspace in the same round, i.e. what remembering the last publish
saves. For before/after figures, run this same script with PYTHONPATH set to another tree.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib

from workflow.extract import extract
from workflow.policy import Policy
from workflow.publish import PublishReport, publish
from workflow.settings import init_workspace, load_settings

PARAGRAPHS = [
    "The State Council Information Office released a white paper on trade in services on {day}.",
    (
        "The fair brought together {n} enterprises and institutions from {m} countries and regions. "
        "A total of {k} forums and business talks were organized during the event."
    ),
    (
        "Officials said that the country would focus on reform in four areas. "
        "These include improving the negative list and enhancing national treatment before and after entry."
    ),
    (
        "Greater openness meant more opportunities for global multinationals, said the deputy director. "
        "The country was ready to work with them to deepen mutually beneficial cooperation."
    ),
    "(Photo Credit: Xinhua News Agency)",
    "Visitors could take part online and offline. The exhibition covered all {k} major areas of trade.",
]
CHANGED_UNIT = "(Photo Credit: Xinhua News Agency)"  # not in the title or summary: only the edition changes


def write_articles(source: Path, count: int) -> None:
    for number in range(count):
        day = f"2021-{1 + number % 12:02d}-{1 + number % 28:02d}"
        body = "\n\n".join(
            "  " + p.format(day=day, n=1000 + number, m=100 + number % 50, k=number % 200 + 1)
            for p in PARAGRAPHS
        )
        head = f"Bulletin number {number}: trade in services grows\n\nSource: Committee | Date: {day}"
        text = f"{head}\n\n{body}\n"
        (source / f"article-{number:04d}.txt").write_text(text, encoding="utf-8")


def fill(path: Path, translate: Callable[[str], str]) -> None:
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = translate(entry.msgid)
    catalog.save(str(path))


def load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--langs", nargs="+", default=["zh", "ar", "fr"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-publish-"))
    root = folder / "ws"
    if root.exists():
        shutil.rmtree(root)
    init_workspace(root)
    config = root / "setup.cfg"
    config.write_text(
        re.sub(r"(?m)^languages = .*$", "languages = " + " ".join(args.langs), config.read_text("utf-8")),
        "utf-8",
    )
    settings = load_settings(root)
    write_articles(settings.source, args.articles)
    setup_start = time.perf_counter()
    report = extract(settings)
    assert report.ok, report.failures
    for path in sorted(settings.locales.glob("*/*.po")):
        fill(path, str.upper)
    print(
        f"setup: {args.articles} articles, {len(args.langs)} languages, extracted and filled in "
        f"{time.perf_counter() - setup_start:.1f} s",
        file=sys.stderr,
    )
    import workflow

    print(f"workflow from {Path(workflow.__file__).parent}", file=sys.stderr)
    print(f"before: {load()}", file=sys.stderr)

    editions = args.articles * len(args.langs)
    everything = 2 * editions + 2 * len(args.langs) + 1  # pages, bulletins, indexes, feeds, languages
    lang = args.langs[0]
    changed = settings.catalog("article-0000.txt", lang)
    edition = {settings.output / lang / "article-0000.html", settings.output / lang / "article-0000.xml"}

    def checked(report: PublishReport, written: set[Path] | int) -> None:
        assert report.ok, report.failures[:5]
        assert len(report.published) == editions, (len(report.published), editions)
        if isinstance(written, int):
            assert len(report.written) == written, (len(report.written), written)
        else:
            assert set(report.written) == written, sorted(report.written)

    def cold() -> None:
        shutil.rmtree(settings.output, ignore_errors=True)
        (settings.root / ".workflow" / "published.json").unlink(missing_ok=True)
        report = timed("cold", lambda: publish(settings, args.langs, Policy()))
        checked(report, everything)

    def again() -> None:
        report = timed("no change", lambda: publish(settings, args.langs, Policy()))
        checked(report, 0)

    def one(round_number: int) -> None:
        fill(changed, lambda s: s.upper() + (f" ({round_number})" if s == CHANGED_UNIT else ""))
        report = timed("one article changed", lambda: publish(settings, args.langs, Policy()))
        checked(report, edition)

    times: dict[str, list[float]] = {"cold": [], "no change": [], "one article changed": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}

    def timed(name: str, run: Callable[[], PublishReport]) -> PublishReport:
        start, start_cpu = time.perf_counter(), time.process_time()
        report = run()
        times[name].append(time.perf_counter() - start)
        cpu[name].append(time.process_time() - start_cpu)  # every thread of this process
        return report

    for number in range(args.rounds):
        cold()
        again()
        one(number)
    print(f"after:  {load()}", file=sys.stderr)

    base, base_cpu = statistics.median(times["cold"]), statistics.median(cpu["cold"])
    rounds = f"median of {args.rounds} interleaved rounds"
    print(f"{args.articles} articles x {len(args.langs)} languages, {rounds} (in process, after imports)")
    print(f"{'publish':<22} {'wall s':>8} {'CPU s':>8} {'CPU s of each round':>24} "
          f"{'x faster than cold (CPU)':>25}")
    for name, seconds in times.items():
        median, median_cpu = statistics.median(seconds), statistics.median(cpu[name])
        shown = " ".join(f"{s:.2f}" for s in cpu[name])
        print(f"{name:<22} {median:>8.2f} {median_cpu:>8.2f} {shown:>24} "
              f"{base_cpu / median_cpu:>10.1f} ({base / median:.1f} wall)")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
