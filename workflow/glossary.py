"""Per-language glossaries: approved terms and do-not-translate terms.

A glossary is a UTF-8, tab-separated file `glossary/<source>-<lang>.tsv` in the
workspace (the layout of `samples/glossary/en-zh.tsv`):

    source<TAB>target<TAB>note<TAB>type

The header line is optional, `note` and `type` may be left out, and lines starting
with `#` are comments. A term is do-not-translate when its `type` is `dnt` (or
`do-not-translate`, `keep`), or its target is empty, `=` or the source term itself;
otherwise the target is the approved translation. Pretranslate protects the terms
it finds in a unit through MT and writes the approved target; QA calls
`load_glossary` to check that translators kept them. TBX files (TBX-Basic or
TBX v3) can be imported too.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import ahocorasick_rs

from .errors import WorkflowError
from .files import MIB, read_regular, workspace_lock, write_if_changed
from .languages import serves
from .records import frozen
from .settings import Settings, chosen_languages

HEADER = ("source", "target", "note", "type")
DNT_TYPES = {"dnt", "do-not-translate", "donottranslate", "keep", "forbidden-translation"}
APPROVED_TYPES = {"", "approved", "preferred", "term"}
_GAP = re.compile(r"\s+")


@frozen
class Term:
    """One glossary entry; for a do-not-translate term, target is the source term."""

    source: str
    target: str
    note: str = ""
    do_not_translate: bool = False
    line: int = 0


@frozen
class TermMatch:
    """Where a term occurs in a text: character offsets [start, end)."""

    term: Term
    start: int
    end: int


class _Matcher:
    """Every term of a glossary in one Aho–Corasick automaton (ahocorasick-rs): a text is read
    once, whatever the number of terms, and each place where a term's words occur is then
    checked against the term's rules (word edges, case, plural). Keys are the terms' words
    joined by one space, in lower case; a text is read the same way, with a map back to its
    offsets."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        # precedence: longest source first, then glossary order ("Belt and Road Initiative"
        # wins over "Belt and Road" where both start)
        self.ordered = tuple(sorted(terms, key=lambda t: len(t.source), reverse=True))
        self.sources = tuple(" ".join(t.source.split()) for t in self.ordered)
        keys: dict[str, list[int]] = {}
        for rank, source in enumerate(self.sources):
            if source:
                keys.setdefault(_lower(source), []).append(rank)
        self.ranks = tuple(tuple(ranks) for ranks in keys.values())
        self.automaton = _automaton(list(keys)) if keys else None

    def find(self, text: str) -> list[TermMatch]:
        if not text or self.automaton is None:
            return []
        folded, origin = _match_form(text)
        best: dict[int, tuple[int, int]] = {}  # start -> (rank, end) of the first term in precedence
        for key, first, after in self.automaton.find_matches_as_indexes(folded, overlapping=True):
            start, end, ranks = origin(first), origin(after - 1) + 1, self.ranks[key]
            if start and _is_word(text[start - 1]):
                continue
            for rank in ranks:
                if start in best and best[start][0] < rank:
                    break
                stop = self._end(text, start, end, rank)
                if stop is not None:
                    best[start] = (rank, stop)
                    break
        found: list[TermMatch] = []
        reached = 0
        for start in sorted(best):  # left to right; a match hides the ones it overlaps
            if start >= reached:
                rank, reached = best[start]
                found.append(TermMatch(self.ordered[rank], start, reached))
        return found

    def _end(self, text: str, start: int, end: int, rank: int) -> int | None:
        """Where the term of `rank` ends when its words are text[start:end], or None when it
        does not match there: a do-not-translate term as written, an approved one in any
        case and with a plural -s or -es; both ending where a word ends."""
        term = self.ordered[rank]
        if term.do_not_translate:
            if " ".join(text[start:end].split()) != self.sources[rank]:
                return None
            return end if end == len(text) or not _is_word(text[end]) else None
        for suffix in ("es", "s", ""):
            stop = end + len(suffix)
            if text[end:stop].lower() == suffix and (stop == len(text) or not _is_word(text[stop])):
                return stop
        return None


@dataclass(frozen=True)
class Glossary:
    """The terms of one language pair."""

    lang: str
    terms: tuple[Term, ...] = ()
    path: Path | None = None

    @cached_property
    def _matcher(self) -> _Matcher | None:
        return _Matcher(self.terms) if self.terms else None

    def find(self, text: str) -> list[TermMatch]:
        """The terms in `text`, longest first where they overlap, left to right.

        Approved terms match whole words in any case (and a plural -s/-es);
        do-not-translate terms match exactly as written; any run of spaces in the
        text stands for the space between two words of a term. Time: linear in the
        text (and its matches), whatever the number of terms.
        """
        return [] if self._matcher is None else self._matcher.find(text)

    def missing(self, source: str, target: str) -> list[TermMatch]:
        """The terms found in `source` whose approved (or kept) form is not in `target`.

        A do-not-translate term must be there exactly; an approved target is looked for
        regardless of case, spacing and quotation marks (`“一带一路”` counts as `一带一路`).
        """
        matches = self.find(source)
        kept = occurring({m.term.target for m in matches if m.term.do_not_translate}, target)
        approved = occurring({_folded(m.term.target) for m in matches if not m.term.do_not_translate},
                             fold(target))
        return [
            match for match in matches
            if (match.term.target not in kept if match.term.do_not_translate
                else _folded(match.term.target) not in approved)
        ]


