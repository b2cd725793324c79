"""Publishing: reviewed catalogs -> output/<lang>/ pages, bulletin XML, indexes and feeds.

One way through, each part in its own module, none of which imports this one:
`policy` decides whether an article may be published in a language (all units
reviewed; a share of the words reviewed; or the title and first paragraph
reviewed); `assemble` and `bulletin` build the localized documents; `render`
makes every page. This module writes editions, links, indexes and feeds, keeps
the record of what it wrote, and withdraws. A published article gets an HTML page and a bulletin XML
document; units that cannot be shown translated appear in the source language,
marked, and are reported. Articles held back are reported with the reason: an
earlier reviewed edition stays in place, an earlier draft edition is withdrawn (by a
run without --draft also when the edition cannot be worked out again, or its language
is no longer configured: no draft outlives a run under a policy).
Every run brings the links between editions, the indexes and feeds up to date;
files are written only when their bytes change, so publishing twice in a row
writes nothing. `.workflow/published.json` (workflow.manifest) records what was
written, so that only those files are ever removed.

The same record makes a run with nothing changed cheap: an edition whose inputs
(the source's bytes, the catalog's bytes, the settings, the policy, the product's
code, templates and libraries) have the digest recorded the last time, and whose
page and bulletin still hold the bytes publish wrote, is not worked out again: its
source is not even segmented. A page whose links to the other editions are already
the right ones, and a bulletin whose index entry was read before, are not read again
beyond the digest of their bytes. Any change, or a file edited by hand, takes the
ordinary path.

A run holds one article in memory at a time: it is read, its editions in every language
are worked out and written, and it is let go before the next is read; what is kept of an
edition is a summary (what the report, the index and the record say of it). The report and
the warnings still come step by step, as they always have (_Ledger).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import logging
import os
import shlex
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import field, fields
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from babel.core import UnknownLocaleError
from babel.dates import format_date
from markupsafe import Markup

from . import __version__
from .assemble import (
    Fallback,
    Mark,
    choose,
    fallbacks,
    localize,
)
from .bulletin import assemble_bulletin, serialize
from .errors import CatalogError, PublishError, SourceError, WorkflowError
from .extract import READERS, article_name, find_sources, parse_article, read_article, read_source
from .files import removal_error, workspace_lock, write_atomic, write_if_changed
from .languages import language_tag, locale_id, native_name, text_direction
from .manifest import MANIFEST, Manifest, digest
from .markup import parse_xml
from .model import Article, Failure, Format, State
from .names import check_name, link
from .policy import PREVIEW_POLICY, Policy, evaluate
from .records import frozen, mutable
from .render import (
    FEED,
    INDEX,
    Entry,
    Page,
    Record,
    draft_banners,
    edition_page,
    feed,
    index_page,
    languages_page,
    masthead,
    record,
    relink,
    up,
)
from .settings import Settings
from .store import catalog_targets

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@frozen
class Edition:
    """An article published in one language."""

    article: str
    lang: str
    html: Path
    xml: Path
    reviewed: int  # percent of words reviewed
    fallbacks: tuple[Fallback, ...]
    machine: int  # units shown as marked drafts (machine, changed or needs-work)
    needs_work: int = 0  # of these, units a translator marked as needing work


@frozen
class Held:
    """An article not published in a language, and why.

    `kept` is an earlier reviewed edition left online; `withdrawn`, an earlier draft
    edition taken down (a draft never stays online once its article no longer qualifies);
    `stuck`, an earlier draft edition that could not be taken down (its error is reported);
    `restored`, the reviewed edition a draft had replaced, back online in the draft's place.
    """

    article: str
    lang: str
    reason: str
    kept: Path | None = None
    withdrawn: Path | None = None
    stuck: Path | None = None
    restored: Path | None = None


@mutable
class PublishReport:
    """What `publish` did."""

    languages: tuple[str, ...] = ()
    policy: Policy | None = field(default_factory=Policy)  # None: unpublish
    published: list[Edition] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    indexes: list[Path] = field(default_factory=list)  # output/<lang>/index.html, then output/index.html
    orphans: list[Path] = field(default_factory=list)  # published files whose source is gone (kept)
    taken_down: list[str] = field(default_factory=list)  # articles unpublish took down (held back from now)
    foreign: set[Path] = field(default_factory=set)  # orphans changed since published (or not its own)
    removed: list[Path] = field(default_factory=list)  # pages (and indexes) withdrawn
    kept: list[Path] = field(default_factory=list)  # files to withdraw that were changed by hand (kept)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@frozen
class _Draft:
    """An edition decided on but not yet written."""

    article: Article
    lang: str
    page: Page  # what its page shows: the localized bulletin, and an HTML source's localized text
    reviewed: int
    fallbacks: tuple[Fallback, ...]
    machine: int
    needs_work: int = 0


# -- what pages show of languages (render.py renders them) -------------------------------


def shown_date(date: dt.date, lang: str) -> dict[str, str]:
    return {"iso": date.isoformat(), "shown": _long_date(date, lang)}


@lru_cache(maxsize=4096)  # an index shows thousands of entries, on far fewer dates
def _long_date(date: dt.date, lang: str) -> str:
    try:
        return format_date(date, "long", locale=locale_id(lang))
    except (UnknownLocaleError, ValueError):
        return date.isoformat()


def _edition_link(lang: str, href: str) -> dict[str, str]:
    """A link to an edition in `lang`, as the templates show it (its language's tag, name and direction)."""
    return {"lang": language_tag(lang), "href": href, "name": native_name(lang), "dir": text_direction(lang)}


def _alternates(relative: PurePosixPath, langs: Sequence[str], current: str) -> list[dict[str, str]]:
    """The other editions of a page (`relative` under output/<lang>/), as percent-encoded links."""
    return [_edition_link(other, link(other, *relative.parts, up=len(relative.parts)))
            for other in langs if other != current]


# -- publishing ------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # asked several times a run for each article
def output_name(article: str) -> PurePosixPath:
    """The page's path under output/<lang>/, without suffix."""
    return PurePosixPath(article).with_suffix("")


def _paths(settings: Settings, lang: str, article: str) -> tuple[Path, Path]:
    """The HTML page and bulletin XML of an edition."""
    return _edition_files(settings.root, settings.output_dir, lang, article)


@lru_cache(maxsize=1 << 16)  # a run asks for each edition's paths several times; making them costs more
def _edition_files(root: Path, output: str, lang: str, article: str) -> tuple[Path, Path]:
    name = output_name(article)
    folder = root / output / lang
    return folder / f"{name}.html", folder / f"{name}.xml"


def _decide(settings: Settings, article: Article, lang: str, policy: Policy) -> _Draft | str:
    """The edition of an article in a language, or the reason it is held back."""
    catalog = settings.catalog(article.path, lang)
    if not catalog.is_file():
        return f"no catalog for {lang} ({catalog.relative_to(settings.root)}): run `workflow extract`"
    targets = catalog_targets(catalog)
    reason, reviewed = evaluate(article, targets, policy)
    if reason:
        return reason
    choices = choose(article, targets, draft=policy.draft)
    tree = assemble_bulletin(article, choices, lang, settings.source_lang)
    # an HTML source's page is the source's own, translated in place (a fragment: the bulletin page's body)
    localized = (
        localize(article, choices, lang, source_lang=settings.source_lang).text
        if article.format is Format.HTML
        else None
    )
    drafts = [key for key, c in choices.items() if c.mark is Mark.MACHINE]
    needs_work = sum(1 for key in drafts if targets[key][1] is State.NEEDS_WORK)
    shown = fallbacks(article, choices)
    rec = record(tree)
    page = Page(lang, tree, rec, shown_date(rec.date, lang) if rec.date else None, draft=bool(drafts),
                fallback=bool(shown), localized=localized)
    return _Draft(article, lang, page, reviewed, shown, len(drafts), needs_work)


def preview_page(settings: Settings, article: str, lang: str) -> str:
    """The page of an article in `lang` as publish would render it with every unit as it stands now
    (machine and needs-work units shown, marked as drafts), rendered in memory: nothing is written.

    Raises WorkflowError when the article cannot be read or rendered.
    """
    parsed = read_article(settings, settings.source / article)
    draft = _decide(settings, parsed, lang, PREVIEW_POLICY)
    if isinstance(draft, str):
        raise PublishError(draft, path=settings.catalog(article, lang))
    return edition_page(draft.page, PurePosixPath(f"{output_name(article)}.html"), [])


@mutable
class _Source:
    """A source article: its path under source/, its file, the digest of its bytes, and the article
    as read (None until it is needed: an article whose editions are all known is never segmented)."""

    path: str
    file: Path
    digest: str
    article: Article | None = None

    def read(self) -> Article:
        if self.article is None:
            raise PublishError(f"{self.path} was not read", path=self.file)  # a bug, not bad input
        return self.article


def _read_sources(settings: Settings, report: PublishReport) -> list[_Source]:
    """Every source article, named and its bytes digested but not yet read as an article."""
    sources: list[_Source] = []
    folder = settings.source.resolve()
    for path in find_sources(settings):
        try:
            name = article_name(settings, path, folder)
            check_name(name, path)
            if path.suffix.lower() not in READERS:
                parse_article(settings, path, b"")  # raises: unknown format
            sources.append(_Source(name, path, digest(read_source(path))))
        except WorkflowError as exc:
            report.failures.append(Failure.of(exc))
    return sources


_INDEX_NAME = PurePosixPath("index")
# The places of a run's steps in the order its report and log give them: every source read, then every
# name checked, then each language's editions worked out, then written (see _Ledger).
_READ, _NAMED, _DECIDED, _WRITTEN = range(4)
# the report's lists: what a step reports goes into them (no list left out, as none is named by hand)
_REPORTED = tuple(f.name for f in fields(PublishReport) if f.default_factory is list)


def _read(settings: Settings, ledger: _Ledger, at: int, source: _Source, needed: Set[str] | None) -> bool:
    """Read a source as an article when it is `needed` (always when None); False (reported) when it
    cannot be."""
    if needed is not None and source.path not in needed:
        return True
    with ledger.step((_READ, at, 0)) as report:
        try:
            source.article = read_article(settings, source.file)
        except WorkflowError as exc:
            report.failures.append(Failure.of(exc))
            return False
    return True


def _publishable(
    settings: Settings, ledger: _Ledger, sources: Sequence[_Source], needed: Set[str] | None = None
) -> Iterator[tuple[int, _Source]]:
    """The sources that can be published, one at a time, each with its place in `sources`; those in
    `needed` (all when None) read as articles just before they are given out, so that the caller can
    let each article go before the next is read.

    A source that cannot be read, or that would publish over another or over the index, is reported
    and left out. Whether a source publishes over another depends on which of them can be read: the
    few whose name is shared, or is the index's, are read first.
    """
    outputs = [output_name(source.path) for source in sources]
    names = Counter(outputs)
    shared = {at for at, name in enumerate(outputs) if names[name] > 1 or name == _INDEX_NAME}
    read = {at for at in sorted(shared) if _read(settings, ledger, at, sources[at], needed)}
    names = Counter(outputs[at] for at in read)
    for at, source in enumerate(sources):
        if at in read:
            name = outputs[at]
            fault = ((f"another source also publishes as {name}.html", "rename one of the two files")
                     if names[name] > 1 else
                     ("an article named index would replace the bulletin index", "rename the file")
                     if name == _INDEX_NAME else None)
            if fault is not None:
                source.article = None
                with ledger.step((_NAMED, at, 0)) as report:
                    report.failures.append(Failure(fault[0], settings.source / source.path, hint=fault[1]))
                continue
        elif at in shared or not _read(settings, ledger, at, source, needed):
            continue  # (a shared name: its source could not be read, which is reported)
        yield at, source


class _Ledger:
    """What a run that works article by article reports, given out in the order of a run that works
    step by step: the report's entries and the records of workflow's log.

    Publishing holds one article in memory at a time (read, its editions in every language worked
    out and written, then let go), while its report and its warnings have always come step by step:
    every article read, every name checked, each language's editions worked out, then written. Each
    entry is noted with the place of the step it comes from (`step`), and all are given out in that
    order when the ledger closes, even when the run is interrupted; workflow's log records are held
    back meanwhile (_HeldLog).
    """

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.report = writer.report
        self.scratch = PublishReport(self.report.languages, self.report.policy)
        self.place: tuple[int, int, int] = (_READ, 0, 0)
        self.entries: list[tuple[tuple[int, int, int], str, object]] = []

    def __enter__(self) -> _Ledger:
        _HELD_LOG.hold_for(self)
        return self

    def __exit__(self, *_: object) -> None:
        _HELD_LOG.let_go()
        self.entries.sort(key=lambda entry: entry[0])  # stable: a step's entries keep their order
        for _, name, item in self.entries:
            if isinstance(item, logging.LogRecord):  # on its way on, from its own logger
                logging.getLogger(item.name).callHandlers(item)
            else:
                getattr(self.report, name).append(item)
        self.entries.clear()

    @contextmanager
    def step(self, place: tuple[int, int, int]) -> Iterator[PublishReport]:
        """What the writer and the caller report meanwhile goes to the step at `place`."""
        self.place, self.writer.report = place, self.scratch
        try:
            yield self.scratch
        finally:
            self.writer.report = self.report
            self.report.unchanged += self.scratch.unchanged
            self.scratch.unchanged = 0
            for name in _REPORTED:
                items: list[object] = getattr(self.scratch, name)
                self.entries.extend((place, name, item) for item in items)
                items.clear()

    def note(self, place: tuple[int, int, int], name: str, item: object) -> None:
        self.entries.append((place, name, item))


class _HeldLog(logging.Handler):
    """Holds back the records of workflow's log for each thread whose ledger asks it to.

    While any does, it is a handler of the `workflow` logger, which passes nothing on up: the records
    of a thread with a ledger go to that ledger, the others on up as they would have gone.
    """

    def __init__(self) -> None:
        super().__init__()
        self.logger = logging.getLogger(__name__.partition(".")[0])
        self.ledgers: dict[int, _Ledger] = {}
        self.guard = threading.Lock()
        self.propagate = True

    def hold_for(self, ledger: _Ledger) -> None:
        with self.guard:
            if not self.ledgers:
                self.propagate, self.logger.propagate = self.logger.propagate, False
                self.logger.addHandler(self)
            self.ledgers[threading.get_ident()] = ledger

    def let_go(self) -> None:  # (not `release`: a handler has one, for its lock)
        with self.guard:
            self.ledgers.pop(threading.get_ident(), None)
            if not self.ledgers:
                self.logger.removeHandler(self)
                self.logger.propagate = self.propagate

    def emit(self, record: logging.LogRecord) -> None:
        ledger = self.ledgers.get(threading.get_ident())
        if ledger is not None:
            ledger.note(ledger.place, "log", record)
        elif self.propagate and self.logger.parent is not None:
            self.logger.parent.callHandlers(record)


_HELD_LOG = _HeldLog()


class _Writer:
    """Writes files under output/ only when their bytes change, and records them in the manifest."""

    def __init__(self, settings: Settings, report: PublishReport) -> None:
        self.settings = settings
        self.report = report
        self.manifest = Manifest.load(settings.root, settings.output)
        if self.manifest.product != _product():  # what another version worked out is not taken again
            self.manifest.editions.clear()
            self.manifest.records.clear()
            self.manifest.links.clear()
            self.manifest.made.clear()
            self.manifest.product = _product()
        self.today = dt.datetime.now(dt.UTC).date()

    def write(self, path: Path, data: bytes) -> bool:
        """False (reported) when the file cannot be written."""
        self.manifest.held.pop(self.manifest.key(path), None)  # known again once written
        try:
            changed = write_if_changed(path, data)
        except WorkflowError as exc:  # the real file and the reason; the other files are still published
            self.report.failures.append(Failure.of(exc))
            return False
        except OSError as exc:
            self.report.failures.append(
                Failure(
                    f"cannot write: {exc.strerror or exc}",
                    path,
                    hint="check the folder's permissions and the disk space; the other files were published",
                )
            )
            return False
        self.manifest.wrote(path, data)
        if changed:
            self.report.written.append(path)
        else:
            self.report.unchanged += 1
        return True

    def withdraw(self, lang: str, article: str) -> bool:
        """Remove an edition's page and bulletin; False when a file was kept (changed by hand, or not
        written by publish), which is reported."""
        page = output_name(article).as_posix()
        removed = self.remove_edition(lang, page, _paths(self.settings, lang, article))
        if removed:
            self.manifest.decided(lang, article, None)
        return removed

    def remove_edition(self, lang: str, page: str, paths: Sequence[Path]) -> bool:
        """Remove the files of an edition (`page`: its name under output/LANG/, without suffix), and its
        first-publication date with them; False when a file was kept, which is reported."""
        removed = True
        for path in paths:
            try:
                gone = self.manifest.remove(path)
            except OSError as exc:
                self.report.failures.append(Failure.of(removal_error(path, exc)))
                removed = False
                continue
            if not gone:
                self.report.kept.append(path)
                removed = False
            elif path.suffix == ".html":
                self.report.removed.append(path)
        if removed:
            self.manifest.forget(lang, page)
            _forget_reviewed(self.settings, lang, page)  # unpublished, or its source gone: not to come back
        return removed

    def remove_if_ours(self, path: Path) -> None:
        if path.exists():
            try:
                if self.manifest.remove(path):
                    self.report.removed.append(path)
                else:
                    self.report.kept.append(path)
            except OSError as exc:
                self.report.failures.append(Failure.of(removal_error(path, exc)))


def _adopt(settings: Settings, writer: _Writer, articles: Sequence[_Source], langs: Sequence[str]) -> None:
    """With no record yet (a workspace published by an older workflow), the editions found where publish
    writes them (page and a readable bulletin), the indexes and feeds are taken as publish's own."""
    if not writer.manifest.new:
        return
    for article, lang in _present(settings, articles, langs):
        html_path, xml_path = _paths(settings, lang, article)
        if _kept_record(xml_path) is not None:
            writer.manifest.adopt(html_path)
            writer.manifest.adopt(xml_path)
    for lang in langs:
        for path in (settings.output / lang / INDEX, settings.output / lang / FEED):
            if path.is_file():
                writer.manifest.adopt(path)
    if (settings.output / INDEX).is_file():
        writer.manifest.adopt(settings.output / INDEX)


def _kept_record(path: Path) -> Record | None:
    """The record of an edition published earlier, read back from its bulletin XML."""
    try:
        return record(parse_xml(path.read_bytes(), str(path)))
    except (OSError, WorkflowError) as exc:
        log.warning("cannot read the earlier edition %s: %s", path, exc)
        return None


def _entry(lang: str, name: PurePosixPath, rec: Record, first: dt.date,
           revised: dt.date | None = None) -> Entry:
    """An edition's index and feed entry: listed by its date; `updated` the last day it changed (a draft
    reviewed is news to a feed reader: its entry kept the article's date, and readers were not told)."""
    date = rec.date or first
    return Entry(
        href=link(*name.parent.parts, f"{name.name}.html"),
        title=rec.title,
        title_html=Markup(rec.title_html),
        source=rec.source,
        date=shown_date(date, lang),
        updated=f"{max(date, revised or date).isoformat()}T00:00:00Z",
        id=f"urn:x-workflow:bulletin:{quote(lang, safe='')}:{quote(name.as_posix())}",
        summary=rec.summary,
        draft=rec.draft,
        sort=(date.isoformat(), rec.title),
    )


def publish(
    settings: Settings, langs: Sequence[str], policy: Policy, progress: Progress | None = None,
    restore: Sequence[str] = (),
) -> PublishReport:
    """Publish every source article in each language that the policy allows.

    An article held back keeps an earlier reviewed edition; an earlier draft edition
    is withdrawn. Then every edition's links to the others, the language indexes and
    feeds and output/index.html are brought up to date. `progress` is told of each edition
    as it is worked out: article by article, each in every language. An edition withdrawn with
    `unpublish` is held back until its article is named in `restore` (paths under source/).
    """
    report = PublishReport(languages=tuple(langs), policy=policy)
    with workspace_lock(settings.root, settings.lock_timeout):
        writer = _Writer(settings, report)
        try:
            for name in restore:
                article = _article_argument(settings, name)
                page = output_name(article).as_posix()  # `story.txt` or `story`, as unpublish took it
                if not any([writer.manifest.restore(lang, page) for lang in langs]):
                    report.failures.append(Failure(
                        f"{article} was not withdrawn with `workflow unpublish` in {', '.join(langs)}",
                        settings.source / article, hint="--restore names an article unpublish took down"))
            _publish(settings, writer, langs, policy, progress)
        finally:  # even when interrupted: what was written is recorded, so it can be withdrawn later
            writer.manifest.save()
    return report


def _publish(
    settings: Settings, writer: _Writer, langs: Sequence[str], policy: Policy, progress: Progress | None
) -> None:
    report = writer.report
    sources = _read_sources(settings, report)
    every = list(dict.fromkeys([*settings.languages, *langs]))
    _adopt(settings, writer, sources, every)
    run = _Run(settings, writer, _Ledger(writer), langs, every, policy, progress)
    fingerprint = _fingerprint(settings, policy)
    for source in sources:
        for lang in langs:
            key = (source.path, lang)
            run.inputs[key] = _inputs(fingerprint, source, settings.catalog(source.path, lang))
            day = writer.manifest.taken_down(lang, output_name(source.path).as_posix())
            if day is not None:  # withdrawn on purpose: a routine run must not put it back
                run.known[key] = (f"withdrawn on {day} with `workflow unpublish`; `workflow publish {lang} "
                                  f"--restore {shlex.quote(source.path)}` puts it back")
                continue
            outcome = _known(writer, source.path, lang, run.inputs[key])
            if outcome is not None:
                run.known[key] = outcome
    needed = {s.path for s in sources if any((s.path, lang) not in run.known for lang in langs)}
    articles: list[_Source] = []
    with run.ledger:  # one article in memory at a time; the report and log in their usual order
        for at, source in _publishable(settings, run.ledger, sources, needed):
            articles.append(source)
            try:
                _publish_article(run, at, source)
            finally:
                source.article = None  # let it go: the next is read only now
    names = {s.path for s in sources}
    for name in [k for k in writer.manifest.editions if k.partition("/")[2] not in names]:
        del writer.manifest.editions[name]  # the source is gone: its outcomes can never be used again
    read = {source.path for source in articles}
    for source in sources:
        if source.path not in read:  # it cannot be read (reported): its editions cannot be worked out
            for lang in langs:
                _undecided(run, source.path, lang)
    apart = [] if policy.draft else _withdraw_unconfigured(writer, sources, every)
    unchanged = {k for k, e in run.known.items() if isinstance(e, Edition)}
    # with no edition written since, the editions online are still those found before
    _refresh(settings, writer, articles, every, run.fresh, unchanged, None if run.drafted else run.online,
             apart)


def _withdraw_unconfigured(writer: _Writer, sources: Sequence[_Source], every: Sequence[str]) -> list[str]:
    """Withdraw the draft editions of languages publish wrote in and that are no longer configured: no run
    will ever work them out again, and a draft never outlives a run under a policy. Their reviewed
    editions stay online until `workflow unpublish LANG` (publish does not link them any more). The
    languages something was withdrawn in are returned: their index and feed must be made again."""
    changed = []
    for lang in sorted(writer.manifest.languages() - set(every)):
        reason = f"{lang} is no longer among the configured languages (`languages` in setup.cfg)"
        held = [_hold(writer, source.path, lang, reason) for source in sources
                if _paths(writer.settings, lang, source.path)[0].exists()]
        withdrawn = [item for item in held if item.withdrawn]
        writer.report.held.extend(withdrawn)
        if withdrawn:
            changed.append(lang)
    return changed


@mutable
class _Run:
    """A publishing run: what it was asked, and what it keeps of each edition (no article, no page)."""

    settings: Settings
    writer: _Writer
    ledger: _Ledger
    langs: Sequence[str]
    every: Sequence[str]  # the languages whose editions link one another
    policy: Policy
    progress: Progress | None
    inputs: dict[tuple[str, str], str] = field(default_factory=dict)  # (article, lang) -> digest
    known: dict[tuple[str, str], Edition | str] = field(default_factory=dict)  # unchanged outcomes
    online: set[tuple[str, str]] = field(default_factory=set)  # editions online before any was written
    fresh: dict[tuple[str, str], Record] = field(default_factory=dict)  # editions written in this run
    drafted: bool = False  # an edition was worked out to be written


def _publish_article(run: _Run, at: int, source: _Source) -> None:
    """Work out an article's editions in every language, then write them (`at`: its place among the
    sources, for the report's order). What is kept of them is a summary: their pages go with this call."""
    settings, writer = run.settings, run.writer
    drafts: dict[str, _Draft] = {}
    for number, lang in enumerate(run.langs):
        key = (source.path, lang)
        with run.ledger.step((_DECIDED, number, at)) as report:
            if run.progress:
                run.progress(f"{lang}: {source.path}")
            decision: _Draft | Edition | str | None = run.known.get(key)
            if decision is None:
                try:
                    decision = _decide(settings, source.read(), lang, run.policy)
                except (CatalogError, PublishError, SourceError) as exc:
                    report.failures.append(
                        Failure(exc.message, exc.path or settings.source / source.path, exc.line, exc.hint)
                    )
                    _undecided(run, source.path, lang)
                    continue
            if isinstance(decision, str):
                report.held.append(_hold(writer, source.path, lang, decision))
                if writer.manifest.taken_down(lang, output_name(source.path).as_posix()) is None:
                    writer.manifest.decided(lang, source.path, {"inputs": run.inputs[key], "held": decision})
            elif isinstance(decision, Edition):  # unchanged: its page and bulletin are as written
                report.published.append(decision)
                report.unchanged += 2
            else:
                drafts[lang] = decision
    # its editions online now (an earlier draft edition held back is withdrawn by now), and to be written
    online = _present(settings, [source], run.every)
    run.online |= online
    run.drafted = run.drafted or bool(drafts)
    present = online | {(source.path, lang) for lang in drafts}
    for number, lang in enumerate(run.langs):
        if lang not in drafts:
            continue
        key, draft = (source.path, lang), drafts[lang]
        with run.ledger.step((_WRITTEN, number, at)):
            edition = _write_edition(settings, writer, draft, present, run.every)
        writer.manifest.decided(lang, source.path, _outcome(run.inputs[key], edition) if edition else None)
        if edition is not None:
            run.ledger.note((_DECIDED, number, at), "published", edition)
            run.fresh[key] = draft.page.record


# -- what a run with nothing changed takes from the record -----------------------------


@cache
def _product() -> str:
    """A digest of what publishing is made of besides the workspace: this version of workflow (its code,
    templates and strings, read from the package) and the libraries that shape its pages."""
    parts = [__version__]
    for name in ("babel", "jinja2", "lxml", "markupsafe", "syntok"):
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} -")
    return _package_digest(Path(__file__).parent, parts)


