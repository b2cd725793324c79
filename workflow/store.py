"""Catalogs on disk: the only module that knows about polib and PO entries.

Updating a catalog works like `msgmerge --previous`: a unit whose text is unchanged
keeps everything; an edited unit gets the translation of its nearest old unit as a
fuzzy suggestion with the old text in `#| msgid`; removed units that carried any
work become obsolete `#~` entries, and every obsolete entry already there stays.

A catalog is the translator's file: it is written only when its content changes,
atomically, and then in its own style. Every entry and header line that did not
change is copied byte for byte; what changed is written at the file's own wrapping
width (see potext.detect_layout); header fields are kept, unknown ones included.
Files are read by potext.parse_text (polib's reading, faster) and entries written
by potext.entry_text (polib's text, faster); a new catalog is written from its
segments without polib entries, and one still as extract wrote it is recognised by
its bytes, without reading it.
"""

from __future__ import annotations

import copy
import datetime as dt
import errno
import gettext
import hashlib
import io
import os
import re
import time
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from . import __version__
from .confidence import confidence_of
from .errors import CatalogError
from .files import write_atomic, write_if_changed
from .languages import english_name, plural_forms
from .model import CatalogChange, Segment, State, Unit
from .patterns import lazy_compile
from .potext import (
    EDITED,
    FIX_HINT,
    MACHINE_PREFIXES,
    PROVENANCE,
    REVIEWED,
    EntryBrief,
    Layout,
    approved,
    check_encoding,
    check_syntax,
    detect_layout,
    entry_blocks,
    entry_text,
    fresh_text,
    fuzzy_state,
    header_text,
    is_machine,
    key_error,
    parse_text,
    provenance_of,
    scan_text,
    sealed,
    split_provenance,
)
from .records import frozen, mutable
from .segment import unit_key

if TYPE_CHECKING:
    import polib  # imported where a catalog is read or an entry made (start-up: a new catalog needs none)

FUZZY_CUTOFF = 65.0  # rapidfuzz ratio, 0-100: like msgmerge's fuzzy threshold
__all__ = ["EntryBrief", "MACHINE_PREFIXES", "PROVENANCE", "fuzzy_state", "is_machine"]  # (from potext)
_SYNTAX_LINE = lazy_compile(r"\(line (\d+)\)")


@frozen
class TargetUpdate:
    """A translation to put into a catalog (by pretranslate)."""

    target: str
    provenance: str
    fuzzy: bool = True  # False: reviewed (propagated from a reviewed unit)
    over_machine: bool = False  # may replace machine output even without `replace_machine`


def creation_date() -> str:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds), as PO headers write dates.

    Worked out once a minute (or once an epoch), not once a catalog: the text has minutes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment: int | str = epoch or int(time.time() // 60)
    held, text = _NOW[0]
    if held == moment:
        return text
    try:
        if epoch and not (epoch.isascii() and epoch.isdigit()):  # the spec's form: `date +%s`, no sign
            raise ValueError(epoch)
        seconds = int(epoch) if epoch else int(moment) * 60
        text = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    except (ValueError, OverflowError, OSError):
        raise CatalogError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch!r}",
                           hint="unset it, or set it to e.g. $(git log -1 --format=%ct)") from None
    _NOW[0] = (moment, text)
    return text


_NOW: list[tuple[int | str | None, str]] = [(None, "")]  # the SOURCE_DATE_EPOCH or minute last written,
# and its text (in a list of one, replaced whole)


@mutable
class ReadCatalog:
    """A catalog as read: polib's entries, and the file's own text of each (for copying unchanged ones)."""

    catalog: polib.POFile
    layout: Layout
    head: str | None = None  # the text of the header comment and entry; None: no header, or not copyable
    blocks: dict[int, str] = field(default_factory=dict)  # id(entry) -> its text in the file


