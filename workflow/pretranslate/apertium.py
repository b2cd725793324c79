"""The Apertium engine: rule-based, offline machine translation through the installed `apertium` command.

Apertium is packaged by Debian and Ubuntu (`apt-get install apertium apertium-eng-spa`);
each language pair installs modes named by the package's own codes (`eng-spa`, `en-gl`),
which `apertium -l` lists. ISO 639-3 codes map to the workspace's ISO 639-1 ones through
CLDR's language aliases (Babel): `spa` is `es`.

A batch is one `apertium -f txt MODE` process: the requests go in one per paragraph
(separated by blank lines) and come back in the same order; when the count does not
match, each request of the batch goes through a process of its own. Before translation,
the spans of a request (where pretranslate took placeholders out, where glossary terms
are) are marked with numbered tags `<k>…</k>`, `<k/>`, which Apertium's text format
carries through as punctuation next to their words; their positions in the output are the
spans' new places, and `restore` puts the real placeholders and terms there.

Apertium marks the words it cannot translate: `*word` (unknown), `#word` (generation
error), `@word` (transfer error). The marks never reach a target: they are removed,
the words returned (for the provenance comment and `check`), and the share of known
words is the engine's confidence. A source's own `*`, `#` or `@` before a word (a
hashtag, a handle) is swapped for a private-use character on the way in and back on
the way out, so it is never taken for a mark.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from ..confidence import known_share
from ..errors import MissingLanguagePair, WorkflowError
from ..languages import base_language, language_key
from ..model import MTRequest, MTResult
from ..records import frozen

log = logging.getLogger(__name__)

COMMAND = "apertium"
INSTALL_HINT = ("on Debian/Ubuntu: `apt-get install apertium apertium-{pair}` "
                "(`apt-cache search apertium-` lists the pairs)")
_MODE = re.compile(r"([a-z]{2,3})-([a-z]{2,3})(?:_([A-Za-z0-9]+))?")
_WORD = re.compile(r"\w+")
# in the output: our span tags, Apertium's marks before a word, runs of spaces
_OUTPUT = re.compile(r"<(\d+)/>|<(\d+)>|</(\d+)>|(?<!\w)([*#@])(?=\w)| {2,}")
_SOURCE_MARKS = re.compile(r"(?<!\w)[*#@](?=\w)")


@frozen
class ApertiumPair:
    """An installed Apertium translation mode."""

    mode: str  # eng-spa
    source_lang: str  # en
    target_lang: str  # es, or es_US for a variant mode


def _iso(code: str) -> str:
    """An Apertium language code (ISO 639-3 or 639-1) as the ISO 639-1 code CLDR prefers."""
    from babel.core import get_global

    aliases = get_global("language_aliases")
    alias = aliases.get(code)
    return str(alias) if isinstance(alias, str) and "_" not in alias else code


def _apertium_code(lang: str) -> str:
    """The ISO 639-3 code Apertium's newer packages use for a language (`es` -> `spa`)."""
    from babel.core import get_global

    base = base_language(lang)
    aliases = get_global("language_aliases")
    three = sorted(k for k, v in aliases.items() if v == base and len(k) == 3 and k.isalpha())
    return three[0] if three else base


def command() -> str | None:
    """The `apertium` program, or None when it is not installed (`$WORKFLOW_APERTIUM` may name it)."""
    return shutil.which(os.environ.get("WORKFLOW_APERTIUM") or COMMAND)