def _package_digest(package: Path, parts: Sequence[str]) -> str:
    """The digest of `parts` and of every file of the package (its compiled code left out)."""
    hashed = hashlib.sha256(repr(list(parts)).encode("utf-8"))
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hashed.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            hashed.update(digest(path.read_bytes()).encode("ascii"))
    return hashed.hexdigest()


def _fingerprint(settings: Settings, policy: Policy) -> str:
    """What, besides an article's source and catalog, decides its edition: the product, every setting
    (settings that do not matter to publishing only cost a full run when they change) and the policy."""
    return digest(repr((_product(), settings, policy)).encode("utf-8"))


def _inputs(fingerprint: str, source: _Source, catalog: Path) -> str:
    """The digest of an edition's inputs (a missing or unreadable catalog has one too)."""
    try:
        held = digest(catalog.read_bytes())
    except OSError:
        held = "-"
    return digest(f"{fingerprint} {source.digest} {held}".encode("ascii"))


def _outcome(inputs: str, edition: Edition) -> dict[str, object]:
    """What the record keeps of a published edition, to report it again when nothing changed."""
    return {
        "inputs": inputs,
        "reviewed": edition.reviewed,
        "machine": edition.machine,
        "needs_work": edition.needs_work,
        "fallbacks": [[f.key, f.line, f.reason, f.refused] for f in edition.fallbacks],
    }


