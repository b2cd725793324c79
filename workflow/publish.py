"""Publishing: reviewed catalogs -> output/<lang>/ pages, bulletin XML, indexes and feeds.

For each language, every source article is checked against the publishing policy
(all units reviewed; a share of the words reviewed; or the title and first
paragraph reviewed). A published article gets an HTML page and a bulletin XML
document; units that cannot be shown translated appear in the source language,
marked, and are reported. Articles held back are reported with the reason, and an
edition published earlier stays in place. Files are written only when their bytes
change, so publishing twice in a row writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path, PurePosixPath

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined
from lxml import etree
from markupsafe import Markup

from .assemble import (
    Choice,
    Fallback,
    Mark,
    choose,
    fallbacks,
    lead_keys,
    localize,
    text_direction,
    words,
)
from .bulletin import (
    Record,
    assemble_bulletin,
    body_html,
    record,
    serialize,
    summary_html,
    title_html,
)
from .errors import CatalogError, PublishError, SourceError, WorkflowError
from .extract import find_sources, read_article
from .files import workspace_lock, write_if_changed
from .formats.common import LineIndex
from .formats.scanner import escape_attribute, escape_text
from .markup import parse_xml
from .model import Article, Failure, Format, State
from .settings import POLICIES, Settings, base_language
from .store import catalog_targets

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
INDEX = "index.html"
FEED = "feed.atom"
USABLE = frozenset({State.REVIEWED})
DRAFT_USABLE = frozenset({State.REVIEWED, State.MACHINE, State.NEEDS_WORK, State.CHANGED})


@dataclass(frozen=True, slots=True)
class Policy:
    """When an article may be published in a language."""

    name: str = "complete"  # complete | threshold | lead
    threshold: int = 100  # percent of words reviewed, for `threshold`
    draft: bool = False  # machine translations count, and are shown marked

    @classmethod
    def from_settings(cls, settings: Settings, *, draft: bool = False) -> Policy:
        return cls(settings.publish_policy, settings.publish_threshold, draft)

    def describe(self) -> str:
        what = {
            "complete": "every unit reviewed",
            "threshold": f"{self.threshold}% of words reviewed",
            "lead": "title and first paragraph reviewed",
        }[self.name]
        return what + (" (drafts: machine translations count, marked)" if self.draft else "")


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Held:
    """An article not published in a language, and why; `kept` is an earlier edition left online."""

    article: str
    lang: str
    reason: str
    kept: Path | None = None


@dataclass(slots=True)
class PublishReport:
    """What `publish` did."""

    languages: tuple[str, ...] = ()
    policy: Policy = field(default_factory=Policy)
    published: list[Edition] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    indexes: list[Path] = field(default_factory=list)  # output/<lang>/index.html, then output/index.html
    orphans: list[Path] = field(default_factory=list)  # published files whose source is gone (kept)
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class _Draft:
    """An edition decided on but not yet written."""

    article: Article
    lang: str
    choices: Mapping[str, Choice]
    tree: etree._ElementTree
    record: Record
    reviewed: int
    fallbacks: tuple[Fallback, ...]
    machine: int
    needs_work: int = 0


@dataclass(frozen=True, slots=True)
class _Entry:
    """A line of a language's index and feed."""

    href: str
    title: str
    title_html: Markup
    source: str
    date: dict[str, str] | None
    updated: str
    id: str
    summary: str
    draft: bool
    sort: tuple[str, str]


# -- policy ----------------------------------------------------------------------------


