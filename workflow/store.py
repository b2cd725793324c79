"""Catalogs on disk: the only module that knows about polib and PO entries.

Updating a catalog works like `msgmerge --previous`: a unit whose text is unchanged
keeps everything; an edited unit gets the translation of its nearest old unit as a
fuzzy suggestion with the old text in `#| msgid`; removed units that carried any
work become obsolete `#~` entries. Files are written only when their content
changes, atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import polib
from babel.core import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural
from rapidfuzz import fuzz, process

from . import __version__
from .confidence import MARK, confidence_of
from .errors import CatalogError
from .files import write_atomic, write_if_changed
from .model import CatalogChange, Segment, State, Unit
from .segment import unit_key

FUZZY_CUTOFF = 65.0  # rapidfuzz ratio, 0-100: like msgmerge's fuzzy threshold
PROVENANCE = "workflow: "  # translator-comment prefix that records where a target came from
MACHINE_PREFIXES = ("mt ", "tm ", "pseudo")  # provenance of engine output (machine; --redo-machine redoes it)
WRAP = 0  # no line wrapping: one line per string, byte for byte what `msgcat --no-wrap` writes
_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


@dataclass(frozen=True, slots=True)
class TargetUpdate:
    """A translation to put into a catalog (by pretranslate)."""

    target: str
    provenance: str
    fuzzy: bool = True  # False: reviewed (propagated from a reviewed unit)
    over_machine: bool = False  # may replace machine output even without `replace_machine`


def creation_date() -> str:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds), as PO headers write dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise CatalogError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {epoch!r}",
                               hint="unset it, or set it to e.g. $(git log -1 --format=%ct)") from None
    else:
        moment = dt.datetime.now(dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


# The Plural-Forms that GNU gettext (msginit's table, the gettext manual) and the PO
# editors use. CLDR (and so babel) has lately added a third "many" form to French and
# Spanish for millions; gettext tools do not, so we keep their rules for these.
GETTEXT_PLURALS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
          ": n%100>=11 ? 4 : 5);",
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 "
          "&& (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh": "nplurals=1; plural=0;",
}


def plural_forms(lang: str) -> str:
    """The Plural-Forms header of a language: gettext's rule, else babel's (CLDR), else English."""
    base = lang.replace("-", "_").split("_")[0].lower()
    if base in GETTEXT_PLURALS:
        return GETTEXT_PLURALS[base]
    try:
        return str(get_plural(lang).plural_forms)
    except (UnknownLocaleError, ValueError):
        return GETTEXT_PLURALS["en"]


def language_name(lang: str) -> str:
    """The English name of a language (for Language-Team), or its code."""
    try:
        return Locale.parse(lang.replace("-", "_")).english_name or lang
    except (UnknownLocaleError, ValueError):
        return lang


_FIX_HINT = ("fix the file in a PO editor (msgfmt --check shows the problem)"
             " or restore it from version control")


def load_catalog(path: Path, *, keys: bool = False, data: bytes | None = None) -> polib.POFile:
    """Read a PO/POT file (or its bytes `data`, read already), wrapping polib's errors with the file and line.

    Refuses (CatalogError with the line) what polib would misread: bytes that are
    not UTF-8, a header declaring another charset (polib would decode with it, and
    the next write would keep the garbled text), and two entries for one unit. With
    `keys`, also an entry whose msgctxt is not the key of its msgid (see check_keys).
    """
    if data is None and not path.is_file():
        raise CatalogError("catalog not found", path=path, hint="run `workflow extract` first")
    try:
        text = check_encoding(path, path.read_bytes() if data is None else data)
        check_quotes(path, text)
        catalog = _parse(path, text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        text = str(exc)
        match = _SYNTAX_LINE.search(text)
        if match:  # polib's "Syntax error in po file PATH (line N): detail": the location goes in front
            detail = text[match.end():].lstrip(": ")
            text = "PO syntax error" + (f": {detail}" if detail else "")
        line = int(match.group(1)) if match else None
        raise CatalogError(f"cannot read catalog: {text}", path=path, line=line, hint=_FIX_HINT) from None
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
    if keys:
        check_keys(path, catalog)
    return catalog


def _parse(path: Path, text: str) -> polib.POFile:
    """polib's reading of a file's text, once read: lines split as a file opened in text mode splits them."""
    parser: Any = polib._POFileParser("", check_for_duplicates=False)  # polib's only entry point for text
    parser.fhandle = io.StringIO(text, newline=None)  # \n, \r\n, \r: never str.splitlines' U+2028 etc.
    catalog: polib.POFile = parser.parse()
    catalog.fpath, catalog.wrapwidth, catalog.encoding = str(path), WRAP, "utf-8"
    return catalog


_CHARSET = re.compile(rb'^"Content-Type:[^\n]*?charset=([^\s"\\;]*)', re.M | re.I)


def check_encoding(path: Path, data: bytes) -> str:
    """A catalog's text; refuses bytes that are not UTF-8, or a header that declares another charset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"byte 0x{data[exc.start]:02x} is not valid UTF-8", path=path,
                           line=data.count(b"\n", 0, exc.start) + 1,
                           hint="workflow catalogs are UTF-8: if the file is in another encoding, convert it "
                           "(msgconv --to-code=UTF-8), else restore it from version control") from None
    second = data.find(b"\nmsgid ", data.find(b"msgid ") + 1)
    declared = _CHARSET.search(data, 0, second if second >= 0 else len(data))  # the header entry only
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        charset = declared.group(1).decode("ascii", "replace")
        raise CatalogError(f"the header declares charset={charset}; workflow catalogs are UTF-8", path=path,
                           line=data.count(b"\n", 0, declared.start()) + 1,
                           hint=f"if the text really is {charset}, convert it: msgconv --to-code=UTF-8 FILE "
                           "-o FILE; if it is UTF-8 already, correct the header to charset=UTF-8")
    return text