def _known(writer: _Writer, article: str, lang: str, inputs: str) -> Edition | str | None:
    """The outcome of an edition whose inputs are those of the last run (the reason it is held back, or
    the edition when its page and bulletin still hold the bytes publish wrote); else None: work it out."""
    outcome = writer.manifest.edition(lang, article)
    if outcome is None or outcome.get("inputs") != inputs:
        return None
    reason = outcome.get("held")
    if isinstance(reason, str):
        return reason
    html_path, xml_path = _paths(writer.settings, lang, article)
    if not (writer.manifest.owns(xml_path) and writer.manifest.owns(html_path)):
        return None
    reviewed, machine, needs_work, listed = (outcome.get(k) for k in ("reviewed", "machine", "needs_work",
                                                                      "fallbacks"))
    if not (isinstance(reviewed, int) and isinstance(machine, int) and isinstance(needs_work, int)
            and isinstance(listed, list)):
        return None  # a record from elsewhere: work the edition out again
    try:
        fallen = tuple(Fallback(str(k), int(n), str(r), bool(x)) for k, n, r, x in listed)
    except (TypeError, ValueError):
        return None
    return Edition(article, lang, html_path, xml_path, reviewed, fallen, machine, needs_work)


def _hold(writer: _Writer, article: str, lang: str, reason: str) -> Held:
    """An article held back: an earlier draft edition is withdrawn, an earlier reviewed one stays."""
    html_path, xml_path = _paths(writer.settings, lang, article)
    if not html_path.exists():
        return Held(article, lang, reason)
    kept = _index_record(writer.manifest, xml_path) if xml_path.exists() else None
    if kept is not None and (kept.draft or _bannered(writer, article, lang, html_path)):
        if _restore_reviewed(writer, lang, article):
            return Held(article, lang, reason, restored=html_path)
        if writer.withdraw(lang, article):
            return Held(article, lang, reason, withdrawn=html_path)
        _stuck(writer, html_path)
        return Held(article, lang, reason, stuck=html_path)
    return Held(article, lang, reason, html_path)


