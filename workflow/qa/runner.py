"""Running the checks over catalogs: catalogs -> findings, and the report.

Reads catalogs only; never writes a file.

`run_checks` runs the selected checks over every translated unit of the chosen
languages. A unit silences checks for itself with a translator comment (a `# ` line in
the PO file, which every PO editor shows and edits):

    # workflow-ignore: numbers, glossary

(`all` silences every check). Silenced findings are still reported, marked, and
never make `workflow check` fail.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path

from ..catalogs import CatalogFile, article_names, missing_catalogs, readable_catalogs
from ..errors import WorkflowError
from ..glossary import Term, load_glossary
from ..model import Failure, Issue, Severity, State, Unit
from ..records import frozen, mutable
from ..settings import Settings
from ..store import LocatedUnit, load_located_units
from .registry import CHECKS, Check, CheckContext

log = logging.getLogger(__name__)
IGNORE = "workflow-ignore:"
Progress = Callable[[str], None]


def ignored(comment: str) -> frozenset[str]:
    """The check ids a translator comment silences (`workflow-ignore: numbers, glossary`; `all`)."""
    ids: set[str] = set()
    for line in comment.splitlines():
        line = line.strip()
        if line.lower().startswith(IGNORE):
            ids.update(i for i in re.split(r"[\s,]+", line[len(IGNORE):].strip().lower()) if i)
    return frozenset(ids)


def check_unit(unit: Unit, checks: Sequence[Check], *, source_lang: str = "en",
               terms: tuple[Term, ...] = (), min_confidence: int = 0) -> list[Issue]:
    """The issues of one unit (none for an untranslated one)."""
    if not unit.target:
        return []
    context = CheckContext(unit.lang, source_lang, unit.segment.key, unit.state, terms, unit.provenance,
                           min_confidence)
    return [issue for c in checks if (issue := c(unit.segment.text, unit.target, context)) is not None]


@frozen
class Finding:
    """An issue with where it is: the PO file and line of the unit, and its source line."""

    issue: Issue
    lang: str
    article: str
    path: Path
    line: int
    source_line: int
    state: State
    silenced: bool = False

    @property
    def blocking(self) -> bool:
        """An error that no `workflow-ignore` comment silences."""
        return self.issue.severity is Severity.ERROR and not self.silenced


@mutable
class CheckReport:
    """What `check` found."""

    languages: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    catalogs: int = 0
    units: int = 0  # translated units checked
    findings: list[Finding] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.blocking)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.issue.severity is Severity.WARNING and not f.silenced)

    @property
    def silenced(self) -> int:
        return sum(1 for f in self.findings if f.silenced)


def load_terms(settings: Settings, lang: str) -> tuple[Term, ...]:
    """The workspace's glossary for a language, as the checks see it (empty when there is none)."""
    return load_glossary(settings, lang).terms


def check_units(catalog: CatalogFile, located: Sequence[LocatedUnit], checks: Sequence[Check],
                source_lang: str, terms: tuple[Term, ...], min_confidence: int = 0) -> list[Finding]:
    """The findings of a catalog's units (untranslated units are not checked)."""
    findings: list[Finding] = []
    for item in located:
        unit = item.unit
        if not unit.target:
            continue
        silenced = ignored(unit.comment)
        unknown = silenced - set(CHECKS) - {"all"}
        if unknown:
            log.warning("%s:%s: workflow-ignore names unknown check(s) %s", catalog.path, item.line,
                        ", ".join(sorted(unknown)))
        for issue in check_unit(unit, checks, source_lang=source_lang, terms=terms,
                                min_confidence=min_confidence):
            findings.append(Finding(
                issue, catalog.lang, catalog.article, catalog.path, item.line, unit.segment.line,
                unit.state, silenced=issue.check in silenced or "all" in silenced,
            ))
    return findings


def check_catalog(catalog: CatalogFile, checks: Sequence[Check], source_lang: str,
                  terms: tuple[Term, ...], report: CheckReport, min_confidence: int = 0) -> None:
    """Add the findings of one catalog to a report."""
    located = load_located_units(catalog.path, catalog.lang, catalog.article)
    report.catalogs += 1
    report.units += sum(1 for item in located if item.unit.target)
    report.findings += check_units(catalog, located, checks, source_lang, terms, min_confidence)


def run_checks(settings: Settings, langs: Sequence[str], checks: Sequence[Check] | None = None,
               progress: Progress | None = None) -> CheckReport:
    """Check every translated unit of the given languages; catalogs that cannot be read are failures."""
    chosen = tuple(CHECKS.values()) if checks is None else tuple(checks)
    report = CheckReport(tuple(langs), tuple(c.id for c in chosen))
    articles = article_names(settings)
    for lang in langs:
        missing = missing_catalogs(settings, lang, articles)  # unchecked: `check && publish` must not pass
        if missing:
            report.failures.append(missing)
        try:
            terms = load_terms(settings, lang)
        except WorkflowError as exc:
            report.failures.append(Failure.of(exc))
            terms = ()
        for catalog in readable_catalogs(settings, lang, report.failures, progress):
            try:
                check_catalog(catalog, chosen, settings.source_lang, terms, report, settings.min_confidence)
            except WorkflowError as exc:
                log.debug("failed: %s", exc)
                report.failures.append(Failure.of(exc))
    return report


def report_json(report: CheckReport, root: Path | None = None) -> dict[str, object]:
    """The report as JSON-ready data (paths relative to `root` when given)."""

    def shown(path: Path | None) -> str | None:
        if path is None:
            return None
        if root is not None and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
        return str(path)

    return {
        "languages": list(report.languages),
        "checks": list(report.checks),
        "catalogs": report.catalogs,
        "units": report.units,
        "errors": report.errors,
        "warnings": report.warnings,
        "silenced": report.silenced,
        "findings": [
            {"lang": f.lang, "article": f.article, "path": shown(f.path), "line": f.line,
             "source_line": f.source_line, "key": f.issue.key, "state": f.state.value, "check": f.issue.check,
             "severity": f.issue.severity.value, "message": f.issue.message, "silenced": f.silenced}
            for f in report.findings
        ],
        "failures": [
            {"message": f.message, "path": shown(f.path), "line": f.line, "hint": f.hint}
            for f in report.failures
        ],
    }

