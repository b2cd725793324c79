"""Markup scanner shared by the HTML and bulletin-XML readers.

Markup is tokenized by the standard library's HTML tokenizer, which follows the
HTML5 tokenization rules for entities, attributes and raw-text elements and never
refuses input (XML sources are checked by lxml before they get here). Block-level
tags are boundaries; the text between two boundaries, with its inline markup, is
one block. Only the blocks' spans are replaced when a document is rebuilt, so
everything that is not translated stays byte for byte as the publisher wrote it.

Every token's span is taken from the tokenizer's own position: a token ends where
the next one starts, so comments, odd end tags and bogus markup are measured
exactly as the tokenizer consumed them.
"""

from __future__ import annotations

import hashlib
import html
import html.parser
import logging
import re
from html.parser import HTMLParser
from typing import NamedTuple

from ..languages import base_language
from ..model import Attribute, Block, BlockKind, LanguageTag, Piece
from ..records import frozen
from ..segment import PARAGRAPH, Part, Tag, has_words, pair_tags, split_block
from .common import LineIndex
from .published import DATED_TAGS, Dates

log = logging.getLogger(__name__)


@frozen
class Dialect:
    """Which tags are inline, void, untranslated, and what kind of block each makes."""

    inline: frozenset[str]
    void: frozenset[str]
    untranslated: frozenset[str]
    kinds: dict[str, BlockKind]
    attributes: tuple[str, ...] = ()
    meta_names: frozenset[str] = frozenset()
    head: str | None = None  # element whose text is not translated (except <title>)
    untranslated_classes: frozenset[str] = frozenset({"notranslate"})  # as translate="no"
    local_names: bool = False  # XML: `<b:p>` is `<p>` (the schema has checked the namespace)
    # the source's base language (`en`): an element inside the page whose `lang` names another language
    # (a French quotation, a menu of language names) is untranslated; "": no such rule
    source_language: str = ""