def _reviewed_copies(settings: Settings, lang: str, page: str) -> tuple[Path, Path, Path]:
    """Where the reviewed edition (page, bulletin) a draft edition replaced is kept meanwhile, and the
    file that names its article (`page`: the edition's name under output/LANG/, without suffix)."""
    folder = settings.root / MANIFEST.parent / "reviewed" / lang  # beside the record, not among the caches
    return folder / f"{page}.html", folder / f"{page}.xml", folder / f"{page}.article"


def _keep_reviewed(writer: _Writer, lang: str, article: str) -> None:
    """Before a draft edition replaces a reviewed one of the same article (`publish --draft` after a
    source edit), keep a copy of the reviewed one, which a later run without --draft puts back if the
    article is still held back then: a preview took the reviewed page offline for good (withdrawn as
    a draft)."""
    html_path, xml_path = _paths(writer.settings, lang, article)
    manifest = writer.manifest
    if manifest.edition(lang, article) is None or not (manifest.owns(html_path) and manifest.owns(xml_path)):
        return  # not this article's edition (one of the same name), or changed by hand: not to keep
    rec = _index_record(manifest, xml_path)
    if rec is None or rec.draft or _bannered(writer, article, lang, html_path):
        return
    page, bulletin, owner = _reviewed_copies(writer.settings, lang, output_name(article).as_posix())
    write_atomic(page, html_path.read_bytes())  # (its folder made once the path is known to stay inside)
    write_atomic(bulletin, xml_path.read_bytes())
    write_atomic(owner, article.encode("utf-8"))


