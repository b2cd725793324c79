"""Benchmark the translation memory (issue 10, item 4): `tm import` of a large TMX, then `pretranslate`.

The memory is generated here: English sentences recombined from real ones (the
bulletin in source/, the units of tests/cases/, and the paragraphs of the sample web
pages in the folder $WORKFLOW_WEB_PAGES names, when it is set): the head of one sentence joined
to the tail of another at a shared word, some figures changed, so the words follow
real news English, with its frequent and its rare words. Targets are CJK strings
derived from the words (their length and bytes are Chinese-like). The bulletin's own
sentences are hidden in the memory as well: a third verbatim (exact matches), a third
with one word changed (fuzzy matches), a third not at all.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, cast
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "source" / "ciftis-bulletin-2021-01.txt"
GENERATOR = 1  # bump when the generated memory changes
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
_NUMBER = re.compile(r"^\d[\d,.]*$")


# -- the generated memory --------------------------------------------------------------------------


def real_sentences() -> list[str]:
    """English sentences from the repository (and the shared sample pages when present)."""
    import polib
    from lxml import html

    found: list[str] = []
    for path in sorted((ROOT / "source").glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            found.extend(_SENTENCE_END.split(" ".join(paragraph.split())))
    for pot in sorted((ROOT / "tests" / "cases").glob("*/expected.pot")):
        found.extend(re.sub(r"</?\d+/?>", "", entry.msgid) for entry in polib.pofile(str(pot)))
    web = os.environ.get("WORKFLOW_WEB_PAGES")
    for page in sorted(Path(web).glob("*.html")) if web else ():
        tree = html.fromstring(page.read_bytes())
        for element in tree.iter("p", "li", "h2", "h3"):
            text = " ".join(cast(html.HtmlElement, element).text_content().split())
            found.extend(_SENTENCE_END.split(text))
    return [s for s in dict.fromkeys(found) if 4 <= len(s.split()) <= 60 and s[0].isupper()]


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
    """`count` (English, pseudo-Chinese) pairs; `hidden` sentences spread among them.

    Each sentence walks through one to four real sentences, jumping from a word to the
    same word in another one; most figures are redrawn.
    """
    rng = random.Random(seed)
    base = [s.split() for s in real_sentences()]
    at: dict[str, list[tuple[int, int]]] = {}  # word -> (sentence, position) of its occurrences
    for number, words in enumerate(base):
        for position, word in enumerate(words[1:-1], 1):
            at.setdefault(word.lower(), []).append((number, position))
    joints = [[p for p, w in enumerate(words) if len(at.get(w.lower(), ())) > 1] for words in base]
    chinese: dict[str, str] = {}
    planted = {rng.randrange(count): s for s in hidden}
    for index in range(count):
        if index in planted:
            words = planted[index].split()
        else:
            words = []
            sentence, start = rng.randrange(len(base)), 0
            for _ in range(rng.randint(1, 3)):
                later = [p for p in joints[sentence] if p > start]
                if not later:
                    break
                cut = rng.choice(later)
                words += base[sentence][start:cut]
                sentence, start = rng.choice(at[base[sentence][cut].lower()])
            words += base[sentence][start:]
            del words[60:]
            for position, token in enumerate(words):
                if _NUMBER.match(token) and rng.random() < 0.7:
                    words[position] = f"{rng.randint(2, 99_999):,}"
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


@dataclass(frozen=True)
class Result:
    seconds: float
    cpu: float  # user + system seconds: what the run costs, whatever else the machine does
    peak_mb: float
    stdout: str
    stderr: str


def run(code: Path, workspace: Path, *args: str) -> Result:
    """`workflow ARGS` on `code` in a child process: its time and its own peak RSS; exit 0 or stop."""
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "workflow", "--root", str(workspace), *args]
    out_path, err_path = (workspace.parent / f"{workspace.name}.{kind}" for kind in ("out", "err"))
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=workspace)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8")
    if child.returncode != 0:
        sys.exit(f"{code}: `{' '.join(args)}` exited {child.returncode}:\n{stderr}")
    return Result(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, stderr)


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