_KEYWORD_UNQUOTED = (r'(?:#~ ?)?(?P<keyword>msg(?:ctxt|id|id_plural|str(?:\[\d+\])?))'
                     r'(?:[ \t]*(?:\n|\Z)|[ \t]+[^"\s])')
# the first line, then every other: a search led by "\n" is 3x faster than ^ with re.M
_UNQUOTED = (re.compile(_KEYWORD_UNQUOTED), re.compile("\n" + _KEYWORD_UNQUOTED))


def check_quotes(path: Path, text: str) -> None:
    """Refuse a keyword whose string lost its quotes (`msgid The text`): polib would read `he tex`."""
    unquoted = _UNQUOTED[0].match(text) or _UNQUOTED[1].search(text)
    if unquoted:
        keyword = unquoted.group("keyword")
        raise CatalogError(f"cannot read catalog: PO syntax error: the string after {keyword} "
                           "is not in double quotes", path=path,
                           line=text.count("\n", 0, unquoted.start("keyword")) + 1, hint=_FIX_HINT)


def check_keys(path: Path, catalog: polib.POFile) -> None:
    """Refuse an entry whose msgctxt (the unit's key, made from its msgid) was edited, or whose msgid was.

    Left alone, the entry would match no unit: extract would demote its reviewed
    translation to a fuzzy suggestion and publish would not find it.
    """
    for entry in catalog:
        if entry.obsolete or entry.msgctxt == unit_key(entry.msgid):
            continue
        raise CatalogError(
            f"msgctxt {entry.msgctxt!r} is not the key of this entry's msgid (that is "
            f"{unit_key(entry.msgid)!r}): the msgctxt or the msgid was edited", path=path, line=entry.linenum,
            hint="workflow writes msgctxt and msgid; edit only msgstr and comments. Restore the two lines "
            "(e.g. from version control): the translation is kept",
        )


def _header(
    lang: str | None, source_lang: str, article: str, old: Mapping[str, str], date: str
) -> dict[str, str]:
    """A complete header: `msgfmt --check` finds no field left at its template value.

    The template (lang None) is the catalog of the source language: `Language` is the
    source language, which `msginit` and PO editors replace when they start a translation.
    """
    template = lang is None
    language = source_lang if lang is None else lang
    header = {
        "Project-Id-Version": f"workflow {article}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "PO-Revision-Date": date if template else old.get("PO-Revision-Date", date),
        "Last-Translator": "" if template else old.get("Last-Translator", ""),
        "Language-Team": "" if template else old.get("Language-Team", language_name(language)),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(language),
        "X-Generator": f"workflow {__version__}",
    }
    return header


def _fresh_entry(segment: Segment, source_root: str) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=segment.key,
        msgid=segment.text,
        msgstr="",
        occurrences=[(f"{source_root}/{segment.article}", str(line))
                     for line in (segment.line, *segment.more_lines)],
        comment=segment.note,
    )


