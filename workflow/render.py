"""Rendering: every page publish writes, and the one place where text becomes HTML.

Two well-kept libraries do all the escaping. Pages are Jinja templates with
autoescape (bulletin pages, language indexes and feeds, output/index.html, and the
pieces publish puts into a source's own page: its `<html>` tag, the links to the
other editions, the style and the banners). The HTML of a bulletin's own elements
(title, summary, body) is built as an lxml tree from the bulletin document and
serialised by lxml, then given to the templates as markup. Nothing here reads or
writes files or decides what is published: `policy` decides, `assemble` and
`bulletin` build the localized documents, `publish` writes.

A source HTML page keeps its own bytes: the publisher's page is not parsed into a
tree and written out again; only the offsets of its `<html>`, `<head>`, `<body>`
and charset declarations are found, with the same tokenizer that read the page
for extraction, and rendered pieces are put there.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from lxml import etree
from markupsafe import Markup

from .bulletin import XML_LANG, parse_date, safe_href
from .errors import PublishError
from .formats.common import LineIndex
from .languages import base_language, language_tag, script, text_direction
from .markup import local_name
from .records import frozen

if TYPE_CHECKING:
    from jinja2 import Environment  # imported when a page is rendered (_environment): start-up

INDEX = "index.html"
FEED = "feed.atom"
Alternates = Sequence[Mapping[str, str]]  # lang, href, name, dir of each other edition


@frozen
class Record:
    """What an index needs to know about a published edition, read from its bulletin."""

    title: str  # plain text
    title_html: str  # with the marks of units shown in the source language
    source: str
    date: dt.date | None
    summary: str
    draft: bool


@frozen
class Entry:
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


# -- templates ---------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # only when a page is rendered: start-up

    return Environment(
        loader=PackageLoader("workflow", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def _macro(name: str, **context: Any) -> str:
    """A macro of pieces.html.j2: the pieces publish puts into pages it did not make from a template."""
    module = _environment().get_template("pieces.html.j2").module
    return str(getattr(module, name)(**context))


@cache
def _strings() -> dict[str, dict[str, str]]:
    text = (resources.files("workflow") / "templates" / "strings.json").read_text(encoding="utf-8")
    strings: dict[str, dict[str, str]] = json.loads(text)
    return strings


def ui(lang: str) -> dict[str, str]:
    """The page texts (banners, labels) in a language, English where there are none.

    `attrs` (HTML) and `xml_attrs` (Atom) go on the elements that hold them: where the texts are
    English in a page of another language, they say so (`lang="en" dir="ltr"`), so that a screen
    reader does not read the draft banner as Hebrew, nor a right-to-left page move its full stop.
    """
    strings = _strings()
    own = _own_texts(lang)
    english = own is None and base_language(lang) != "en"
    return {**strings["en"], **(strings[own] if own else {}),
            "attrs": Markup(' lang="en" dir="ltr"' if english else ""),
            "xml_attrs": Markup(' xml:lang="en"' if english else "")}


@cache  # (asked for every page: the script comes from CLDR's likely subtags)
def _own_texts(lang: str) -> str | None:
    """Which texts a language has (their key in strings.json): those of its language and script
    (`zh-Hant` for `zh_TW`), else its language's when written in its script (`zh` is Simplified: not for
    `zh-Hant-TW`, which got them); None: none of its own."""
    strings, base, written = _strings(), base_language(lang), script(lang)
    if written and f"{base}-{written}" in strings:
        return f"{base}-{written}"
    return base if base in strings and (not written or script(base) == written) else None


def up(relative: PurePosixPath) -> str:
    """The way from a page (`relative` under output/<lang>/) back up to output/<lang>/."""
    return "../" * (len(relative.parts) - 1)


def alternate_links(alternates: Alternates) -> str:
    """The `<link rel="alternate" hreflang>` elements of a page, on one line (every page has them
    right after its `<meta charset="utf-8">`, or first in `<head>` on a page that starts with a BOM,
    where `relink` finds them again)."""
    return _macro("alternate_links", alternates=alternates)


def masthead(lang: str, home: str, alternates: Alternates) -> str:
    return _render("masthead.html.j2", ui=ui(lang), home=home, alternates=alternates)


# -- bulletin elements as HTML (lxml) ------------------------------------------------------


def _find(parent: etree._Element | None, name: str) -> etree._Element | None:
    if parent is None:
        return None
    return next((child for child in parent if local_name(child) == name), None)


def plain_text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return re.sub(r"\s+", " ", "".join(str(t) for t in element.itertext())).strip()


def _append_text(parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _inline(source: etree._Element, target: etree._Element) -> None:
    """Append the HTML form of an inline bulletin element's content to `target`.

    Emphasis and code stay; a safe link stays a link, an unsafe one keeps its text;
    a span keeps its language (with direction), `translate` and draft mark, and
    otherwise only its content. Each keeps its language (`xml:lang` as lang and dir).
    """
    _append_text(target, source.text)
    for child in source:
        name = local_name(child)
        element: etree._Element | None = None
        if name in ("em", "strong", "code", "br"):
            element = _language(child, etree.SubElement(target, name))
        elif name == "a" and safe_href(child.get("href", "")):
            element = _language(child, etree.SubElement(target, "a", href=child.get("href", "")))
        elif name in ("a", "span"):
            attrs = _language_attributes(child)
            if child.get("translate") in ("yes", "no"):
                attrs["translate"] = child.get("translate", "")
            if child.get("state") == "machine":
                attrs["data-state"] = "machine"
            if attrs:
                element = etree.SubElement(target, "span", attrs)
        if element is not None and name != "br":
            _inline(child, element)
        elif element is None and name:
            _inline(child, target)  # the content without the element
        _append_text(target, child.tail)


def _serialize(element: etree._Element) -> str:
    return str(etree.tostring(element, method="html", encoding="unicode", with_tail=False))


def inline_html(element: etree._Element) -> str:
    """The HTML of an inline bulletin element's content (text escaped)."""
    holder = etree.Element("div")
    _inline(element, holder)
    return _serialize(holder)[len("<div>") : -len("</div>")]