def _restore_reviewed(writer: _Writer, lang: str, article: str) -> bool:
    """Put back the reviewed edition a draft of the same article replaced (see _keep_reviewed), unless
    the draft was changed by hand since (then it is kept and said so); False when nothing was put back."""
    name = output_name(article).as_posix()
    page, bulletin, owner = _reviewed_copies(writer.settings, lang, name)
    html_path, xml_path = _paths(writer.settings, lang, article)
    try:
        if owner.read_bytes() != article.encode("utf-8"):
            return False
        kept = page.read_bytes(), bulletin.read_bytes()
    except OSError:  # none kept (or half of one)
        return False
    if not (writer.manifest.owns(html_path) and writer.manifest.owns(xml_path)):
        return False
    if not (writer.write(xml_path, kept[1]) and writer.write(html_path, kept[0])):
        return False
    _forget_reviewed(writer.settings, lang, name)
    return True


def _forget_reviewed(settings: Settings, lang: str, page: str) -> None:
    for copy in _reviewed_copies(settings, lang, page):
        copy.unlink(missing_ok=True)


def _stuck(writer: _Writer, page: Path, kind: str = "draft edition") -> None:
    """An edition that should go but was kept (changed by hand, or not publish's): an error, so that the
    run exits 1 (it printed only `kept:` and exited 0, a draft online). Its `kept:` lines go."""
    writer.report.kept[:] = [p for p in writer.report.kept if p not in (page, page.with_suffix(".xml"))]
    if any(f.path == page for f in writer.report.failures):
        return  # a removal error already says why
    writer.report.failures.append(Failure(
        f"this {kind} is still online: it was changed since it was published (or not written by "
        "workflow publish), so workflow does not remove it", page,
        hint="delete it and its .xml bulletin by hand if it should go"))


def _orphan_draft(writer: _Writer, lang: str, page: Path) -> bool:
    """Whether a page no source makes any more is a draft edition: its bulletin says so, or its banner."""
    bulletin = page.with_suffix(".xml")
    record = _index_record(writer.manifest, bulletin) if bulletin.is_file() else None
    return (record is not None and record.draft) or _shows_banner(writer, lang, page)