def _merge(
    segments: list[Segment], old: polib.POFile | None, source_root: str
) -> tuple[list[polib.POEntry], CatalogChange]:
    """Entries for `segments`, carrying over the work in `old` the way `msgmerge --previous` does."""
    entries: list[polib.POEntry] = []
    current = {e.msgctxt: e for e in (old or []) if not e.obsolete}
    retired = {e.msgctxt: e for e in (old.obsolete_entries() if old else []) if e.msgctxt not in current}
    used: set[str | None] = set()
    kept = 0
    pending: list[int] = []
    for segment in segments:
        entry = _fresh_entry(segment, source_root)
        match = current.get(segment.key) or retired.get(segment.key)
        if match is not None and match.msgid == segment.text:
            used.add(match.msgctxt)
            entry.msgstr = match.msgstr
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
    donors = [e for e in (*current.values(), *retired.values()) if e.msgstr]
    choices = [e.msgid for e in donors]
    added = fuzzy = 0
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
        used.add(donor.msgctxt)
        # a carried translation is never accepted silently: it is fuzzy until reviewed
        entry.msgstr = donor.msgstr
        entry.flags = sorted(set(donor.flags) | {"fuzzy"})
        entry.tcomment = donor.tcomment if "fuzzy" in donor.flags else _reviewed(donor.tcomment)
        entry.previous_msgid = donor.msgid
        entry.previous_msgctxt = donor.msgctxt
        fuzzy += 1
    obsolete = 0  # units made obsolete by this update (entries already obsolete stay, uncounted)
    for donor in (*current.values(), *retired.values()):
        if donor.msgctxt in used or not (donor.msgstr or donor.tcomment):
            continue
        obsolete += not donor.obsolete
        donor.obsolete = True
        donor.occurrences = []
        entries.append(donor)
    return entries, CatalogChange(Path(), False, added=added, kept=kept, fuzzy=fuzzy, obsolete=obsolete)


def _reviewed(tcomment: str | None) -> str:
    """A reviewed entry's comment, its engine provenance marked reviewed: a person's work, never redone."""
    lines = (tcomment or "").splitlines()
    return "\n".join(
        f"{PROVENANCE}reviewed; {line[len(PROVENANCE):]}"
        if line.startswith(PROVENANCE) and is_machine(line[len(PROVENANCE):]) else line
        for line in lines
    )


def _render(entries: list[polib.POEntry], header: dict[str, str], comment: str) -> bytes:
    catalog = polib.POFile(wrapwidth=WRAP, check_for_duplicates=False)
    catalog.header = comment
    catalog.metadata = header
    catalog.extend(entries)
    return _serialize(catalog)


def _serialize(catalog: polib.POFile) -> bytes:
    """The catalog as UTF-8 bytes ending in one newline, as gettext writes it."""
    text = str(catalog)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


_CREATION = re.compile(rb'^"POT-Creation-Date: ([^"\\]*)\\n"', re.M)