def evaluate(article: Article, targets: Mapping[str, tuple[str, State]], policy: Policy) -> tuple[str, int]:
    """Why an article is held back under a policy ("" when it may be published), and % of words reviewed."""
    segments = article.segments()
    states = {s.key: targets.get(s.key, ("", State.NEW))[1] for s in segments}
    usable = DRAFT_USABLE if policy.draft else USABLE
    total = sum(words(s.text) for s in segments) or 1
    reviewed = round(100 * sum(words(s.text) for s in segments if states[s.key] is State.REVIEWED) / total)
    good = sum(words(s.text) for s in segments if states[s.key] in usable)
    if not segments:
        return "the article has no text to translate", 0
    if not any(state in usable for state in states.values()):
        return "nothing is translated" + ("" if policy.draft else " and reviewed"), reviewed
    if policy.name == "complete":
        missing = Counter(state for state in states.values() if state not in usable)
        if missing:
            parts = [
                f"{n} {_STATE_WORDS[state]}" for state, n in sorted(missing.items(), key=lambda i: i[0].value)
            ]
            return (
                f"{sum(missing.values())} of {len(segments)} units not "
                f"{'translated' if policy.draft else 'reviewed'} ({', '.join(parts)})"
            ), reviewed
    elif policy.name == "threshold":
        share = 100 * good / total
        if share < policy.threshold:
            what = "translated" if policy.draft else "reviewed"
            return f"{share:.0f}% of words {what}, below the threshold of {policy.threshold}%", reviewed
    elif policy.name == "lead":
        titles, first = lead_keys(article)
        missing_keys = {k for k in (*titles, *first) if states.get(k, State.NEW) not in usable}
        if missing_keys:
            which = [w for w, ks in (("title", titles), ("first paragraph", first)) if missing_keys & set(ks)]
            verb = "is" if len(which) == 1 else "are"
            what = "translated" if policy.draft else "reviewed"
            return f"the {' and the '.join(which)} {verb} not {what}", reviewed
    else:
        raise PublishError(
            f"unknown publishing policy {policy.name!r}", hint=f"use one of {', '.join(POLICIES)}"
        )
    return "", reviewed


_STATE_WORDS = {
    State.NEW: "not translated",
    State.MACHINE: "machine-translated",
    State.NEEDS_WORK: "marked as needing work",
    State.CHANGED: "source changed",
}


# -- pages -----------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("workflow", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _strings() -> dict[str, dict[str, str]]:
    text = (resources.files("workflow") / "templates" / "strings.json").read_text(encoding="utf-8")
    strings: dict[str, dict[str, str]] = json.loads(text)
    return strings


def ui(lang: str) -> dict[str, str]:
    """The page texts (banners, labels) in a language, English where there are none."""
    strings = _strings()
    return {**strings["en"], **strings.get(base_language(lang), {})}


def language_name(lang: str) -> str:
    """A language's name in that language (`中文`, `العربية`)."""
    try:
        name = Locale.parse(lang, sep="-").get_display_name(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return lang
    return name or lang


def shown_date(date: dt.date, lang: str) -> dict[str, str]:
    try:
        shown = format_date(date, "long", locale=lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        shown = date.isoformat()
    return {"iso": date.isoformat(), "shown": shown}


def _up(relative: PurePosixPath) -> str:
    return "../" * (len(relative.parts) - 1)


def _alternates(relative: PurePosixPath, langs: Sequence[str], current: str) -> list[dict[str, str]]:
    up = _up(relative) + "../"
    return [
        {
            "lang": other,
            "href": f"{up}{other}/{relative.as_posix()}",
            "name": language_name(other),
            "dir": text_direction(other),
        }
        for other in langs
        if other != current
    ]


def render_page(draft: _Draft, relative: PurePosixPath, alternates: list[dict[str, str]]) -> str:
    """The bulletin page of a plain-text or XML article (or an HTML fragment)."""
    lang = draft.lang
    body = body_html(draft.tree)
    if draft.article.format is Format.HTML:
        body = localize(draft.article, draft.choices, lang).text
    date = draft.record.date
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            lang=lang,
            dir=text_direction(lang),
            ui=ui(lang),
            up=_up(relative),
            alternates=alternates,
            title=draft.record.title,
            title_html=Markup(title_html(draft.tree)),
            summary_html=Markup(summary_html(draft.tree)),
            body_html=Markup(body),
            source=draft.record.source,
            date=shown_date(date, lang) if date else None,
            draft=draft.machine > 0,
            fallback=bool(draft.fallbacks),
        )
    )


