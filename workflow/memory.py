"""Translation memory: TMX 1.4 import and export, exact and fuzzy lookup.

Imported memories live in the workspace as one TMX file per language pair,
`tm/<source>-<lang>.tmx`, each unit remembering the file it came from; lookups go
through its index in the cache folder (`memory_index`), so they cost what they find.
TMX files are read and written as streams, unit by unit, whatever their size. The
workspace's own reviewed units (any article, same language) are memory too:
`WorkspaceMemory` consults them (a `Memory` held in memory) before the imported ones,
so that the team's latest decisions win a tie.

Inline codes map to the project's placeholders: `<bpt>`/`<ept>` and `<hi>` become
`<n>…</n>`, `<ph>`, `<it>`, `<ut>` and `<x>` become `<n/>`, numbered in order.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import re
import unicodedata
from collections import Counter
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol, Sequence

from lxml import etree
from rapidfuzz import fuzz, process

from . import __version__
from .errors import WorkflowError
from .files import MIB, atomic_writer, check_regular, workspace_lock
from .languages import base_language, language_key, serves
from .markup import iterparse_xml, local_name, read_xml
from .records import frozen
from .segment import parse_target
from .settings import Settings, check_export_path

if TYPE_CHECKING:
    from .memory_index import MemoryIndex

log = logging.getLogger(__name__)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORIGIN = "x-workflow-origin"  # <prop type=…> naming the file or article a unit came from
_GAP = re.compile(r"\s+")


@frozen
class MemoryUnit:
    """A source sentence and its translation, and where the pair came from."""

    source: str
    target: str
    origin: str


@frozen
class MemoryMatch:
    """A memory unit found for a source text; score 100 is an exact match."""

    unit: MemoryUnit
    score: int


def normalize(text: str) -> str:
    """The form sources are compared in: NFC, whitespace runs as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())  # split() and \s agree on whitespace


class Layer(Protocol):
    """A body of memory units: the exact match of a normalized source, and the best fuzzy one."""

    def exact(self, key: str) -> MemoryUnit | None: ...

    def fuzzy(self, key: str, threshold: int) -> tuple[MemoryUnit, float] | None: ...


def lookup(layers: Sequence[Layer], source: str, threshold: int) -> MemoryMatch | None:
    """The exact match, or the best fuzzy match scoring at least `threshold` (0-100), over `layers`.

    Earlier layers win ties, as earlier units do within a layer.
    """
    key = normalize(source)
    for layer in layers:
        exact = layer.exact(key)
        if exact is not None:
            return MemoryMatch(exact, 100)
    if threshold >= 100:
        return None
    best: tuple[MemoryUnit, float] | None = None
    for layer in layers:
        found = layer.fuzzy(key, threshold)
        if found is not None and (best is None or found[1] > best[1]):
            best = found
    if best is None:
        return None
    # a fuzzy match is never shown as 100 %: that would read as exact
    return MemoryMatch(best[0], min(99, int(best[1])))


class Memory:
    """Exact and fuzzy lookup over memory units held in memory (earlier units win ties)."""

    def __init__(self, units: Iterable[MemoryUnit] = ()) -> None:
        self.units: list[MemoryUnit] = []
        self._exact: dict[str, MemoryUnit] = {}
        self._choices: list[str] = []
        for unit in units:
            if not unit.source.strip() or not unit.target.strip():
                continue
            key = normalize(unit.source)
            if key in self._exact:
                continue
            self._exact[key] = unit
            self.units.append(unit)
            self._choices.append(key)

    def __len__(self) -> int:
        return len(self.units)

    def exact(self, key: str) -> MemoryUnit | None:
        return self._exact.get(key)

    def fuzzy(self, key: str, threshold: int) -> tuple[MemoryUnit, float] | None:
        if not self._choices:
            return None
        best = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=threshold)
        return None if best is None else (self.units[best[2]], float(best[1]))

    def lookup(self, source: str, threshold: int = 100) -> MemoryMatch | None:
        """The exact match, or the best fuzzy match scoring at least `threshold` (0-100)."""
        return lookup((self,), source, threshold)


def memory_path(settings: Settings, lang: str) -> Path:
    """The workspace's imported memory for source_lang -> lang."""
    return settings.root / settings.tm_dir / f"{settings.source_lang}-{lang}.tmx"


