"""Translation memory: TMX 1.4 import and export, exact and fuzzy lookup.

Imported memories live in the workspace as one TMX file per language pair,
`tm/<source>-<lang>.tmx`, each unit remembering the file it came from. The
workspace's own reviewed units (any article, same language) are memory too:
pretranslate passes them in with `Memory(...)` before the imported ones, so that
the team's latest decisions win a tie.

Inline codes map to the project's placeholders: `<bpt>`/`<ept>` and `<hi>` become
`<n>…</n>`, `<ph>`, `<it>`, `<ut>` and `<x>` become `<n/>`, numbered in order.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from lxml import etree
from rapidfuzz import fuzz, process

from . import __version__
from .errors import WorkflowError
from .files import MIB, read_regular, write_atomic, write_if_changed
from .markup import read_xml
from .segment import parse_target
from .settings import Settings, base_language

log = logging.getLogger(__name__)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORIGIN = "x-workflow-origin"  # <prop type=…> naming the file or article a unit came from
_GAP = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class MemoryUnit:
    """A source sentence and its translation, and where the pair came from."""

    source: str
    target: str
    origin: str


@dataclass(frozen=True, slots=True)
class MemoryMatch:
    """A memory unit found for a source text; score 100 is an exact match."""

    unit: MemoryUnit
    score: int


def normalize(text: str) -> str:
    """The form sources are compared in: NFC, whitespace runs as one space, trimmed."""
    return _GAP.sub(" ", unicodedata.normalize("NFC", text)).strip()


class Memory:
    """Exact and fuzzy lookup over memory units (earlier units win ties)."""

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

    def lookup(self, source: str, threshold: int = 100) -> MemoryMatch | None:
        """The exact match, or the best fuzzy match scoring at least `threshold` (0-100)."""
        key = normalize(source)
        exact = self._exact.get(key)
        if exact is not None:
            return MemoryMatch(exact, 100)
        if threshold >= 100 or not self._choices:
            return None
        best = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=threshold)
        if best is None:
            return None
        # a fuzzy match is never shown as 100 %: that would read as exact
        return MemoryMatch(self.units[best[2]], min(99, int(best[1])))


def memory_path(settings: Settings, lang: str) -> Path:
    """The workspace's imported memory for source_lang -> lang."""
    return settings.root / settings.tm_dir / f"{settings.source_lang}-{lang}.tmx"


def _code(lang: str) -> str:
    return lang.replace("_", "-").lower()


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


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
            name = _local(child)
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


@dataclass(frozen=True, slots=True)
class TmxUnit:
    """One `<tu>`: its text per language (as written in xml:lang) and its origin prop."""

    texts: dict[str, str]
    source_lang: str
    origin: str = ""


def read_tmx(data: bytes, path: Path, default_source: str) -> list[TmxUnit]:
    """Parse TMX bytes (1.4; 1.1's `lang` is accepted). No DTD is loaded, no entity expanded."""
    root = read_xml(data, path, "TMX", WorkflowError)
    if _local(root) != "tmx":
        raise WorkflowError(f"not a TMX file (root element <{_local(root)}>)", path=path,
                            line=_line(root), hint="export the memory from your CAT tool as TMX 1.4")
    header = root.find("header")
    header_source = header.get("srclang", "") if header is not None else ""
    units: list[TmxUnit] = []
    body = root.find("body")
    for tu in body.iter("tu") if body is not None else ():
        source_lang = tu.get("srclang") or header_source
        if not source_lang or source_lang == "*all*":
            source_lang = default_source
        texts: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if lang and seg is not None and lang not in texts:
                entity = next(seg.iter(etree.Entity), None)
                if entity is not None:  # its text would be wrong without it: said, and left out
                    log.warning("%s:%s: entity %s is not expanded (no DTD is read): this %s segment is "
                                "skipped; write the character itself instead", path,
                                _line(entity) or _line(seg) or "?", entity.text, lang)
                    continue
                texts[lang] = _seg_text(seg)
        origin = next((p.text or "" for p in tu.iter("prop") if p.get("type") == ORIGIN), "")
        units.append(TmxUnit(texts, source_lang, origin))
    return units


def _pairs(units: Sequence[TmxUnit], source_lang: str, lang: str, origin: str) -> list[MemoryUnit]:
    """The (source, target) pairs of TMX units for one language pair."""
    found: list[MemoryUnit] = []
    for unit in units:
        source_base = base_language(source_lang)
        if base_language(unit.source_lang) != source_base:
            continue
        source = next((t for code, t in unit.texts.items() if base_language(code) == source_base), "")
        # the exact code first (zh-TW for zh-TW), else the same base language (zh-CN for zh)
        exact = [t for code, t in unit.texts.items() if _code(code) == _code(lang)]
        similar = [t for code, t in unit.texts.items() if base_language(code) == base_language(lang)]
        target = (exact or similar or [""])[0]
        if source and target:
            found.append(MemoryUnit(source, target, unit.origin or origin))
    return found