def read_catalog(path: Path, *, keys: bool = False, layout: bool = True,
                 data: bytes | None = None) -> ReadCatalog:
    """Read a catalog (or its bytes `data`, read already) with polib, after the checks polib does not make.

    See load_catalog. With `layout` (for a rewrite), also the file's style and the text
    of each entry, so that a rewrite copies what did not change.
    """
    if data is None and not path.is_file():
        raise CatalogError("catalog not found", path=path, hint="run `workflow extract` first")
    try:
        text = check_encoding(path, path.read_bytes() if data is None else data)
        check_syntax(path, text)
        catalog = _parse(path, text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        message = str(exc)
        match = _SYNTAX_LINE.search(message)
        if match:  # polib's "Syntax error in po file PATH (line N): detail": the location goes in front
            detail = message[match.end():].lstrip(": ")
            message = "PO syntax error" + (f": {detail}" if detail else "")
        line = int(match.group(1)) if match else None
        raise CatalogError(f"cannot read catalog: {message}", path=path, line=line, hint=FIX_HINT) from None
    seen: dict[tuple[str | None, str], int] = {}
    for entry in catalog:
        if entry.obsolete:
            continue
        unit = (entry.msgctxt, entry.msgid)
        if unit in seen:
            raise CatalogError(f"a second entry for the unit {entry.msgctxt or entry.msgid!r} (the first "
                               f"is at line {seen[unit]})", path=path, line=entry.linenum,
                               hint="delete one of the two entries (keep the one with your translation), "
                               "or restore the file from version control")
        seen[unit] = entry.linenum or 0
    for entry in catalog:  # msgfmt: "duplicate message definition"; its translation would be ignored
        if entry.obsolete and (entry.msgctxt, entry.msgid) in seen:
            first = seen[entry.msgctxt, entry.msgid]
            raise CatalogError(f"an obsolete (#~) copy of the entry at line {first} (msgfmt refuses a "
                               "catalog with both)", path=path, line=entry.linenum,
                               hint="delete the #~ entry (first copy its msgstr into the live entry, if it "
                               "is the translation to keep)")
    if keys:
        check_keys(path, catalog)
    if not layout:
        return ReadCatalog(catalog, Layout())
    read = ReadCatalog(catalog, detect_layout(text))
    starts = [entry.linenum or 0 for entry in catalog]
    found = entry_blocks(text.replace("\r\n", "\n"), starts) if all(starts) else None
    if found is not None:
        head, blocks = found
        has_header = "msgid" in head
        if has_header or not catalog.header:  # else polib took the first entry's comments for the header's
            read.head = head if has_header else None
            read.blocks = {id(entry): block for entry, block in zip(catalog, blocks)}
    return read


def _parse(path: Path, text: str) -> polib.POFile:
    """polib's reading of a file's text, once read: lines split as a file opened in text mode splits them.

    potext.parse_text reads it as polib's parser does, entry for entry, attribute for
    attribute, several times faster; where polib's parser would raise, it runs, to say why.
    """
    import polib

    parsed = parse_text(text)
    if parsed is None:
        parser: Any = polib._POFileParser("", check_for_duplicates=False)  # polib's only entry point for text
        parser.fhandle = io.StringIO(text, newline=None)  # \n, \r\n, \r: never str.splitlines' U+2028 etc.
        catalog: polib.POFile = parser.parse()
    else:
        catalog = polib.POFile(pofile="", encoding="utf-8", check_for_duplicates=False)
        catalog.header, catalog.metadata = parsed.header, parsed.metadata
        catalog.metadata_is_fuzzy = parsed.metadata_is_fuzzy  # type: ignore[assignment]  # (the flags)
        new = polib.POEntry.__new__
        for fields in parsed.entries:
            entry = new(polib.POEntry)
            entry.__dict__ = fields  # the attributes POEntry() sets, then polib's parser (see parse_text)
            list.append(catalog, entry)
    catalog.fpath, catalog.wrapwidth, catalog.encoding = str(path), 0, "utf-8"
    return catalog


def load_catalog(path: Path, *, keys: bool = False, data: bytes | None = None) -> polib.POFile:
    """Read a PO/POT file, wrapping polib's errors with the file and line.

    Refuses (CatalogError with the line) what polib would misread: bytes that are
    not UTF-8, a header declaring another charset (polib would decode with it, and
    the next write would keep the garbled text), a string that does not end on its
    line (msgfmt: fatal; polib: text lost), in any entry or the header, and two
    entries for one unit. With `keys`, also an entry whose msgctxt is not the key of
    its msgid (see check_keys).
    """
    return read_catalog(path, keys=keys, layout=False, data=data).catalog


def check_keys(path: Path, catalog: polib.POFile) -> None:
    """Refuse an entry whose msgctxt (the unit's key, made from its msgid) was edited, or whose msgid was.

    Left alone, the entry would match no unit: extract would demote its reviewed
    translation to a fuzzy suggestion and publish would not find it.
    """
    for entry in catalog:
        if not entry.obsolete and entry.msgctxt != unit_key(entry.msgid):
            raise key_error(path, entry.msgctxt, entry.msgid, entry.linenum)


def _header(
    lang: str | None, source_lang: str, article: str, old: Mapping[str, str], date: str
) -> dict[str, str]:
    """A complete header: `msgfmt --check` finds no field left at its template value.

    The template (lang None) is the catalog of the source language: `Language` is the
    source language, which `msginit` and PO editors replace when they start a translation.
    A translation's header belongs to its translators: every field it has is kept as it
    is, in its order (unknown `X-…` fields, a hand-set Plural-Forms, `Language` spelt
    `zh_CN` included); only POT-Creation-Date moves, and missing fields are added.
    """
    template = lang is None
    language = source_lang if lang is None else lang
    fresh = {
        "Project-Id-Version": f"workflow {article}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "PO-Revision-Date": date if template else old.get("PO-Revision-Date", date),
        "Last-Translator": "",
        "Language-Team": "" if template else english_name(language),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(language),
        "X-Generator": f"workflow {__version__}",
    }
    if template or not old:
        return fresh
    kept = {**old, "POT-Creation-Date": date}
    return {**kept, **{name: value for name, value in fresh.items() if name not in kept}}


def _fresh_entry(segment: Segment, source_root: str) -> polib.POEntry:
    import polib

    return polib.POEntry(
        msgctxt=segment.key,
        msgid=segment.text,
        msgstr="",
        occurrences=[(f"{source_root}/{segment.article}", str(line))
                     for line in (segment.line, *segment.more_lines)],
        comment=segment.note,
    )


def _fresh_text(segment: Segment, source_root: str) -> str:
    """The text of `_fresh_entry` in a catalog written anew (not wrapped), without making the entry."""
    where = f"{source_root}/{segment.article}"
    return fresh_text(segment.key, segment.text, segment.note,
                      [f"{where}:{line}" for line in (segment.line, *segment.more_lines)]).rstrip("\n")


def _has_work(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr or any(entry.msgstr_plural.values()) or entry.tcomment)


def _merge(
    segments: list[Segment], old: polib.POFile | None, source_root: str
) -> tuple[list[polib.POEntry], CatalogChange]:
    """Entries for `segments`, carrying over the work in `old` the way `msgmerge --previous` does.

    An unchanged unit keeps its entry as it is (plural forms, flags, comments); only
    its `#.` and `#:` lines follow the source. Old entries are told apart by identity,
    never by msgctxt: obsolete entries written by msgmerge and older tools have none.
    """
    entries: list[polib.POEntry] = []
    current = {e.msgctxt: e for e in (old or []) if not e.obsolete}
    retired = [e for e in (old or []) if e.obsolete]
    revivable: dict[str | None, polib.POEntry] = {}
    for e in retired:
        if e.msgctxt is not None:
            revivable.setdefault(e.msgctxt, e)
    used: set[int] = set()
    kept = 0
    pending: list[int] = []
    for segment in segments:
        entry = _fresh_entry(segment, source_root)
        match = current.get(segment.key)
        if match is None or match.msgid != segment.text:
            match = revivable.get(segment.key)
        if match is not None and match.msgid == segment.text and id(match) not in used:
            used.add(id(match))
            if not match.obsolete:  # the entry itself: nothing polib does not know is lost
                if (match.occurrences, match.comment) != (entry.occurrences, entry.comment):
                    match = copy.copy(match)
                    match.occurrences, match.comment = entry.occurrences, entry.comment
                entry = match
            else:
                entry.msgstr = match.msgstr
                entry.msgid_plural = match.msgid_plural
                entry.msgstr_plural = dict(match.msgstr_plural)
                entry.flags = list(match.flags)
                entry.tcomment = match.tcomment
                entry.previous_msgid = match.previous_msgid
                entry.previous_msgctxt = match.previous_msgctxt
            kept += 1
        else:
            pending.append(len(entries))
        entries.append(entry)
    # Every old translation may serve as a suggestion, even one that still has its
    # unit; current entries first, so that a tie prefers them over obsolete ones.
    donors = [e for e in (*current.values(), *retired) if e.msgstr]
    choices = [e.msgid for e in donors]
    added = fuzzy = 0
    if pending and choices:
        from rapidfuzz import fuzz, process  # imported when there is something to match (start-up)
    for index in pending:
        entry = entries[index]
        best = (
            process.extractOne(entry.msgid, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if choices else None
        )
        if best is None:
            added += 1
            continue
        donor = donors[best[2]]
        used.add(id(donor))
        # a carried translation is never accepted silently: it is fuzzy until reviewed
        entry.msgstr = donor.msgstr
        entry.flags = sorted(set(donor.flags) | {"fuzzy"})
        entry.tcomment = donor.tcomment if "fuzzy" in donor.flags else _reviewed(donor.tcomment)
        entry.previous_msgid = donor.msgid
        entry.previous_msgctxt = donor.msgctxt
        fuzzy += 1
    obsolete = 0  # units made obsolete by this update
    for donor in current.values():
        if id(donor) in used or not _has_work(donor):
            continue
        gone = copy.copy(donor)
        gone.obsolete = True
        gone.occurrences = []
        entries.append(gone)
        obsolete += 1
    # entries already obsolete all stay, as they are (polib does not read their `#~|` lines:
    # they are copied from the file)
    entries.extend(e for e in retired if id(e) not in used)
    return entries, CatalogChange(Path(), False, added=added, kept=kept, fuzzy=fuzzy, obsolete=obsolete)


def _reviewed(tcomment: str | None) -> str:
    """A reviewed entry's comment, its engine provenance marked reviewed: a person's work, never redone."""
    lines = (tcomment or "").splitlines()
    return "\n".join(
        f"{PROVENANCE}{REVIEWED}{line[len(PROVENANCE):]}"
        if line.startswith(PROVENANCE) and is_machine(line[len(PROVENANCE):]) else line
        for line in lines
    )


# -- writing in the file's own style ---------------------------------------------------------


@frozen
class _Header:
    """The header entry: its fields in order, its comment, and whether it is fuzzy."""

    fields: dict[str, str]
    comment: str
    fuzzy: bool = False


def _header_of(catalog: polib.POFile) -> _Header:
    return _Header(dict(catalog.metadata), catalog.header or "", bool(catalog.metadata_is_fuzzy))


def _fields(entry: polib.POEntry) -> tuple[object, ...]:
    """Everything polib knows of an entry: equal fields, equal entry."""
    return (entry.obsolete, entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr,
            sorted(entry.msgstr_plural.items()), entry.flags, entry.comment, entry.tcomment,
            entry.occurrences, entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural)


_RENDERED: dict[tuple[object, ...], str] = {}  # texts of _render_entry (cleared when full)
_RENDERED_MAX = 8192


def _render_entry(entry: polib.POEntry, width: int) -> str:
    """An entry as polib writes it at `width`, with `#:` lines broken as GNU gettext breaks them.

    The text depends on the entry's fields and the width only: an article's template and
    its new catalogs share most entries, so each is rendered once (polib is slow).
    """
    key = (width, entry.obsolete, entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr,
           tuple(sorted(entry.msgstr_plural.items())), tuple(entry.flags), entry.comment, entry.tcomment,
           tuple(map(tuple, entry.occurrences)), entry.previous_msgctxt, entry.previous_msgid,
           entry.previous_msgid_plural)
    text = _RENDERED.get(key)
    if text is None:
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        text = _RENDERED[key] = _render_uncached(entry, width)
    return text


def _render_uncached(entry: polib.POEntry, width: int) -> str:
    return entry_text(
        msgid=entry.msgid, msgstr=entry.msgstr, msgctxt=entry.msgctxt, msgid_plural=entry.msgid_plural,
        msgstr_plural=entry.msgstr_plural, obsolete=entry.obsolete, comment=entry.comment,
        tcomment=entry.tcomment, references=_references(entry), flags=entry.flags,
        previous_msgctxt=entry.previous_msgctxt, previous_msgid=entry.previous_msgid,
        previous_msgid_plural=entry.previous_msgid_plural, width=width,
    )


def _references(entry: polib.POEntry) -> list[str]:
    return [f"{path}:{line}" if line else path for path, line in entry.occurrences]


def _render_header(header: _Header, width: int) -> str:
    if not width:
        return header_text(header.fields, header.comment, header.fuzzy)
    value = "".join(f"{name}: {text}\n" for name, text in header.fields.items())
    return entry_text(msgid="", msgstr=value, tcomment=header.comment,
                      flags=["fuzzy"] if header.fuzzy else [], width=width)


def _set_field(head: str, name: str, old: str, new: str) -> str | None:
    """The header's text with field `name` set from `old` to `new`, every line break kept; None if unsure.

    The value may be split over two lines (a file wrapped narrow): the characters are
    replaced where they are, so a value of the same length (a date) keeps the file's layout.
    """
    lines = head.split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith("msgstr")), None)
    if first is None or len(new) != len(old) or any(c in new for c in '"\\\n'):
        return None
    pieces: list[tuple[int, int, int, int]] = []  # the msgstr's string, line by line: line, column, from, to
    size = 0
    for number in range(first, len(lines)):
        line = lines[number]
        start, end = line.find('"') + 1, line.rfind('"')
        if end > start:
            pieces.append((number, start, size, size + end - start))
            size += end - start
    value = "".join(lines[number][column:column + to - since] for number, column, since, to in pieces)
    needle = f"{name}: {old}\\n"
    at = value.find(needle)
    if at < 0 or value.find(needle, at + 1) >= 0:
        return None
    begin = at + len(name) + 2
    for number, column, since, to in pieces:  # the new date's characters where the old one's are
        low, high = max(since, begin), min(to, begin + len(new))
        if low < high:
            line = lines[number]
            lines[number] = (line[:column + low - since] + new[low - begin:high - begin]
                             + line[column + high - since:])
    return "\n".join(lines)