class _Landmarks(HTMLParser):
    """Offsets of the tags publishing changes in a source page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = LineIndex(text)
        self.html: tuple[int, int, list[tuple[str, str | None]]] | None = None
        self.head: int | None = None  # end of the <head> start tag
        self.head_end: int | None = None  # start of </head>
        self.body: int | None = None  # end of the <body> start tag
        self.charsets: list[tuple[int, int]] = []
        self.feed(text)
        self.close()

    def _span(self) -> tuple[int, int]:
        line, column = self.getpos()
        start = self.lines.offset(line, column)
        return start, start + len(self.get_starttag_text() or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and self.html is None:
            self.html = (*self._span(), attrs)
        elif tag == "head" and self.head is None:
            self.head = self._span()[1]
        elif tag == "body" and self.body is None:
            self.body = self._span()[1]
        elif tag == "meta":
            values = {k: (v or "").lower() for k, v in attrs}
            if "charset" in values or (
                values.get("http-equiv") == "content-type" and "charset" in values.get("content", "")
            ):
                self.charsets.append(self._span())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head" and self.head_end is None:
            line, column = self.getpos()
            self.head_end = self.lines.offset(line, column)


_PAGE_STYLE = (
    '<style>[data-state="machine"]{background:#fff4cc}'
    ".workflow-banner{margin:0;padding:.6rem 1rem;background:#fff4cc;border-block-end:2px solid #e0b400;"
    "font:1rem/1.5 system-ui,sans-serif}</style>"
)


def render_source_page(draft: _Draft, alternates: list[dict[str, str]]) -> str | None:
    """A source HTML page with its translations in place (None: a fragment, for the template).

    Sets `<html lang dir>`, declares UTF-8, links the other editions, and puts the
    draft and fallback banners at the top of the body.
    """
    lang = draft.lang
    text = localize(draft.article, draft.choices, lang).text
    marks = _Landmarks(text)
    if marks.html is None and marks.head is None and marks.body is None:
        return None
    strings = ui(lang)
    edits: list[tuple[int, int, str]] = []
    kept = [(k, v) for k, v in (marks.html[2] if marks.html else []) if k not in ("lang", "dir", "xml:lang")]
    attrs = "".join(f" {k}" if v is None else f" {k}={escape_attribute(v)}" for k, v in kept)
    html_tag = f'<html{attrs} lang="{lang}" dir="{text_direction(lang)}">'
    if marks.html:
        edits.append((marks.html[0], marks.html[1], html_tag))
    else:
        doctype = text.lower().find("<!doctype")
        at = text.find(">", doctype) + 1 if doctype >= 0 else 0
        edits.append((at, at, html_tag))
    for start, end in marks.charsets:
        edits.append((start, end, ""))  # declared again first thing in <head>: UTF-8, within 1024 bytes
    links = "".join(
        f'<link rel="alternate" hreflang="{a["lang"]}" href={escape_attribute(a["href"])}>'
        for a in alternates
    )
    head_at = marks.head if marks.head is not None else (marks.html[1] if marks.html else edits[0][1])
    extra = '<meta charset="utf-8">' + links + _PAGE_STYLE
    edits.append((head_at, head_at, extra))
    banners = []
    if draft.machine:
        banners.append(f'<p class="workflow-banner" role="note">{escape_text(strings["draft"])}</p>')
    if draft.fallbacks:
        banners.append(f'<p class="workflow-banner" role="note">{escape_text(strings["fallback"])}</p>')
    if banners:
        body_at = (
            marks.body
            if marks.body is not None
            else (marks.head_end if marks.head_end is not None else len(text))
        )
        edits.append((body_at, body_at, "".join(banners)))
    out: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = max(cursor, end)
    out.append(text[cursor:])
    return "".join(out)


# -- publishing ------------------------------------------------------------------------


def output_name(article: str) -> PurePosixPath:
    """The page's path under output/<lang>/, without suffix."""
    return PurePosixPath(article).with_suffix("")


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
    drafts = [key for key, c in choices.items() if c.mark is Mark.MACHINE]
    needs_work = sum(1 for key in drafts if targets[key][1] is State.NEEDS_WORK)
    return _Draft(article, lang, choices, tree, record(tree), reviewed, fallbacks(article, choices),
                  len(drafts), needs_work)


def _read_articles(settings: Settings, report: PublishReport) -> list[Article]:
    articles: list[Article] = []
    for path in find_sources(settings):
        try:
            articles.append(read_article(settings, path))
        except WorkflowError as exc:
            report.failures.append(Failure.of(exc))
    names = Counter(output_name(a.path) for a in articles)
    usable: list[Article] = []
    for article in articles:
        name = output_name(article.path)
        path = settings.source / article.path
        if names[name] > 1:
            report.failures.append(
                Failure(
                    f"another source also publishes as {name}.html", path, hint="rename one of the two files"
                )
            )
        elif name == PurePosixPath("index"):
            report.failures.append(
                Failure(
                    "an article named index would replace the bulletin index", path, hint="rename the file"
                )
            )
        else:
            usable.append(article)
    return usable


