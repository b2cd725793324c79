"""Extraction: source/ articles -> POT templates and per-language PO catalogs.

Each article is read by the reader for its extension, split into units, and its
catalogs are created or merged (see store.py). Catalogs are written only when
their content changes. A small cache (`.workflow/extract-cache.json` in the
workspace) remembers, per article, the hash of its source and the size and
modification time of its catalogs: when none of them changed since the last
extract, the article is not read again. Deleting the cache, or `--force`, only
costs time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter, deque
from dataclasses import field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from . import __version__, segment, segment_cache
from .errors import SourceError, WorkflowError
from .files import BatchWriter, read_regular, workspace_lock, write_if_changed
from .formats import html, text, xml
from .model import Article, CatalogChange, Failure, StageReport
from .names import check_name
from .records import frozen, mutable
from .settings import Settings
from .store import CatalogPlan, iter_catalogs, plan_catalog

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger(__name__)

READERS: dict[str, Callable[[bytes, str, str], Article]] = {
    ".txt": text.read,
    ".html": html.read,
    ".htm": html.read,
    ".xml": xml.read,
}
Progress = Callable[[str], None]
CACHE_FILE = Path(".workflow") / "extract-cache.json"
CACHE_FORMAT = 2


def article_name(settings: Settings, path: Path, source: Path | None = None) -> str:
    """The article's path under source/, as used in catalogs.

    `source` is the source folder resolved, for callers that name many articles (resolving
    a path costs a system call per folder on the way).
    """
    return _relative(settings, path, path.resolve(), source or settings.source.resolve())


def _relative(settings: Settings, path: Path, real: Path, source: Path) -> str:
    """article_name of `path`, whose real path is `real`, `source` being the source folder resolved."""
    try:
        return real.relative_to(source).as_posix()
    except ValueError:
        raise SourceError(f"not under the workspace's {settings.source_dir}/ folder", path=path,
                          hint=f"put articles in {settings.source}") from None


MAX_SOURCE_BYTES = 10 * 1024 * 1024  # news articles are far smaller; this bounds time and memory


def read_source(path: Path) -> bytes:
    """The bytes of a source file; refuses files over MAX_SOURCE_BYTES, and pipes or devices unread."""
    return read_regular(path, MAX_SOURCE_BYTES, "an article", SourceError,
                        hint="split it into articles, or check that it is the right file")


def parse_article(settings: Settings, path: Path, data: bytes, name: str | None = None) -> Article:
    """Read one source file's bytes with the reader for its extension (`name`: its article_name)."""
    name = name or article_name(settings, path)
    check_name(name, path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(f"unknown source format {path.suffix or '(no extension)'!r}", path=path,
                          hint=f"source files must end in {', '.join(sorted(READERS))}")
    try:
        if reader is html.read:
            return html.read(data, name, settings.segmentation, html_elements(settings))
        if reader is xml.read:
            return xml.read(data, name, settings.segmentation, settings.source_lang)
        return reader(data, name, settings.segmentation)
    except WorkflowError as exc:
        if exc.path is not None and not exc.path.is_absolute():
            exc.path = path  # readers name the article; report the file itself
        raise


def html_elements(settings: Settings) -> html.Elements:
    """The HTML reader's element lists, from the settings."""
    return html.Elements(settings.html_inline, settings.html_untranslated, settings.html_untranslated_classes,
                         settings.skip_selectors, settings.source_lang)


def read_article(settings: Settings, path: Path) -> Article:
    """Read one source file with the reader for its extension."""
    if path.suffix.lower() not in READERS:
        return parse_article(settings, path, b"")
    return parse_article(settings, path, read_source(path))


def find_sources(settings: Settings, paths: Sequence[Path] = ()) -> list[Path]:
    """The source files to process: the given files and folders, or all of source/."""
    return list(_find_sources(settings, paths))


Found = dict[Path, "Path | None"]  # sources in order, each with its real path when the search knows it


def _find_sources(settings: Settings, paths: Sequence[Path] = ()) -> Found:
    """find_sources, each with its real path (symbolic links resolved) when known without asking the
    system: a file found in a folder (resolved once) that is not a symbolic link, nor under one."""
    roots = list(paths) or [settings.source]
    found: Found = {}
    links: set[Path] = set()
    for root in roots:
        if root.is_dir():
            real_root = root.resolve()
            for path, real, link in _walk(root, real_root):
                found[path] = None if link else real
                if link:
                    links.add(path)
        elif root.exists():
            found[root] = None
            if root.is_symlink():
                links.add(root)
        else:
            raise SourceError("no such file or folder", path=root,
                              hint=f"check the path; articles go in {settings.source}")
    return {path: found[path] for path in _without_aliases(sorted(found), links)}


def _walk(root: Path, real_root: Path) -> Iterator[tuple[Path, Path, bool]]:
    """The files under `root`, each with its path under `real_root` and whether it is a symbolic link.

    As `root.rglob("*")` keeping files (symbolic links to files included), less hidden ones (a
    name starting with a dot, or under such a folder); folders that are symbolic links are not
    entered. Unlike rglob, it asks the system nothing per file but symbolic links (the kind of
    each entry comes with its folder's listing).
    """
    folders = [(root, real_root)]
    while folders:
        folder, real_folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:  # as rglob: an unreadable folder is passed over
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((folder / entry.name, real_folder / entry.name))
            elif entry.is_file():  # a regular file, or a link to one
                yield folder / entry.name, real_folder / entry.name, entry.is_symlink()


def _without_aliases(paths: list[Path], links: set[Path]) -> list[Path]:
    """The paths less symbolic links (`links`) to a file that is also in the list (or linked to twice).

    An alias would read the same article under the same catalog name twice; it is
    skipped with a warning and the article itself is processed as usual. Files are
    told apart by device and inode (a stat each: resolving every path costs far more;
    none when there are no links).
    """
    if not links:
        return paths

    def identity(path: Path) -> tuple[int, int] | None:
        try:
            info = path.stat()
        except OSError:  # a dangling link or a loop: reading it reports the problem
            return None
        return info.st_dev, info.st_ino

    owners: dict[tuple[int, int], Path] = {}
    for path in paths:
        key = None if path in links else identity(path)
        if key is not None:
            owners.setdefault(key, path)
    kept: list[Path] = []
    for path in paths:  # sorted: of several links to one file not listed itself, the first is kept
        key = identity(path) if path in links else None
        if key is not None and key in owners:
            log.warning("%s: skipped, a symbolic link to the article %s (extracted under its own name)",
                        path, owners[key])
            continue
        if key is not None:
            owners[key] = path
        kept.append(path)
    return kept


Named = dict[Path, "str | SourceError"]  # each source's article_name, or why it has none


def _article_names(settings: Settings, sources: Found) -> Named:
    """article_name of every source, worked out once (the source folder resolved once; a source's real
    path, when the search knows it, used as it is)."""
    source = settings.source.resolve()
    names: Named = {}
    for path, real in sources.items():
        try:
            names[path] = article_name(settings, path, source) if real is None else _relative(settings, path,
                                                                                            real, source)
        except SourceError as exc:
            names[path] = exc
    return names


def _name(names: Named, path: Path) -> str:
    """The article name of a source, or its SourceError raised."""
    name = names[path]
    if isinstance(name, SourceError):
        raise name
    return name


def _collisions(names: Named) -> dict[Path, str]:
    """Sources whose catalogs would share a name (`a.txt` and `a.html`)."""
    stems: Counter[Path] = Counter()
    stem_of: dict[Path, Path] = {}
    for path, name in names.items():
        if isinstance(name, SourceError):
            continue  # reported when the file itself is processed
        stem_of[path] = Path(name).with_suffix("")
        stems[stem_of[path]] += 1
    return {
        path: f"{path.name} and another source share the catalog name {stem.name}"
        for path, stem in stem_of.items()
        if stems[stem] > 1
    }


@mutable
class ExtractCache:
    """What the last extract saw, per article: [source hash, unit count, hash of its catalogs' stats].

    A few dozen bytes an article, so that even 100,000 articles keep it small.
    """

    path: Path
    fingerprint: str
    articles: dict[str, list[object]] = field(default_factory=dict)

    @classmethod
    def load(cls, settings: Settings) -> ExtractCache:
        path = settings.root / CACHE_FILE
        fingerprint = _fingerprint(settings)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None  # no cache, or a damaged one: start afresh
        if (isinstance(data, dict) and data.get("fingerprint") == fingerprint
                and isinstance(data.get("articles"), dict)):
            return cls(path, fingerprint, data["articles"])
        return cls(path, fingerprint)

    def known(self, name: str, catalogs: list[Path]) -> bool:
        """Whether the article was seen and its catalogs are as the last extract left them (stats only)."""
        entry = self.articles.get(name)
        return (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], int)
                and entry[2] == _stats(catalogs))

    def units(self, name: str) -> int | None:
        """An article's unit count when it was last extracted (None: not known)."""
        entry = self.articles.get(name)
        return entry[1] if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], int) else None

    def fresh(self, name: str, digest: str) -> int | None:
        """The unit count of a `known` article whose source is as last seen (`digest`), else None."""
        digest_seen, units, _ = self.articles[name]
        return units if digest_seen == digest and isinstance(units, int) else None

    def record(self, name: str, digest: str, units: int, catalogs: list[Path]) -> None:
        self.articles[name] = [digest, units, _stats(catalogs)]

    def forget(self, name: str) -> None:
        self.articles.pop(name, None)

    def save(self) -> None:
        data = {"format": CACHE_FORMAT, "fingerprint": self.fingerprint,
                "articles": dict(sorted(self.articles.items()))}
        text = json.dumps(data, separators=(",", ":")).replace('],"', '],\n"')  # one article a line
        write_if_changed(self.path, (text + "\n").encode("utf-8"))