_code = functools.lru_cache(maxsize=1024)(language_key)  # a million units have a handful of codes
_base = functools.lru_cache(maxsize=1024)(base_language)


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _seg_text(seg: etree._Element) -> str:
    """The text of a `<seg>`, with inline codes as numbered placeholders."""
    out: list[str] = [seg.text or ""]
    counter = 0
    opened: dict[str, int] = {}

    def walk(element: etree._Element) -> None:
        nonlocal counter
        for child in element:
            name = local_name(child)
            if name == "bpt":
                counter += 1
                opened[child.get("i") or f"#{counter}"] = counter
                out.append(f"<{counter}>")
            elif name == "ept":
                number = opened.pop(child.get("i") or "", None)
                if number is not None:
                    out.append(f"</{number}>")
            elif name in ("ph", "it", "ut", "x"):
                counter += 1
                out.append(f"<{counter}/>")
            elif name == "hi":
                counter += 1
                number = counter
                out.append(f"<{number}>{child.text or ''}")
                walk(child)
                out.append(f"</{number}>")
            elif name:  # <sub> and anything unknown: keep the words
                out.append("".join(str(part) for part in child.itertext()))
            out.append(child.tail or "")

    walk(seg)
    text = _GAP.sub(" ", "".join(out)).strip()  # XML whitespace is layout; the characters stay as written
    for number in opened.values():  # a <bpt> without its <ept> stands alone
        text = text.replace(f"<{number}>", f"<{number}/>", 1)
    return text


@frozen
class TmxUnit:
    """One `<tu>`: its text per language (as written in xml:lang) and its origin prop."""

    texts: dict[str, str]
    source_lang: str
    origin: str = ""


def read_tmx(data: bytes, path: Path, default_source: str) -> list[TmxUnit]:
    """Parse TMX bytes (1.4; 1.1's `lang` is accepted). No DTD is loaded, no entity expanded."""
    root = read_xml(data, path, "TMX", WorkflowError)
    _check_root(root, path)
    header = root.find("header")
    header_source = header.get("srclang", "") if header is not None else ""
    body = root.find("body")
    tus = body.iter("tu") if body is not None else ()
    return [_tmx_unit(tu, header_source, default_source, path) for tu in tus]


def _tmx_unit(tu: etree._Element, header_source: str, default_source: str,
              path: Path | None = None) -> TmxUnit:
    """One `<tu>` element read."""
    source_lang = tu.get("srclang") or header_source
    if not source_lang or source_lang == "*all*":
        source_lang = default_source
    texts: dict[str, str] = {}
    origin: str | None = None
    for element in tu:  # <tuv> and <prop> are children of <tu>; plain iteration reads a million units fast
        tag = element.tag
        if tag == "prop":
            if origin is None and element.get("type") == ORIGIN:
                origin = element.text or ""
        elif tag == "tuv":
            lang = element.get(XML_LANG) or element.get("lang") or ""
            seg = next((child for child in element if child.tag == "seg"), None)
            if lang and seg is not None and lang not in texts:
                if not len(seg):  # most segments are plain text: the quick way to what _seg_text would give
                    texts[lang] = " ".join((seg.text or "").split())
                    continue
                entity = next(seg.iter(etree.Entity), None)
                if entity is not None:  # its text would be wrong without it: said, and left out
                    log.warning("%s:%s: entity %s is not expanded (no DTD is read): this %s segment is "
                                "skipped; write the character itself instead", path or "TMX",
                                _line(entity) or _line(seg) or "?", entity.text, lang)
                    continue
                texts[lang] = _seg_text(seg)
    return TmxUnit(texts, source_lang, origin or "")