def _write(report: PublishReport, path: Path, data: bytes) -> None:
    if write_if_changed(path, data):
        report.written.append(path)
    else:
        report.unchanged += 1


def _kept_record(path: Path) -> Record | None:
    """The record of an edition published earlier, read back from its bulletin XML."""
    try:
        return record(parse_xml(path.read_bytes(), str(path)))
    except (OSError, WorkflowError) as exc:
        log.warning("cannot read the earlier edition %s: %s", path, exc)
        return None


def _entry(settings: Settings, lang: str, name: PurePosixPath, rec: Record, mtime: float) -> _Entry:
    date = rec.date or dt.datetime.fromtimestamp(mtime, dt.UTC).date()
    return _Entry(
        href=f"{name.as_posix()}.html",
        title=rec.title,
        title_html=Markup(rec.title_html),
        source=rec.source,
        date=shown_date(rec.date, lang) if rec.date else None,
        updated=f"{date.isoformat()}T00:00:00Z",
        id=f"urn:x-workflow:bulletin:{lang}:{name.as_posix()}",
        summary=rec.summary,
        draft=rec.draft,
        sort=(rec.date.isoformat() if rec.date else "", rec.title),
    )


def publish(
    settings: Settings, langs: Sequence[str], policy: Policy, progress: Progress | None = None
) -> PublishReport:
    """Publish every source article in each language that the policy allows."""
    report = PublishReport(languages=tuple(langs), policy=policy)
    with workspace_lock(settings.root, settings.lock_timeout):
        articles = _read_articles(settings, report)
        drafts: dict[tuple[str, str], _Draft] = {}
        for lang in langs:
            for article in articles:
                if progress:
                    progress(f"{lang}: {article.path}")
                try:
                    decision = _decide(settings, article, lang, policy)
                except (CatalogError, PublishError, SourceError) as exc:
                    report.failures.append(
                        Failure(exc.message, exc.path or settings.source / article.path, exc.line, exc.hint)
                    )
                    continue
                if isinstance(decision, str):
                    html = settings.output / lang / f"{output_name(article.path)}.html"
                    report.held.append(Held(article.path, lang, decision, html if html.exists() else None))
                else:
                    drafts[(article.path, lang)] = decision
        every = list(dict.fromkeys([*langs, *settings.languages]))
        for lang in langs:
            _publish_language(settings, report, lang, articles, drafts, every)
        _write_languages(settings, report, every)
    return report


