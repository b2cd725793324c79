"""Catalogs on disk: the only module that knows about polib and PO entries.

Updating a catalog works like `msgmerge --previous`: a unit whose text is unchanged
keeps everything; an edited unit gets the translation of its nearest old unit as a
fuzzy suggestion with the old text in `#| msgid`; removed units that carried any
work become obsolete `#~` entries. Files are written only when their content
changes, atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import polib
from babel.core import UnknownLocaleError
from babel.messages.plurals import get_plural
from rapidfuzz import fuzz, process

from . import __version__
from .errors import CatalogError
from .files import write_if_changed
from .model import CatalogChange, Segment, State, Unit

FUZZY_CUTOFF = 65.0  # rapidfuzz ratio, 0-100: like msgmerge's fuzzy threshold
PROVENANCE = "workflow: "  # translator-comment prefix that records where a target came from
WRAP = 79  # what GNU msgmerge uses, so a msgmerge run changes nothing
_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


@dataclass(frozen=True, slots=True)
class TargetUpdate:
    """A translation to put into a catalog (by pretranslate)."""

    target: str
    provenance: str
    fuzzy: bool = True


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    )
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def plural_forms(lang: str) -> str:
    try:
        return get_plural(lang).plural_forms
    except UnknownLocaleError:
        return "nplurals=2; plural=(n != 1);"


def load_catalog(path: Path) -> polib.POFile:
    """Read a PO/POT file, wrapping polib's errors with the file and line."""
    if not path.is_file():
        raise CatalogError("catalog not found", path=path, hint="run `workflow extract` first")
    try:
        return polib.pofile(str(path), wrapwidth=WRAP, check_for_duplicates=True)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        text = str(exc)
        match = _SYNTAX_LINE.search(text)
        raise CatalogError(
            f"cannot read catalog: {text}", path=path, line=int(match.group(1)) if match else None,
            hint="fix the file in a PO editor (msgfmt --check shows the problem) or restore it from version control",
        ) from None


def _header(lang: str | None, article: str, old: Mapping[str, str], date: str) -> dict[str, str]:
    header = {
        "Project-Id-Version": f"workflow {article}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "PO-Revision-Date": old.get("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE" if lang is None else date),
        "Last-Translator": old.get("Last-Translator", "FULL NAME <EMAIL@ADDRESS>" if lang is None else ""),
        "Language-Team": old.get("Language-Team", "LANGUAGE <LL@li.org>" if lang is None else lang),
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang is not None:
        header["Plural-Forms"] = plural_forms(lang)
    header["X-Generator"] = f"workflow {__version__}"
    return header


def _fresh_entry(segment: Segment, source_root: str) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=segment.key,
        msgid=segment.text,
        msgstr="",
        occurrences=[(f"{source_root}/{segment.article}", str(segment.line))],
        comment=segment.note,
    )


def _merge(segments: list[Segment], old: polib.POFile | None, source_root: str) -> tuple[list[polib.POEntry], CatalogChange]:
    entries: list[polib.POEntry] = []
    previous = {e.msgctxt: e for e in (old or []) if not e.obsolete}
    retired = {e.msgctxt: e for e in (old.obsolete_entries() if old else [])}
    used: set[str] = set()
    added = kept = fuzzy = 0
    pending: list[int] = []
    for segment in segments:
        entry = _fresh_entry(segment, source_root)
        match = previous.get(segment.key) or retired.get(segment.key)
        if match is not None and match.msgid == segment.text:
            used.add(segment.key)
            entry.msgstr = match.msgstr
            entry.flags = list(match.flags)
            entry.tcomment = match.tcomment
            entry.previous_msgid = match.previous_msgid
            entry.previous_msgctxt = match.previous_msgctxt
            kept += 1
        else:
            pending.append(len(entries))
        entries.append(entry)
    donors = [e for key, e in {**retired, **previous}.items() if key not in used and e.msgstr]
    choices = [e.msgid for e in donors]
    taken: set[str] = set()
    for index in pending:
        entry = entries[index]
        best = process.extractOne(entry.msgid, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF) if choices else None
        if best is None:
            added += 1
            continue
        donor = donors[best[2]]
        taken.add(donor.msgctxt)
        entry.msgstr = donor.msgstr
        entry.flags = sorted(set(donor.flags) | {"fuzzy"})
        entry.tcomment = donor.tcomment
        entry.previous_msgid = donor.msgid
        entry.previous_msgctxt = donor.msgctxt
        fuzzy += 1
    obsolete = 0
    for key, donor in {**retired, **previous}.items():
        if key in used or key in {e.msgctxt for e in entries}:
            continue
        if donor.msgstr or donor.tcomment:
            donor.obsolete = True
            donor.occurrences = []
            entries.append(donor)
            obsolete += 1
    change = CatalogChange(Path(), False, added=added, kept=kept, fuzzy=fuzzy, obsolete=obsolete)
    return entries, change