def iter_tmx(file: Path, default_source: str) -> Iterator[TmxUnit]:
    """Stream the units of a TMX file with bounded memory: `read_tmx`'s reading, `<tu>` by `<tu>`."""
    header_source = ""
    root: etree._Element | None = None
    for _, element in iterparse_xml(file, "TMX", WorkflowError, events=("end",), tags=("header", "tu")):
        if root is None:
            root = element.getroottree().getroot()
            _check_root(root, file)
        parent = element.getparent()
        if parent is None:
            continue
        if element.tag == "header" and parent is root:
            header_source = element.get("srclang", "")
        elif element.tag == "tu" and parent.tag == "body" and parent.getparent() is root:
            yield _tmx_unit(element, header_source, default_source, file)
            element.clear()  # what was read goes: memory stays bounded
            while element.getprevious() is not None:
                del parent[0]
    if root is None:  # no <header>, no <tu>: is it a TMX file at all?
        for _, element in iterparse_xml(file, "TMX", WorkflowError, events=("start",)):
            _check_root(element, file)
            break


def _check_root(root: etree._Element, path: Path) -> None:
    if local_name(root) != "tmx":
        raise WorkflowError(f"not a TMX file (root element <{local_name(root)}>)", path=path,
                            line=_line(root), hint="export the memory from your CAT tool as TMX 1.4")


def pair_of(unit: TmxUnit, source_lang: str, lang: str, origin: str) -> MemoryUnit | None:
    """The (source, target) pair of a TMX unit for one language pair, if it has both.

    The target is the text of the exact code (zh-TW for zh-TW), else of the same language in
    the same script (zh-CN for zh, pt-PT for pt-BR; never zh-CN for zh-TW: CLDR writes zh-TW
    in Traditional characters); the first of each counts.
    """
    source_base = _base(source_lang)
    if _base(unit.source_lang) != source_base:
        return None
    code = _code(lang)
    source = exact = similar = None
    for found, text in unit.texts.items():
        if source is None and _base(found) == source_base:
            source = text
        if exact is None and _code(found) == code:
            exact = text
        if similar is None and serves(found, lang):
            similar = text
    target = exact if exact is not None else similar
    return MemoryUnit(source, target, unit.origin or origin) if source and target else None


def load_memory_units(settings: Settings, lang: str) -> list[MemoryUnit]:
    """The units of the workspace's imported memory for one language (none if there is none)."""
    path = memory_path(settings, lang)
    if not path.exists():
        return []
    found = (pair_of(unit, settings.source_lang, lang, path.name)
             for unit in iter_tmx(path, settings.source_lang))
    return [pair for pair in found if pair is not None]


class WorkspaceMemory:
    """The memory pretranslate consults: the workspace's reviewed units, then the imported memory's index.

    Use as a context manager (the index is opened, and rebuilt if stale, on entry).
    """

    def __init__(self, settings: Settings, lang: str, reviewed: Iterable[MemoryUnit]) -> None:
        self.settings, self.lang = settings, lang
        self.reviewed = Memory(reviewed)
        self.index: MemoryIndex | None = None

    def __enter__(self) -> WorkspaceMemory:
        from .memory_index import open_index

        if memory_path(self.settings, self.lang).exists():  # no memory imported: no index to build
            self.index = open_index(self.settings, self.lang)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None

    def lookup(self, source: str, threshold: int = 100) -> MemoryMatch | None:
        """`Memory.lookup` over the reviewed units and the imported ones together (reviewed win ties)."""
        layers: list[Layer] = [self.reviewed]
        if self.index is not None:
            layers.append(self.index)
        return lookup(layers, source, threshold)


@frozen
class MemoryImport:
    """What `tm import` did for one language."""

    lang: str
    path: Path
    units: int  # pairs for this language in the file
    added: int
    known: int  # already in the workspace memory
    written: bool


@frozen
class ImportReport:
    """What `tm import` did: per configured language, and the languages it left out."""

    file: Path
    languages: tuple[MemoryImport, ...]
    skipped: dict[str, int] = field(default_factory=dict)  # xml:lang -> units, not configured


MAX_TMX_BYTES = 4096 * MIB  # `tm import` refuses larger files unread (streamed: a million units is ~400 MiB)
IMPORT_BATCH = 20_000  # pairs of one language held before they go to its index: memory stays bounded