def _publish_language(
    settings: Settings,
    report: PublishReport,
    lang: str,
    articles: list[Article],
    drafts: Mapping[tuple[str, str], _Draft],
    every: list[str],
) -> None:
    folder = settings.output / lang
    entries: list[_Entry] = []
    expected: set[Path] = {folder / INDEX, folder / FEED}
    for article in articles:
        name = output_name(article.path)
        html_path, xml_path = folder / f"{name}.html", folder / f"{name}.xml"
        expected |= {html_path, xml_path}
        draft = drafts.get((article.path, lang))
        if draft is None:
            kept = _kept_record(xml_path) if xml_path.exists() and html_path.exists() else None
            if kept is not None:
                entries.append(_entry(settings, lang, name, kept, xml_path.stat().st_mtime))
            continue
        published_in = [
            other
            for other in every
            if (article.path, other) in drafts or (settings.output / other / f"{name}.html").exists()
        ]
        alternates = _alternates(PurePosixPath(f"{name}.html"), published_in, lang)
        try:
            page = render_source_page(draft, alternates) if article.format is Format.HTML else None
            if page is None:
                page = render_page(draft, PurePosixPath(f"{name}.html"), alternates)
            _write(report, xml_path, serialize(draft.tree))
            _write(report, html_path, page.encode("utf-8"))
        except WorkflowError as exc:
            report.failures.append(Failure(exc.message, exc.path or xml_path, exc.line, exc.hint))
            continue
        report.published.append(
            Edition(article.path, lang, html_path, xml_path, draft.reviewed, draft.fallbacks, draft.machine,
                    draft.needs_work)
        )
        source_mtime = (settings.source / article.path).stat().st_mtime
        entries.append(_entry(settings, lang, name, draft.record, source_mtime))
    if folder.is_dir():
        report.orphans.extend(
            sorted(
                p
                for p in folder.rglob("*")
                if p.is_file()
                and p.suffix in (".html", ".xml", ".atom")
                and p not in expected
                and not p.name.startswith(".")
            )
        )
    if not entries and not (folder / INDEX).exists():
        return
    entries.sort(key=lambda e: e.sort, reverse=True)
    dated = [e for e in entries if e.date]
    entries = dated + [e for e in entries if not e.date]
    strings = ui(lang)
    publishing = {other for _, other in drafts}
    alternates = [
        {
            "lang": other,
            "href": f"../{other}/{INDEX}",
            "name": language_name(other),
            "dir": text_direction(other),
        }
        for other in every
        if other != lang and ((settings.output / other / INDEX).exists() or other in publishing)
    ]
    environment = _environment()
    index = environment.get_template("index.html.j2").render(
        lang=lang, dir=text_direction(lang), ui=strings, entries=entries, alternates=alternates
    )
    updated = max((e.updated for e in entries), default="1970-01-01T00:00:00Z")
    feed = environment.get_template("feed.atom.j2").render(
        lang=lang, ui=strings, entries=entries, updated=updated, id=f"urn:x-workflow:bulletin:{lang}"
    )
    try:
        _write(report, folder / INDEX, index.encode("utf-8"))
        _write(report, folder / FEED, feed.encode("utf-8"))
    except WorkflowError as exc:  # reported; the other languages are still published
        report.failures.append(Failure.of(exc))
        return
    report.indexes.append(folder / INDEX)


def _write_languages(settings: Settings, report: PublishReport, every: list[str]) -> None:
    """output/index.html: a link to each language's edition."""
    editions = [
        {"lang": lang, "href": f"{lang}/{INDEX}", "name": language_name(lang), "dir": text_direction(lang)}
        for lang in every
        if (settings.output / lang / INDEX).exists()
    ]
    lang = settings.source_lang
    page = (
        _environment()
        .get_template("languages.html.j2")
        .render(lang=lang, dir=text_direction(lang), ui=ui(lang), editions=editions)
    )
    try:
        _write(report, settings.output / INDEX, page.encode("utf-8"))
    except WorkflowError as exc:
        report.failures.append(Failure.of(exc))
        return
    report.indexes.append(settings.output / INDEX)


def relative(settings: Settings, path: Path) -> str:
    """A path for messages: relative to the workspace when it is inside it."""
    try:
        return os.path.relpath(path, settings.root) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


def summary_lines(settings: Settings, report: PublishReport) -> list[str]:
    """Human-readable lines about a report, for the command line (stderr)."""
    lines: list[str] = []
    for lang in report.languages:
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
                lines.append(f"  hint: fix the msgstr of each refused unit in {catalog} (`workflow check "
                             f"{lang}` gives its line); readers see the source text until then")
        for item in held:
            kept = f"; the earlier edition {relative(settings, item.kept)} stays online" if item.kept else ""
            lines.append(f"  held back: {item.article}: {item.reason}{kept}")
    for orphan in report.orphans:
        lines.append(f"kept: {relative(settings, orphan)} (no longer made by any source; delete it by hand)")
    lines.append(
        f"{len(report.written)} file(s) written, {report.unchanged} unchanged ({report.policy.describe()})"
    )
    return lines


def policy_from_options(settings: Settings, policy: str | None, threshold: int | None, draft: bool) -> Policy:
    """The policy for one run: settings, then the command's options.

    `--threshold` alone means the threshold policy. Raises PublishError on a
    threshold outside 0-100 or a threshold given with another policy.
    """
    base = Policy.from_settings(settings, draft=draft)
    if threshold is not None and not 0 <= threshold <= 100:
        raise PublishError(f"the threshold must be a percentage from 0 to 100, not {threshold}")
    if threshold is not None and policy not in (None, "threshold"):
        raise PublishError(
            f"--threshold goes with the threshold policy, not {policy!r}",
            hint="leave out --policy, or use --policy threshold",
        )
    name = policy or ("threshold" if threshold is not None else base.name)
    return Policy(name, threshold if threshold is not None else base.threshold, draft)
