"""What several benches share: real-shaped English text, the machine's load, timed CLI runs.

Text comes from the repository only (the sample bulletin in source/, the pages in
tests/data/, the inputs of tests/cases/; plus the pages of the folder $WORKFLOW_WEB_PAGES
names, when it is set): real paragraphs as they are, and new sentences recombined from
real ones (the head of one joined to the tail of another at a shared word, most figures
redrawn), so generated articles follow news English with its frequent and rare words
without repeating the same few sentences.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
BULLETIN = ROOT / "source" / "ciftis-bulletin-2021-01.txt"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
_NUMBER = re.compile(r"^\d[\d,.]*$")
_TAGS = re.compile(r"</?\d+/?>")
_LITERAL_TAG = re.compile(r"<\d")


def load() -> str:
    """The machine's load average and CPU count, for printing next to every figure."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


# -- real text -----------------------------------------------------------------------------------


def _page_paragraphs(page: Path) -> list[str]:
    from lxml import html

    tree = html.fromstring(page.read_text(encoding="utf-8"))  # the repository's pages are UTF-8
    found = []
    for element in tree.iter("p", "li", "h1", "h2", "h3"):
        text = " ".join(cast(html.HtmlElement, element).text_content().split())
        if text:
            found.append(text)
    return found


@cache
def real_paragraphs() -> tuple[str, ...]:
    """The paragraphs of the repository's sample bulletin and pages, in order, each once."""
    found: list[str] = []
    texts = [BULLETIN, *sorted((ROOT / "tests" / "cases").glob("*/input.txt"))]
    for path in texts:
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            found.append(" ".join(paragraph.split()))
    pages = sorted((ROOT / "tests" / "data").glob("*.html"))
    pages += sorted((ROOT / "tests" / "cases").glob("*/input.html"))
    web = os.environ.get("WORKFLOW_WEB_PAGES")
    pages += sorted(Path(web).glob("*.html")) if web else []
    for page in pages:
        found.extend(_page_paragraphs(page))
    # a literal `<1>` in text reads as a placeholder in a catalog (the hard-html test case has one):
    # kept out, so that every generated unit can be filled
    return tuple(p for p in dict.fromkeys(found) if len(p.split()) >= 4 and not _LITERAL_TAG.search(p))


@cache
def real_sentences() -> tuple[str, ...]:
    """The sentences of those paragraphs and of the test cases' catalogs (4 to 60 words)."""
    import polib

    found = [s for p in real_paragraphs() for s in _SENTENCE_END.split(p)]
    for pot in sorted((ROOT / "tests" / "cases").glob("*/expected.pot")):
        found.extend(_TAGS.sub("", entry.msgid) for entry in polib.pofile(str(pot)))
    return tuple(s for s in dict.fromkeys(found) if 4 <= len(s.split()) <= 60 and s[0].isupper())


class Recombiner:
    """New sentences walking through real ones, jumping from a word to the same word elsewhere."""

    def __init__(self, sentences: tuple[str, ...] | None = None) -> None:
        self.base = [s.split() for s in (sentences or real_sentences())]
        self.at: dict[str, list[tuple[int, int]]] = {}  # word -> (sentence, position) of its occurrences
        for number, words in enumerate(self.base):
            for position, word in enumerate(words[1:-1], 1):
                self.at.setdefault(word.lower(), []).append((number, position))
        self.joints = [[p for p, w in enumerate(words) if len(self.at.get(w.lower(), ())) > 1]
                       for words in self.base]

    def words(self, rng: random.Random) -> list[str]:
        words: list[str] = []
        sentence, start = rng.randrange(len(self.base)), 0
        for _ in range(rng.randint(1, 3)):
            later = [p for p in self.joints[sentence] if p > start]
            if not later:
                break
            cut = rng.choice(later)
            words += self.base[sentence][start:cut]
            sentence, start = rng.choice(self.at[self.base[sentence][cut].lower()])
        words += self.base[sentence][start:]
        del words[60:]
        for position, token in enumerate(words):
            if _NUMBER.match(token) and rng.random() < 0.7:
                words[position] = f"{rng.randint(2, 99_999):,}"
        return words

    def sentence(self, rng: random.Random) -> str:
        return " ".join(self.words(rng))


BOILERPLATE = ("(Photo Credit: Xinhua News Agency)",
               "For more information, please visit the official website.")


def news_articles(count: int, seed: int = 7) -> dict[str, str]:
    """`count` articles in the sample bulletin's text layout (title, source and date line,
    indented paragraphs): 6-14 paragraphs of 1-3 recombined sentences, about one in ten a
    real paragraph as it is and one in fifteen a boilerplate line shared by every article."""
    rng = random.Random(seed)
    maker = Recombiner()
    paragraphs = real_paragraphs()
    articles = {}
    for number in range(count):
        title = maker.sentence(rng).rstrip(".")
        date = f"2021-{1 + number % 12:02d}-{1 + number % 28:02d}"
        body = []
        for _ in range(rng.randint(6, 14)):
            roll = rng.random()
            if roll < 0.1:
                body.append(rng.choice(paragraphs))
            elif roll < 0.17:
                body.append(rng.choice(BOILERPLATE))
            else:
                body.append(" ".join(maker.sentence(rng) for _ in range(rng.randint(1, 3))))
        text = "\n\n".join([title, f"Source:Organizing_Committee    |      Date:{date}",
                            *("  " + p for p in body)])
        articles[f"article-{number:05d}.txt"] = text + "\n"
    return articles


# -- timed runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    seconds: float
    cpu: float  # user + system seconds: what the run costs, whatever else the machine does
    peak_mb: float  # the child's own peak resident set
    stdout: str
    stderr: str


class RunFailed(SystemExit):
    """A command exited non-zero: the bench stops (a failed run is an error, not a time)."""


# The child is started by this small launcher, not by the bench itself: a process forked from
# the bench inherits the bench's peak RSS as its own ru_maxrss (Linux records the old memory's
# high-water mark at exec), so a bench that had built a large input in memory would report it
# for every command. The launcher's own peak (about 10 MB) is below any workflow command's.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
               "exit": os.waitstatus_to_exitcode(status)}, out)
"""


def run_workflow(code: Path, workspace: Path, *args: str, ok: tuple[int, ...] = (0,)) -> Result:
    """`workflow --root WORKSPACE ARGS` with `code` first on the path, in a child process: its wall
    and CPU time and its own peak RSS (os.wait4). An exit status outside `ok` stops the bench."""
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "workflow", "--root", str(workspace), *args]
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures.json"
        with (Path(folder) / "out").open("w+b") as out, (Path(folder) / "err").open("w+b") as err:
            # cwd: the workspace, not a tree: `python -m` puts it first on the path
            launched = subprocess.run([sys.executable, "-c", _LAUNCHER, str(figures), *command], env=env,
                                      stdout=out, stderr=err, cwd=workspace, check=False)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode("utf-8"), err.read().decode("utf-8")
        if launched.returncode != 0 or not figures.is_file():
            raise RunFailed(f"the launcher of `workflow {' '.join(args)}` failed:\n{stderr[-3000:]}")
        found = json.loads(figures.read_text(encoding="utf-8"))
    if found["exit"] not in ok:
        raise RunFailed(f"{code}: `workflow {' '.join(args)}` exited {found['exit']}:\n{stderr[-3000:]}")
    return Result(found["seconds"], found["cpu"], found["peak_kb"] / 1024, stdout, stderr)
