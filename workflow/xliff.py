"""XLIFF 1.2 for CAT tools: the units of a language out to one file per article, and translations back.

Export writes what Trados, memoQ, OmegaT and Okapi import: a `<file>` per article,
a `<trans-unit>` per unit (id and resname: the unit's key, its msgctxt), placeholders as
inline codes (`<1>…</1>` as `<g id="1">…</g>`, `<2/>` as `<x id="2"/>`), the unit's
state as the target's `state`, and the PO comments as notes. `<g>` rather than
`<bpt>`/`<ept>`: a PO placeholder pair is a nested span with no native code in it
(publish takes the markup from the source, never from a translation), which is what
`<g>` is; the XML nesting also keeps a CAT tool from crossing two pairs.

Import is a PO edit made by another tool, with a PO edit's guarantees: keys, sources
and inline codes are checked, a file with any error changes nothing, and reviewed
work is replaced only by a newer reviewed unit (see `import_xliff`). A catalog it
changes gets a new PO-Revision-Date (and Last-Translator, when given), as a PO editor
saving it would; one it leaves as it is is not written, its date kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, cast

from lxml import etree

from . import __version__
from .catalogs import CatalogFile, find_catalogs, readable_catalogs
from .errors import WorkflowError
from .files import MIB, read_regular, workspace_lock, write_atomic, write_if_changed
from .languages import language_key
from .markup import read_xml, xml_parser
from .model import Failure, State, Unit
from .records import frozen, mutable
from .segment import parse_target, placeholder_problems
from .settings import Settings, check_export_path
from .store import (
    EntryEdit,
    ReadCatalog,
    catalog_bytes,
    catalog_units,
    check_translator,
    edit_read,
    load_located_units,
    read_catalog,
    revised,
)

NS = "urn:oasis:names:tc:xliff:document:1.2"
_X = "{%s}" % NS
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
W3C_XML_XSD = "http://www.w3.org/2001/xml.xsd"  # where the OASIS schema imports xml:lang and xml:space from
MAX_XLIFF_BYTES = 200 * MIB  # `xliff import` refuses larger files unread
SUFFIX = ".xlf"

# Our states -> the target's state. A reviewed unit is `translated` and approved="yes": the state
# every CAT tool takes as done; `signed-off` would claim a second sign-off that a PO file does not
# record (and some tools lock such segments).
TARGET_STATES = {
    State.MACHINE: "needs-review-translation",
    State.NEEDS_WORK: "needs-review-translation",
    State.CHANGED: "needs-review-translation",
    State.REVIEWED: "translated",
}
CONFIRMED = frozenset({"translated", "signed-off", "final"})  # a person's confirmed translation
UNTRANSLATED = frozenset({"new", "needs-translation"})  # a target that is no translation yet: a stub
DATATYPES = {".html": "html", ".htm": "html", ".xml": "xml"}  # anything else: plaintext
_NUMBER = re.compile(r"[0-9]+")  # the id of a placeholder's <g> or <x> (not str.isdigit, true for "²")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # not in any XML 1.0 text
_CHAR = re.compile(r"x-char-([0-9A-F]{4,6})")  # ctype of an <x/> standing for such a character
# Of those, the ones a catalog can hold (not NUL, not a surrogate): the only ones export codes, and so
# the only ones import takes back
_CODED = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
INLINE_HINT = ('keep the inline codes of the source in the target: each <g id="N">…</g> and <x id="N"/> '
               "once, nested as in the source (in a PO file they are <N>…</N> and <N/>)")


@lru_cache(maxsize=1)
def xliff_schema() -> etree.XMLSchema:
    """The OASIS XLIFF 1.2 strict schema, shipped in the package, its import of xml.xsd resolved locally."""
    folder = resources.files("workflow") / "schema" / "xliff"
    with resources.as_file(folder / "xliff-core-1.2-strict.xsd") as schema, \
            resources.as_file(folder / "xml.xsd") as xml_xsd:

        class Local(etree.Resolver):
            def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:  # type: ignore[override]
                # (lxml-stubs lack the context argument and resolve_filename)
                return cast(Any, self).resolve_filename(str(xml_xsd), context) if url == W3C_XML_XSD else None

        parser = xml_parser()
        parser.resolvers.add(Local())
        return etree.XMLSchema(etree.parse(str(schema), parser))


def _line(element: etree._Element) -> int | None:
    """An element's line in its file (lxml-stubs type it loosely)."""
    line = cast(Any, element).sourceline
    return line if isinstance(line, int) else None