def _fingerprint(settings: Settings) -> str:
    """What, besides the source, decides the catalogs' content."""
    parts = [CACHE_FORMAT, __version__, str(settings.root), settings.source_lang, settings.languages,
             settings.segmentation, settings.source_dir, settings.locales_dir, html_elements(settings),
             os.environ.get("SOURCE_DATE_EPOCH", "")]
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def _stats(catalogs: list[Path]) -> str:
    """A hash of the catalogs' size, modification time and inode (any missing file changes it)."""
    stats: list[object] = []
    for path in catalogs:
        try:
            info = path.stat()
        except OSError:
            stats.append(None)
            continue
        stats.append((info.st_size, info.st_mtime_ns, info.st_ino))
    return hashlib.sha1(repr(stats).encode("ascii")).hexdigest()[:16]


def extract(
    settings: Settings, paths: Sequence[Path] = (), progress: Progress | None = None, *, force: bool = False
) -> StageReport:
    """Create or update the POT and PO catalogs of every source article.

    Every file is processed; the ones that fail are listed in the report's
    failures. Articles whose source and catalogs are as the last extract left
    them are skipped, unless `force` is set. Large batches are read and their
    catalogs merged on several processes; every file is written by this one.
    """
    report = StageReport()
    with workspace_lock(settings.root, settings.lock_timeout):
        found = _find_sources(settings, paths)
        names = _article_names(settings, found)
        clashes = _collisions(names)
        cache = ExtractCache.load(settings)
        todo: list[Job] = []  # with its bytes when already read (kept: bounded)
        written: list[tuple[str, str, int, list[Path]]] = []  # article, source hash, units, catalogs
        kept = 0
        for path in found:
            try:
                if path in clashes:
                    raise SourceError(clashes[path], path=path, hint="rename one of the two files")
                name = _name(names, path)
                catalogs = _catalogs(settings, name)
                counted, data = (None, None) if force else _fresh(settings, path, name, cache, catalogs)
                if counted is None:
                    if data is not None and kept + len(data) <= KEEP_READ_BYTES:
                        kept += len(data)
                    else:
                        data = None  # read again when parsed: memory stays bounded
                    todo.append((path, name, data, catalogs))
                    continue
                if progress:  # its cache entry stays as it is: source and catalogs as last seen
                    progress(str(path))
                report.articles += 1
                report.units += counted
            except WorkflowError as exc:
                report.failures.append(_failure(exc))
        with BatchWriter() as writer, segment_cache.cache_in(settings.root) as sentences:
            for (path, name, _, catalogs), result in zip(todo, _plan_all(settings, todo, sentences)):
                if progress:
                    progress(str(path))
                if isinstance(result, Failure):
                    report.failures.append(result)
                    continue
                write_planned(result, report, writer)
                written.append((name, result.digest, result.units, catalogs))
        report.written -= writer.failed  # counted as they were handed to the writer
        for label, error in writer.failures.items():
            report.failures.append(_failure(error))
        for name, digest, units, catalogs in written:
            if name in writer.failures:
                cache.forget(name)
            else:  # stat the catalogs now that they are written
                cache.record(name, digest, units, catalogs)
        try:
            cache.save()
        except WorkflowError as exc:  # only costs time next run; the catalogs' own errors come first
            report.failures.append(_failure(exc))
        if not paths:
            report.failures.extend(orphan_catalogs(settings, names))
    report.failures.sort(key=lambda f: (str(f.path or ""), f.line or 0))
    return report