def _language_attributes(source: etree._Element) -> dict[str, str]:
    """The `xml:lang` of a bulletin element as HTML's lang and dir (a paragraph in French inside an
    Arabic page: left to right, and named); none without one."""
    lang = source.get(XML_LANG)
    return {"lang": lang, "dir": text_direction(lang)} if lang else {}


def _language(source: etree._Element, target: etree._Element) -> etree._Element:
    """The HTML element `target`, with the language of the bulletin element `source`."""
    for name, value in _language_attributes(source).items():
        target.set(name, value)
    return target


def _block_html(block: etree._Element) -> etree._Element | None:
    """The HTML element of a block of a bulletin's body (None: not a block)."""
    name = local_name(block)
    if name in ("h", "p"):
        element = _language(block, etree.Element("h2" if name == "h" else "p"))
        _inline(block, element)
    elif name == "list":
        style = block.get("style", "bullet")
        element = etree.Element("ul" if style in ("bullet", "none") else "ol")
        if style == "none":
            element.set("class", "plain")
        elif style == "roman":
            element.set("type", "I")
        _language(block, element)
        for item in block:
            _inline(item, _language(item, etree.SubElement(element, "li")))
    elif name == "figure":
        element = etree.Element("figure")
        src = block.get("src", "")
        if src and safe_href(src):
            etree.SubElement(element, "img", src=src, alt="")
        caption = etree.SubElement(element, "figcaption")
        found = _find(block, "caption")
        if found is not None:
            _inline(found, _language(found, caption))
    else:
        return None
    return element


def body_html(tree: etree._ElementTree) -> str:
    """The HTML of a bulletin's body: headings, paragraphs, lists, figures, one a line."""
    body = _find(tree.getroot(), "body")
    blocks = (_block_html(block) for block in (body if body is not None else ()))
    return "\n".join(_serialize(element) for element in blocks if element is not None)


def head_html(tree: etree._ElementTree, name: str) -> str:
    found = _find(_find(tree.getroot(), "head"), name)
    return inline_html(found) if found is not None else ""


def record(tree: etree._ElementTree) -> Record:
    """Title, source, date and summary of a bulletin, for the indexes."""
    root = tree.getroot()
    head = _find(root, "head")
    if head is None:
        raise PublishError("a bulletin without a head")
    title = _find(head, "title")
    return Record(
        title=plain_text(title),
        title_html=inline_html(title) if title is not None else "",
        source=plain_text(_find(head, "source")),
        date=parse_date(plain_text(_find(head, "date"))),
        summary=plain_text(_find(head, "summary")),
        # the root's own state says it for the whole edition (attribute and meta units too); a bulletin
        # written before the root said it has its machine units marked in the text (root.iter() has both)
        draft=any(e.get("state") == "machine" for e in root.iter()),
    )