# -- inline codes -------------------------------------------------------------------------------


def _base(unit: Unit) -> str:
    """What the catalog held when the unit was exported (its target and state), as a short digest."""
    return _base_of(unit.state, unit.target)


def _base_of(state: State, target: str) -> str:
    digest = hashlib.sha256(f"{state.value}\0{target}".encode("utf-8")).hexdigest()[:16]
    return f"workflow-base:{digest}"


def _untouched(item: etree._Element, element: etree._Element, text: str) -> bool:
    """Whether a trans-unit's target and state are as `xliff export` wrote them: its extradata is the
    digest of a state that export writes as this one (and approved="yes" for a reviewed one), with
    this target."""
    base, state, approved = item.get("extradata"), element.get("state"), item.get("approved") == "yes"
    return any(_base_of(ours, text) == base for ours, written in TARGET_STATES.items()
               if written == state and (ours is State.REVIEWED) == approved)


def _shown(text: str) -> str:
    """Text for a note or attribute: characters XML cannot hold written as U+XXXX."""
    return _NOT_XML.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def _append(parent: etree._Element, text: str) -> None:
    """Add text at the end of an element's content; a character XML cannot hold becomes an `<x/>`."""
    at = 0
    for match in _NOT_XML.finditer(text):
        _append_plain(parent, text[at:match.start()])
        code = f"x-char-{ord(match.group()):04X}"
        etree.SubElement(parent, _X + "x", id=f"char-{len(parent) + 1}", ctype=code)
        at = match.end()
    _append_plain(parent, text[at:])


def _append_plain(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def fill_inline(element: etree._Element, text: str) -> None:
    """Write a unit's text into a `<source>`/`<target>`: `<n>…</n>` as `<g id="n">`, `<n/>` as `<x id="n"/>`.

    A mark that pairs with nothing (literal text such as "<3") stays text, so that
    reading the element back gives `text` exactly.
    """
    tokens = parse_target(text)
    paired: set[int] = set()  # indexes of the open and close tokens that pair
    opened: list[tuple[int, int]] = []  # (number, index) of the open tokens not closed yet
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            continue
        role, number = token
        if role == "open":
            opened.append((number, index))
        elif role == "close" and opened and opened[-1][0] == number:
            paired.update((opened.pop()[1], index))
    stack = [element]
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            _append(stack[-1], token)
            continue
        role, number = token
        if role == "empty":
            etree.SubElement(stack[-1], _X + "x", id=str(number))
        elif index not in paired:
            _append(stack[-1], f"</{number}>" if role == "close" else f"<{number}>")
        elif role == "open":
            stack.append(etree.SubElement(stack[-1], _X + "g", id=str(number)))
        else:
            stack.pop()


def _coded(element: etree._Element, path: Path) -> str:
    """The character an `<x ctype="x-char-XXXX"/>` stands for: only one export codes so (see `_CODED`)."""
    ctype = element.get("ctype") or ""
    number = int(ctype[len("x-char-"):], 16)
    character = chr(number) if number <= 0x10FFFF else ""
    if not _CODED.fullmatch(character):
        shown = f"U+{number:04X}" + (", not a character" if not character else
                                     ", a surrogate" if 0xD800 <= number <= 0xDFFF else "")
        raise WorkflowError(f"<x ctype={ctype!r}> is not a character code workflow wrote ({shown}): only "
                            "a character XML cannot hold and a catalog can (U+0001-U+001F but tab and "
                            "line ends, U+FFFE, U+FFFF) travels as one", path=path, line=_line(element),
                            hint="delete this code in the CAT tool")
    return character


def read_inline(element: etree._Element, path: Path) -> str:
    """The text of a `<source>`/`<target>` as a PO file writes it: `<g>` as `<n>…</n>`, `<x/>` as `<n/>`.

    `<mrk>` (a CAT tool's segment or comment marker) is read through; comments and
    processing instructions are left out; any other element is refused.
    """
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, (etree._Comment, etree._ProcessingInstruction)):
            pass
        elif child.tag == _X + "g" and _NUMBER.fullmatch(child.get("id") or ""):
            number = int(child.get("id") or "")
            parts.append(f"<{number}>{read_inline(child, path)}</{number}>")
        elif child.tag == _X + "x" and _NUMBER.fullmatch(child.get("id") or ""):
            parts.append(f"<{int(child.get('id') or '')}/>")
        elif child.tag == _X + "x" and _CHAR.fullmatch(child.get("ctype") or ""):
            parts.append(_coded(child, path))
        elif child.tag == _X + "mrk":
            parts.append(read_inline(child, path))
        else:
            name = etree.QName(child).localname if isinstance(child.tag, str) else str(child.tag)
            shown = f"<{name} id={child.get('id')!r}>" if child.get("id") is not None else f"<{name}>"
            raise WorkflowError(f"{shown} is not an inline code workflow wrote", path=path, line=_line(child),
                                hint=INLINE_HINT)
        parts.append(child.tail or "")
    return "".join(parts)