@dataclass(frozen=True, slots=True)
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
    stays as it was.
    """
    try:
        existing: bytes | None = path.read_bytes()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise CatalogError(f"cannot read catalog: {exc.strerror}", path=path) from None
    old_header: dict[str, str] = {}
    language = f" in {language_name(lang)} ({lang})" if lang else ""
    comment = (
        f"Units of {source_root}/{article}{language}.\n"
        "Created and updated by `workflow extract`: edit the msgstr lines; a source edit keeps your work."
    )
    if lang is None:
        entries = [_fresh_entry(s, source_root) for s in segments]
        change = CatalogChange(path, False, added=len(entries))
        found = _CREATION.search(existing) if existing is not None else None
        if found:
            old_header["POT-Creation-Date"] = found.group(1).decode("utf-8", "replace")
    else:
        old = load_catalog(path, keys=True) if existing is not None else None
        entries, change = _merge(segments, old, source_root)
        old_header = dict(old.metadata) if old is not None else {}
        comment = old.header if old is not None and old.header else comment  # a translator's notes stay
    date = old_header.get("POT-Creation-Date") or creation_date()
    data = _render(entries, _header(lang, source_lang, article, old_header, date), comment)
    if existing is not None and existing != data:
        # the content changed: give it a new creation date
        data = _render(entries, _header(lang, source_lang, article, old_header, creation_date()), comment)
    unchanged = existing == data
    return CatalogPlan(
        CatalogChange(path, not unchanged, change.added, change.kept, change.fuzzy, change.obsolete),
        None if unchanged else data,
    )


def update_catalog(
    path: Path, segments: list[Segment], lang: str | None, article: str, source_root: str,
    source_lang: str = "en",
) -> CatalogChange:
    """Create or update the POT (lang None) or PO catalog of one article; write it only if it changed."""
    plan = plan_catalog(path, segments, lang, article, source_root, source_lang)
    if plan.data is not None:
        write_atomic(path, plan.data)
    return plan.change


def entry_state(entry: polib.POEntry) -> State:
    """The state of an entry, read from the PO conventions only."""
    if not entry.msgstr:
        return State.NEW
    if "fuzzy" in entry.flags:
        return fuzzy_state(bool(entry.previous_msgid), _provenance(entry))
    return State.REVIEWED


def fuzzy_state(changed: bool, provenance: str) -> State:
    """The state of a translated fuzzy entry: changed (a previous msgid), machine, or needs-work.

    Machine output carries its engine's provenance comment; a unit a translator marks
    fuzzy by hand (or whose provenance says a person made it) needs work.
    """
    if changed:
        return State.CHANGED
    return State.MACHINE if is_machine(provenance) else State.NEEDS_WORK


def is_machine(provenance: str) -> bool:
    """Whether a provenance comment says an engine (MT, memory or pseudo) wrote the target."""
    return provenance.startswith(MACHINE_PREFIXES)


def _provenance(entry: polib.POEntry) -> str:
    for line in (entry.tcomment or "").splitlines():
        if line.startswith(PROVENANCE):
            return line[len(PROVENANCE):]
    return ""


def load_units(path: Path, lang: str, article: str) -> list[Unit]:
    """The units of an article's PO catalog (obsolete entries left out)."""
    return [located.unit for located in load_located_units(path, lang, article)]


def apply_targets(path: Path, updates: Mapping[str, TargetUpdate], *, replace_machine: bool = False) -> int:
    """Fill units of a catalog file (see fill_targets); returns how many changed."""
    catalog = load_catalog(path)
    changed = fill_targets(catalog, updates, replace_machine=replace_machine)
    if changed:
        write_if_changed(path, _serialize(catalog))
    return len(changed)


def redoable(state: State, provenance: str) -> bool:
    """Whether `--redo-machine` may replace a unit: an engine's output, still fuzzy, source edited or not."""
    return state in (State.MACHINE, State.CHANGED) and is_machine(provenance)


def fill_targets(catalog: Iterable[polib.POEntry], updates: Mapping[str, TargetUpdate], *,
                 replace_machine: bool = False) -> list[str]:
    """Fill units of a catalog (or of some of its entries) in memory; returns the keys of those that changed.

    A non-empty target is never replaced, except a still-fuzzy machine target (its
    source edited or not) when `replace_machine` is set; reviewed and needs-work
    units are never touched. A fresh target has no previous msgid (`#|`) any more.
    """
    changed: list[str] = []
    for entry in catalog:
        update = updates.get(entry.msgctxt or "")
        if entry.obsolete or update is None:
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
        kept = [line for line in (entry.tcomment or "").splitlines() if not line.startswith(PROVENANCE)]
        entry.tcomment = "\n".join([*kept, PROVENANCE + update.provenance])
        changed.append(entry.msgctxt or "")
    return changed


def catalog_bytes(catalog: polib.POFile) -> bytes:
    """The catalog as it is written to disk."""
    return _serialize(catalog)


def catalog_targets(path: Path) -> dict[str, tuple[str, State]]:
    """key -> (target, state) for assembling a localized document."""
    return {
        entry.msgctxt or "": (entry.msgstr, entry_state(entry))
        for entry in load_catalog(path, keys=True)
        if not entry.obsolete
    }


def iter_catalogs(folder: Path, suffix: str = ".po") -> Iterable[Path]:
    return sorted(p for p in folder.rglob(f"*{suffix}") if p.is_file())


# -- reading for status, checks and review (never writes) ------------------------------


@dataclass(frozen=True, slots=True)
class EntryBrief:
    """What `status` needs of a live entry: its key, source text and state."""

    key: str
    source: str
    state: State
    confidence: int | None = None  # as its `# workflow:` comment records it


@dataclass(frozen=True, slots=True)
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
    return [_located(entry, lang, article) for entry in catalog if not entry.obsolete]