def orphan_catalogs(settings: Settings, named: Named) -> list[Failure]:
    """A failure for each PO catalog whose article is no longer in source/ (the file is left alone).

    `named`: the article names of every source.
    """
    names = {Path(name).with_suffix("").as_posix() for name in named.values() if isinstance(name, str)}
    failures: list[Failure] = []
    for lang in settings.languages:
        folder = settings.locales / lang
        for catalog in iter_catalogs(folder) if folder.is_dir() else ():
            if catalog.relative_to(folder).with_suffix("").as_posix() not in names:
                failures.append(orphan_failure(settings, catalog))
    return failures


def orphan_failure(settings: Settings, catalog: Path) -> Failure:
    """What every command says about a catalog (locales/LANG/…) whose article is gone."""
    stem = Path(*catalog.relative_to(settings.locales).parts[1:]).with_suffix("").as_posix()
    locales = settings.locales_dir
    return Failure(f"no source article for this catalog ({settings.source_dir}/{stem}.* is gone)", catalog,
                   hint=f"restore the article; if it was renamed, give {locales}/*/{stem}.po its new name "
                   "(over the new, empty catalogs) and run `workflow extract`: its translations go with it; "
                   f"if it was withdrawn, delete {locales}/*/{stem}.po and {locales}/templates/{stem}.pot "
                   "(version control keeps the translations)")