_FEW = 32  # needles tested one by one: still linear, and cheaper than an automaton


def occurring(needles: Iterable[str], text: str) -> set[str]:
    """Which of `needles` occur in `text`, in one pass over it (Aho–Corasick): linear in the
    text, where `needle in text` for each needle reads the text once per needle."""
    wanted = set(needles)
    found: set[str] = {needle for needle in wanted if not needle}
    wanted -= found
    if not wanted or not text:
        return found
    if len(wanted) <= _FEW:  # a few passes cost less than building an automaton
        return found | {needle for needle in wanted if needle in text}
    listed = list(wanted)
    for index, _, _ in _automaton(listed).find_matches_as_indexes(text, overlapping=True):
        found.add(listed[index])
    return found


def _automaton(keys: list[str]) -> ahocorasick_rs.AhoCorasick:
    """An automaton reporting every occurrence of every key. A contiguous NFA: it is built in
    time linear in the keys (the DFA took minutes for one key of 64,000 characters) and read
    in time linear in the text (pyahocorasick's was quadratic on a periodic text)."""
    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard,
                                      implementation=ahocorasick_rs.Implementation.ContiguousNFA)


def _is_word(char: str) -> bool:
    r"""What `\w` matches in a str pattern."""
    return char.isalnum() or char == "_"


def _lower(text: str) -> str:
    """Lower case, one character for one (a character whose lower case is longer stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _match_form(text: str) -> tuple[str, Callable[[int], int]]:
    """The text as the matcher reads it (lower case, each run of spaces one space) and the map
    from its offsets back to the text's (the space of a run maps to the run's first character)."""
    lowered = _lower(text)
    gaps = [gap for gap in _GAP.finditer(lowered) if gap.group() != " "]
    if not gaps:
        return lowered, lambda offset: offset
    pieces: list[str] = []
    starts: list[int] = []  # where each stretch starts in the matched form ...
    origins: list[int] = []  # ... and in the text
    length = last = 0
    for gap in gaps:
        pieces += [lowered[last:gap.start()], " "]
        starts += [length, length + gap.start() - last]
        origins += [last, gap.start()]
        length += gap.start() - last + 1
        last = gap.end()
    pieces.append(lowered[last:])
    starts.append(length)
    origins.append(last)

    def origin(offset: int) -> int:
        index = bisect.bisect_right(starts, offset) - 1
        return origins[index] + offset - starts[index]

    return "".join(pieces), origin


_QUOTES = str.maketrans("", "", "\"'“”‘’«»《》「」『』„‚‹›")


@functools.lru_cache(maxsize=65536)
def _folded(term_target: str) -> str:
    """fold() of a term's target, once per target rather than once per unit."""
    return fold(term_target)


def fold(text: str) -> str:
    """Text as term matching compares it: no quotation marks, single spaces, case-folded."""
    return _GAP.sub(" ", text.translate(_QUOTES)).casefold()


def glossary_path(settings: Settings, lang: str) -> Path:
    """Where the glossary of source_lang -> lang lives in the workspace."""
    return settings.root / settings.glossary_dir / f"{settings.source_lang}-{lang}.tsv"


def parse_glossary(data: bytes, path: Path, lang: str) -> Glossary:
    """Read glossary TSV bytes; raises WorkflowError with the line of a bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WorkflowError("the glossary is not UTF-8", path=path, line=line,
                            hint="save it as UTF-8 (tab-separated: source, target, note)") from None
    terms: list[Term] = []
    seen: dict[str, int] = {}
    # lines end at \n (and \r\n) only, as every TSV tool reads them: str.splitlines also breaks at U+2028,
    # \f, \x85 and \x1c-\x1e, which may sit in a note, and then named the wrong line
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
        if number == 1 and [c.lower() for c in cells[:2]] == ["source", "target"]:
            continue  # the header
        if len(cells) < 2 and "\t" not in raw:
            raise WorkflowError("a glossary line needs a source and a target separated by a tab",
                                path=path, line=number,
                                hint="columns: source, target, note, type (dnt for do-not-translate)")
        source = _GAP.sub(" ", cells[0])
        target = cells[1] if len(cells) > 1 else ""
        note = cells[2] if len(cells) > 2 else ""
        kind = cells[3].lower() if len(cells) > 3 else ""
        if not source:
            raise WorkflowError("a glossary line has an empty source term", path=path, line=number)
        if kind not in DNT_TYPES | APPROVED_TYPES:
            raise WorkflowError(f"unknown term type {cells[3]!r}", path=path, line=number,
                                hint="leave it empty (approved) or write dnt (do not translate)")
        first = seen.get(source.casefold())
        if first is not None:
            raise WorkflowError(f"the term {source!r} is listed twice (first on line {first})",
                                path=path, line=number, hint="keep one line per source term")
        seen[source.casefold()] = number
        keep = kind in DNT_TYPES or target in ("", "=") or target == source
        terms.append(Term(source, source if keep else target, note, keep, number))
    return Glossary(lang, tuple(terms), path)


def load_glossary(settings: Settings, lang: str) -> Glossary:
    """The workspace's glossary for source_lang -> lang (empty when there is none)."""
    path = glossary_path(settings, lang)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Glossary(lang)
    except OSError as exc:
        raise WorkflowError(f"cannot read the glossary: {exc.strerror}", path=path,
                            hint="check the file's permissions, or move it out of the folder") from None
    return parse_glossary(data, path, lang)