def _located(entry: polib.POEntry, lang: str, article: str, first_line: int = 0) -> LocatedUnit:
    _, line = entry.occurrences[0] if entry.occurrences else ("", "0")
    segment = Segment(
        key=entry.msgctxt or "", article=article, text=entry.msgid,
        line=int(line) if line.isdigit() else 0, note=entry.comment or "",
    )
    comments = (entry.tcomment or "").splitlines()
    comment = "\n".join(line for line in comments if not line.startswith(PROVENANCE))
    unit = Unit(segment, lang, entry.msgstr, entry_state(entry), entry.previous_msgid or "",
                _provenance(entry), comment)
    return LocatedUnit(unit, first_line + (entry.linenum or 0), entry_revision(entry))


_PO_ESCAPE = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_PO_UNESCAPED = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}
_PO_QUOTED = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # "…", escapes allowed (written unrolled: fast)
_PO_STRING = rf"{_PO_QUOTED}(?:\n{_PO_QUOTED})*"
# One live entry as gettext tools, polib and PO editors write it: comment lines (which
# may include whole obsolete `#~` entries before it), msgctxt, msgid, msgstr.
_PO_ENTRY = re.compile(
    r"(?P<head>(?:#[^\n]*\n|[ \t]*\n)*)"
    rf"(?:msgctxt (?P<ctx>{_PO_STRING})\n)?"
    rf"msgid (?P<id>{_PO_STRING})\n"
    rf"(?:msgid_plural {_PO_STRING}\n)?"
    rf"(?:msgstr (?P<str>{_PO_STRING})|msgstr\[\d+\] {_PO_STRING}(?:\nmsgstr\[\d+\] {_PO_STRING})*)"
    r"[ \t]*(?:\n|\Z)"
)
_PO_TAIL = re.compile(r"(?:#[^\n]*(?:\n|\Z)|[ \t]*(?:\n|\Z))*")
_PO_FLAGS = re.compile(r"^#,([^\n]*)", re.M)
_PO_PROVENANCE = re.compile(rf"^# {PROVENANCE}([^\n]*)", re.M)
_PO_PREVIOUS = re.compile(r'^#\| msgid "([^\n]*)"((?:\n#\| "[^\n]*")*)', re.M)


def _po_value(quoted: str) -> str:
    """The value of a PO string, possibly on several `"…"` lines, unescaped as polib does."""
    value = quoted[1:-1] if "\n" not in quoted else "".join(line[1:-1] for line in quoted.split("\n"))
    return _PO_ESCAPE.sub(lambda m: _PO_UNESCAPED[m.group(1)], value) if "\\" in value else value


def _scan(text: str) -> list[EntryBrief] | None:
    """The entries of a catalog in the usual layout, or None for anything unusual."""
    briefs: list[EntryBrief] = []
    seen: set[tuple[str | None, str]] = set()
    end = 0
    for match in _PO_ENTRY.finditer(text):
        if match.start() != end and text[end:match.start()].strip():
            return None  # something this scanner does not know: let polib read the file
        end = match.end()
        head, key, source, target = match.group("head", "ctx", "id", "str")
        if "#~" in head:  # obsolete entries before this one: keep only this entry's comments
            head = head[head.find("\n", head.rfind("#~")) + 1:]
        source = _po_value(source)
        if key is None and not source:
            continue  # the header
        if (key, source) in seen:
            return None  # a duplicate entry: polib reports it
        seen.add((key, source))
        fuzzy = "fuzzy" in head and any(
            "fuzzy" in (flag.strip() for flag in flags.split(",")) for flags in _PO_FLAGS.findall(head)
        )
        if not target or target == '""' or not _po_value(target):
            state = State.NEW
        elif not fuzzy:
            state = State.REVIEWED
        else:
            previous = _PO_PREVIOUS.search(head) if "#|" in head else None
            changed = previous is not None and bool(
                previous.group(1) or previous.group(2).replace('#| ""', "").strip()
            )
            provenance = _PO_PROVENANCE.search(head) if PROVENANCE in head else None
            state = fuzzy_state(changed, provenance.group(1) if provenance else "")
        confidence = confidence_of(head) if MARK in head else None
        briefs.append(EntryBrief(_po_value(key) if key else "", source, state, confidence))
    if _PO_TAIL.fullmatch(text, end) is None:
        return None
    return briefs