# -- edition pages -----------------------------------------------------------------------


@frozen
class Page:
    """What an edition's page shows."""

    lang: str
    tree: etree._ElementTree  # the localized bulletin
    record: Record
    date: dict[str, str] | None  # the bulletin's date, ISO and as shown in the language
    draft: bool  # machine drafts are shown, marked
    fallback: bool  # some units are shown in the source language, marked
    localized: str | None = None  # an HTML source's localized text (page or fragment)


def draft_banners(lang: str) -> tuple[str, ...]:
    """The draft banner of a page in `lang`, as publish puts it into every draft edition's page, then as
    releases before 2026-12 put it there: in English, untagged, for a language with no texts of its own,
    and in its base language's texts (Simplified Chinese for `zh-TW`)."""
    strings = _strings()
    base = strings.get(base_language(lang), strings["en"])
    earlier = [{**strings["en"], "attrs": ""}, {**base, "attrs": ""}]
    banners = [_macro("banners", ui=texts, draft=True, fallback=False) for texts in (ui(lang), *earlier)]
    return tuple(dict.fromkeys(banners))


def edition_page(page: Page, relative: PurePosixPath, alternates: Alternates) -> str:
    """The page of an edition: an HTML source's own page with its translations in place, else the
    bulletin page (whose body is the localized markup of an HTML fragment, else the bulletin's body)."""
    if page.localized is not None:
        own = source_page(page, alternates)
        if own is not None:
            return own
    return bulletin_page(page, relative, alternates)


def bulletin_page(page: Page, relative: PurePosixPath, alternates: Alternates) -> str:
    """The bulletin page of a plain-text or XML article, or of an HTML fragment."""
    lang = page.lang
    body = page.localized if page.localized is not None else body_html(page.tree)
    return _render(
        "page.html.j2",
        lang=language_tag(lang),
        dir=text_direction(lang),
        ui=ui(lang),
        up=up(relative),
        home=up(relative) + INDEX,
        alternates=alternates,
        links=Markup(alternate_links(alternates)),
        title=page.record.title,
        title_html=Markup(head_html(page.tree, "title")),
        summary_html=Markup(head_html(page.tree, "summary")),
        body_html=Markup(body),  # built by lxml, or the localized source's own markup (assemble escapes)
        source=page.record.source,
        date=page.date,
        draft=page.draft,
        fallback=page.fallback,
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


def source_page(page: Page, alternates: Alternates) -> str | None:
    """A source HTML page with its translations in place (None: a fragment, for the bulletin page).

    Sets `<html lang dir>`, declares UTF-8, links the other editions, and puts the
    draft and fallback banners at the top of the body. UTF-8 is declared by `<meta charset>`
    first in `<head>`, or, where that would end past the page's first 1024 bytes (a long
    comment before `<html>`), by a byte-order mark (U+FEFF) at the start of the page.
    """
    lang, text = page.lang, page.localized or ""
    marks = _Landmarks(text)
    if marks.html is None and marks.head is None and marks.body is None:
        return None
    edits: list[tuple[int, int, str]] = []
    kept = [(k, v) for k, v in (marks.html[2] if marks.html else []) if k not in ("lang", "dir", "xml:lang")]
    html_tag = _macro("html_tag", attributes=kept, lang=language_tag(lang), dir=text_direction(lang))
    if marks.html:
        edits.append((marks.html[0], marks.html[1], html_tag))
    else:
        doctype = text.lower().find("<!doctype")
        at = text.find(">", doctype) + 1 if doctype >= 0 else 0
        edits.append((at, at, html_tag))
    for start, end in marks.charsets:
        edits.append((start, end, ""))  # declared again first thing in <head>: UTF-8, within 1024 bytes
    head_at = marks.head if marks.head is not None else (marks.html[1] if marks.html else edits[0][1])
    head = _macro("head", alternates=alternates, charset=True)
    edits.append((head_at, head_at, head))
    banners = _macro("banners", ui=ui(lang), draft=page.draft, fallback=page.fallback)
    if banners:
        body_at = (
            marks.body
            if marks.body is not None
            else (marks.head_end if marks.head_end is not None else len(text))
        )
        edits.append((body_at, body_at, banners))
    out: list[str] = []
    cursor = 0
    before_head = 0  # where the head's pieces go in `out`
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[cursor:start])
        if replacement is head:
            before_head = len(out)
        out.append(replacement)
        cursor = max(cursor, end)
    out.append(text[cursor:])
    if sum(len(piece.encode("utf-8")) for piece in out[:before_head]) + len(CHARSET_META) > PRESCAN_BYTES:
        # a long comment or `<html>` tag before `<head>`: a `<meta charset>` there is past the bytes a
        # browser looks at for it (and invalid even after a BOM); a byte-order mark declares UTF-8 instead
        out[before_head] = _macro("head", alternates=alternates, charset=False)
        out.insert(0, BOM)
    return "".join(out)


