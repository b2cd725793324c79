"""Status: units and words in each state, per language and article. Reads catalogs only.

The states are the PO file's own (see `store.entry_state`): an empty msgstr is new;
a fuzzy entry is changed when it keeps the previous source in `#|`, machine when its
provenance comment says an engine wrote it (and its seal, if any, matches the target),
else needs-work (a translator marked it fuzzy by hand, or changed the engine's words);
any other is reviewed. Words are the source's words, counted as
`publish` counts them, so "percent reviewed" here is the figure the `threshold`
publishing policy compares.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import field, fields
from pathlib import Path

from .catalogs import article_names, missing_catalogs, readable_catalogs
from .confidence import band
from .errors import WorkflowError
from .extract import ExtractCache
from .languages import words
from .model import Failure, State
from .records import frozen, mutable
from .settings import Settings
from .store import EntryBrief, scan_catalog

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
STATES = (State.NEW, State.MACHINE, State.NEEDS_WORK, State.CHANGED, State.REVIEWED)


@frozen
class Counts:
    """A number for each state."""

    new: int = 0
    machine: int = 0
    needs_work: int = 0
    changed: int = 0
    reviewed: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def of(self, state: State) -> int:
        return int(getattr(self, state.name.lower()))

    @property
    def total(self) -> int:
        return self.new + self.machine + self.needs_work + self.changed + self.reviewed

    def as_dict(self) -> dict[str, int]:
        return {**{state.value: self.of(state) for state in STATES}, "total": self.total}


@frozen
class Bands:
    """Machine units (fuzzy, not yet reviewed) by the confidence their provenance records."""

    low: int = 0
    medium: int = 0
    high: int = 0
    unrated: int = 0  # no confidence recorded (older output, pseudo-translation)

    def __add__(self, other: Bands) -> Bands:
        return Bands(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def as_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


@frozen
class StatusRow:
    """Units and words in each state for an article, or a total (article None)."""

    lang: str | None  # None: every language
    article: str | None  # None: a total row
    units: Counts
    words: Counts
    confidence: Bands = Bands()

    @property
    def reviewed_percent(self) -> float:
        """Percent of the words reviewed, rounded down to 0.1 (so 99.96 % never shows as 100)."""
        if not self.words.total:
            return 100.0 if self.units.reviewed == self.units.total else 0.0
        return math.floor(1000 * self.words.reviewed / self.words.total) / 10

    def __add__(self, other: StatusRow) -> StatusRow:
        lang = self.lang if self.lang == other.lang else None
        return StatusRow(lang, None, self.units + other.units, self.words + other.words,
                         self.confidence + other.confidence)


@mutable
class StatusReport:
    """Per-article rows, a total per language and an overall total."""

    languages: tuple[str, ...] = ()
    rows: list[StatusRow] = field(default_factory=list)
    totals: list[StatusRow] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def total(self) -> StatusRow:
        row = StatusRow(None, None, Counts(), Counts())
        for total in self.totals:
            row = row + total
        return StatusRow(None, None, row.units, row.words, row.confidence)


@frozen
class Tally:
    """Units and words in each state, in one catalog."""

    units: Counts
    words: Counts
    confidence: Bands = Bands()


def tally(path: Path) -> Tally:
    """Count the units and words in each state of one catalog."""
    return _counted(scan_catalog(path))


def _counted(entries: Sequence[EntryBrief]) -> Tally:
    units = [0] * len(STATES)
    counted = [0] * len(STATES)
    index = {state: number for number, state in enumerate(STATES)}
    bands = dict.fromkeys(Bands.__dataclass_fields__, 0)
    for entry in entries:
        number = index[entry.state]
        units[number] += 1
        counted[number] += words(entry.source)
        if entry.state is State.MACHINE:
            bands["unrated" if entry.confidence is None else band(entry.confidence)] += 1
    return Tally(Counts(*units), Counts(*counted), Bands(**bands))


def status(settings: Settings, langs: Sequence[str], progress: Progress | None = None) -> StatusReport:
    """Count units and words in each state for every catalog of the given languages."""
    report = StatusReport(tuple(langs))
    articles = article_names(settings)
    extracted = ExtractCache.load(settings)  # each article's unit count when last extracted
    for lang in langs:
        missing = missing_catalogs(settings, lang, articles)
        if missing:  # their units are in no count: the language's percent would be a lie
            report.failures.append(missing)
        total = StatusRow(lang, None, Counts(), Counts())
        for catalog in readable_catalogs(settings, lang, report.failures, progress):
            try:
                entries = scan_catalog(catalog.path)
            except WorkflowError as exc:
                log.debug("failed: %s", exc)
                report.failures.append(Failure.of(exc))
                continue
            expected = extracted.units(catalog.article) or 0
            if expected > len(entries):  # entries deleted in an editor: counted as new, and reported
                report.failures.append(Failure(
                    f"{expected - len(entries)} of the article's {expected} unit(s) have no entry in "
                    "this catalog (deleted in an editor?): counted as new", catalog.path,
                    hint="run `workflow extract` to put them back"))
                entries = [*entries, *_missing(entries, settings.catalog(catalog.article, None))]
            counts = _counted(entries)
            row = StatusRow(lang, catalog.article, counts.units, counts.words, counts.confidence)
            report.rows.append(row)
            total = total + row
        report.totals.append(StatusRow(lang, None, total.units, total.words, total.confidence))
    return report


def _missing(entries: Sequence[EntryBrief], template: Path) -> list[EntryBrief]:
    """The units of a catalog's template that have no entry in it, as new (read only for such a catalog;
    none when the template cannot be read)."""
    present = {entry.key for entry in entries}
    try:
        return [entry for entry in scan_catalog(template) if entry.key not in present]  # (a template's: new)
    except WorkflowError:
        return []


def report_json(report: StatusReport) -> dict[str, object]:
    """The report as JSON-ready data."""

    def row(r: StatusRow) -> dict[str, object]:
        return {"lang": r.lang, "article": r.article, "units": r.units.as_dict(), "words": r.words.as_dict(),
                "reviewed_percent": r.reviewed_percent, "confidence": r.confidence.as_dict()}

    return {
        "languages": list(report.languages),
        "articles": [row(r) for r in report.rows],
        "totals": [row(r) for r in report.totals],
        "total": row(report.total),
        "failures": [{"message": f.message, "path": str(f.path) if f.path else None, "line": f.line,
                      "hint": f.hint} for f in report.failures],
    }


@frozen
class TableLine:
    """A line of the status table: its text (aligned) and how to show it."""

    text: str
    tone: str  # "header", "done" (all reviewed), "partial", "none" (nothing reviewed), "total"


def table(report: StatusReport) -> list[TableLine]:
    """The status as an aligned text table; each state's cell is `units/words`."""
    header = ["lang", "article", *(s.value for s in STATES), "total", "reviewed"]
    body: list[tuple[list[str], str]] = []

    def cells(r: StatusRow, lang: str, article: str, tone: str) -> tuple[list[str], str]:
        counts = [f"{r.units.of(s)}/{r.words.of(s)}" for s in STATES]
        total = f"{r.units.total}/{r.words.total}"
        return [lang, article, *counts, total, f"{r.reviewed_percent:.1f}%"], tone

    for lang, total in zip(report.languages, report.totals):
        for r in (r for r in report.rows if r.lang == lang):
            tone = "done" if r.reviewed_percent >= 100 else "none" if not r.units.reviewed else "partial"
            body.append(cells(r, lang, r.article or "", tone))
        body.append(cells(total, lang, "total", "total"))
    if len(report.languages) > 1:
        body.append(cells(report.total, "all", "total", "total"))
    widths = [max(len(row[i]) for row in [header, *(b[0] for b in body)]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            value.ljust(width) if index < 2 else value.rjust(width)
            for index, (value, width) in enumerate(zip(row, widths))
        ).rstrip()

    return [TableLine(line(header), "header"), *(TableLine(line(row), tone) for row, tone in body)]