# -- export -------------------------------------------------------------------------------------


@frozen
class ExportedFile:
    """One XLIFF file of an export: its article, where it went, its units, whether it was written."""

    article: str
    path: Path
    units: int
    written: bool


@mutable
class ExportReport:
    """What `xliff export` did."""

    lang: str
    folder: Path
    files: list[ExportedFile] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(f.units for f in self.files)


def default_folder(settings: Settings, lang: str) -> Path:
    """Where `xliff export` writes by default: xliff/LANG/ in the workspace."""
    return settings.root / "xliff" / lang


def _indent(element: etree._Element, level: int) -> None:
    """Indent the structure (file, body, trans-unit…) for people; never inside a source, target or note."""
    if element.tag in (_X + "source", _X + "target", _X + "note", _X + "context") or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def render_xliff(settings: Settings, lang: str, article: str, units: Iterable[Unit]) -> bytes:
    """The XLIFF 1.2 document of one article's units in `lang`, valid against the OASIS strict schema."""
    root = etree.Element(_X + "xliff", version="1.2", nsmap=cast(Any, {None: NS}))
    original = f"{settings.source_dir}/{article}"
    file = etree.SubElement(root, _X + "file", {
        "original": _shown(original), "source-language": settings.source_lang, "target-language": lang,
        "datatype": DATATYPES.get(Path(article).suffix.lower(), "plaintext"),
    })
    header = etree.SubElement(file, _X + "header")
    etree.SubElement(header, _X + "tool", {"tool-id": "workflow", "tool-name": "workflow",
                                            "tool-version": __version__})
    body = etree.SubElement(file, _X + "body")
    for unit in units:
        key = unit.segment.key
        item = etree.SubElement(body, _X + "trans-unit", id=key, resname=key, extradata=_base(unit))
        item.set(_XML_SPACE, "preserve")  # a CAT tool keeps every space of the text as it is
        if unit.state is State.REVIEWED:
            item.set("approved", "yes")
        if unit.plural:  # its forms are a PO editor's to edit: a CAT tool shows it locked
            item.set("translate", "no")
        fill_inline(etree.SubElement(item, _X + "source"), unit.segment.text)
        if unit.target:
            fill_inline(etree.SubElement(item, _X + "target", state=TARGET_STATES[unit.state]), unit.target)
        where = etree.SubElement(item, _X + "context-group", purpose="location")  # (a name must be unique)
        etree.SubElement(where, _X + "context", {"context-type": "sourcefile"}).text = _shown(original)
        etree.SubElement(where, _X + "context", {"context-type": "linenumber"}).text = str(unit.segment.line)
        for origin, text in _notes(unit):
            etree.SubElement(item, _X + "note", {"from": origin}).text = _shown(text)
    _indent(root, 0)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _notes(unit: Unit) -> list[tuple[str, str]]:
    """The unit's comments as notes: extracted (developer), translator's, provenance and state (workflow)."""
    notes = [("developer", unit.segment.note), ("translator", unit.comment),
             ("workflow", f"provenance: {unit.provenance}" if unit.provenance else "")]
    if unit.plural:
        notes.append(("workflow", "a plural entry: its translation for each number is edited in the PO "
                                  "file, not here (this target is its form for one)"))
    if unit.state is State.NEEDS_WORK:
        notes.append(("workflow", "needs work: a translator marked this translation to be redone"))
    elif unit.state is State.CHANGED:
        notes.append(("workflow", f"the source was edited; the translation is of the previous source: "
                                  f"{unit.previous}"))
    elif unit.state is State.MACHINE:
        notes.append(("workflow", "machine translation: not reviewed yet"))
    return [(origin, text) for origin, text in notes if text]