def import_tmx(settings: Settings, file: Path) -> ImportReport:
    """Add the units of a TMX file to the workspace memory of each configured language it has.

    The file is streamed, so memory stays bounded however many units it holds; its
    pairs go to each language's index as they come. Then each memory file (tm/) that
    gained units is rewritten from its index and the index committed: a failure
    anywhere before leaves both as they were. Holds the workspace lock from the first
    unit added to the last file written.
    """
    from .memory_index import open_index

    check_regular(file, MAX_TMX_BYTES, "a TMX file")
    source_base = base_language(settings.source_lang)
    codes: Counter[str] = Counter()  # xml:lang -> units
    counts: Counter[str] = Counter()  # configured language -> pairs in the file
    total = 0
    indexes: dict[str, tuple[MemoryIndex, int]] = {}  # language -> its index, its last unit before
    with workspace_lock(settings.root, settings.lock_timeout), contextlib.ExitStack() as stack:

        def add(lang: str, batch: list[MemoryUnit]) -> None:
            if lang not in indexes:
                index = stack.enter_context(open_index(settings, lang))
                indexes[lang] = (index, index.last_id())
            indexes[lang][0].add(batch)
            batch.clear()

        batches: dict[str, list[MemoryUnit]] = {lang: [] for lang in settings.languages}
        for unit in iter_tmx(file, settings.source_lang):
            total += 1
            codes.update(code for code in unit.texts if base_language(code) != source_base)
            for lang, batch in batches.items():
                pair = pair_of(unit, settings.source_lang, lang, file.name)
                if pair is not None:
                    counts[lang] += 1
                    batch.append(pair)
                    if len(batch) == IMPORT_BATCH:
                        add(lang, batch)
        for lang, batch in batches.items():
            if batch:
                add(lang, batch)
        if not total:
            raise WorkflowError("the TMX file has no translation units", path=file)
        if not indexes:
            found = ", ".join(sorted(codes)) or "none"
            raise WorkflowError(f"no units for a configured language pair (languages in the file: {found})",
                                path=file, hint=f"the workspace translates {settings.source_lang} into "
                                                f"{' '.join(settings.languages)}")
        results: list[MemoryImport] = []
        for lang in settings.languages:
            if lang not in indexes:
                continue
            index, before = indexes[lang]
            added = index.last_id() - before
            if added:
                index.save(settings.source_lang, lang, before)
            known = counts[lang] - added
            results.append(MemoryImport(lang, index.memory, counts[lang], added, known, added > 0))
    skipped = {code: count for code, count in codes.items()
               if not any(serves(code, lang) for lang in settings.languages)}
    return ImportReport(file, tuple(results), skipped)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not in any XML 1.0 file