def _compose(read: ReadCatalog, header: _Header, entries: list[polib.POEntry],
             parts: tuple[list[str], bool] | None = None) -> bytes | None:
    """The catalog's new text, or None when it would hold what the file already holds.

    An entry whose fields polib reads as unchanged is copied from the file byte for
    byte, and so is the header if only its POT-Creation-Date moved (that line is
    replaced); the rest is written at the file's own wrapping width. `parts`: what
    _entry_parts gave for these entries (a caller trying two headers works them out once).
    """
    layout = read.layout
    texts, same = _entry_parts(read, entries) if parts is None else parts
    before = _header_of(read.catalog)
    if same and before == header:
        return None
    head: str | None = None
    if read.head is not None:
        moved = {name for name in {*before.fields, *header.fields}
                 if before.fields.get(name) != header.fields.get(name)}
        if not moved and before.comment == header.comment and before.fuzzy == header.fuzzy:
            head = read.head
        elif moved == {"POT-Creation-Date"} and list(before.fields) == list(header.fields):
            head = _set_field(read.head, "POT-Creation-Date", before.fields["POT-Creation-Date"],
                              header.fields["POT-Creation-Date"])
    if head is None and (header.fields or header.comment):
        head = _render_header(header, layout.width).rstrip("\n")
    return _joined(head, texts, layout.newline)