def export_xliff(settings: Settings, lang: str, folder: Path | None = None) -> ExportReport:
    """Write one XLIFF 1.2 file per article of `lang` (default: into xliff/LANG/); unchanged ones are kept."""
    report = ExportReport(lang, folder if folder is not None else default_folder(settings, lang))
    check_export_path(settings, report.folder, "XLIFF export", "export elsewhere (by default: xliff/LANG/)")
    with workspace_lock(settings.root, settings.lock_timeout):  # the catalogs as one moment has them
        found = False
        for catalog in readable_catalogs(settings, lang, report.failures):
            found = True
            try:
                located = load_located_units(catalog.path, lang, catalog.article)
                target = report.folder / f"{catalog.article}{SUFFIX}"
                if not target.resolve().is_relative_to(report.folder.resolve()):
                    raise WorkflowError("the article's name leads out of the export folder",
                                        path=catalog.path, hint="rename the article in source/")
                for item in located:  # the one character a catalog may hold that no XLIFF file can carry
                    if "\0" in item.unit.target or "\0" in item.unit.segment.text:
                        raise WorkflowError(f"the unit {item.unit.segment.key!r} holds a NUL character "
                                            "(U+0000), which no XLIFF file can carry", path=catalog.path,
                                            line=item.line, hint="delete it from the PO file (an editor may "
                                            "show it as ^@ or \\0), then export again")
                units = [item.unit for item in located]
                written = write_if_changed(target, render_xliff(settings, lang, catalog.article, units))
            except WorkflowError as exc:
                report.failures.append(Failure.of(exc))
                continue
            report.files.append(ExportedFile(catalog.article, target, len(units), written))
    if not found and not report.failures:
        raise WorkflowError(f"no {lang} catalogs in this workspace", path=settings.locales / lang,
                            hint="run `workflow extract` first, and check the language code")
    return report


# -- import -------------------------------------------------------------------------------------


@mutable
class ImportedFile:
    """What `xliff import` did with one XLIFF file.

    `errors` (bad keys, sources, inline codes, markup) mean nothing of the file was
    written; `conflicts` are units left as they are in the catalog, the rest applied.
    """

    path: Path
    applied: int = 0  # targets written into catalogs
    reviewed: int = 0  # of them (or of unchanged targets), now reviewed
    replaced: list[Failure] = field(default_factory=list)  # reviewed targets replaced by newer reviewed units
    unchanged: int = 0
    catalogs: list[Path] = field(default_factory=list)  # catalogs written
    conflicts: list[Failure] = field(default_factory=list)
    errors: list[Failure] = field(default_factory=list)