def list_pairs() -> list[ApertiumPair]:
    """The installed translation modes (none when Apertium itself is not installed)."""
    program = command()
    if program is None:
        return []
    try:
        listing = subprocess.run([program, "-l"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("cannot list the Apertium modes: %s", exc)
        return []
    pairs: list[ApertiumPair] = []
    for line in listing.stdout.splitlines():
        match = _MODE.fullmatch(line.strip())
        if match is None:  # debugging modes (eng-spa-tagger …) are not translations
            continue
        source, target, variant = match.groups()
        target_lang = _iso(target) + (f"_{variant}" if variant else "")
        pairs.append(ApertiumPair(line.strip(), _iso(source), target_lang))
    return sorted(pairs, key=lambda p: (p.source_lang, p.target_lang, p.mode))


def find_pair(source: str, target: str) -> ApertiumPair:
    """The installed mode for a language pair; MissingLanguagePair naming the package to install."""
    package = f"{_apertium_code(source)}-{_apertium_code(target)}"
    if command() is None:
        raise MissingLanguagePair("Apertium is not installed", hint=INSTALL_HINT.format(pair=package))
    pairs = list_pairs()
    for candidates in ([p for p in pairs if language_key(p.target_lang) == language_key(target)],
                       [p for p in pairs if p.target_lang == base_language(target)]):
        found = [p for p in candidates if p.source_lang == base_language(source)]
        if found:
            return found[0]
    installed = ", ".join(p.mode for p in pairs) or "none"
    raise MissingLanguagePair(f"no Apertium pair installed for {source}→{target} (installed: {installed})",
                              hint=INSTALL_HINT.format(pair=package))


def _private_chars(text: str, count: int) -> list[str]:
    """`count` private-use characters that `text` does not hold."""
    found: list[str] = []
    code = 0xE000
    while len(found) < count:
        if chr(code) not in text:
            found.append(chr(code))
        code += 1
    return found


def encode(request: MTRequest) -> tuple[str, dict[str, str]]:
    """A request as Apertium input: spans tagged, the source's own `*#@` before a word swapped.

    Returns the text and the private-use characters to swap back.
    """
    text = request.text.replace("\r", " ").replace("\n", " ")
    swap = dict(zip("*#@", _private_chars(text, 3)))
    text = _SOURCE_MARKS.sub(lambda m: swap[m.group()], text)
    # (position, then at one position: closing tags, inner first; empty ones; opening tags, outer first)
    inserts: list[tuple[int, int, int, str]] = []
    for index, (start, end) in enumerate(request.spans, 1):
        if start == end:
            inserts.append((start, 1, index, f"<{index}/>"))
        else:
            inserts.append((start, 2, -end, f"<{index}>"))
            inserts.append((end, 0, -start, f"</{index}>"))
    out: list[str] = []
    last = 0
    for position, _, _, tag in sorted(inserts, key=lambda i: i[:3]):
        out.append(text[last:position])
        out.append(tag)
        last = position
    out.append(text[last:])
    return "".join(out), {new: old for old, new in swap.items()}


def decode(output: str, spans: int, swapped: dict[str, str]) -> MTResult:
    """Apertium's output for one request: tags taken out as spans, marks removed, words counted."""
    text = output.strip()
    pieces: list[str] = []
    size = 0
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    unknown: list[str] = []
    last = 0
    for match in _OUTPUT.finditer(text):
        pieces.append(text[last:match.start()])
        size += match.start() - last
        last = match.end()
        empty, opened, closed, mark = match.group(1), match.group(2), match.group(3), match.group(4)
        if mark:
            word = _WORD.match(text, match.end())
            if word is not None:
                unknown.append(word.group())
        elif empty or opened or closed:
            number = int(empty or opened or closed)
            if empty or opened:
                starts.setdefault(number, size)
            if empty:
                ends.setdefault(number, size)
            elif closed:
                ends.setdefault(number, size)
        else:  # doubled spaces
            pieces.append(" ")
            size += 1
    pieces.append(text[last:])
    translated = "".join(pieces)
    for new, old in swapped.items():
        translated = translated.replace(new, old)
    found: list[tuple[int, int] | None] = []
    for number in range(1, spans + 1):
        start, end = starts.get(number), ends.get(number)
        found.append((start, end) if start is not None and end is not None and start <= end else None)
    words = len(_WORD.findall(translated))
    return MTResult(translated, tuple(found), known_share(words, len(unknown)), tuple(dict.fromkeys(unknown)))


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


class ApertiumTranslator:
    """Translates MTRequests with an installed Apertium mode (implements pretranslate's Translator)."""

    name = "apertium"
    # sentences per call at least (whatever mt_batch_size says): each call starts an Apertium process, whose
    # start-up (loading the pair's transducers) costs as much as a few hundred sentences
    min_batch_size = 4000

    def __init__(self, pair: ApertiumPair, program: str) -> None:
        self.pair = pair
        self.program = program
        self.processes = 0  # apertium processes started (one per batch, unless a batch had to be split)

    @classmethod
    def for_pair(cls, source: str, target: str) -> ApertiumTranslator:
        pair = find_pair(source, target)
        program = command()
        assert program is not None  # find_pair checked
        return cls(pair, program)

    @property
    def provenance(self) -> str:
        return f"mt apertium {self.pair.mode}"

    @property
    def cache_key(self) -> str:
        """The mode and the files it runs (a new package version changes their dates and sizes)."""
        stamps: list[str] = []
        mode_file = self._mode_file()
        if mode_file is not None:
            paths = [mode_file, *(Path(p) for p in re.findall(r"'(/[^']+)'", _read(mode_file)))]
            stamps = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in paths if p.is_file()]
        return f"apertium|{self.pair.mode}|{'|'.join(stamps)}|v1"

    def _mode_file(self) -> Path | None:
        prefix = Path(os.path.realpath(self.program)).parent.parent
        path = prefix / "share" / "apertium" / "modes" / f"{self.pair.mode}.mode"
        return path if path.is_file() else None

    def _run(self, text: str) -> str:
        self.processes += 1
        try:
            done = subprocess.run([self.program, "-f", "txt", self.pair.mode], input=text.encode("utf-8"),
                                  capture_output=True, check=False)
        except OSError as exc:
            raise WorkflowError(f"cannot run Apertium: {exc}",
                                hint=INSTALL_HINT.format(pair=self.pair.mode)) from None
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            last = lines[-1] if lines else f"exit code {done.returncode}"
            raise WorkflowError(f"apertium {self.pair.mode} failed: {last}",
                                hint=f"try `echo test | apertium {self.pair.mode}`; "
                                     "reinstall the pair if it fails")
        return done.stdout.decode("utf-8", "replace")

    def translate(self, requests: Sequence[MTRequest]) -> list[MTResult]:
        """One Apertium process for the batch (one per request when its output cannot be split)."""
        if not requests:
            return []
        encoded = [encode(r) for r in requests]
        output = self._run("\n\n".join(text for text, _ in encoded) + "\n")
        chunks = _BLANK_LINES.split(output.strip())
        if len(chunks) != len(requests):
            log.info("apertium gave %d paragraphs for %d requests: one process per request", len(chunks),
                     len(requests))
            chunks = [self._run(text + "\n") for text, _ in encoded]
        return [decode(chunk, len(request.spans), swapped)
                for chunk, request, (_, swapped) in zip(chunks, requests, encoded)]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