def load_memory_units(settings: Settings, lang: str) -> list[MemoryUnit]:
    """The units of the workspace's imported memory for one language (none if there is none)."""
    path = memory_path(settings, lang)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise WorkflowError(f"cannot read the translation memory: {exc.strerror}", path=path) from None
    return _pairs(read_tmx(data, path, settings.source_lang), settings.source_lang, lang, path.name)


@dataclass(frozen=True, slots=True)
class MemoryImport:
    """What `tm import` did for one language."""

    lang: str
    path: Path
    units: int  # pairs for this language in the file
    added: int
    known: int  # already in the workspace memory
    written: bool


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What `tm import` did: per configured language, and the languages it left out."""

    file: Path
    languages: tuple[MemoryImport, ...]
    skipped: dict[str, int] = field(default_factory=dict)  # xml:lang -> units, not configured


MAX_TMX_BYTES = 200 * MIB  # `tm import` refuses larger files unread: a TMX of a million units is smaller


def import_tmx(settings: Settings, file: Path) -> ImportReport:
    """Add the units of a TMX file to the workspace memory of each configured language it has."""
    data = read_regular(file, MAX_TMX_BYTES, "a TMX file")
    units = read_tmx(data, file, settings.source_lang)
    if not units:
        raise WorkflowError("the TMX file has no translation units", path=file)
    source_base = base_language(settings.source_lang)
    codes = Counter(code for unit in units for code in unit.texts if base_language(code) != source_base)
    configured = {base_language(lang): lang for lang in settings.languages}
    results: list[MemoryImport] = []
    for lang in settings.languages:
        pairs = _pairs(units, settings.source_lang, lang, file.name)
        if not pairs:
            continue
        current = load_memory_units(settings, lang)
        known = {(normalize(u.source), normalize(u.target)) for u in current}
        added = []
        for pair in pairs:
            identity = (normalize(pair.source), normalize(pair.target))
            if identity not in known:
                known.add(identity)
                added.append(pair)
        path = memory_path(settings, lang)
        data = render_tmx([*current, *added], settings.source_lang, lang)
        written = bool(added) and write_if_changed(path, data)
        results.append(MemoryImport(lang, path, len(pairs), len(added), len(pairs) - len(added), written))
    skipped = {code: count for code, count in codes.items() if base_language(code) not in configured}
    if not results:
        found = ", ".join(sorted(codes)) or "none"
        raise WorkflowError(f"no units for a configured language pair (languages in the file: {found})",
                            path=file, hint=f"the workspace translates {settings.source_lang} into "
                                            f"{' '.join(settings.languages)}")
    return ImportReport(file, tuple(results), skipped)


def _seg(parent: etree._Element, text: str) -> None:
    """Write a `<seg>`, placeholders as TMX inline codes."""
    seg = etree.SubElement(parent, "seg")
    last: etree._Element | None = None
    for token in parse_target(text):
        if isinstance(token, str):
            if last is None:
                seg.text = (seg.text or "") + token
            else:
                last.tail = (last.tail or "") + token
            continue
        role, number = token
        if role == "open":
            last = etree.SubElement(seg, "bpt", i=str(number), x=str(number))
        elif role == "close":
            last = etree.SubElement(seg, "ept", i=str(number))
        else:
            last = etree.SubElement(seg, "ph", x=str(number))


def render_tmx(units: Iterable[MemoryUnit], source_lang: str, lang: str, ids: Sequence[str] = ()) -> bytes:
    """A TMX 1.4 document of source_lang -> lang units; `ids` become tuid attributes."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="workflow", creationtoolversion=__version__,
                     segtype="sentence", adminlang="en", srclang=source_lang, datatype="plaintext",
                     attrib={"o-tmf": "workflow"})
    body = etree.SubElement(root, "body")
    for index, unit in enumerate(units):
        tu = etree.SubElement(body, "tu")
        if index < len(ids):
            tu.set("tuid", ids[index])
        if unit.origin:
            prop = etree.SubElement(tu, "prop", type=ORIGIN)
            prop.text = unit.origin
        for code, text in ((source_lang, unit.source), (lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, code)
            _seg(tuv, text)
    _indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent the structure, never the inside of `<seg>` or `<prop>` (their whitespace is content)."""
    children = list(element)
    if not children or _local(element) in ("seg", "prop"):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


@dataclass(frozen=True, slots=True)
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
    write_atomic(file, render_tmx(units, settings.source_lang, lang, ids))
    return ExportReport(file, lang, len(units), catalogs)