@mutable
class ImportReport:
    """What `xliff import` did, per file."""

    files: list[ImportedFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.errors or f.conflicts for f in self.files)


@mutable
class _Target:
    """A catalog an XLIFF file changes: as read, its units by key, and the edits to make."""

    lang: str
    article: str
    path: Path
    read: ReadCatalog
    units: dict[str, tuple[Unit, int]]  # key -> (unit, line in the PO file)
    edits: dict[str, EntryEdit] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # key -> line of its trans-unit in the XLIFF


def _same_language(code: str, wanted: str) -> bool:
    return language_key(code) == language_key(wanted)


def import_xliff(settings: Settings, paths: Iterable[Path], translator: str = "") -> ImportReport:
    """Merge the targets of XLIFF files into the catalogs, as a PO edit would; under the workspace lock.

    Each file is read whole before anything is written: a trans-unit whose id is not
    a unit of its article, whose source is not that unit's text, or whose target's
    inline codes do not match its source, is an error with its line, and a file with
    any error changes no catalog. An empty or missing target, or one in state new or
    needs-translation (a stub), changes nothing. A target
    is a person's work, reviewed when confirmed (state translated, signed-off or final;
    with no state, approved="yes"), else needs-work. It replaces:
    - an empty or machine target: always;
    - a needs-work or changed target: when the catalog still holds what was exported;
    - a reviewed target: only when the unit is confirmed and the catalog still holds what
      was exported, i.e. the XLIFF unit is the newer reviewed one.
    A target identical to the catalog's changes nothing, unless confirmed: then it approves
    a machine target always, a needs-work or changed one when the catalog still holds what
    was exported (a needs-work mark made since is newer than the file).
    Anything else is a conflict: reported with both places, not applied. "What was
    exported" is the digest `xliff export` puts in each trans-unit's extradata.
    A catalog written gets a new PO-Revision-Date, and `translator` ("Full Name <email>")
    as its Last-Translator when given (see `store.revised`).
    """
    report = ImportReport()
    catalogs: dict[str, dict[str, CatalogFile]] = {}  # lang -> article -> catalog, looked up once
    translator = check_translator(translator)
    with workspace_lock(settings.root, settings.lock_timeout):
        for path in paths:
            report.files.append(_import_file(settings, path, catalogs, translator))
    return report


def _import_file(settings: Settings, path: Path, catalogs: dict[str, dict[str, CatalogFile]],
                 translator: str = "") -> ImportedFile:
    result = ImportedFile(path)
    targets: dict[Path, _Target] = {}
    try:
        root = read_xml(read_regular(path, MAX_XLIFF_BYTES, "an XLIFF file"), path, "XLIFF", WorkflowError)
        files = _file_elements(root, path)
    except WorkflowError as exc:
        result.errors.append(Failure.of(exc))
        return result
    for element in files:
        try:
            target = _target_of(settings, element, path, catalogs, targets)
        except WorkflowError as exc:
            result.errors.append(Failure.of(exc))
            continue
        for item in element.iter(_X + "trans-unit"):
            try:
                _merge_unit(item, target, path, result)
            except WorkflowError as exc:
                result.errors.append(Failure.of(exc))
    planned: list[tuple[Path, bytes]] = []
    if not result.errors:  # every catalog's new bytes, made before the first is written: whatever fails
        for target in targets.values():  # on the way (even a bug's exception) writes none of them
            try:
                data = _new_bytes(target, translator)
            except WorkflowError as exc:
                result.errors.append(Failure.of(exc))
                continue
            if data is not None:
                planned.append((target.path, data))
    if result.errors:  # nothing of the file is applied: only its conflicts are still worth knowing
        result.applied = result.reviewed = 0
        result.replaced.clear()
        return result
    for catalog, data in planned:
        write_atomic(catalog, data)
        result.catalogs.append(catalog)
    return result