def _failure(error: WorkflowError) -> Failure:
    log.debug("failed: %s", error)
    return Failure.of(error)


def _catalogs(settings: Settings, name: str) -> list[Path]:
    return [settings.catalog(name, lang) for lang in (None, *settings.languages)]


KEEP_READ_BYTES = 64 * 1024 * 1024  # sources read to check them, kept for parsing rather than read again


def _fresh(
    settings: Settings, path: Path, name: str, cache: ExtractCache, catalogs: list[Path]
) -> tuple[int | None, bytes | None]:
    """The article's unit count when the source and catalogs are as last extracted, else None;
    and the source's bytes if they were read.

    A source is read only when the cache knows the article and its catalogs are unchanged: a
    new article, or one whose catalogs moved, is read once, when it is parsed.
    """
    if path.suffix.lower() not in READERS:
        parse_article(settings, path, b"", name)  # raises: unknown format
    if not cache.known(name, catalogs):
        return None, None
    data = read_source(path)
    digest = hashlib.sha1(data).hexdigest()
    units = cache.fresh(name, digest)
    return (None, data) if units is None else (units, None)


Job = tuple[Path, str, "bytes | None", list[Path]]  # a source, its article name, its bytes when already
# read, and its catalogs


@frozen
class Planned:
    """One article read, split and its catalogs worked out, nothing written yet: all `extract` needs to
    write and count it."""

    name: str  # the article name
    digest: str  # of its source
    units: int
    plans: tuple[CatalogPlan, ...]  # the template's, then each language's