def _entry_parts(read: ReadCatalog, entries: list[polib.POEntry]) -> tuple[list[str], bool]:
    """Each entry's text (copied from the file where polib reads it unchanged), and whether nothing changed.

    Nothing changed: the entries are the file's own, every one copied (in any order: a
    tool may have sorted them, and order means nothing in PO).
    """
    layout = read.layout
    old: dict[tuple[bool, str | None, str], polib.POEntry] = {}
    for entry in read.catalog:
        old.setdefault((bool(entry.obsolete), entry.msgctxt, entry.msgid), entry)
    parts: list[str] = []
    copied: list[int] = []  # the file's entries copied, in order
    taken: set[int] = set()
    for entry in entries:
        # the entry read from the file itself (callers that change one drop its block), else an
        # entry made anew that polib cannot tell from one in the file
        same = entry if id(entry) in read.blocks else old.get(
            (bool(entry.obsolete), entry.msgctxt, entry.msgid))
        if same is not None and id(same) in read.blocks and id(same) not in taken and (
                same is entry or _fields(same) == _fields(entry)):
            parts.append(read.blocks[id(same)])
            copied.append(id(same))
            taken.add(id(same))
        else:
            parts.append(_render_entry(entry, layout.width).rstrip("\n"))
    return parts, (len(copied) == len(entries) == len(read.catalog)
                   and taken == {id(e) for e in read.catalog})


def _joined(head: str | None, parts: list[str], newline: str = "\n") -> bytes:
    """A catalog's bytes: its header's text and its entries' texts, a blank line between two."""
    text = "\n\n".join([*([head] if head is not None else []), *parts]) + "\n"
    if newline != "\n":
        text = text.replace("\n", newline)
    return text.encode("utf-8")


_ABSENT = (errno.ENOENT, errno.ENOTDIR)  # errors of reading a file that is not there (as Path.exists says)
_CREATION = lazy_compile(rb'^"POT-Creation-Date: ([^"\\]*)\\n"', re.M)


_UNITS: list[tuple[list[Segment], str, list[str]]] = [([], "", [])]  # the last units written anew:
# their segments, source root and texts, in a list of one (replaced whole: a reader sees one or the other)


def _new_catalog(header: _Header, segments: list[Segment], source_root: str) -> bytes:
    """A catalog of new units, every one's text written as it is made (no polib entry): a new file.

    An article's template and each of its new catalogs hold the same units: their texts
    are made once (the segments are compared item by item: the same objects, at once).
    """
    held, root, texts = _UNITS[0]
    if not (held == segments and root == source_root):
        texts = [_fresh_text(segment, source_root) for segment in segments]
        _UNITS[0] = (list(segments), source_root, texts)
    return _joined(_render_header(header, 0).rstrip("\n"), texts)


@frozen
class CatalogPlan:
    """The new content of a catalog (None when the file already has it) and what changed."""

    change: CatalogChange
    data: bytes | None