def _new_bytes(target: _Target, translator: str) -> bytes | None:
    """A catalog's bytes with the file's edits made and its header revised; None when it stays as it is."""
    if not target.edits:
        return None
    edit_read(target.read, target.edits)
    data = catalog_bytes(target.read)
    return revised(data, translator) if data is not None else None


def _file_elements(root: etree._Element, path: Path) -> list[etree._Element]:
    """The `<file>` elements of an XLIFF 1.2 document; refuses another format and entity references."""
    if root.tag != _X + "xliff" or root.get("version") != "1.2":
        shown = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise WorkflowError(f"not an XLIFF 1.2 document (its root is <{shown}> "
                            f"version={root.get('version')!r})", path=path, line=_line(root),
                            hint=f"workflow reads XLIFF 1.2 ({NS}), as `workflow xliff export` writes it")
    for entity in root.iter(etree.Entity):
        raise WorkflowError(f"an entity reference ({entity.text}) would be read as nothing", path=path,
                            line=_line(entity),
                            hint="write the character itself (or &#NNNN;) and remove the <!DOCTYPE …>")
    return list(root.iter(_X + "file"))


def _target_of(settings: Settings, element: etree._Element, path: Path,
               catalogs: dict[str, dict[str, CatalogFile]], targets: dict[Path, _Target]) -> _Target:
    """The catalog a `<file>` element is for (read once per XLIFF file), from its languages and `original`."""
    line = _line(element)
    source_lang = element.get("source-language") or ""
    if not _same_language(source_lang, settings.source_lang):
        raise WorkflowError(f"source-language {source_lang!r} is not this workspace's "
                            f"({settings.source_lang})", path=path, line=line,
                            hint="import XLIFF files exported from this workspace")
    code = element.get("target-language") or ""
    lang = next((lang for lang in settings.languages if _same_language(code, lang)), None)
    if lang is None:
        raise WorkflowError(f"target-language {code!r} is not a configured language "
                            f"({' '.join(settings.languages)})", path=path, line=line,
                            hint="set the file's target language in the CAT tool, or add the language "
                            "to setup.cfg")
    original = element.get("original") or ""
    prefix = f"{settings.source_dir}/"
    if lang not in catalogs:  # by name, never by a path from the file
        catalogs[lang] = {c.article: c for c in find_catalogs(settings, lang) if not c.orphan}
    catalog = catalogs[lang].get(original[len(prefix):]) if original.startswith(prefix) else None
    if catalog is None:
        raise WorkflowError(f"original {original!r} is not an article with a {lang} catalog in this "
                            "workspace", path=path, line=line,
                            hint="keep the <file original=…> that `workflow xliff export` wrote")
    if catalog.path not in targets:
        read = read_catalog(catalog.path, keys=True)
        units = {item.unit.segment.key: (item.unit, item.line)
                 for item in catalog_units(read.catalog, lang, catalog.article)}
        targets[catalog.path] = _Target(lang, catalog.article, catalog.path, read, units)
    target = targets[catalog.path]
    if target.lang != lang:
        raise WorkflowError(f"two <file> elements for {original} in different languages", path=path,
                            line=line, hint="keep one language per XLIFF file")
    return target


def _confirmed(item: etree._Element, target: etree._Element) -> bool:
    """Whether a CAT tool's user confirmed the target: by its state, or with no state by approved="yes"."""
    state = target.get("state")
    return state in CONFIRMED if state is not None else item.get("approved") == "yes"


