"""Benchmark the translation memory (issue 10, item 4): `tm import` of a large TMX, then `pretranslate`.

The memory is generated here: English sentences recombined from real ones by
bench/common.py's Recombiner (the bulletin in source/, the pages of tests/data/, the
inputs and units of tests/cases/, and the pages of the folder $WORKFLOW_WEB_PAGES names,
when it is set): the head of one sentence joined to the tail of another at a shared word,
some figures changed, so the words follow real news English, with its frequent and its
rare words. Targets are CJK strings derived from the words (their length and bytes are
Chinese-like). The bulletin's own sentences are hidden in the memory as well: a third
verbatim (exact matches), a third with one word changed (fuzzy matches), a third not at all.

Each side runs as a child process of this script (os.wait4 gives its own peak RSS):

  before  the main branch (--before, default /work/main, on PYTHONPATH)
  after   this tree

in a fresh workspace holding the bulletin (about 40 units, zh):

  import       `workflow tm import memory.tmx`
  pretranslate `workflow pretranslate zh --engine tm --json`, right after the import
  cold         (after only) the same with the index deleted: the one-off rebuild

Rounds alternate between the sides; medians are printed with the machine's load.
Both sides must exit 0, report the same import counts, write the same tm/en-zh.tmx
(byte for byte) and fill the same catalogs (the same targets, same provenance),
or the bench stops: it compares equal work.

Usage:
  .venv/bin/python bench/bench_memory.py --units 100000            # quick
  .venv/bin/python bench/bench_memory.py --units 1000000 --rounds 1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BULLETIN as ARTICLE  # noqa: E402
from common import ROOT, Recombiner, Result, run_workflow  # noqa: E402

GENERATOR = 2  # bump when the generated memory changes


# -- the generated memory --------------------------------------------------------------------------


def _pseudo_chinese(words: list[str], cache: dict[str, str]) -> str:
    out = []
    for word in words:
        chars = cache.get(word)
        if chars is None:
            digest = hashlib.blake2b(word.lower().encode(), digest_size=4).digest()
            chars = "".join(chr(0x4E00 + (digest[i] << 8 | digest[i + 1]) % 20000) for i in (0, 2))
            cache[word] = chars
        out.append(chars)
    return "".join(out) + "。"


def variant(sentence: str, rng: random.Random) -> str:
    """The sentence with one word changed: a fuzzy match of it (about 90-97 %)."""
    words = sentence.split()
    index = rng.randrange(len(words))
    words[index] = "several" if words[index] != "several" else "many"
    return " ".join(words)


def generated_pairs(count: int, hidden: list[str], seed: int = 10) -> Iterator[tuple[str, str]]:
    """`count` (English, pseudo-Chinese) pairs of recombined real sentences, `hidden` ones among them."""
    rng = random.Random(seed)
    maker = Recombiner()
    chinese: dict[str, str] = {}
    planted = {rng.randrange(count): s for s in hidden}
    for index in range(count):
        words = planted[index].split() if index in planted else maker.words(rng)
        yield " ".join(words), _pseudo_chinese(words, chinese)


def write_memory(path: Path, count: int, article_units: list[str]) -> None:
    """The bench's TMX: generated pairs with the article's units hidden among them."""
    rng = random.Random(3)
    hidden = [u for i, u in enumerate(article_units) if i % 3 == 0]
    hidden += [variant(u, rng) for i, u in enumerate(article_units) if i % 3 == 1 and len(u.split()) > 3]
    temporary = path.with_suffix(".part")
    with temporary.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                  '<header creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="bench" '
                  'adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n')
        for number, (english, chinese) in enumerate(generated_pairs(count, hidden)):
            out.write(f'<tu tuid="{number}"><tuv xml:lang="en"><seg>{escape(english)}</seg></tuv>'
                      f'<tuv xml:lang="zh-CN"><seg>{escape(chinese)}</seg></tuv></tu>\n')
        out.write("</body>\n</tmx>\n")
    temporary.replace(path)


# -- the runs --------------------------------------------------------------------------------------


def run(code: Path, workspace: Path, *args: str) -> Result:
    """`workflow ARGS` on `code` in a child process: its time and its own peak RSS; exit 0 or stop."""
    return run_workflow(code, workspace, *args)


def workspace(code: Path, folder: Path) -> Path:
    """A fresh workspace (zh only) holding the bulletin, extracted by `code`."""
    shutil.rmtree(folder, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([sys.executable, "-m", "workflow", "init", str(folder)], env=env, check=True,
                   capture_output=True)
    config = folder / "setup.cfg"
    config.write_text(re.sub(r"(?m)^languages = .*$", "languages = zh", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    shutil.copy(ARTICLE, folder / "source" / ARTICLE.name)
    run(code, folder, "extract")
    return folder


def catalog_targets(folder: Path) -> list[tuple[str, str, str]]:
    """(source, target, provenance comment) of every unit of the zh catalog."""
    import polib

    catalog = polib.pofile(str(folder / "locales" / "zh" / ARTICLE.with_suffix(".po").name))
    return [(e.msgid, e.msgstr, e.comment) for e in catalog]


def article_units(code: Path, work: Path) -> list[str]:
    import polib

    folder = workspace(code, work / "units")
    pot = folder / "locales" / "templates" / ARTICLE.with_suffix(".pot").name
    return [entry.msgid for entry in polib.pofile(str(pot))]


def digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()  # type: ignore[attr-defined,unused-ignore]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000, help="translation units in the memory")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, default=Path("/work/main"), help="the code to compare with")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_memory"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sides = {"before": args.before.resolve(), "after": ROOT}
    units = article_units(ROOT, args.work)
    memory = args.work / f"memory-{args.units}-g{GENERATOR}.tmx"
    if not memory.is_file():
        started = time.perf_counter()
        write_memory(memory, args.units, units)
        print(f"generated {memory} ({memory.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.0f} s")
    print(f"{args.units:,} TUs, {memory.stat().st_size / 1e6:.0f} MB; article: {len(units)} units; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    times: dict[str, list[Result]] = {}
    seen: dict[str, tuple[Any, ...]] = {}
    for round_ in range(args.rounds):
        for side, code in (sides.items() if round_ % 2 == 0 else reversed(sides.items())):
            folder = workspace(code, args.work / side)
            imported = run(code, folder, "tm", "import", str(memory))
            filled = run(code, folder, "pretranslate", "zh", "--engine", "tm", "--json")
            times.setdefault(f"{side} import", []).append(imported)
            times.setdefault(f"{side} pretranslate", []).append(filled)
            report = json.loads(filled.stdout)["languages"][0]
            outcome = (imported.stderr.split(";")[0], digest(folder / "tm" / "en-zh.tmx"),
                       catalog_targets(folder), report["filled"], report["fuzzy_matches"], report["left"])
            if side == "after":
                shutil.rmtree(folder / ".workflow", ignore_errors=True)
                cold = run(code, folder, "pretranslate", "zh", "--engine", "tm", "--json", "--redo-machine")
                times.setdefault("after pretranslate, index deleted (rebuilt)", []).append(cold)
                if catalog_targets(folder) != outcome[2]:
                    sys.exit("the rebuilt index filled the catalog differently")
            seen[side] = outcome
        if seen["before"] != seen["after"]:
            for name, left, right in zip(("import", "memory file", "catalog", "filled", "fuzzy", "left"),
                                         seen["before"], seen["after"]):
                if left != right:
                    print(f"differs: {name}\n  before: {left}\n  after:  {right}")
            sys.exit("the two sides did not do the same work")
    outcome = seen["after"]
    print(f"both sides: {outcome[0]}; memory files identical; catalogs identical "
          f"({outcome[3]}, {outcome[4]} fuzzy, {outcome[5]} left)")
    print(f"{'':46} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12}   (medians of {args.rounds})")
    for name, results in times.items():
        print(f"{name:46} {statistics.median(r.seconds for r in results):8.2f} "
              f"{statistics.median(r.cpu for r in results):8.2f} "
              f"{statistics.median(r.peak_mb for r in results):12.0f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