def _render(entries: list[polib.POEntry], header: dict[str, str]) -> bytes:
    catalog = polib.POFile(wrapwidth=WRAP, check_for_duplicates=False)
    catalog.metadata = header
    catalog.extend(entries)
    return str(catalog).encode("utf-8") + b"\n"


def update_catalog(path: Path, segments: list[Segment], lang: str | None, article: str, source_root: str) -> CatalogChange:
    """Create or update the POT (lang None) or PO catalog of one article."""
    old = load_catalog(path) if path.exists() else None
    if lang is None:
        entries = [_fresh_entry(s, source_root) for s in segments]
        change = CatalogChange(path, False, added=len(entries))
    else:
        entries, change = _merge(segments, old, source_root)
    old_header = dict(old.metadata) if old else {}
    date = old_header.get("POT-Creation-Date") or _now()
    data = _render(entries, _header(lang, article, old_header, date))
    if old is not None and path.read_bytes() != data:
        # the content changed: give it a new creation date
        data = _render(entries, _header(lang, article, old_header, _now()))
    written = write_if_changed(path, data)
    return CatalogChange(path, written, change.added, change.kept, change.fuzzy, change.obsolete)


def entry_state(entry: polib.POEntry) -> State:
    """The state of an entry, read from the PO conventions only."""
    if not entry.msgstr:
        return State.NEW
    if "fuzzy" in entry.flags:
        return State.CHANGED if entry.previous_msgid else State.MACHINE
    return State.REVIEWED


def _provenance(entry: polib.POEntry) -> str:
    for line in (entry.tcomment or "").splitlines():
        if line.startswith(PROVENANCE):
            return line[len(PROVENANCE):]
    return ""


def load_units(path: Path, lang: str, article: str) -> list[Unit]:
    """The units of an article's PO catalog (obsolete entries left out)."""
    units: list[Unit] = []
    for entry in load_catalog(path):
        if entry.obsolete:
            continue
        _, line = entry.occurrences[0] if entry.occurrences else ("", "0")
        segment = Segment(
            key=entry.msgctxt or "", article=article, text=entry.msgid,
            line=int(line) if line.isdigit() else 0, note=entry.comment or "",
        )
        comment = "\n".join(l for l in (entry.tcomment or "").splitlines() if not l.startswith(PROVENANCE))
        units.append(Unit(segment, lang, entry.msgstr, entry_state(entry), entry.previous_msgid or "",
                          _provenance(entry), comment))
    return units


def apply_targets(path: Path, updates: Mapping[str, TargetUpdate], *, replace_machine: bool = False) -> int:
    """Fill units of a catalog; returns how many changed.

    A non-empty target is never replaced, except a still-fuzzy machine target when
    `replace_machine` is set; reviewed units are never touched.
    """
    catalog = load_catalog(path)
    changed = 0
    for entry in catalog:
        update = updates.get(entry.msgctxt or "")
        if entry.obsolete or update is None:
            continue
        state = entry_state(entry)
        if state is State.REVIEWED or (state is not State.NEW and not (replace_machine and state is State.MACHINE)):
            continue
        entry.msgstr = update.target
        if update.fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        kept = [l for l in (entry.tcomment or "").splitlines() if not l.startswith(PROVENANCE)]
        entry.tcomment = "\n".join([*kept, PROVENANCE + update.provenance])
        changed += 1
    if changed:
        write_if_changed(path, str(catalog).encode("utf-8") + b"\n")
    return changed


def catalog_targets(path: Path) -> dict[str, tuple[str, State]]:
    """key -> (target, state) for assembling a localized document."""
    return {
        entry.msgctxt or "": (entry.msgstr, entry_state(entry))
        for entry in load_catalog(path)
        if not entry.obsolete
    }


def iter_catalogs(folder: Path, suffix: str = ".po") -> Iterable[Path]:
    return sorted(p for p in folder.rglob(f"*{suffix}") if p.is_file())