def plan_job(settings: Settings, path: Path, name: str, data: bytes | None,
             catalogs: list[Path]) -> Planned | Failure:
    """Read (unless `data` holds its bytes) and split one file, and work out its catalogs (in a worker
    process for large batches); a Failure when any of this fails (nothing of the article is written)."""
    try:
        if data is None:
            data = read_source(path)
        article = parse_article(settings, path, data, name)
        return Planned(name, hashlib.sha1(data).hexdigest(), *plan_article(settings, article, catalogs))
    except WorkflowError as exc:  # sent back as data: exceptions lose their fields when pickled
        return _failure(exc)


def plan_article(settings: Settings, article: Article,
                 catalogs: list[Path]) -> tuple[int, tuple[CatalogPlan, ...]]:
    """The unit count of an article and the plans of its template and every language's catalog
    (`catalogs`: their paths, as _catalogs gives them).

    Each plan reads only the catalog it is for, so articles can be planned on several processes
    while this one writes the ones planned before.
    """
    segments = article.segments()
    return len(segments), tuple(
        plan_catalog(path, segments, lang, article.path, settings.source_dir, settings.source_lang)
        for path, lang in zip(catalogs, (None, *settings.languages))
    )


PARALLEL_FROM = 16  # articles: a smaller batch is read in this process, whatever its size
# A worker process costs a fresh interpreter importing workflow, about 0.2 s of CPU (more on a busy
# machine), and each task a hand-off; a megabyte of news pages is about a second of CPU to read, split
# and plan. So a worker is started for each full megabyte of sources (up to 4, and the CPUs this
# process may use), none under two: then the workers' start-up costs at most a sixth of their work
# (1,000 small pages, 2.2 MB, on 2 workers: about 0.3 s of CPU more than in this process, in less time).
BYTES_PER_WORKER = 1024 * 1024


def _workers(count: int, size: int) -> int:
    """Processes to read `count` articles of `size` bytes in all: 1 (this one) unless the batch is large."""
    if count < PARALLEL_FROM:
        return 1
    if hasattr(os, "sched_getaffinity"):  # the CPUs this process may run on (Linux and a few others)
        cpus = len(os.sched_getaffinity(0))
    else:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4, size // BYTES_PER_WORKER))


def _size(job: Job) -> int:
    path, _, data, _ = job
    if data is not None:
        return len(data)
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported when it is read


TASK_ARTICLES = 16  # articles sent to a worker at once (each task costs a round trip and two pickles)
TASK_BYTES = 256 * 1024  # and at most this many source bytes, unless one article is larger


def _tasks(jobs: list[Job], sizes: list[int]) -> Iterator[list[Job]]:
    """The jobs in order, in groups of up to TASK_ARTICLES articles or TASK_BYTES source bytes (`sizes`)."""
    task: list[Job] = []
    size = 0
    for job, weight in zip(jobs, sizes):
        if task and (len(task) == TASK_ARTICLES or size + weight > TASK_BYTES):
            yield task
            task, size = [], 0
        task.append(job)
        size += weight
    if task:
        yield task


class _Worker:
    """What a worker process keeps between its tasks: the settings (sent once, not with every task)."""

    settings: Settings | None = None


def _start_worker(settings: Settings, cache_file: Path) -> None:
    """A worker process keeps the settings and looks up the workspace's segmentation cache (the main
    process saves it)."""
    _Worker.settings = settings
    segment.use_cache(segment_cache.SegmentCache(cache_file, writable=False))