def plan_catalog(
    path: Path, segments: list[Segment], lang: str | None, article: str, source_root: str,
    source_lang: str = "en",
) -> CatalogPlan:
    """Work out the POT (lang None) or PO catalog of one article, without writing it.

    POT-Creation-Date is the time of the last extract that changed the catalog
    (SOURCE_DATE_EPOCH when set): when nothing changed, the file, date included,
    stays as it was, whichever tool last saved it.
    """
    language = f" in {english_name(lang)} ({lang})" if lang else ""
    comment = (
        f"Units of {source_root}/{article}{language}.\n"
        "Created and updated by `workflow extract`: edit the msgstr lines; a source edit keeps your work."
    )

    def anew(date: str) -> bytes:
        """The file as extract writes it new for these units (every unit new), dated `date`."""
        return _new_catalog(_Header(_header(lang, source_lang, article, {}, date), comment), segments,
                            source_root)

    read: ReadCatalog | None = None
    try:  # one call for a file that is not there (most catalogs of a first extract)
        held: bytes | None = path.read_bytes()
        exists = True
    except OSError as exc:
        held = None  # read_catalog says why
        exists = exc.errno not in _ABSENT and path.exists()
    if exists:
        dated = _CREATION.search(held) if held is not None else None
        if dated is not None and dated.group(1) and held == anew(dated.group(1).decode("utf-8", "replace")):
            # already as extract writes it new (its date kept): nothing to read (polib is slow), nothing
            # to write
            added, kept = (len(segments), 0) if lang is None else (0, len(segments))  # as _merge counts
            return CatalogPlan(CatalogChange(path, False, added, kept), None)
        if lang is not None:
            read = read_catalog(path, keys=True, data=held)
        else:
            try:  # the template is workflow's own: one it cannot read is written anew
                read = read_catalog(path, data=held)
            except CatalogError:
                read = None
    if read is None:  # a new file (or an unreadable template): every unit new, dated now
        return CatalogPlan(CatalogChange(path, True, added=len(segments)), anew(creation_date()))
    if lang is None:
        entries = [_fresh_entry(s, source_root) for s in segments]
        change = CatalogChange(path, False, added=len(entries))
    else:
        entries, change = _merge(segments, read.catalog, source_root)
    before = _header_of(read.catalog)
    if before.comment and lang is not None:
        comment = before.comment  # a translator's notes stay
    date = before.fields.get("POT-Creation-Date") or creation_date()
    parts = _entry_parts(read, entries)
    if lang is not None:  # first: does the file already hold this?
        data = _compose(read, before, entries, parts)
    else:
        same = _Header(_header(lang, source_lang, article, before.fields, date), comment)
        data = _compose(read, same, entries, parts)
    if data is not None:  # the content changed: give it a new creation date
        header = _Header(_header(lang, source_lang, article, before.fields, creation_date()), comment,
                         before.fuzzy if lang is not None else False)
        data = _compose(read, header, entries, parts)
    return CatalogPlan(
        CatalogChange(path, data is not None, change.added, change.kept, change.fuzzy, change.obsolete), data
    )


def _plural(entry: polib.POEntry) -> bool:
    """Whether an entry is a (hand-made) plural entry: `msgid_plural`, or `msgstr[N]` forms."""
    return bool(entry.msgid_plural or entry.msgstr_plural)


def _translated(entry: polib.POEntry) -> bool:
    """Whether an entry has a translation: every plural form filled, for a plural entry (as polib says)."""
    if _plural(entry):
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def entry_state(entry: polib.POEntry) -> State:
    """The state of an entry, read from the PO conventions only."""
    if not _translated(entry):
        return State.NEW
    if "fuzzy" in entry.flags:
        return fuzzy_state(bool(entry.previous_msgid), _provenance(entry))
    return State.REVIEWED


def _singular(catalog: polib.POFile) -> int:
    """The plural form the catalog's Plural-Forms picks for n=1: the form of a unit's own text."""
    rule = re.search(r"plural\s*=\s*([^;]+)", catalog.metadata.get("Plural-Forms", ""))
    try:
        return int(gettext.c2py(rule.group(1))(1)) if rule else 0
    except (ValueError, SyntaxError, RecursionError, ArithmeticError):  # (check_syntax refuses such rules)
        return 0


def _target(entry: polib.POEntry, singular: int) -> str:
    """The translation of an entry's msgid (for a hand-made plural entry, its form for n=1)."""
    if entry.msgstr_plural and not entry.msgstr:
        return str(entry.msgstr_plural.get(singular, entry.msgstr_plural.get(0, "")))
    return str(entry.msgstr)


def _provenance_line(entry: polib.POEntry) -> str:
    """The entry's `# workflow:` comment as written (after its prefix; "": none), whole again if a PO tool
    wrapped it (potext.split_provenance)."""
    return split_provenance((entry.tcomment or "").splitlines())[1]


def _other_comments(entry: polib.POEntry) -> list[str]:
    """The entry's translator-comment lines but its `# workflow:` one (and what wrapping split off it)."""
    return split_provenance((entry.tcomment or "").splitlines())[0]


def _provenance(entry: polib.POEntry) -> str:
    """What the entry's provenance says of its target (see potext.provenance_of): an engine's draft
    edited by a person reads `edited; …`, never as the engine's."""
    return provenance_of(_provenance_line(entry), entry.msgstr or "")


def load_units(path: Path, lang: str, article: str) -> list[Unit]:
    """The units of an article's PO catalog (obsolete entries left out)."""
    return [located.unit for located in load_located_units(path, lang, article)]


def apply_targets(path: Path, updates: Mapping[str, TargetUpdate], *, replace_machine: bool = False) -> int:
    """Fill units of a catalog file (see fill_targets); returns how many changed.

    Only the filled entries are written anew; the rest of the file is copied as it is.
    """
    read = read_catalog(path)
    changed = fill_read(read, updates, replace_machine=replace_machine)
    if changed:
        data = catalog_bytes(read)
        if data is not None:
            write_if_changed(path, data)
    return len(changed)


def redoable(state: State, provenance: str) -> bool:
    """Whether `--redo-machine` may replace a unit: an engine's output, still fuzzy, source edited or not.

    `provenance` as `_provenance` reads it: an engine's draft a person edited reads `edited; …`.
    """
    return state in (State.MACHINE, State.CHANGED) and is_machine(provenance)


