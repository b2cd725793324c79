"""Which PO catalogs a workspace has: one per article and language, and those whose article is gone.

Every command that reads the translations of a language (status, check, review,
serve, xliff) finds them here, so all of them agree on which catalog belongs to
which article and all report an orphan (a catalog whose source is gone) the same way.
Reading and writing one catalog is `store.py`'s concern.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .errors import WorkflowError
from .extract import Progress, article_name, find_sources, orphan_failure
from .model import Failure
from .records import frozen
from .settings import Settings
from .store import iter_catalogs


@frozen
class CatalogFile:
    """The PO catalog of one article in one language."""

    lang: str
    article: str  # path under source/ (for a catalog whose source is gone: its path under locales/LANG/)
    path: Path
    orphan: bool = False  # its article is gone from source/: reported, not read


def find_catalogs(settings: Settings, lang: str) -> list[CatalogFile]:
    """The catalogs of a language, sorted by article."""
    folder = settings.locales / lang
    if not folder.is_dir():
        return []
    articles: dict[Path, str] = {}
    if settings.source.is_dir():
        for source in find_sources(settings):
            name = article_name(settings, source)
            articles[settings.catalog(name, lang)] = name
    # the catalogs found in the folder, and each article's own where the search does not enter (a linked
    # subfolder: pretranslate and publish, which go by the articles, use it, so every command does)
    paths = dict.fromkeys(iter_catalogs(folder))
    paths.update((path, None) for path in articles if path not in paths and path.is_file())
    found = [
        CatalogFile(lang, articles.get(path) or path.relative_to(folder).with_suffix("").as_posix(), path,
                    path not in articles)
        for path in paths
    ]
    return sorted(found, key=lambda c: c.article)


def readable_catalogs(settings: Settings, lang: str, failures: list[Failure],
                      progress: Progress | None = None) -> Iterator[CatalogFile]:
    """The catalogs of a language whose article still exists; orphans go to `failures`."""
    for catalog in find_catalogs(settings, lang):
        if progress:
            progress(str(catalog.path))
        if catalog.orphan:
            failures.append(orphan_failure(settings, catalog.path))
            continue
        yield catalog


def article_names(settings: Settings) -> list[str]:
    """The articles of source/ (the ones under another name elsewhere are extract's to report)."""
    names: list[str] = []
    for path in find_sources(settings) if settings.source.is_dir() else ():
        try:
            names.append(article_name(settings, path))
        except WorkflowError:
            continue
    return names


def missing_catalogs(settings: Settings, lang: str, articles: list[str]) -> Failure | None:
    """A failure when some of `articles` have no catalog in `lang` (never extracted into it): what
    counts or checks that language's catalogs would leave them out and look done."""
    missing = sum(1 for name in articles if not settings.catalog(name, lang).is_file())
    if not missing:
        return None
    return Failure(f"{missing} of {len(articles)} article(s) have no {lang} catalog yet",
                   settings.locales / lang,
                   hint=f"run `workflow extract` (with the same languages) to create the {lang} catalogs")