CHARSET_META = '<meta charset="utf-8">'
BOM = "\ufeff"  # U+FEFF, first thing in a page: the page is UTF-8, however far `<head>` is
PRESCAN_BYTES = 1024  # a `<meta charset>` must end within a page's first 1024 bytes
_LINKS = r'((?:<link rel="alternate" hreflang="[^"<>]*" href="[^"<>]*">)*)'
_HEAD_LINKS = re.compile(re.escape(CHARSET_META) + _LINKS)
# a page that starts with a BOM has no `<meta charset>`: its links are followed by publish's own style
_LATE_HEAD_LINKS = re.compile(_LINKS + r'(?=<style>\[data-state="machine"\])')
_MASTHEAD = re.compile(r'<header class="masthead">\n.*?</header>\n', re.S)
_TEMPLATE_HEAD = '\n<meta name="viewport"'  # what follows the links in page.html.j2


def relink(page: str, alternates: Alternates, header: str) -> str | None:
    """A published page with its links to the other editions replaced (None: not a page publish wrote).

    The `hreflang` links follow the `<meta charset="utf-8">` publish puts first in
    `<head>` (a page that starts with a BOM has none: the links come first, then
    publish's style). On a bulletin-template page (where the viewport meta follows
    them, not the style publish adds to a source's own page) the masthead `header`
    replaces the page's, with its language menu: the template's `<head>` holds only
    escaped text, so the first masthead is the template's.
    """
    at = _head_start(page)
    pattern = _LATE_HEAD_LINKS if page.startswith(BOM) else _HEAD_LINKS
    found = pattern.match(page, at) if at is not None else None
    if found is None:
        return None
    after = page[found.end(1) :]
    if page.startswith(_TEMPLATE_HEAD, found.end()):
        old = _MASTHEAD.search(page, found.end())
        if old is None:
            return None
        after = page[found.end(1) : old.start()] + header + page[old.end() :]
    return page[: found.start(1)] + alternate_links(alternates) + after


def _head_start(page: str) -> int | None:
    """Where publish put its `<meta charset="utf-8">` (on a page that starts with a BOM, its links):
    right after `<head>` (or `<html>`) as a browser reads the page. Only the part before the first
    such tag is parsed, unless that is not the place."""
    first = page.find(CHARSET_META)
    if first < 0 and not page.startswith(BOM):
        return None
    for text in (page[:first], page) if first >= 0 else (page,):
        marks = _Landmarks(text)
        at = marks.head if marks.head is not None else (marks.html[1] if marks.html else None)
        if at is not None and (at == first or text is page):
            return at
    return None


# -- indexes -------------------------------------------------------------------------------


def index_page(lang: str, entries: Sequence[Entry], alternates: Alternates, home: str) -> str:
    """output/<lang>/index.html: the entries, newest first as given."""
    return _render(
        "index.html.j2",
        lang=language_tag(lang),
        dir=text_direction(lang),
        ui=ui(lang),
        entries=entries,
        alternates=alternates,
        links=Markup(alternate_links(alternates)),
        home=home,
    )


def feed(lang: str, entries: Sequence[Entry], feed_id: str) -> str:
    """output/<lang>/feed.atom."""
    updated = max(e.updated for e in entries)
    return _render("feed.atom.j2", lang=language_tag(lang), ui=ui(lang), entries=entries, updated=updated,
                   id=feed_id)


def languages_page(lang: str, editions: Alternates) -> str:
    """output/index.html: a link to each language's edition, in the source language."""
    return _render("languages.html.j2", lang=language_tag(lang), dir=text_direction(lang), ui=ui(lang),
                   editions=editions)
