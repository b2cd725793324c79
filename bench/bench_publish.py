"""Benchmark `publish`: 1,000 articles in 3 languages, cold, re-run with no change, one catalog changed,
one language alone (every edition of the others is still checked for its links).

Usage:
    python bench/bench_publish.py [--articles 1000] [--langs zh ar fr] [--keep DIR]

The baseline, measured in the same run, is the least any publisher must do: read
every source article and load every catalog. The table gives each publishing run
as a ratio of it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import polib

from workflow.extract import extract, find_sources, read_article
from workflow.publish import Policy, PublishReport, publish
from workflow.settings import Settings, init_workspace, load_settings
from workflow.store import catalog_targets

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


T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def read_inputs(settings: Settings, langs: list[str]) -> int:
    """The baseline: parse every source and load every catalog."""
    loaded = 0
    for path in find_sources(settings):
        article = read_article(settings, path)
        for lang in langs:
            catalog_targets(settings.catalog(article.path, lang))
            loaded += 1
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--langs", nargs="+", default=["zh", "ar", "fr"])
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
    extract(settings)
    for path in sorted(settings.locales.glob("*/*.po")):
        fill(path, str.upper)
    print(
        f"setup: {args.articles} articles, {len(args.langs)} languages, extracted and filled in "
        f"{time.perf_counter() - setup_start:.1f} s",
        file=sys.stderr,
    )

    policy = Policy()
    rows: list[tuple[str, float, int, int]] = []
    seconds, loaded = timed(lambda: read_inputs(settings, args.langs))
    rows.append(("baseline: read sources + catalogs", seconds, 0, loaded))

    def run(name: str, langs: list[str] | None = None) -> PublishReport:
        seconds, report = timed(lambda: publish(settings, langs or args.langs, policy))
        assert report.ok, report.failures
        rows.append((name, seconds, len(report.written), len(report.published)))
        return report

    run("publish, cold")
    run("publish again, no change")
    fill(settings.catalog("article-0000.txt", args.langs[0]), lambda s: s.lower())
    run("publish, one catalog changed")
    run("publish one language, no change", args.langs[-1:])

    baseline = rows[0][1]
    print(f"{'run':<34} {'seconds':>8} {'written':>8} {'editions':>9} {'files/s':>9} {'x baseline':>11}")
    for name, seconds, written, editions in rows:
        files = written / seconds if written else 0.0
        print(
            f"{name:<34} {seconds:>8.2f} {written:>8} {editions:>9} {files:>9.0f} {seconds / baseline:>11.2f}"
        )
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
