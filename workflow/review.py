"""The review page: one self-contained HTML file per language, for a reviewer's browser.

Articles in reading order, each unit's source beside its translation, with its state,
provenance and QA findings; for a unit whose source was edited, a word diff between
the previous source (`#| msgid`) and the current one. Inline CSS and a little inline
JavaScript filter by state and by check; nothing is loaded from anywhere. The page is
built from the catalogs only and has no date in it, so an unchanged workspace gives
the same bytes and the file is not rewritten.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import field
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .catalogs import readable_catalogs
from .confidence import confidence_of
from .errors import WorkflowError
from .files import workspace_lock, write_if_changed
from .languages import english_name, text_direction, words
from .model import Failure, State
from .qa import CHECKS, CheckReport, Finding, check_units, load_terms
from .records import mutable
from .segment import PLACEHOLDER
from .settings import Settings, check_export_path
from .status import STATES, Counts, StatusRow
from .store import LocatedUnit, load_located_units

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
_TOKEN = re.compile(r"<(?:/?\d+|\d+/)>|\w+|\s+|[^\w\s]")
_DIFF_LIMIT = 250_000  # token pairs difflib may compare (it takes time in their product)


@mutable
class ReviewReport:
    """What `review` wrote."""

    lang: str
    path: Path
    written: bool = False
    articles: int = 0
    units: int = 0
    errors: int = 0
    warnings: int = 0
    failures: list[Failure] = field(default_factory=list)
    html: str = ""


def review_path(settings: Settings, lang: str) -> Path:
    """Where the review page of a language goes by default: output/review/LANG.html."""
    return settings.output / "review" / f"{lang}.html"


def highlight(text: str) -> Markup:
    """Escaped text with its placeholders shown as tags."""
    out: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(str(escape(text[last:match.start()])))
        out.append(f'<span class="ph">{escape(match.group())}</span>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def word_diff(old: str, new: str) -> Markup:
    """The changes from `old` to `new`, word by word, as <del>/<ins> markup.

    difflib compares the tokens in time of the product of their numbers: for long
    texts, the tokens both share at the start and at the end are shown as they stand
    first, and a middle still too long to compare is shown replaced as a whole.
    """
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    shortest = min(len(before), len(after))
    long = len(before) * len(after) > _DIFF_LIMIT
    head = tail = 0
    while long and head < shortest and before[head] == after[head]:
        head += 1
    while long and tail < shortest - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    removed, added = before[head:len(before) - tail], after[head:len(after) - tail]
    opcodes: Sequence[tuple[str, int, int, int, int]]
    if len(removed) * len(added) > _DIFF_LIMIT:
        opcodes = [("replace", 0, len(removed), 0, len(added))]
    else:
        opcodes = difflib.SequenceMatcher(None, removed, added, autojunk=False).get_opcodes()
    out: list[str] = [str(highlight("".join(after[:head])))]
    for op, a1, a2, b1, b2 in opcodes:
        if op == "equal":
            out.append(str(highlight("".join(added[b1:b2]))))
            continue
        if a2 > a1:
            out.append(f"<del>{highlight(''.join(removed[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{highlight(''.join(added[b1:b2]))}</ins>")
    out.append(str(highlight("".join(after[len(after) - tail:]))))
    return Markup("".join(out))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("workflow", "templates"), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def _shown_path(settings: Settings, path: Path) -> str:
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:
        return str(path)


def _row(settings: Settings, index: int, number: int, article: str, catalog_path: Path, located: LocatedUnit,
         found: list[Finding]) -> dict[str, object]:
    unit = located.unit
    return {
        "anchor": f"u{index}-{unit.segment.key or number}",
        "number": number,
        "state": unit.state.value,
        "checks": " ".join(dict.fromkeys(f.issue.check for f in found)),
        "errors": any(f.blocking for f in found),
        "source": highlight(unit.segment.text),
        "target": highlight(unit.target),
        "diff": word_diff(unit.previous, unit.segment.text) if unit.previous else None,
        "note": unit.segment.note,
        "provenance": unit.provenance,
        "confidence": confidence_of(unit.provenance) if unit.state is not State.REVIEWED else None,
        "comment": unit.comment,
        "findings": [
            {"severity": f.issue.severity.value, "check": f.issue.check, "message": f.issue.message,
             "silenced": f.silenced}
            for f in found
        ],
        "where": f"{_shown_path(settings, catalog_path)}:{located.line} · "
                 f"{settings.source_dir}/{article}:{unit.segment.line}",
    }


def render_review(settings: Settings, lang: str, progress: Progress | None = None) -> ReviewReport:
    """The review page of a language (in `html`) and what it holds; nothing is written."""
    checks = tuple(CHECKS.values())
    report = ReviewReport(lang, review_path(settings, lang))
    try:
        terms = load_terms(settings, lang)
    except WorkflowError as exc:
        report.failures.append(Failure.of(exc))
        terms = ()
    articles: list[dict[str, object]] = []
    every: list[Finding] = []
    units: Counter[State] = Counter()
    counted: Counter[State] = Counter()
    for index, catalog in enumerate(readable_catalogs(settings, lang, report.failures, progress), 1):
        try:
            located = load_located_units(catalog.path, lang, catalog.article)
        except WorkflowError as exc:
            log.debug("failed: %s", exc)
            report.failures.append(Failure.of(exc))
            continue
        findings = check_units(catalog, located, checks, settings.source_lang, terms, settings.min_confidence)
        every += findings
        by_key: dict[str, list[Finding]] = {}
        for finding in findings:
            by_key.setdefault(finding.issue.key, []).append(finding)
        rows = [
            _row(settings, index, number, catalog.article, catalog.path, item,
                 by_key.get(item.unit.segment.key, []))
            for number, item in enumerate(located, 1)
        ]
        for item in located:
            units[item.unit.state] += 1
            counted[item.unit.state] += words(item.unit.segment.text)
        articles.append({"name": catalog.article, "path": _shown_path(settings, catalog.path), "rows": rows})
    qa = CheckReport((lang,), tuple(c.id for c in checks), findings=every)
    report.articles, report.units = len(articles), sum(units.values())
    report.errors, report.warnings = qa.errors, qa.warnings
    by_check = Counter(f.issue.check for f in every)
    totals = StatusRow(lang, None, Counts(*(units[s] for s in STATES)), Counts(*(counted[s] for s in STATES)))
    report.html = _environment().get_template("review.html.j2").render(
        lang=lang, language=english_name(lang), dir=text_direction(lang),
        source_lang=settings.source_lang, source_dir=text_direction(settings.source_lang),
        units=report.units, articles=articles, reviewed_percent=totals.reviewed_percent,
        errors=qa.errors, warnings=qa.warnings, silenced=qa.silenced,
        states=[{"value": s.value, "count": units[s]} for s in STATES],
        checks=[{"id": c.id, "count": by_check[c.id]} for c in checks],
        failures=[_failure(settings, f) for f in report.failures],
    )
    return report


def _failure(settings: Settings, failure: Failure) -> str:
    where = _shown_path(settings, failure.path) if failure.path else ""
    if where and failure.line:
        where += f":{failure.line}"
    return f"{where}: {failure.message}" if where else failure.message


def review(settings: Settings, lang: str, output: Path | None = None,
           progress: Progress | None = None) -> ReviewReport:
    """Write the review page of a language (default: output/review/LANG.html)."""
    if output is not None:
        check_export_path(settings, output, "review page", "write it elsewhere (the default is "
                          f"{review_path(settings, lang).relative_to(settings.root)})")
    with workspace_lock(settings.root, settings.lock_timeout):
        report = render_review(settings, lang, progress)
        report.path = output if output is not None else review_path(settings, lang)
        report.written = write_if_changed(report.path, report.html.encode("utf-8"))
    return report