def fill_targets(catalog: Iterable[polib.POEntry], updates: Mapping[str, TargetUpdate], *,
                 replace_machine: bool = False) -> list[polib.POEntry]:
    """Fill units of a catalog (or of some of its entries) in memory; returns the entries that changed.

    A non-empty target is never replaced, except a still-fuzzy machine target (its
    source edited or not) when `replace_machine` is set; reviewed and needs-work
    units, and hand-made plural entries, are never touched. A fresh target has no
    previous msgid (`#|`) any more.
    """
    changed: list[polib.POEntry] = []
    for entry in catalog:
        update = updates.get(entry.msgctxt or "")
        if entry.obsolete or update is None or entry.msgid_plural:
            continue
        state = entry_state(entry)
        replace = replace_machine or update.over_machine
        if not (state is State.NEW or (replace and redoable(state, _provenance(entry)))):
            continue
        entry.msgstr = update.target
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if update.fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        elif not update.fuzzy and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        kept = _other_comments(entry)
        # an engine's draft is sealed with its target's digest: once a person edits it, it is theirs
        line = sealed(update.provenance, update.target) if update.fuzzy else update.provenance
        entry.tcomment = "\n".join([*kept, PROVENANCE + line])
        changed.append(entry)
    return changed


def fill_read(read: ReadCatalog, updates: Mapping[str, TargetUpdate], *, replace_machine: bool = False,
              entries: Iterable[polib.POEntry] | None = None) -> list[str]:
    """fill_targets on a catalog as read (or on some of its `entries`); returns the keys that changed.

    The changed entries are written anew by catalog_bytes; the others are copied.
    """
    changed = fill_targets(read.catalog if entries is None else entries, updates,
                           replace_machine=replace_machine)
    for entry in changed:
        read.blocks.pop(id(entry), None)
    return [entry.msgctxt or "" for entry in changed]


def catalog_bytes(read: ReadCatalog) -> bytes | None:
    """The catalog as it is to be written, in its own style; None when the file already holds it."""
    return _compose(read, _header_of(read.catalog), list(read.catalog))


def catalog_targets(path: Path) -> dict[str, tuple[str, State]]:
    """key -> (target, state) for assembling a localized document."""
    catalog = load_catalog(path, keys=True)
    singular = _singular(catalog)
    return {
        entry.msgctxt or "": (_target(entry, singular), entry_state(entry))
        for entry in catalog
        if not entry.obsolete
    }


def iter_catalogs(folder: Path, suffix: str = ".po") -> Iterable[Path]:
    return sorted(p for p in folder.rglob(f"*{suffix}") if p.is_file())


# -- reading for status, checks and review (never writes) ------------------------------


@frozen
class LocatedUnit:
    """A unit and the line where its entry starts in the PO file (for `path:line` messages).

    `revision` identifies the entry as it is on disk (see `entry_revision`): an editor
    that read it can tell whether anyone changed the entry since.
    """

    unit: Unit
    line: int
    revision: str = ""


def load_located_units(path: Path, lang: str, article: str) -> list[LocatedUnit]:
    """The units of an article's PO catalog with their PO line numbers (obsolete entries left out)."""
    return catalog_units(load_catalog(path, keys=True), lang, article)


def catalog_units(catalog: polib.POFile, lang: str, article: str) -> list[LocatedUnit]:
    """The units of a catalog already read, with their PO line numbers (obsolete entries left out)."""
    singular = _singular(catalog)
    return [_located(entry, lang, article, singular) for entry in catalog if not entry.obsolete]


def units_of(catalog: polib.POFile, lang: str, article: str) -> list[Unit]:
    """The units of a catalog already read, without the lines and revisions only editors need."""
    singular = _singular(catalog)
    return [_unit(entry, lang, article, singular) for entry in catalog if not entry.obsolete]


def _located(entry: polib.POEntry, lang: str, article: str, singular: int = 0,
             first_line: int = 0) -> LocatedUnit:
    return LocatedUnit(_unit(entry, lang, article, singular), first_line + (entry.linenum or 0),
                       entry_revision(entry))


def _unit(entry: polib.POEntry, lang: str, article: str, singular: int) -> Unit:
    _, line = entry.occurrences[0] if entry.occurrences else ("", "0")
    segment = Segment(
        key=entry.msgctxt or "", article=article, text=entry.msgid,
        line=int(line) if line.isdigit() else 0, note=entry.comment or "",
    )
    comment = "\n".join(_other_comments(entry))
    return Unit(segment, lang, _target(entry, singular), entry_state(entry), entry.previous_msgid or "",
                _provenance(entry), comment, _plural(entry))


def polib_briefs(path: Path, *, keys: bool = True, data: bytes | None = None) -> list[EntryBrief]:
    """What `scan_catalog` gives, read with polib: for a file the scanner does not recognise."""
    return [EntryBrief(e.msgctxt or "", e.msgid, entry_state(e), e.linenum or 0,
                       confidence_of(_provenance(e)))
            for e in load_catalog(path, keys=keys, data=data) if not e.obsolete]


def scan_catalog(path: Path, *, keys: bool = True, data: bytes | None = None) -> list[EntryBrief]:
    """Key, source and state of each live entry, read with one regular expression.

    Several times faster than `load_catalog`, for `status` over many thousands of
    units, and linear in the file's size. It gives the states `entry_state` gives and
    refuses what `load_catalog` refuses (with `keys`, an edited msgctxt too); a file
    in an unusual layout (one this scanner does not recognise) is read with polib.
    """
    text: str | None
    try:
        data = path.read_bytes() if data is None else data
        text = check_encoding(path, data)  # polib would fall back to a declared charset; no reader may
        check_syntax(path, text)
    except FileNotFoundError:
        raise CatalogError("catalog not found", path=path, hint="run `workflow extract` first") from None
    except OSError:
        text = None  # polib reports the problem, with the line
    briefs = scan_text(text) if text is not None else None
    if briefs is None:
        return polib_briefs(path, keys=keys, data=data)
    if keys:
        for brief in briefs:
            if brief.key != unit_key(brief.source):
                raise key_error(path, brief.key or None, brief.source, brief.line)
    return briefs


# -- editing one entry (the review app) -------------------------------------------------


def entry_revision(entry: polib.POEntry) -> str:
    """A digest of everything an entry holds (text, state, comments), whatever the file's wrapping."""
    return hashlib.sha256(entry.__unicode__(wrapwidth=0).encode("utf-8")).hexdigest()[:16]