@frozen
class GlossaryImport:
    """What `glossary import` did."""

    path: Path
    lang: str
    terms: int
    added: int
    replaced: int
    written: bool


_PAIR_NAME = re.compile(r"(?:^|[^A-Za-z])([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?)[-_.]"
                        r"([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?)$")


MAX_GLOSSARY_BYTES = 20 * MIB  # `glossary import` refuses larger files unread


def import_glossary(settings: Settings, file: Path, lang: str | None = None) -> GlossaryImport:
    """Merge a TSV (or TBX) glossary into the workspace's glossary of `lang`.

    The language comes from `lang`, else from a file name such as `en-zh.tsv`, else
    (TBX) from the one configured language the file has. Terms of the file replace
    the workspace's terms with the same source; the result is written atomically,
    in the canonical four-column TSV layout, under the workspace lock (read, merge, write).
    """
    data = read_regular(file, MAX_GLOSSARY_BYTES, "a glossary")
    tbx = file.suffix.lower() == ".tbx"
    match = _PAIR_NAME.search(file.stem)
    if lang is None and match is not None and match.group(1).lower() == settings.source_lang.lower():
        lang = match.group(2)
    if lang is None and tbx:
        found = [code for code in settings.languages
                 if read_tbx(data, file, settings.source_lang, code).terms]
        lang = found[0] if len(found) == 1 else None
    if lang is None:
        raise WorkflowError("cannot tell the glossary's target language from its file name", path=file,
                            hint=f"name it {settings.source_lang}-LANG.tsv or give --lang LANG")
    (lang,) = chosen_languages(settings, (lang,))  # configured, spelt as configured (en-FR.tsv: fr)
    incoming = read_tbx(data, file, settings.source_lang, lang) if tbx else parse_glossary(data, file, lang)
    with workspace_lock(settings.root, settings.lock_timeout):
        current = load_glossary(settings, lang)
        merged = {term.source.casefold(): term for term in current.terms}
        replaced = sum(1 for term in incoming.terms if term.source.casefold() in merged)
        merged.update({term.source.casefold(): term for term in incoming.terms})
        target = glossary_path(settings, lang)
        written = write_if_changed(target, render_glossary(list(merged.values())))
    return GlossaryImport(target, lang, len(merged), len(incoming.terms) - replaced, replaced, written)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_tbx(data: bytes, path: Path, source_lang: str, lang: str) -> Glossary:
    """The source_lang -> lang terms of a TBX file (TBX-Basic `termEntry/langSet/tig`, or TBX v3
    `conceptEntry/langSec/termSec`): the first term of each language, its note or definition;
    a target equal to the source term is do-not-translate. No DTD is loaded."""
    from .markup import local_name, read_xml

    root = read_xml(data, path, "TBX", WorkflowError)

    terms: list[Term] = []
    seen: set[str] = set()
    for entry in root.iter():
        if local_name(entry) not in ("termEntry", "conceptEntry"):
            continue
        words: dict[str, str] = {}
        notes: list[str] = []
        for block in entry:
            if local_name(block) not in ("langSet", "langSec"):
                if local_name(block) == "descrip" and (block.text or "").strip():
                    notes.append((block.text or "").strip())
                continue
            code = block.get(_XML_LANG) or block.get("lang") or ""
            term = next((t for t in block.iter() if local_name(t) == "term"), None)
            text = _GAP.sub(" ", "".join(str(x) for x in term.itertext())).strip() if term is not None else ""
            for wanted in (source_lang, lang):
                if text and serves(code, wanted) and wanted not in words:
                    words[wanted] = text
        source, target = words.get(source_lang, ""), words.get(lang, "")
        if source and target and source.casefold() not in seen:
            seen.add(source.casefold())
            line = entry.sourceline if isinstance(entry.sourceline, int) else 0
            terms.append(Term(source, target, "; ".join(notes), target == source, line))
    return Glossary(lang, tuple(terms), path)


def render_glossary(terms: list[Term]) -> bytes:
    """The TSV text of a glossary (tabs and newlines in cells become spaces)."""

    def cell(value: str) -> str:
        return _GAP.sub(" ", value).strip()

    lines = ["\t".join(HEADER)]
    for term in terms:
        target = "" if term.do_not_translate else term.target
        lines.append("\t".join([cell(term.source), cell(target), cell(term.note),
                                "dnt" if term.do_not_translate else ""]).rstrip("\t"))
    return ("\n".join(lines) + "\n").encode("utf-8")