# name, then value (quoted or not), as in html.parser's tolerant attribute pattern
_ATTRIBUTE = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*"""
)
_TAGNAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*")
_WHITESPACE = " \t\n\r\f"
_MARKUP_START = re.compile(r"<[A-Za-z!/?]")
# what says which language or direction an element's content is in
_LANGUAGE_ATTRIBUTES = frozenset({"lang", "xml:lang", "dir"})
_LANGUAGE_METAS = frozenset({"content-language", "og:locale"})  # <meta http-equiv> and <meta property>
# elements whose end tag HTML lets an author leave out, and what ends them implicitly
_IMPLIED_BY_SIBLING = {
    "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "td": {"td", "th", "tr"}, "th": {"td", "th", "tr"},
    "tr": {"tr"}, "option": {"option", "optgroup"},
}
# the regions of a page a translator is told about, by element and by ARIA landmark role
_REGIONS = {"header": "header", "nav": "navigation", "main": "main", "article": "article", "aside": "aside",
            "footer": "footer"}
_ROLES = {"banner": "header", "navigation": "navigation", "main": "main", "article": "article",
          "complementary": "aside", "contentinfo": "footer"}
# blocks numbered `3 of 12` in their kind
_NUMBERED = frozenset({BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.CAPTION,
                       BlockKind.TABLE_CELL})
_CLOSES_P = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hgroup hr main menu nav ol p pre section table ul".split()
)


def implied_end(open_tag: str, tag: str) -> bool:
    """Whether a start tag `tag` closes an open `open_tag` whose end tag was left out."""
    if open_tag == "p":
        return tag in _CLOSES_P
    return tag in _IMPLIED_BY_SIBLING.get(open_tag, ())


class _Found(NamedTuple):
    """A block as the scan finds it; its context is known once the whole page is read."""

    kind: BlockKind
    where: str
    line: int
    pieces: tuple[Piece, ...]
    separators: tuple[str, ...]
    span: tuple[int, int]
    attribute: str | None
    region: str  # the page region it is in


# the part of a mark whose end is not known yet (see Scanner._close_pending)
_UNFINISHED = Tag("empty", (0, 0), "")


def _describe(raw: str, limit: int = 80) -> str:
    """A start tag as a translator's note shows it: each run of white space one space, cut at `limit`.

    (A start tag's text begins with `<` and ends with `>`: no white space at its edges to keep.)
    """
    raw = " ".join(raw.split())
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


# Start tags of the common shapes, read in one pass (FastTagParser): `<` and the name as html.parser
# reads it; attributes, each after ASCII white space: a name, then maybe `=` (white space around it)
# and a value quoted or bare; then `>` or `/>`. Each part stops at a character that the part after
# it must begin with, so a tag splits one way only: the way html.parser's greedy patterns split it.
_START_TAG_ATTRIBUTE = (r"""[ \t\n\r\f]+([^\s/>="'<]+)"""
                        r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*("[^"]*"|'[^']*'|[^\s>"'=][^\s>]*))?""")
_START_TAG = re.compile(
    r"<(?P<name>[a-zA-Z][^\t\n\r\f />\x00]*)"
    rf"(?P<attributes>(?:{_START_TAG_ATTRIBUTE})*)"
    r"[ \t\n\r\f]*(?P<empty>/?)>"
)
_ATTRIBUTES = re.compile(_START_TAG_ATTRIBUTE)
_END_TAG = re.compile(r"</([a-zA-Z][-.a-zA-Z0-9:_]*)>")  # the common end tag, `</name>`
_REFERENCE_END = re.compile(r"[\s;]")  # what ends a character reference (html.parser's goahead)


def _tokenizer_digest() -> str:
    """What html.parser does with a tag: its patterns, and the code of the methods FastTagParser replaces
    (and of those that set the raw-text mode its loop reads)."""
    stock = vars(html.parser)
    patterns = [stock[name].pattern for name in (
        "tagfind_tolerant", "attrfind_tolerant", "locatestarttagend_tolerant", "endendtag", "endtagfind",
        "interesting_normal", "starttagopen")]
    code = [(method.co_code, method.co_names, method.co_consts) for method in (
        getattr(HTMLParser, name).__code__
        for name in ("goahead", "parse_starttag", "check_for_whole_start_tag", "parse_endtag",
                     "set_cdata_mode", "clear_cdata_mode"))]
    return hashlib.sha256(repr((patterns, code, HTMLParser.CDATA_CONTENT_ELEMENTS)).encode()).hexdigest()


# FastTagParser reproduces html.parser's own code, which it was checked against in CPython 3.10.13,
# 3.11.7, 3.12.1 and 3.13.0 (a digest for each bytecode version). Later releases read tags otherwise
# (attribute values unescaped by HTML5's rules, RCDATA elements, the 2025 security fixes): with any
# tokenizer not checked, every tag takes the stock path.
_CHECKED = frozenset({
    "095278061f89f56d841658de95ad343b4ac4122d3b5dbde536549d935af8b848",  # 3.10
    "3cb608d6a621c2e795b19a8036e4c749b977e5f9f8d286bef28c4be9432fd660",  # 3.11
    "2f017c80658ed699d438021bd540fbc294aaf5ad240201a199378e5ece041eed",  # 3.12
    "0c6f09e0bdaec10810913d45dc4a083db65aa6dca2ee405b2c6775d8092329b3",  # 3.13
})
_FAST_TAGS = _tokenizer_digest() in _CHECKED and vars(html.parser).get("unescape") is html.unescape


class FastTagParser(HTMLParser):
    """html.parser's tokenizer with a fast path for the common shapes of start and end tag, and its loop
    over the tokens doing less for each (`goahead`).

    The stock parse_starttag makes four passes over a tag (a regex to find its end, one for the
    name, one per attribute, a strip of what is left): the tokenizer's largest cost on a real page.
    Here one regex (_START_TAG) reads the whole tag, and one more its attributes, if it has any;
    anything else (`<a b="c"d>`, `a==b`, a `/` between attributes, an attribute name with a quote,
    white space other than ASCII's, a tag cut off by the end of the buffer) is left to the stock
    parse_starttag. Every callback, and the state the tokenizer is left in, is html.parser's own:
    tests/test_tokenizer.py compares the two.
    """

    def goahead(self, end: bool) -> None:
        """html.parser's loop over the tokens in its buffer (its `goahead`, one of the methods checked by
        digest), for text whose character references are converted (`convert_charrefs`, as the scanner
        reads), with what it looks up for every token looked up once: the buffer's `find`, the callbacks,
        the kind of markup after a `<` from the character that follows it. In that mode the stock loop
        stops only at a `<` (or the end), so its branches for `&` are never taken and are left out.
        """
        if not (_FAST_TAGS and self.convert_charrefs):
            super().goahead(end)
            return
        rawdata = self.rawdata
        i = 0
        n = len(rawdata)
        find, startswith, unescape = rawdata.find, rawdata.startswith, html.unescape
        updatepos, handle_data = self.updatepos, self.handle_data
        while i < n:
            if not self.cdata_elem:
                j = find("<", i)
                if j < 0:
                    # no `<` ahead: unless this is the end, a character reference may be cut in half here
                    ampersand = rawdata.rfind("&", max(i, n - 34))
                    if ampersand >= 0 and not _REFERENCE_END.search(rawdata, ampersand):
                        break  # wait for the rest of the text
                    j = n
                if i < j:
                    data = rawdata[i:j]
                    handle_data(unescape(data) if "&" in data else data)  # (most text has no reference)
            else:
                match = self.interesting.search(rawdata, i)  # the end tag of the raw-text element
                if match is None:
                    break
                j = match.start()
                if i < j:
                    handle_data(rawdata[i:j])
            i = updatepos(i, j)
            if i == n:
                break
            after = rawdata[i + 1:i + 2]  # the character after the `<`
            if "a" <= after <= "z" or "A" <= after <= "Z":  # html.parser's starttagopen: `<` and a letter
                k = self.parse_starttag(i)
            elif after == "/":
                k = self.parse_endtag(i)
            elif startswith("<!--", i):
                k = self.parse_comment(i)
            elif after == "?":
                k = self.parse_pi(i)
            elif after == "!":
                k = self.parse_html_declaration(i)
            elif i + 1 < n:
                handle_data("<")
                k = i + 1
            else:
                break
            if k < 0:  # the markup is not complete in the buffer
                if not end:
                    break
                k = find(">", i + 1)
                if k < 0:
                    k = find("<", i + 1)
                    if k < 0:
                        k = i + 1
                else:
                    k += 1
                handle_data(rawdata[i:k] if self.cdata_elem else unescape(rawdata[i:k]))
            i = updatepos(i, k)
        if end and i < n and not self.cdata_elem:
            handle_data(unescape(rawdata[i:n]))
            i = updatepos(i, n)
        self.rawdata = rawdata[i:]

    def parse_starttag(self, i: int) -> int:
        rawdata = self.rawdata
        # with no `>` ahead, the tag is cut off and the stock path would read it all again: the
        # regex is not tried (on `<a b=c<a b=c…` to the end of a page, each `<` costs a pass to the end)
        match = _START_TAG.match(rawdata, i) if _FAST_TAGS and rawdata.find(">", i) >= 0 else None
        if match is None:
            return super().parse_starttag(i)
        end = match.end()
        self._HTMLParser__starttag_text = rawdata[i:end]  # what get_starttag_text() returns
        self.lasttag = tag = match["name"].lower()
        attrs: list[tuple[str, str | None]] = []
        if match["attributes"]:
            start, stop = match.span("attributes")
            for name, value in _ATTRIBUTES.findall(rawdata, start, stop):
                if not value:  # a name alone (a value has at least one character, or its quotes)
                    attrs.append((name.lower(), None))
                    continue
                if value[0] in "\"'":
                    value = value[1:-1]
                attrs.append((name.lower(), html.unescape(value) if "&" in value else value))
        if match["empty"]:
            self.handle_startendtag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            if tag in self.CDATA_CONTENT_ELEMENTS:
                self.set_cdata_mode(tag)
        return end

    def parse_endtag(self, i: int) -> int:
        # the stock parse_endtag's path for `</name>` outside a raw-text element, without its search
        # for the `>`, its second regex, and its clear_cdata_mode() (there is no raw-text mode to end)
        match = _END_TAG.match(self.rawdata, i) if _FAST_TAGS else None
        if match is None or self.cdata_elem is not None:
            return super().parse_endtag(i)
        self.handle_endtag(match[1].lower())
        return match.end()


class Scanner(FastTagParser):
    """Turns a page into blocks of parts; keeps the offsets of every piece of markup.

    Its callbacks run once per token, so they are kept lean: each start tag's attributes
    are read in one pass, and a part whose end is not known yet is completed (once) when
    the next token starts.
    """

    def __init__(self, text: str, dialect: Dialect, mode: str, path: str = "",
                 skip_at: frozenset[int] = frozenset(), dates: Dates | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.dates = dates  # told of every tag and text, as its own tokenizer would be
        self.skip_at = skip_at  # start tags of elements kept untranslated (skip_selectors)
        self.text = text
        self.path = path
        self.dialect = dialect
        # the dialect's facts the callbacks look up for every tag, one attribute access away
        self.inline, self.void, self.untranslated = dialect.inline, dialect.void, dialect.untranslated
        self.untranslated_classes, self.head, self.local_names = (
            dialect.untranslated_classes, dialect.head, dialect.local_names)
        self.wanted = frozenset(dialect.attributes)
        self.source_language = dialect.source_language
        self.mode = mode
        self.lines = LineIndex(text)
        self.blocks: list[_Found] = []  # in reading order, with the page region of each
        self.languages: list[LanguageTag] = []  # in translated content (see LanguageTag)
        self.containers: list[tuple[str, str, str]] = []  # open block-level tags: (name, where, region)
        self.parts: list[Part] = []
        self.names: list[str | None] = []
        self.spans: list[tuple[int, int]] = []
        self.pending: int | None = None  # index in parts of a token whose end is not known yet
        self.pending_tag: tuple[str, bool] | None = None  # the pending part is a mark: description, content
        self.skip: list[str] = []  # stack of tag names inside an untranslated element
        self.skip_start = 0
        self.skip_inline = False
        self.skip_description = ""
        self.closing = False
        self.ended = False  # markup cut off by the end of the file: the rest is not text
        self.in_head = False
        self.at = 0  # where the tokenizer is in the text: the start of the token it reports
        self.base = 0  # the offset in the text of the tokenizer's buffer (it drops what it has read)

    # -- offsets -------------------------------------------------------------------
    def updatepos(self, i: int, j: int) -> int:
        """The tokenizer moves past a token (buffer offsets i to j), as it does for every token in order.

        The base class counts lines and columns here (getpos); the offset is all we need.
        """
        if i < j:
            self.at = self.base + j
        return j

    def goahead(self, end: bool) -> None:
        super().goahead(end)
        self.base = self.at  # it keeps its buffer from the last position it moved to

    def _here(self) -> int:
        """Where the current token starts; the token before it ends here."""
        at = self.at
        if self.pending is not None:
            self._close_pending(at)
        return at

    def _close_pending(self, at: int) -> None:
        index = self.pending
        if index is not None:
            span = (self.spans[index][0], at)
            self.spans[index] = span
            if self.pending_tag is not None:
                description, content = self.pending_tag
                self.parts[index] = Tag("empty", span, description, -1, content)  # positional: faster
                self.pending_tag = None
            self.pending = None

    # -- runs ----------------------------------------------------------------------
    def _add_pending(self, part: Part, at: int, name: str | None = None) -> None:
        """A part that starts at `at` and ends where the next token starts."""
        self.pending = len(self.parts)
        self.parts.append(part)
        self.names.append(name)
        self.spans.append((at, at))

    def _add_mark(self, description: str, at: int, name: str | None = None, content: bool = False) -> None:
        """A mark (`<n/>`, or half of a pair) from `at` to where the next token starts."""
        self._add_pending(_UNFINISHED, at, name)
        self.pending_tag = (description, content)

    def _flush(self) -> None:
        parts = self.parts
        if not parts:
            return
        names, spans = self.names, self.spans
        self.parts, self.names, self.spans = [], [], []
        for part in parts:
            if isinstance(part, str) and any(map(str.isalpha, part)):
                break
        else:
            return
        paired = pair_tags(parts, names)
        lo, hi = _trim(paired)
        if hi - lo < len(parts):  # paired again: the pairs' indexes are the trimmed run's
            parts, names, spans = parts[lo:hi], names[lo:hi], spans[lo:hi]
            paired = pair_tags(parts, names)
        tag, where, _ = self.containers[-1] if self.containers else ("", "", "")
        kind = self.dialect.kinds.get(tag, BlockKind.PARAGRAPH)
        pieces, separators = split_block(paired, self.mode, self.text, spans, self.lines.line,
                                         title=kind is BlockKind.TITLE)
        if not pieces:
            return
        first, last = pieces[0].span, pieces[-1].span
        if first is None or last is None:  # the tokenizer changed the text in a way we cannot map
            log.warning("%s:%d: text left untranslated: it cannot be mapped to the source exactly",
                        self.path, self.lines.line(spans[0][0]))
            return
        self.blocks.append(_Found(kind, where, self.lines.line(first[0]), tuple(pieces), tuple(separators),
                                  (first[0], last[1]), None, self._region()))

    def _region(self) -> str:
        return self.containers[-1][2] if self.containers else ""

    def _context(self) -> list[Block]:
        """The blocks with their context for translators: position, page region, column if needed.

        `paragraph 3 of 12 in main`, as the text bulletin numbers its paragraphs; on a line
        that holds several blocks (a minified page is one line), the column where it starts.
        """
        totals: dict[BlockKind, int] = {}
        per_line: dict[int, int] = {}
        for found in self.blocks:  # counted in a plain loop: a Counter costs more on a small page
            totals[found.kind] = totals.get(found.kind, 0) + 1
            if found.attribute is None:
                per_line[found.line] = per_line.get(found.line, 0) + 1
        counts = dict.fromkeys(totals, 0)
        result: list[Block] = []
        for found in self.blocks:
            kind, line, span, region = found.kind, found.line, found.span, found.region
            words: list[str] = []
            if kind in _NUMBERED:
                counts[kind] += 1
                words.append(f"{counts[kind]} of {totals[kind]}")
            if region:
                words.append(f"in {region}")
            if per_line.get(line, 0) > 1:  # the column from the line's start: no scan back along a long line
                words.append(f"at column {span[0] - self.lines.offset(line, 0) + 1} of line {line}")
            result.append(Block(kind, found.where, line, found.pieces, found.separators, span,
                                attribute=found.attribute, context=" ".join(words)))
        return result

    def _attributes(self, tag: str, values: dict[str, str | None], raw: str, at: int) -> None:
        """Blocks for the translatable attributes of a start tag that has some (or is a <meta>)."""
        wanted: frozenset[str] = self.wanted
        kind = BlockKind.ATTRIBUTE
        if tag == "meta":
            named = values.get("name") or values.get("property") or values.get("itemprop") or ""
            if named.lower() not in self.dialect.meta_names:
                return
            wanted, kind = frozenset({"content"}), BlockKind.META
        for attribute in _values(raw, at, wanted):
            if not has_words(attribute.value):  # `alt="2.3 GB/s"`, a URL: nothing to translate, as written
                continue
            pieces, separators = split_block([attribute.value], PARAGRAPH)
            name, span = attribute.name, attribute.span
            self.blocks.append(_Found(kind, f"{name} of <{tag}>", self.lines.line(span[0]), tuple(pieces),
                                      tuple(separators), span, name, self._region()))

    def _language(self, tag: str, values: dict[str, str | None], raw: str, at: int) -> None:
        """Keep a start tag of translated content that names a language or direction (see LanguageTag)."""
        if tag == "meta":
            declares = (values.get("http-equiv") or values.get("property") or "").strip().lower()
            if declares not in _LANGUAGE_METAS:
                return
            content = _values(raw, at, frozenset({"content"}))
            found = tuple(Attribute(declares, a.value, a.span) for a in content)
        else:
            found = _values(raw, at, _LANGUAGE_ATTRIBUTES)
        if found:
            self.languages.append(LanguageTag(tag, found, tag in self.inline))

    # -- tokenizer callbacks -------------------------------------------------------
    # The commonest tokens (text, inline tags, block tags with no attribute we read) take the
    # shortest paths: a start tag's text is fetched, and its attributes looked at, only when needed.
    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs, True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]], void: bool = False) -> None:
        if tag in DATED_TAGS and self.dates is not None:
            self.dates.handle_starttag(tag, attrs)  # which `<x/>` is to it too
        if self.ended:
            return
        if self.local_names:
            tag = tag.rpartition(":")[2]
        if not void:
            void = tag in self.void
        at = self.at  # as _here() does, without the call
        if self.pending is not None:
            self._close_pending(at)
        skip = self.skip
        if skip:
            if len(skip) == 1 and implied_end(skip[0], tag):
                self.skip = []  # `<li translate="no">a<li>b`: the first item ended here
            else:
                if tag == skip[0] and not void:
                    skip.append(tag)
                return
        if tag == self.head:
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        classes = translate = role = None
        named = False  # a translatable attribute is named
        values: dict[str, str | None] = {}
        if attrs:
            # of a name given twice the first counts (as in attribute_values), a bare name is None
            values = dict(reversed(attrs))
            classes, translate, role = values.get("class"), values.get("translate"), values.get("role")
            named = not self.wanted.isdisjoint(values)
        foreign = bool(("lang" in values or "xml:lang" in values) and self.source_language
                       and tag not in _PAGE_LANGUAGE and _other_language(values, self.source_language))
        untranslated = (
            foreign
            or tag in self.untranslated
            or at in self.skip_at
            or (translate and translate.strip().lower() == "no")
            or (classes and not self.untranslated_classes.isdisjoint(classes.split()))
        )
        # the page's own `<html lang dir>` is publish's to write (render.source_page), a bulletin's root
        # `xml:lang` assemble_bulletin's; an element in another language is kept for its direction
        if values and (foreign or not untranslated) and tag not in _DOCUMENT_ROOTS and (
                tag == "meta" or not _LANGUAGE_ATTRIBUTES.isdisjoint(values)):
            self._language(tag, values, self.get_starttag_text() or "", at)
        inline = tag in self.inline
        if untranslated and not void:
            if not inline and self.parts:
                self._flush()
            self.skip, self.skip_start, self.skip_inline = [tag], at, inline
            self.skip_description = f"untranslated {_describe(self.get_starttag_text() or '', 60)}…</{tag}>"
            return
        # an untranslated <img>: its alt too; in the head only a <meta>'s
        if not untranslated and (tag == "meta" or (named and not self.in_head)):
            self._attributes(tag, values, self.get_starttag_text() or "", at)
        if inline:
            raw = self.get_starttag_text() or ""
            span = (at, at + len(raw))
            self.parts.append(Tag("empty", span, _describe(raw)))
            self.names.append(None if void else tag)
            self.spans.append(span)
            return
        if self.parts:
            self._flush()
        if not void:
            containers = self.containers
            where = f"<{tag}> class {classes.split()[0]}" if classes and not classes.isspace() else f"<{tag}>"
            region = _REGIONS.get(tag) or (_ROLES.get(role.strip().lower(), "") if role else "")
            containers.append((tag, where, region or (containers[-1][2] if containers else "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.dates is not None:
            self.dates.handle_endtag(tag)
        if self.ended:
            return
        if self.local_names:
            tag = tag.rpartition(":")[2]
        at = self.at  # as _here() does, without the call
        if self.pending is not None:
            self._close_pending(at)
        skip = self.skip
        if skip:
            if tag == skip[0]:
                skip.pop()
                if not skip and self.skip_inline:
                    # the mark ends where the end tag does, measured at the next token
                    self._add_mark(self.skip_description, self.skip_start, content=True)
                return
            if len(skip) == 1 and any(tag == name for name, _, _ in self.containers):
                self.skip = []  # `<p translate="no">a</div>`: the parent's end closed it
            else:
                return
        if tag == self.head:
            self.in_head = False
        if tag in self.inline:
            self._add_mark(f"</{tag}>", at, "/" + tag)
            return
        if self.parts:
            self._flush()
        containers = self.containers
        for depth in range(len(containers) - 1, -1, -1):
            if containers[depth][0] == tag:
                del containers[depth:]
                break

    def handle_data(self, data: str) -> None:
        dates = self.dates
        if dates is not None and dates.in_json_ld:
            dates.handle_data(data)
        if self.ended:
            return
        at = self.at  # as _here() does, without the call: text is the commonest token
        if self.pending is not None:
            self._close_pending(at)
        if self.closing and _MARKUP_START.match(self.text, at):
            # `text <b` or `<!-- …` cut off by the end of the file: HTML5 reads markup (a comment,
            # a tag) up to the end, never text. The standard library's tokenizer reads on after
            # the `<` as if it were text, so nothing it reports from here is taken: the rest of
            # the file stays untouched
            self.ended = True
            return
        if self.skip or (self.in_head and not (self.containers and self.containers[-1][0] == "title")):
            return
        parts = self.parts
        if not parts and not data.strip(_WHITESPACE):
            return  # white space between blocks: a run's edge, which _flush would trim
        self.pending = len(parts)  # as _add_pending() does
        parts.append(data)
        self.names.append(None)
        self.spans.append((at, at))

    def _mark(self, kind: str) -> None:
        """A comment, declaration or processing instruction inside a run: an untranslated mark."""
        if self.ended:
            return
        at = self._here()
        if not self.skip and self.parts:
            self._add_mark(kind, at)

    def handle_comment(self, data: str) -> None:
        self._mark("comment")

    def unknown_decl(self, data: str) -> None:
        self._mark("declaration")

    def handle_decl(self, decl: str) -> None:
        self._mark("declaration")

    def handle_pi(self, data: str) -> None:
        self._mark("processing instruction")

    def finish(self) -> list[Block]:
        self.closing = True  # what the tokenizer still holds is the end of the file
        self.close()
        self._close_pending(len(self.text))
        self._flush()
        return self._context()


# where a page says its own language: often a template's default, not the author's word on this text
_PAGE_LANGUAGE = frozenset({"html", "body", "bulletin"})  # (a bulletin's root: the document's language)
_DOCUMENT_ROOTS = frozenset({"html", "bulletin"})


def _other_language(values: dict[str, str | None], source: str) -> bool:
    """Whether an element's `lang` (or `xml:lang`) names a language other than the source's base language
    (`lang="fr"` in an English page; `en-GB` is English; `lang=""`, unknown, is not another)."""
    named = (values.get("lang") or values.get("xml:lang") or "").strip()
    return bool(named) and base_language(named) != source


def _values(raw: str, at: int, wanted: frozenset[str]) -> tuple[Attribute, ...]:
    """The `wanted` attributes of a start tag (`raw`, at offset `at`) that have a value, with their spans.

    The tokenizer gives the attributes decoded, not where they are; of a name given twice
    (`alt="a" alt="b"`) a browser keeps the first.
    """
    name_end = _TAGNAME.match(raw)
    if not name_end:
        return ()
    found: list[Attribute] = []
    seen: set[str] = set()
    for match in _ATTRIBUTE.finditer(raw, name_end.end()):
        name, value = match.group(1).lower(), match.group(3)
        if name in seen:
            continue
        seen.add(name)
        if name in wanted and value:
            decoded = html.unescape(value[1:-1] if value[:1] in "'\"" else value)
            found.append(Attribute(name, decoded, (at + match.start(3), at + match.end(3))))
    return tuple(found)


def _trim(parts: list[Part]) -> tuple[int, int]:
    """Bounds of a run without edge whitespace, edge marks (a `<br>`, a comment) and wrapping pairs.

    Untranslated words (`<code>`, translate="no") stay: they are part of the sentence.
    """
    lo, hi = 0, len(parts)
    while lo < hi:
        first, last = parts[lo], parts[hi - 1]
        if isinstance(first, str) and not first.strip(_WHITESPACE):
            lo += 1
        elif isinstance(last, str) and not last.strip(_WHITESPACE):
            hi -= 1
        elif isinstance(first, Tag) and first.role == "empty" and not first.content:
            lo += 1
        elif isinstance(last, Tag) and last.role == "empty" and not last.content:
            hi -= 1
        elif isinstance(first, Tag) and first.role == "open" and first.pair == hi - 1:
            lo, hi = lo + 1, hi - 1
        else:
            break
    return lo, hi


def scan(text: str, dialect: Dialect, mode: str, path: str = "",
         skip_at: frozenset[int] = frozenset(), dates: Dates | None = None,
         languages: list[LanguageTag] | None = None) -> list[Block]:
    """The blocks of a document, in reading order; elements starting at `skip_at` are untranslated.

    `dates`, if given, is told of the page's tags and text as they are read (see published.py);
    `languages`, if given, receives the start tags of translated content that name a language.
    """
    scanner = Scanner(text, dialect, mode, path, skip_at, dates)
    scanner.feed(text)
    blocks = scanner.finish()
    if languages is not None:
        languages.extend(scanner.languages)
    return blocks


def escape_text(text: str) -> str:
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    return '"' + html.escape(text, quote=True) + '"'