@frozen
class EntryEdit:
    """What a reviewer does to one unit: a new target, reviewed or not, and perhaps a comment."""

    target: str
    reviewed: bool
    comment: str | None = None  # None: keep the translator comments as they are
    provenance: str = ""  # where the new target came from (e.g. an XLIFF file); "": a person, here


class StaleRevision(CatalogError):
    """The entry changed on disk since the editor read it (another reviewer, a PO editor)."""


class PluralEntry(CatalogError):
    """A hand-made plural entry (`msgid_plural`, `msgstr[N]`): one target cannot give all its forms."""


def _edited(entry: polib.POEntry, edit: EntryEdit, path: Path | None = None, line: int | None = None) -> None:
    """Apply a reviewer's edit to an entry; refuses a plural entry (its forms are a PO editor's to edit:
    a target set as msgstr would never be written, while the flags would change)."""
    if _plural(entry):
        raise PluralEntry("this unit is a plural entry (msgid_plural): it has a translation for each plural "
                          "form, and one target cannot give them", path=path, line=line,
                          hint="edit its msgstr[0], msgstr[1]… in a PO editor")
    machine = _provenance_line(entry)
    changed_text = edit.target != entry.msgstr
    entry.msgstr = edit.target
    flags = [flag for flag in entry.flags if flag != "fuzzy"]
    entry.flags = flags if edit.reviewed else [*flags, "fuzzy"]
    if edit.reviewed:  # the previous source (`#|`) was what a fuzzy entry was compared with; done now
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    kept = _other_comments(entry)
    if edit.comment is not None:
        kept = edit.comment.splitlines()
    if machine and not changed_text and edit.reviewed:  # the machine's words approved as they are: say whose
        # (marked needs-work, the unit is a person's to redo: no engine's; approved, an engine's draft
        # seal says so, so that one marked fuzzy again later is a person's too). A draft a translator
        # edited is their words: approved, it says no engine's name.
        if not provenance_of(machine, edit.target).startswith(EDITED):
            kept.append(PROVENANCE + approved(machine, edit.target))
    elif edit.provenance:
        kept.append(PROVENANCE + edit.provenance)
    entry.tcomment = "\n".join(kept)


def edit_read(read: ReadCatalog, edits: Mapping[str, EntryEdit]) -> list[str]:
    """Apply edits (by key) to the live entries of a catalog as read, in one pass; returns the keys edited.

    An entry changes as edit_entry changes it; catalog_bytes then writes the edited
    entries anew, at the file's own width, and copies the others byte for byte.
    """
    done: list[str] = []
    for entry in read.catalog:
        edit = edits.get(entry.msgctxt or "")
        if entry.obsolete or edit is None:
            continue
        fpath = read.catalog.fpath
        _edited(entry, edit, Path(fpath) if fpath else None, entry.linenum)
        read.blocks.pop(id(entry), None)
        done.append(entry.msgctxt or "")
    return done


def _entry_block(text: str, key: str) -> tuple[int, int] | None:
    """Where the live entry whose msgctxt is `key` sits in the text: from its first line to its blank line."""
    needle = f'\nmsgctxt "{key}"\n'
    at = ("\n" + text).find(needle)
    if at < 0 or ("\n" + text).find(needle, at + 1) >= 0:
        return None
    start = text.rfind("\n\n", 0, at)
    start = 0 if start < 0 else start + 2
    end = text.find("\n\n", at)
    end = len(text) if end < 0 else end + 1
    return start, end


_EMPTY_HEADER = 'msgid ""\nmsgstr ""\n\n'


def _block_entry(text: str, key: str) -> tuple[polib.POEntry, tuple[int, int], int] | None:
    """The live entry `key` read from its own lines alone, with its span and first line; None if unusual."""
    block = _entry_block(text, key)
    if block is None:
        return None
    try:  # behind an empty header: polib takes comments at the top of a file for the file's own; read as
        # every file is (_parse), not as polib.pofile reads a string (split at U+2028, \x1c…: another entry)
        parsed = _parse(Path(), _EMPTY_HEADER + text[block[0]:block[1]])
    except (OSError, ValueError):
        return None
    if [(e.msgctxt, e.obsolete, bool(e.msgid_plural)) for e in parsed] != [(key, False, False)]:
        return None
    return parsed[0], block, text.count("\n", 0, block[0]) - _EMPTY_HEADER.count("\n")


def edit_entry(path: Path, lang: str, article: str, key: str, revision: str, edit: EntryEdit,
               validate: Callable[[Unit], None] | None = None, translator: str = "") -> LocatedUnit:
    """Change one live entry of a catalog, if it is still at `revision`; returns the unit as now on disk.

    Only the entry's own lines change, written at the file's own width: the rest of
    the file keeps its bytes, and in the usual layout (entries apart by blank lines)
    only those lines are parsed, the rest of the file checked as `scan_catalog` checks
    it: a catalog another command would refuse raises CatalogError (with its line) and
    is not written. Raises KeyError when there is no such entry, PluralEntry for a
    hand-made plural entry and StaleRevision (with nothing written) when the entry is no
    longer what the editor read; `validate` sees the edited unit before anything is written and may raise to
    refuse it. The header's PO-Revision-Date (and Last-Translator, given a `translator`)
    then say so (see `revised`); an edit that changes nothing writes nothing. The caller
    holds the workspace lock.
    """
    data = path.read_bytes()
    text = check_encoding(path, data)
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")  # Windows line ends throughout: kept
    if crlf:
        text = text.replace("\r\n", "\n")
    found = _block_entry(text, key)
    read: ReadCatalog | None = None
    if found is not None:  # the whole file checked first, as status reads it: what it refuses is not written
        scan_catalog(path, keys=True, data=data)
        entry, block, first_line = found
    else:  # an unusual layout: read and check the whole catalog, rewrite it in its own style
        read = read_catalog(path, keys=True, data=data)
        entries = [e for e in read.catalog if not e.obsolete and (e.msgctxt or "") == key]
        if not entries:
            raise KeyError(key)
        entry, block, first_line = entries[0], (0, 0), 0
    line = first_line + (entry.linenum or 0)
    if entry_revision(entry) != revision:
        raise StaleRevision("the unit was changed meanwhile", path=path, line=line,
                            hint="reload it and redo the edit")
    _edited(entry, edit, path, line)
    located = _located(entry, lang, article, first_line=first_line)
    if validate is not None:
        validate(located.unit)
    if located.revision == revision:
        return located
    if read is None:
        rendered = _render_entry(entry, detect_layout(text).width).rstrip("\n")
        updated = text[:block[0]] + rendered + "\n" + text[block[1]:]
        composed: bytes | None = (updated.replace("\n", "\r\n") if crlf else updated).encode("utf-8")
    else:
        read.blocks.pop(id(entry), None)
        composed = catalog_bytes(read)
    if composed is None:
        return located
    dated = revised(composed, translator)
    write_atomic(path, dated)
    moved = dated.count(b"\n") - composed.count(b"\n")  # lines the header gained, above the entry
    return LocatedUnit(located.unit, located.line + moved, located.revision) if moved else located


