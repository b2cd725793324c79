"""Glossary size against checking and pretranslating time (issue 10.1).

Before: `check zh` on the 39-unit sample article took 1.0 s with 500 terms, 59 s with
4,000 and never finished with 20,000 (one alternation of every term, tried at every
position). Now every term sits in one Aho–Corasick automaton, so the cost of a text
no longer grows with the number of terms.

Part 1, the same text with 1k / 4k / 20k / 100k terms: the 39 units of the sample
bulletin (source/), pseudo-translated, through every QA check (`check_unit`)
and through pretranslate's `protect`; the matcher is built once per glossary (timed
apart). Medians of interleaved rounds.

Part 2, a workspace: 1,000 articles of 39 units (bench_status's generator) and a
100,000-term glossary: `glossary import` of the TSV, then `run_checks` over zh.

Usage:
  .venv/bin/python bench/bench_glossary.py
  .venv/bin/python bench/bench_glossary.py --sizes 1000,20000 --articles 100
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polib  # noqa: E402
from bench_status import WORDS, sentence  # noqa: E402

from workflow.formats import text as text_format  # noqa: E402
from workflow.glossary import Glossary, Term, import_glossary, render_glossary  # noqa: E402
from workflow.model import State, Unit  # noqa: E402
from workflow.pretranslate import PseudoTranslator, protect, pseudolocalize, restore  # noqa: E402
from workflow.qa import CHECKS, check_unit, run_checks  # noqa: E402
from workflow.qa.checks import _glossary as qa_glossary  # noqa: E402
from workflow.segment import unit_key  # noqa: E402
from workflow.settings import Settings, init_workspace, load_settings  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "source" / "ciftis-bulletin-2021-01.txt"
REAL_TERMS = (Term("white paper", "白皮书"), Term("Belt and Road Initiative", "“一带一路”倡议"),
              Term("CIFTIS", "CIFTIS", do_not_translate=True), Term("trade in services", "服务贸易"))
PROTECT_PASSES = 20
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就年"


def make_terms(count: int, seed: int = 7) -> tuple[Term, ...]:
    """`count` distinct terms of 1-3 words (the sample's words and made-up ones), 10 % do-not-translate."""
    rng = random.Random(seed)
    vocabulary = WORDS + [f"w{index}" for index in range(2000)]
    terms: dict[str, Term] = {t.source.casefold(): t for t in REAL_TERMS}
    while len(terms) < count:
        source = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 3)))
        if source.casefold() in terms:
            continue
        keep = rng.random() < 0.1
        target = source if keep else "".join(rng.choice(HAN) for _ in range(rng.randint(2, 5)))
        terms[source.casefold()] = Term(source, target, "", keep)
    return tuple(terms.values())


def sample_units() -> list[Unit]:
    article = text_format.read(SAMPLE.read_bytes(), str(SAMPLE), "sentence")
    pieces = [piece for block in article.blocks for piece in block.pieces]
    return [Unit(piece, "zh", pseudolocalize(piece.text), State.MACHINE) for piece in pieces]


def part_one(sizes: list[int], rounds: int) -> None:
    units = sample_units()
    checks = tuple(CHECKS.values())
    glossaries = {size: make_terms(size) for size in sizes}
    build: dict[int, float] = {}
    for size, terms in glossaries.items():
        start = time.perf_counter()
        qa_glossary(terms).find("warm up")  # builds the matcher QA uses (kept by the tuple's identity)
        build[size] = time.perf_counter() - start
    checking: dict[int, list[float]] = {size: [] for size in sizes}
    protecting: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(rounds):
        for size, terms in glossaries.items():
            start = time.perf_counter()
            for unit in units:
                check_unit(unit, checks, terms=terms)
            checking[size].append(time.perf_counter() - start)
            glossary = qa_glossary(terms)
            start = time.perf_counter()
            for _ in range(PROTECT_PASSES):  # one pass takes a few milliseconds: too short to time alone
                for unit in units:
                    protect(unit.segment.text, glossary)
            protecting[size].append((time.perf_counter() - start) / PROTECT_PASSES)
    base = sizes[0]
    print(f"Part 1: {len(units)} units of {SAMPLE.name}, medians of {rounds} interleaved rounds")
    print(f"{'terms':>8} {'build matcher':>14} {'check (all)':>12} {'x vs ' + str(base):>10} "
          f"{'protect':>10} {'x vs ' + str(base):>10}")
    for size in sizes:
        check, guard = statistics.median(checking[size]), statistics.median(protecting[size])
        print(f"{size:>8,} {build[size]:>12.3f} s {check:>10.3f} s "
              f"{check / statistics.median(checking[base]):>10.2f} {guard:>8.4f} s "
              f"{guard / statistics.median(protecting[base]):>10.2f}")


def write_catalogs(settings: Settings, glossary: Glossary, articles: int, per_article: int,
                   seed: int = 4) -> None:
    """Catalogs as extract and a pseudo run write them: news-like sentences, each filled
    by the pseudo engine through pretranslate's protect/restore (glossary terms written)."""
    rng = random.Random(seed)
    engine = PseudoTranslator()

    def pseudo(source: str) -> str:
        protected = protect(source, glossary)
        return restore(source, protected, engine.translate([protected.request])[0]).target

    folder = settings.locales / "zh"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(articles):
        catalog = polib.POFile(wrapwidth=0)
        catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "zh"}
        for index in range(per_article):
            source = sentence(rng, number * per_article + index)
            where = [(f"source/article-{number:05d}.txt", str(index + 1))]
            catalog.append(polib.POEntry(msgctxt=unit_key(source), msgid=source, msgstr=pseudo(source),
                                         flags=["fuzzy"], tcomment="workflow: pseudo", occurrences=where))
        catalog.save(str(folder / f"article-{number:05d}.po"))
        (settings.source / f"article-{number:05d}.txt").write_text("Title\n", encoding="utf-8")


def part_two(terms_count: int, articles: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        init_workspace(root)
        config = root / "setup.cfg"
        text = re.sub(r"(?m)^languages = .*$", "languages = zh", config.read_text(encoding="utf-8"))
        config.write_text(text, encoding="utf-8")
        settings = load_settings(root)
        terms = make_terms(terms_count)
        write_catalogs(settings, Glossary("zh", terms), articles, 39)
        tsv = Path(folder) / "en-zh.tsv"
        tsv.write_bytes(render_glossary(list(terms)))
        start = time.perf_counter()
        imported = import_glossary(settings, tsv, "zh")
        imported_at = time.perf_counter() - start
        start = time.perf_counter()
        report = run_checks(settings, ["zh"])
        checked_at = time.perf_counter() - start
    print(f"Part 2: {articles:,} articles x 39 units, {imported.terms:,} terms: import {imported_at:.1f} s, "
          f"check {checked_at:.1f} s ({report.units:,} units, {report.errors:,} errors, "
          f"{report.warnings:,} warnings); total {imported_at + checked_at:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,4000,20000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workspace-terms", type=int, default=100_000)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cpus: {os.cpu_count()}")
    part_one([int(s) for s in args.sizes.split(",")], args.rounds)
    if args.articles:
        part_two(args.workspace_terms, args.articles)
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