def _withdraw_orphans(writer: _Writer, lang: str, orphans: list[Path], which: Callable[[Path], bool],
                      kind: str) -> list[Path]:
    """Withdraw the editions among the files no source makes any more (an article deleted or renamed)
    whose page `which` picks; the orphans left. One that cannot go is an error (`kind` names it)."""
    for page in orphans:
        if page.suffix == ".html" and which(page):
            if not writer.remove_edition(lang, _page_name(writer.settings, lang, page),
                                         (page, page.with_suffix(".xml"))):
                _stuck(writer, page, kind)
    return [orphan for orphan in orphans if orphan.exists()]


def _bannered(writer: _Writer, article: str, lang: str, page: Path) -> bool:
    """Whether the page of an HTML source's edition shows the draft banner.

    A bulletin says on its root that its edition is a draft (assemble_bulletin). One written before it did
    so has its machine units marked in its text, but a draft of an HTML page whose only machine units are
    attributes or meta tags (which no bulletin holds) has nothing in its bulletin to say so, and would
    stay online for good: its page's banner says it. Read only for a held-back HTML edition whose
    bulletin does not call it a draft.
    """
    if READERS.get(PurePosixPath(article).suffix.lower()) is not READERS[".html"]:
        return False
    return _shows_banner(writer, lang, page)


def _shows_banner(writer: _Writer, lang: str, page: Path) -> bool:
    """Whether a published page carries the draft banner (as written now, or by releases before)."""
    try:
        data = writer.manifest.read(page)
    except OSError:
        return False
    return any(banner.encode("utf-8") in data for banner in draft_banners(lang))


UNDECIDED = "it cannot be worked out (the error below says why)"


def _undecided(run: _Run, article: str, lang: str) -> None:
    """An edition this run could not work out (its source or catalog cannot be read, which is reported).

    Nothing vouches for an earlier draft edition any more, so a run without --draft withdraws it, as
    when its article is held back: a draft never outlives a run under a policy. An earlier reviewed
    edition stays online, said so (a reviewer passed it; a catalog broken while it is edited should not
    take it down). A --draft run leaves either as it is, as it always has: drafts may be online.
    """
    if not run.policy.draft and _paths(run.settings, lang, article)[0].exists():
        run.writer.report.held.append(_hold(run.writer, article, lang, UNDECIDED))


def _present(settings: Settings, articles: Sequence[_Source], langs: Sequence[str]) -> set[tuple[str, str]]:
    """The editions online now: (article, language) whose page and bulletin are both there."""
    return {
        (article.path, lang)
        for lang in langs
        for article in articles
        if all(p.is_file() for p in _paths(settings, lang, article.path))
    }


def _write_edition(
    settings: Settings, writer: _Writer, draft: _Draft, present: set[tuple[str, str]], every: Sequence[str]
) -> Edition | None:
    """Write an edition's bulletin and page (None: it could not be, which is reported)."""
    article, lang = draft.article, draft.lang
    html_path, xml_path = _paths(settings, lang, article.path)
    relative_page = PurePosixPath(f"{output_name(article.path)}.html")
    linked = [o for o in every if (article.path, o) in present]
    alternates = _alternates(relative_page, linked, lang)
    try:
        page = edition_page(draft.page, relative_page, alternates)
    except WorkflowError as exc:
        writer.report.failures.append(Failure(exc.message, exc.path or xml_path, exc.line, exc.hint))
        return None
    bulletin, data = serialize(draft.page.tree), page.encode("utf-8")
    if draft.page.draft:
        _keep_reviewed(writer, lang, article.path)
    else:  # reviewed: any reviewed edition kept from before a draft is outdated
        _forget_reviewed(settings, lang, output_name(article.path).as_posix())
    before = writer.manifest.files.get(writer.manifest.key(xml_path))
    if not (writer.write(xml_path, bulletin) and writer.write(html_path, data)):
        return None
    if before is not None and before != digest(bulletin):  # its content changed: feed readers are told
        writer.manifest.revise(lang, output_name(article.path).as_posix(), writer.today)
    _remember_record(writer.manifest, xml_path, bulletin, draft.page.record)
    writer.manifest.links[writer.manifest.key(html_path)] = [digest(data), *linked]
    return Edition(article.path, lang, html_path, xml_path, draft.reviewed, draft.fallbacks, draft.machine,
                   draft.needs_work)


def _remember_record(manifest: Manifest, path: Path, data: bytes, rec: Record) -> None:
    """Keep what the index shows of a bulletin with these bytes."""
    date = rec.date.isoformat() if rec.date else None
    manifest.records[manifest.key(path)] = [
        digest(data), rec.title, rec.title_html, rec.source, date, rec.summary, rec.draft
    ]


def _index_record(manifest: Manifest, path: Path) -> Record | None:
    """The record of an edition published earlier: kept in the manifest while its bulletin has the same
    bytes, else read from the bulletin (and kept)."""
    kept = manifest.records.get(manifest.key(path))
    if kept and len(kept) == 7 and kept[0] == manifest.holds(path):
        _, title, title_html, source, date, summary, draft = kept
        try:
            return Record(str(title), str(title_html), str(source),
                          dt.date.fromisoformat(str(date)) if date else None, str(summary), bool(draft))
        except ValueError:
            pass  # a record from elsewhere: read the bulletin
    try:
        data = manifest.read(path)
    except OSError as exc:
        log.warning("cannot read the earlier edition %s: %s", path, exc)
        return None
    try:
        rec = record(parse_xml(data, str(path)))
    except WorkflowError as exc:
        log.warning("cannot read the earlier edition %s: %s", path, exc)
        return None
    _remember_record(manifest, path, data, rec)
    return rec