Answers = dict[bytes, tuple[int, ...]]  # sentence boundaries found, for the segmentation cache
Task = list[tuple[str, str, "bytes | None"]]  # what a worker gets of a job: the source, its name, its bytes
# what it sends back of a Planned, in plain values (the dataclasses and their paths cost about 40 us an
# article to pickle and unpickle; this process has the paths): source hash, units, and for each catalog
# whether it is written, its counts (added, kept, fuzzy, obsolete) and its new bytes
Sent = tuple[str, int, tuple[tuple[bool, int, int, int, int, "bytes | None"], ...]]


def _worker_task(task: Task) -> tuple[list[Sent | Failure], Answers]:
    """plan_job for each job, in a worker, with the sentence boundaries found that the cache did not have."""
    settings = _Worker.settings
    if settings is None:
        raise RuntimeError("_worker_task runs in a process started by _start_worker")
    results: list[Sent | Failure] = []
    for path, name, data in task:
        result = plan_job(settings, Path(path), name, data, _catalogs(settings, name))
        if isinstance(result, Failure):
            results.append(result)
            continue
        results.append((result.digest, result.units, tuple(
            (c.written, c.added, c.kept, c.fuzzy, c.obsolete, plan.data)
            for plan in result.plans for c in (plan.change,)
        )))
    cache = segment.current_cache()
    return results, cache.take_new() if isinstance(cache, segment_cache.SegmentCache) else {}


def _received(job: Job, sent: Sent | Failure) -> Planned | Failure:
    """A worker's result for `job` as plan_job gives it."""
    if isinstance(sent, Failure):
        return sent
    digest, units, plans = sent
    return Planned(job[1], digest, units, tuple(
        CatalogPlan(CatalogChange(path, written, added, kept, fuzzy, obsolete), data)
        for path, (written, added, kept, fuzzy, obsolete, data) in zip(job[3], plans)
    ))


def _plan_all(
    settings: Settings, jobs: list[Job], sentences: segment_cache.SegmentCache
) -> Iterator[Planned | Failure]:
    """plan_job for every job, in order; on worker processes when the batch is large.

    Workers get a few tasks each at a time, so memory does not grow with the number
    of articles. They send back the sentence boundaries they worked out, for
    `sentences` to save.
    """
    sizes = [_size(job) for job in jobs] if len(jobs) >= PARALLEL_FROM else []  # a stat each: large batches
    workers = _workers(len(jobs), sum(sizes))
    if workers <= 1:
        for job in jobs:
            yield plan_job(settings, *job)
        return
    import multiprocessing  # imported for large batches only (start-up time)
    from concurrent.futures import ProcessPoolExecutor

    # "spawn": a fresh interpreter per worker, never a fork of a process with threads
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(settings, sentences.path)) as pool:

        def sent(task: list[Job]) -> Future[tuple[list[Sent | Failure], Answers]]:
            return pool.submit(_worker_task, [(str(path), name, data) for path, name, data, _ in task])

        remaining = _tasks(jobs, sizes or [_size(job) for job in jobs])  # (a small batch was not sized)
        window = deque((task, sent(task)) for task in islice(remaining, workers * 2))
        while window:
            task, future = window.popleft()
            results, found = future.result()
            sentences.add(found)
            following = next(remaining, None)
            if following is not None:
                window.append((following, sent(following)))
            yield from (_received(job, result) for job, result in zip(task, results))


def write_planned(planned: Planned, report: StageReport, writer: BatchWriter) -> None:
    """Write the catalogs of one planned article that changed, and count them in `report`."""
    for plan in planned.plans:
        if plan.data is None:
            continue
        change = plan.change
        log.info("%s: %d new, %d fuzzy, %d obsolete",
                 change.path, change.added, change.fuzzy, change.obsolete)
        writer.submit(planned.name, change.path, plan.data)
    report.articles += 1
    report.units += planned.units
    for plan in planned.plans:
        report.count(plan.change)