# -- a translation's revision, in its header (the review app, XLIFF import, pretranslate) ---------------

_HEADER_STRING = lazy_compile(r'(msgstr )?"((?:[^"\\]|\\.)*)"(\r?)')
_HEADER_LINES = 1000  # lines read to find the header; more when it is not over by then
_NOT_ONE_LINE = lazy_compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_translator(name: str) -> str:
    """The name for Last-Translator ("Full Name <email>"), refused when it is not one line of text.

    A line break in it would start a header field of its own (a `Language:` of its choosing).
    """
    if _NOT_ONE_LINE.search(name):
        raise CatalogError(f"the translator's name {name!r} holds a line break or control character",
                           hint='give it on one line, as PO files write it: "Full Name <email@example.org>"')
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # bytes of another encoding, in an argument or the environment
            raise CatalogError(f"the translator's name {name!r} is not UTF-8 text (PO files here are UTF-8)",
                               hint="give it as UTF-8: check the terminal's or the variable's encoding "
                               "(locale charmap)") from None
    return name.strip()


def revised(data: bytes, translator: str = "") -> bytes:
    """A catalog's bytes, its translations just changed, with its header saying so, as PO editors do on save.

    PO-Revision-Date becomes now (gettext's "YYYY-MM-DD HH:MM+ZZZZ", the clock of
    creation_date: SOURCE_DATE_EPOCH when set), and Last-Translator `translator` if one is
    given (else it stays). Only those fields' lines change: every other field, its
    order, the header's comments and the rest of the file keep their bytes; a field the
    header lacks is added last. A header that does not hold each field on lines of its
    own is written one field per line. A file without a header stays as it is.
    """
    import polib

    wanted = {"PO-Revision-Date": creation_date()}
    if translator:
        wanted["Last-Translator"] = check_translator(translator)
    for limit in (_HEADER_LINES, -1):  # the header, from the file's first lines only (a save stays quick)
        parts = data.split(b"\n", limit)
        rest = parts.pop() if len(parts) > limit >= 0 else None  # the file after them, unsplit
        lines = [part.decode("utf-8") for part in parts]
        at = next((i for i, line in enumerate(lines) if line.strip("\ufeff \t\r") and
                   not line.lstrip("\ufeff").startswith("#")), len(lines))  # (a byte order mark: skipped)
        strings: list[re.Match[str]] = []  # the lines of the header's msgstr
        end = at + 1
        while end < len(lines) and (found := _HEADER_STRING.fullmatch(lines[end])) is not None and (
                bool(found.group(1)) == (end == at + 1)):
            strings.append(found)
            end += 1
        if end < len(lines) or rest is None:
            break
    if not strings or lines[at].strip("\ufeff \t\r") != 'msgid ""':
        return data

    def field(text: str) -> tuple[str, str]:
        name, _, value = text.partition(":")
        return name.strip(), value.strip()

    fields: list[tuple[str, str, list[str] | None]] = []  # (name, value, its own lines; None: it shares one)
    pending, start = "", 0
    for index, found in enumerate(strings):
        pending += polib.unescape(found.group(2))
        if not pending:
            start = index + 1
        elif pending.endswith("\n") or index == len(strings) - 1:
            pieces = [piece for piece in pending.split("\n") if piece]
            alone = len(pieces) == 1 and pending.endswith("\n")
            fields.extend((*field(piece), lines[at + 1 + start:at + 2 + index] if alone else None)
                          for piece in pieces)
            pending, start = "", index + 1
    current = {name: value for name, value, _ in fields}
    if all(current.get(name) == value for name, value in wanted.items()):
        return data
    laid_out = strings[0].group(2) == "" and all(own is not None for _, _, own in fields)  # a field a line
    in_place: str | None = "\n".join(lines[:end]) if laid_out else None
    for name, value in wanted.items():  # in place where it can be (extract's way: _set_field)
        if in_place is not None and current.get(name) != value:
            in_place = _set_field(in_place, name, current[name], value) if name in current else None
    if in_place is not None:  # every change made in place: the header keeps its layout (a date on two lines)
        kept = "\n".join([in_place, *lines[end:]]).encode("utf-8")
        return kept if rest is None else kept + b"\n" + rest
    newline = strings[0].group(3)

    def line(name: str, value: str) -> str:
        return f'"{polib.escape(f"{name}: {value}")}\\n"{newline}'

    if strings[0].group(2) == "" and all(own is not None or name in wanted for name, _, own in fields):
        body = [lines[at + 1]]
        for name, _, own in fields:
            body.extend(own if own is not None and name not in wanted else [line(name, wanted[name])])
    else:  # each field on a line of its own, in its order
        body = [f'msgstr ""{newline}', *(line(name, wanted.get(name, value)) for name, value, _ in fields)]
    body += [line(name, value) for name, value in wanted.items() if name not in current]
    head = "\n".join([*lines[:at + 1], *body, *lines[end:]]).encode("utf-8")
    return head if rest is None else head + b"\n" + rest