def _refresh(
    settings: Settings,
    writer: _Writer,
    articles: Sequence[_Source],
    every: Sequence[str],
    fresh: Mapping[tuple[str, str], Record],
    counted: Set[tuple[str, str]] = frozenset(),
    found: Set[tuple[str, str]] | None = None,
    apart: Sequence[str] = (),
) -> None:
    """Bring every edition's links, each language's index and feed, and output/index.html up to date.

    Editions written in this run (`fresh`) already link the right editions; the
    others get their `hreflang` links (and menu) replaced when they changed. Those
    found unchanged in this run (`counted`) are counted once, as the ones written.
    `found`: the editions online now, when the caller knows them (else they are looked for).
    `apart`: languages not among `every` whose index and feed are made again (editions were withdrawn
    there), listing what is still online there; their pages and the others' links are left as they are.
    """
    present = _present(settings, articles, every) if found is None else found
    entries: dict[str, list[Entry]] = {lang: [] for lang in every}
    for article in articles:
        langs = [lang for lang in every if (article.path, lang) in present]
        name = output_name(article.path)
        relative_page = PurePosixPath(f"{name}.html")
        for lang in langs:
            entry = _index_entry(writer, article.path, lang, fresh)
            if entry is None:
                continue
            entries[lang].append(entry)
            if (article.path, lang) in fresh:
                continue
            count = (article.path, lang) not in counted
            _relink_file(writer, _paths(settings, lang, article.path)[0], relative_page, lang, langs,
                         count=count)
    policy = writer.report.policy
    orphans_of: dict[str, list[Path]] = {}
    for lang in every:
        orphans = _orphans(settings, lang, articles)
        if lang in writer.report.languages and policy is not None and not policy.draft:
            # a draft never outlives a run under a policy, its source gone or not (one was kept, exit 0)
            orphans = _withdraw_orphans(writer, lang, orphans, lambda page: _orphan_draft(writer, lang, page),
                                        "draft edition")
        if lang in writer.report.languages:
            writer.report.orphans.extend(orphans)
            writer.report.foreign.update(o for o in orphans if not writer.manifest.owns(o))
        orphans_of[lang] = orphans
        # still online until unpublished: listed in its language's index and feed, which stay (its page
        # links to them; they were withdrawn when no source was left in the language, the page kept)
        entries[lang].extend(_orphan_entries(writer, lang, orphans))
    online = [lang for lang in every if entries[lang]]
    for lang in every:
        for orphan in orphans_of[lang]:  # its links must be true as well
            if orphan.suffix == ".html":
                relative_page = PurePosixPath(orphan.relative_to(settings.output / lang).as_posix())
                langs = [other for other in every if (settings.output / other / relative_page).is_file()]
                _relink_file(writer, orphan, relative_page, lang, langs)
    for lang in every:
        _write_index(writer, lang, entries[lang], online)
    for lang in apart:
        still = [a for a in articles if _present(settings, [a], [lang])]
        shown = (_index_entry(writer, article.path, lang, fresh) for article in still)
        _write_index(writer, lang, [entry for entry in shown if entry is not None], online)
    _write_languages(writer, online)


def _index_entry(
    writer: _Writer, article: str, lang: str, fresh: Mapping[tuple[str, str], Record]
) -> Entry | None:
    """An edition's line in its language's index and feed (None: its bulletin cannot be read, which is
    logged)."""
    _, xml_path = _paths(writer.settings, lang, article)
    rec = fresh.get((article, lang)) or _index_record(writer.manifest, xml_path)
    return None if rec is None else _dated_entry(writer, lang, output_name(article), rec)


def _dated_entry(writer: _Writer, lang: str, name: PurePosixPath, rec: Record) -> Entry:
    """An edition's entry (`name`: its page under output/LANG/, without suffix), dated from the record."""
    page = name.as_posix()
    return _entry(lang, name, rec, writer.manifest.first_published(lang, page, writer.today),
                  writer.manifest.revised_on(lang, page))


def _orphan_entries(writer: _Writer, lang: str, orphans: Sequence[Path]) -> list[Entry]:
    """The index and feed entries of the pages among `orphans` whose bulletin is beside them."""
    left = set(orphans)
    found = []
    for page in orphans:
        if page.suffix == ".html" and page.with_suffix(".xml") in left:
            rec = _index_record(writer.manifest, page.with_suffix(".xml"))
            if rec is not None:
                name = PurePosixPath(_page_name(writer.settings, lang, page))
                found.append(_dated_entry(writer, lang, name, rec))
    return found


def _page_name(settings: Settings, lang: str, page: Path) -> str:
    """The name of a page under output/LANG/, without suffix (`news/story` for output/zh/news/story.html)."""
    return page.relative_to(settings.output / lang).with_suffix("").as_posix()


def _orphans(settings: Settings, lang: str, articles: Sequence[_Source]) -> list[Path]:
    """Published files under output/<lang>/ that no source makes any more (kept, reported)."""
    folder = settings.output / lang
    if not folder.is_dir():
        return []
    expected = {str(folder / INDEX), str(folder / FEED)}
    expected.update(str(p) for a in articles for p in _paths(settings, lang, a.path))
    found = []
    for parent, _, names in os.walk(folder):  # as rglob: hidden folders too, no symbolic link followed
        for name in names:
            path = os.path.join(parent, name)
            if (os.path.splitext(name)[1] in (".html", ".xml", ".atom") and not name.startswith(".")
                    and path not in expected and os.path.isfile(path)):
                found.append(Path(path))
    return sorted(found)


def _relink_file(
    writer: _Writer,
    path: Path,
    relative_page: PurePosixPath,
    lang: str,
    langs: list[str],
    *,
    count: bool = True,
) -> None:
    """Make a published page link the editions in `langs` (its own language among them).

    A page whose bytes are those recorded when it was last made to link these same
    editions is left as it is, unparsed.
    """
    manifest = writer.manifest
    key = manifest.key(path)
    seen = manifest.holds(path)  # read once in a run, whatever else asked
    if seen is not None and manifest.links.get(key) == [seen, *langs]:
        writer.report.unchanged += count
        return
    try:
        data = manifest.read(path)
        if key in manifest.files and manifest.files[key] != digest(data):
            log.warning(
                "%s was changed since it was published: its links to the other editions are left as they are",
                path,
            )
            return
        page = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s to update its links: %s", path, exc)
        return
    alternates = _alternates(relative_page, langs, lang)
    updated = relink(page, alternates, masthead(lang, up(relative_page) + INDEX, alternates))
    if updated is None:
        log.warning(
            "%s is not a page publish wrote: its links to the other editions are left as they are", path
        )
        return
    linked = updated.encode("utf-8")
    if writer.write(path, linked):
        manifest.links[key] = [digest(linked), *langs]


def _write_index(writer: _Writer, lang: str, entries: list[Entry], online: Sequence[str]) -> None:
    """output/<lang>/index.html and feed.atom, newest first; removed when nothing is published."""
    folder = writer.settings.output / lang
    if not entries:
        for path in (folder / INDEX, folder / FEED):
            writer.remove_if_ours(path)
        return
    entries = sorted(entries, key=lambda e: e.sort, reverse=True)
    alternates = [_edition_link(other, link(other, INDEX, up=1)) for other in online if other != lang]
    home, feed_id = link(INDEX, up=1), f"urn:x-workflow:bulletin:{quote(lang, safe='')}"
    _write_made(writer, folder / INDEX, (lang, entries, alternates, home),
                lambda: index_page(lang, entries, alternates, home=home))
    _write_made(writer, folder / FEED, (lang, entries, feed_id), lambda: feed(lang, entries, feed_id))
    writer.report.indexes.append(folder / INDEX)


def _write_languages(writer: _Writer, online: Sequence[str]) -> None:
    """output/index.html: a link to each language's edition."""
    editions = [_edition_link(lang, link(lang, INDEX)) for lang in online]
    path, lang = writer.settings.output / INDEX, writer.settings.source_lang
    _write_made(writer, path, (lang, editions), lambda: languages_page(lang, editions))
    writer.report.indexes.append(path)


