"""Extraction: source/ articles -> POT templates and per-language PO catalogs."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

from .errors import SourceError, WorkflowError
from .files import workspace_lock
from .formats import html, text, xml
from .model import Article, Failure, StageReport
from .settings import Settings
from .store import update_catalog

log = logging.getLogger(__name__)

READERS: dict[str, Callable[[bytes, str, str], Article]] = {
    ".txt": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".xml": xml.read,
}
Progress = Callable[[str], None]


def article_name(settings: Settings, path: Path) -> str:
    """The article's path under source/, as used in catalogs."""
    try:
        return path.resolve().relative_to(settings.source.resolve()).as_posix()
    except ValueError:
        raise SourceError(f"not under the workspace's {settings.source_dir}/ folder", path=path,
                          hint=f"put articles in {settings.source}") from None


def read_article(settings: Settings, path: Path) -> Article:
    """Read one source file with the reader for its extension."""
    name = article_name(settings, path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(f"unknown source format {path.suffix or '(no extension)'!r}", path=path,
                          hint=f"source files must end in {', '.join(sorted(READERS))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path=path) from None
    return reader(data, name, settings.segmentation)


def find_sources(settings: Settings, paths: Sequence[Path] = ()) -> list[Path]:
    """The source files to process: the given files and folders, or all of source/."""
    roots = list(paths) or [settings.source]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif root.exists():
            found.append(root)
        else:
            raise SourceError("no such file or folder", path=root)
    return sorted(set(found))


def _collisions(settings: Settings, sources: list[Path]) -> dict[Path, str]:
    """Sources whose catalogs would share a name (`a.txt` and `a.html`)."""
    stems = Counter(Path(article_name(settings, p)).with_suffix("") for p in sources)
    return {
        p: f"{p.name} and another source share the catalog name {Path(article_name(settings, p)).stem}"
        for p in sources
        if stems[Path(article_name(settings, p)).with_suffix("")] > 1
    }


def extract(settings: Settings, paths: Sequence[Path] = (), progress: Progress | None = None) -> StageReport:
    """Create or update the POT and PO catalogs of every source article."""
    report = StageReport()
    with workspace_lock(settings.root, settings.lock_timeout):
        sources = find_sources(settings, paths)
        clashes = _collisions(settings, sources)
        for path in sources:
            if progress:
                progress(str(path))
            try:
                if path in clashes:
                    raise SourceError(clashes[path], path=path, hint="rename one of the two files")
                extract_article(settings, read_article(settings, path), report)
            except WorkflowError as exc:
                log.debug("failed: %s", exc)
                report.failures.append(Failure(exc.message, exc.path, exc.line, exc.hint))
    return report


def extract_article(settings: Settings, article: Article, report: StageReport) -> None:
    """Write the template and update every language's catalog of one article."""
    segments = article.segments()
    source_root = settings.source_dir
    report.articles += 1
    report.units += len(segments)
    for lang in (None, *settings.languages):
        report.changes.append(
            update_catalog(settings.catalog(article.path, lang), segments, lang, article.path, source_root)
        )