def scan_catalog(path: Path, data: bytes | None = None) -> list[EntryBrief]:
    """Key, source and state of each live entry, read with one regular expression.

    Several times faster than `load_catalog`, for `status` over many thousands of
    units. It gives the states `entry_state` gives; a file in an unusual layout (one
    this scanner does not recognise) is read with polib instead.
    """
    text: str | None
    try:
        data = path.read_bytes() if data is None else data
        text = check_encoding(path, data)  # polib would fall back to a declared charset; no reader may
        check_quotes(path, text)
    except FileNotFoundError:
        raise CatalogError("catalog not found", path=path, hint="run `workflow extract` first") from None
    except OSError:
        text = None  # polib reports the problem, with the line
    briefs = _scan(text) if text is not None else None
    if briefs is None:
        briefs = [
            EntryBrief(e.msgctxt or "", e.msgid, entry_state(e), confidence_of(_provenance(e)))
            for e in load_catalog(path, data=data) if not e.obsolete
        ]
    return briefs


# -- editing one entry (the review app) -------------------------------------------------


def entry_revision(entry: polib.POEntry) -> str:
    """A digest of everything an entry holds (text, state, comments), as written to disk."""
    return hashlib.sha256(entry.__unicode__(wrapwidth=WRAP).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class EntryEdit:
    """What a reviewer does to one unit: a new target, reviewed or not, and perhaps a comment."""

    target: str
    reviewed: bool
    comment: str | None = None  # None: keep the translator comments as they are


class StaleRevision(CatalogError):
    """The entry changed on disk since the editor read it (another reviewer, a PO editor)."""


def _edited(entry: polib.POEntry, edit: EntryEdit) -> None:
    machine = _provenance(entry)
    changed_text = edit.target != entry.msgstr
    entry.msgstr = edit.target
    flags = [flag for flag in entry.flags if flag != "fuzzy"]
    entry.flags = flags if edit.reviewed else [*flags, "fuzzy"]
    if edit.reviewed:  # the previous source (`#|`) was what a fuzzy entry was compared with; done now
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    lines = (entry.tcomment or "").splitlines()
    kept = [line for line in lines if not line.startswith(PROVENANCE)]
    if edit.comment is not None:
        kept = edit.comment.splitlines()
    if machine and not changed_text and edit.reviewed:  # the machine's words approved as they are: say whose
        kept.append(PROVENANCE + machine)  # (marked needs-work, the unit is a person's to redo: no engine's)
    entry.tcomment = "\n".join(kept)


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
    try:  # behind an empty header: polib takes comments at the top of a file for the file's own
        parsed = polib.pofile(_EMPTY_HEADER + text[block[0]:block[1]], wrapwidth=WRAP)
    except (OSError, ValueError):
        return None
    if [(e.msgctxt, e.obsolete) for e in parsed] != [(key, False)]:
        return None
    return parsed[0], block, text.count("\n", 0, block[0]) - _EMPTY_HEADER.count("\n")


def edit_entry(path: Path, lang: str, article: str, key: str, revision: str, edit: EntryEdit,
               validate: Callable[[Unit], None] | None = None) -> LocatedUnit:
    """Change one live entry of a catalog, if it is still at `revision`; returns the unit as now on disk.

    Only the entry's own lines change: the rest of the file keeps its bytes and style,
    and in the usual layout (entries apart by blank lines) only those lines are read.
    Raises KeyError when there is no such entry and StaleRevision (with nothing
    written) when the entry is no longer what the editor read; `validate` sees the
    edited unit before anything is written and may raise to refuse it. The caller
    holds the workspace lock.
    """
    text = check_encoding(path, path.read_bytes())
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")  # Windows line ends throughout: kept
    if crlf:
        text = text.replace("\r\n", "\n")
    found = _block_entry(text, key)
    catalog = None
    if found is not None:
        entry, block, first_line = found
    else:  # an unusual layout: read, check and rewrite the whole catalog
        catalog = load_catalog(path, keys=True)
        entries = [e for e in catalog if not e.obsolete and (e.msgctxt or "") == key]
        if not entries:
            raise KeyError(key)
        entry, block, first_line = entries[0], (0, 0), 0
    if entry_revision(entry) != revision:
        raise StaleRevision("the unit was changed meanwhile", path=path,
                            line=first_line + (entry.linenum or 0), hint="reload it and redo the edit")
    _edited(entry, edit)
    located = _located(entry, lang, article, first_line)
    if validate is not None:
        validate(located.unit)
    if catalog is None:
        updated = text[:block[0]] + entry.__unicode__(wrapwidth=WRAP).rstrip("\n") + "\n" + text[block[1]:]
    else:
        updated = _serialize(catalog).decode("utf-8")
    write_atomic(path, (updated.replace("\n", "\r\n") if crlf else updated).encode("utf-8"))
    return located