_TEXT = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE = (*_TEXT, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


class _Stream(Protocol):
    def write(self, data: bytes, /) -> int: ...


def _escape(text: str, table: tuple[tuple[str, str], ...] = _TEXT) -> str:
    text = _NOT_XML.sub("", text)
    for character, reference in table:  # str.replace: several times faster than str.translate
        if character in text:
            text = text.replace(character, reference)
    return text


def _seg(text: str) -> str:
    """A `<seg>`, placeholders as TMX inline codes."""
    if "<" not in text:
        return f"<seg>{_escape(text)}</seg>"
    out = ["<seg>"]
    for token in parse_target(text):
        if isinstance(token, str):
            out.append(_escape(token))
        elif token[0] == "open":
            out.append(f'<bpt i="{token[1]}" x="{token[1]}"/>')
        elif token[0] == "close":
            out.append(f'<ept i="{token[1]}"/>')
        else:
            out.append(f'<ph x="{token[1]}"/>')
    out.append("</seg>")
    return "".join(out)


def write_tmx(stream: _Stream, units: Iterable[MemoryUnit], source_lang: str, lang: str,
              ids: Sequence[str] = ()) -> None:
    """Write a TMX 1.4 document of source_lang -> lang units unit by unit; `ids` become tuid attributes.

    Memory stays bounded however many units there are (a TMX writer by hand, for speed:
    lxml's element per unit cost seconds per million units).
    """
    stream.write((
        "<?xml version='1.0' encoding='utf-8'?>\n<tmx version=\"1.4\">\n"
        f'  <header creationtool="workflow" creationtoolversion="{_escape(__version__, _ATTRIBUTE)}" '
        f'segtype="sentence" adminlang="en" srclang="{_escape(source_lang, _ATTRIBUTE)}" '
        'datatype="plaintext" o-tmf="workflow"/>\n').encode("utf-8"))
    count = write_units(stream, units, source_lang, lang, ids, body=True)
    stream.write(b"  </body>\n</tmx>\n" if count else b"  <body/>\n</tmx>\n")


def write_units(stream: _Stream, units: Iterable[MemoryUnit], source_lang: str, lang: str,
                ids: Sequence[str] = (), body: bool = False) -> int:
    """Write `<tu>` elements (after a `<body>` start tag when `body` and there are any); their count."""
    codes = (_escape(source_lang, _ATTRIBUTE), _escape(lang, _ATTRIBUTE))
    chunk: list[str] = []
    count = 0
    for count, unit in enumerate(units, 1):
        if count == 1 and body:
            chunk.append("  <body>\n")
        tuid = f' tuid="{_escape(ids[count - 1], _ATTRIBUTE)}"' if count <= len(ids) else ""
        chunk.append(f"    <tu{tuid}>\n")
        if unit.origin:
            chunk.append(f'      <prop type="{ORIGIN}">{_escape(unit.origin)}</prop>\n')
        for code, text in zip(codes, (unit.source, unit.target)):
            chunk.append(f'      <tuv xml:lang="{code}">\n        {_seg(text)}\n      </tuv>\n')
        chunk.append("    </tu>\n")
        if len(chunk) > 4096:
            stream.write("".join(chunk).encode("utf-8"))
            chunk = []
    stream.write("".join(chunk).encode("utf-8"))
    return count


_BODY_END = re.compile(rb"</body>\s*</tmx>\s*\Z")
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
TAIL_BYTES = 4096  # how much of a memory's end is read to find where its <body> ends


def body_end(path: Path) -> int | None:
    """Where `</body>` starts in a UTF-8 TMX file that ends with `</body></tmx>` (white space aside), so
    units can be added before it, the file's own bytes kept; None when the file is not so (UTF-16, an
    empty `<body/>`, something after `</tmx>`): then it is written anew."""
    try:
        with path.open("rb") as file:
            head = file.read(200)
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - TAIL_BYTES))
            tail = file.read()
    except FileNotFoundError:
        return None
    declared = _DECLARED.match(head)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8")):
        return None
    found = _BODY_END.search(tail)
    if found is None:
        return None
    start = found.start()
    while start and tail[start - 1:start] in (b" ", b"\t"):  # the line's indentation goes with </body>
        start -= 1
    return size - len(tail) + start


def render_tmx(units: Iterable[MemoryUnit], source_lang: str, lang: str, ids: Sequence[str] = ()) -> bytes:
    """A TMX 1.4 document of source_lang -> lang units; `ids` become tuid attributes."""
    out = io.BytesIO()
    write_tmx(out, units, source_lang, lang, ids)
    return out.getvalue()


@frozen
class ExportReport:
    """What `tm export` wrote."""

    file: Path
    lang: str
    units: int
    catalogs: int


def export_tmx(settings: Settings, lang: str, file: Path) -> ExportReport:
    """Write the workspace's reviewed units of `lang` (every article) to a TMX 1.4 file.

    A source that occurs in several articles is written once (its first reviewed
    translation); units are in article order, then catalog order.
    """
    from .extract import article_name, find_sources
    from .model import State
    from .store import load_units

    check_export_path(settings, file, "memory export", "write it outside the workspace's data folders (a "
                      "memory in tm/ is added with `workflow tm import`)")
    units: list[MemoryUnit] = []
    ids: list[str] = []
    seen: set[str] = set()
    catalogs = 0
    for source in find_sources(settings):
        article = article_name(settings, source)
        path = settings.catalog(article, lang)
        if not path.is_file():
            continue
        catalogs += 1
        for unit in load_units(path, lang, article):
            if unit.state is State.REVIEWED and normalize(unit.segment.text) not in seen:
                seen.add(normalize(unit.segment.text))
                units.append(MemoryUnit(unit.segment.text, unit.target, article))
                ids.append(unit.segment.key)
    if not catalogs:
        raise WorkflowError(f"no {lang} catalogs in this workspace", path=settings.locales / lang,
                            hint="run `workflow extract` first, and check the language code")
    with atomic_writer(file) as stream:
        write_tmx(stream, units, settings.source_lang, lang, ids)
    return ExportReport(file, lang, len(units), catalogs)