def _merge_unit(item: etree._Element, target: _Target, path: Path, result: ImportedFile) -> None:
    """Check one trans-unit and record its edit (or its conflict) in `target`/`result`; raises on errors."""
    key, line = item.get("id") or "", _line(item)
    if key in target.seen:
        raise WorkflowError(f"a second trans-unit {key!r} for {target.article} (the first is at line "
                            f"{target.seen[key]})", path=path, line=line, hint="delete one of the two")
    target.seen[key] = line or 0
    found = target.units.get(key)
    if found is None:
        raise WorkflowError(f"trans-unit id {key!r} is not a unit of {target.article} in {target.lang}",
                            path=path, line=line,
                            hint="the source has changed since the export (or the id was edited): export "
                            "again and let the CAT tool's memory carry the translations over")
    unit, po_line = found
    source_element = item.find(_X + "source")
    if source_element is None:
        raise WorkflowError(f"trans-unit {key!r} has no <source>", path=path, line=line,
                            hint="keep the <source> that `workflow xliff export` wrote")
    source = read_inline(source_element, path)
    if source != unit.segment.text:
        raise WorkflowError(f"the source of trans-unit {key!r} is not the text of that unit "
                            f"({_brief(source)} here, {_brief(unit.segment.text)} in {target.path.name})",
                            path=path, line=_line(source_element),
                            hint="sources are not edited in a CAT tool: edit the article in source/, run "
                            "`workflow extract`, and export again")
    element = item.find(_X + "target")
    text = read_inline(element, path) if element is not None else ""
    if element is None or not text.strip() or element.get("state") in UNTRANSLATED:
        result.unchanged += 1  # nothing translated: an empty (or blank) target never empties a translation
        return
    problems = placeholder_problems(source, text)
    if problems:
        raise WorkflowError(f"the target of trans-unit {key!r} does not keep the source's inline codes: "
                            f"{'; '.join(problems)}", path=path, line=_line(element), hint=INLINE_HINT)
    confirmed = _confirmed(item, element)
    if text == unit.target and (not confirmed or unit.state is State.REVIEWED):
        result.unchanged += 1  # nothing new: the catalog's words, in its state or a better one
        return
    if _untouched(item, element, text):  # the CAT tool's user left it: nothing here is newer than the catalog
        result.unchanged += 1  # (a reviewer's change made since the export was a conflict, exit 1)
        return
    # the rest changes the unit: a person's work there (needs-work, changed, reviewed) only as it was
    # exported, for one changed since (a needs-work mark, an edit, a review) is newer than this file
    moved_on = unit.state not in (State.NEW, State.MACHINE) and item.get("extradata") != _base(unit)
    where = f"{target.path}:{po_line}"
    conflict = None
    if unit.plural:  # one target cannot give its forms (the rest of the file is applied)
        conflict = (f"{where} is a plural entry (msgid_plural), and one target cannot give its translation "
                    f"for each number: {key!r} is left as it is",
                    "edit its msgstr[0], msgstr[1]… in the PO file with a PO editor")
    elif unit.state is State.REVIEWED and not confirmed:
        conflict = (f"{where} has a reviewed translation of {key!r}, and this target, which differs, is not "
                    f"confirmed (state {element.get('state')!r})",
                    "confirm the target in the CAT tool (state translated) to replace the reviewed one, "
                    "or leave the reviewed one")
    elif moved_on and text == unit.target:
        conflict = (f"{where} ({unit.state.value}) was changed after this XLIFF file was exported, and "
                    f"this target, the same words confirmed, would approve its translation of {key!r} over "
                    "that change",
                    "read the unit in the PO file (its comments may say why it changed) and approve it there "
                    "if it is right, or export again and confirm it in the CAT tool")
    elif moved_on:
        conflict = (f"{where} ({unit.state.value}) was changed after this XLIFF file was exported, and "
                    f"its translation of {key!r} differs from this one",
                    "compare the two and keep one: edit the PO file, or export again and redo the unit")
    if conflict is not None:
        result.conflicts.append(Failure(conflict[0], path, line, conflict[1]))
        return
    target.edits[key] = EntryEdit(text, confirmed, provenance=f"xliff {path.name}")
    if text == unit.target:  # the same words, now confirmed: approved
        result.reviewed += 1
        return
    result.applied += 1
    result.reviewed += confirmed
    if unit.state is State.REVIEWED:  # never silently
        result.replaced.append(Failure(f"{where}: the reviewed translation of {key!r} was replaced by this "
                                       "newer reviewed one", path, line))


def _brief(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