def _write_made(writer: _Writer, path: Path, made: tuple[object, ...], render: Callable[[], str]) -> None:
    """Write the page `render` makes of `made` (what it shows, as plain values). When the record says
    that the same values made the bytes the file holds now, nothing is rendered: the file is unchanged."""
    manifest = writer.manifest
    key = manifest.key(path)
    shown = digest(repr(made).encode("utf-8"))
    if manifest.made.get(key) == [shown, manifest.holds(path)]:
        writer.report.unchanged += 1
        return
    data = render().encode("utf-8")
    if writer.write(path, data):
        manifest.made[key] = [shown, digest(data)]


def unpublish(settings: Settings, lang: str, names: Sequence[str] = ()) -> PublishReport:
    """Withdraw editions of a language: the named articles (paths under source/), or all of them.

    Only files publish wrote and nobody changed since are removed; the indexes,
    feeds and the other editions' links are brought up to date.
    """
    report = PublishReport(languages=(lang,), policy=None)
    with workspace_lock(settings.root, settings.lock_timeout):
        writer = _Writer(settings, report)
        try:
            _unpublish(settings, writer, lang, names)
        finally:
            writer.manifest.save()
    return report


def recorded_languages(settings: Settings) -> set[str]:
    """The languages publish wrote editions in that the record still holds, configured or not."""
    return Manifest.load(settings.root, settings.output).languages()


def _unpublish(settings: Settings, writer: _Writer, lang: str, names: Sequence[str]) -> None:
    report = writer.report
    sources = _read_sources(settings, report)
    articles: list[_Source] = []
    with _Ledger(writer) as ledger:
        for _, source in _publishable(settings, ledger, sources):  # each read (to know it is readable)
            source.article = None
            articles.append(source)
    every = list(dict.fromkeys([*settings.languages, lang]))
    _adopt(settings, writer, articles, every)
    online = sorted(a for a, other in _present(settings, articles, [lang]) if other == lang)
    chosen = [_article_argument(settings, name) for name in names] or online
    for article in dict.fromkeys(chosen):
        if not any(p.exists() for p in _paths(settings, lang, article)):
            report.failures.append(
                Failure(
                    f"{article} is not published in {lang}",
                    settings.output / lang,
                    hint=f"`workflow unpublish {lang}` with no article withdraws every edition of {lang}",
                )
            )
            continue
        if names:  # an article taken down on purpose: publish holds it back until restored
            # (named as under source/, or without its suffix, as its page is: `story` for story.txt)
            named = next((a.path for a in articles if output_name(a.path) == output_name(article)), article)
            writer.manifest.take_down(lang, output_name(article).as_posix(), writer.today)
            report.taken_down.append(named)
        if not writer.withdraw(lang, article):
            _stuck(writer, _paths(settings, lang, article)[0], "edition")
    if not names:  # every edition of the language: also those whose source is gone (publish's own)
        _withdraw_orphans(writer, lang, _orphans(settings, lang, articles), writer.manifest.owns, "edition")
    _refresh(settings, writer, articles, every, {})


def _article_argument(settings: Settings, name: str) -> str:
    """An article named on the command line: `story.txt` or `source/story.txt`."""
    path = PurePosixPath(name.replace(os.sep, "/"))
    source = PurePosixPath(settings.source_dir)
    if path.parts[: len(source.parts)] == source.parts and len(path.parts) > len(source.parts):
        path = PurePosixPath(*path.parts[len(source.parts) :])
    return path.as_posix()


def relative(settings: Settings, path: Path) -> str:
    """A path for messages: relative to the workspace when it is inside it."""
    try:
        return os.path.relpath(path, settings.root) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


def _held_line(settings: Settings, item: Held) -> str:
    kept = f"; the earlier edition {relative(settings, item.kept)} stays online" if item.kept else ""
    if item.withdrawn:
        kept = f"; its draft edition {relative(settings, item.withdrawn)} is withdrawn"
    if item.stuck:
        kept = (f"; its draft edition {relative(settings, item.stuck)} could not be withdrawn (the error "
                "below says why) and is still online")
    if item.restored:
        kept = (f"; its draft edition is withdrawn and the reviewed edition it replaced is back online: "
                f"{relative(settings, item.restored)}")
    return f"  held back: {item.article}: {item.reason}{kept}"


def summary_lines(settings: Settings, report: PublishReport) -> list[str]:
    """Human-readable lines about a report, for the command line (stderr)."""
    lines: list[str] = []
    for lang in report.languages if report.policy is not None else ():
        published = [e for e in report.published if e.lang == lang]
        held = [h for h in report.held if h.lang == lang]
        lines.append(f"{lang}: {len(published)} article(s) published, {len(held)} held back")
        for edition in published:
            refused = [f for f in edition.fallbacks if f.refused]
            notes = []
            if edition.machine > edition.needs_work:
                notes.append(f"{edition.machine - edition.needs_work} machine draft unit(s) marked")
            if edition.needs_work:
                notes.append(f"{edition.needs_work} needs-work unit(s) marked as drafts")
            if edition.fallbacks:
                notes.append(f"{len(edition.fallbacks)} unit(s) shown in the source language")
            if notes:
                lines.append(f"  {edition.article}: {', '.join(notes)}")
            for fallback in refused:
                lines.append(
                    f"  refused: {settings.source_dir}/{edition.article}:{fallback.line}: unit "
                    f"{fallback.key}: {fallback.reason}"
                )
            if refused:
                catalog = relative(settings, settings.catalog(edition.article, lang))
                lines.append(
                    f"  hint: fix the msgstr of each refused unit in {catalog} (`workflow check "
                    f"{lang}` gives its line); readers see the source text until then"
                )
        lines.extend(_held_line(settings, item) for item in held)
    for item in report.held:  # a language not named: no longer configured, its drafts withdrawn
        if item.lang not in report.languages:
            lines.append(f"{item.lang}:{_held_line(settings, item)[1:]}")
    for path in report.removed:
        if not any(h.withdrawn == path for h in report.held):
            lines.append(f"withdrawn: {relative(settings, path)}")
    for path in report.kept:
        lines.append(
            f"kept: {relative(settings, path)} (changed since it was published, or not written by "
            "workflow publish; delete it by hand if it should go)"
        )
    for orphan in report.orphans:
        parts = orphan.relative_to(settings.output).parts
        name = PurePosixPath(*parts[1:]).with_suffix("").as_posix()
        take_down = (f"`workflow unpublish {parts[0]} {shlex.quote(name)}` takes it down"
                     if orphan not in report.foreign else
                     "changed since it was published, or not written by workflow publish: delete it by hand "
                     "if it should go")
        lines.append(f"kept: {relative(settings, orphan)} (no longer made by any source; {take_down})")
    for article in report.taken_down:
        lang = report.languages[0]
        lines.append(f"  {article} stays down: publish and run hold it back until `workflow publish {lang} "
                     f"--restore {shlex.quote(article)}`")
    done = f"{len(report.written)} file(s) written, {report.unchanged} unchanged"
    if report.policy is None:
        lines.append(f"{len(report.removed)} file(s) withdrawn, {done}")
    else:
        lines.append(f"{done} ({report.policy.describe()})")
    return lines
