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

import functools
import html
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from ..model import Block, BlockKind
from ..segment import PARAGRAPH, Part, Tag, has_words, pair_tags, split_block
from .common import LineIndex
from .published import Dates

log = logging.getLogger(__name__)


@dataclass(frozen=True)
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


# name, then value (quoted or not), as in html.parser's tolerant attribute pattern
_ATTRIBUTE = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*"""
)
_TAGNAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*")
_WHITESPACE = " \t\n\r\f"
_MARKUP_START = re.compile(r"<[A-Za-z!/?]")
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


def _untranslated(dialect: Dialect, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    values = dict(attrs)
    classes = (values.get("class") or "").split()
    return (
        tag in dialect.untranslated
        or (values.get("translate") or "").strip().lower() == "no"
        or not dialect.untranslated_classes.isdisjoint(classes)
    )


@functools.cache
def _names_any(names: tuple[str, ...]) -> re.Pattern[str]:
    """Finds any of `names` in a tag's text, in any case."""
    return re.compile("|".join(re.escape(name) for name in names) or "(?!)", re.IGNORECASE)


def implied_end(open_tag: str, tag: str) -> bool:
    """Whether a start tag `tag` closes an open `open_tag` whose end tag was left out."""
    if open_tag == "p":
        return tag in _CLOSES_P
    return tag in _IMPLIED_BY_SIBLING.get(open_tag, ())


def _describe(raw: str, limit: int = 80) -> str:
    raw = re.sub(r"\s+", " ", raw)
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


class Scanner(HTMLParser):
    """Turns a page into blocks of parts; keeps the offsets of every piece of markup."""

    def __init__(self, text: str, dialect: Dialect, mode: str, path: str = "",
                 skip_at: frozenset[int] = frozenset(), dates: Dates | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.dates = dates  # told of every tag and text, as its own tokenizer would be
        self.skip_at = skip_at  # start tags of elements kept untranslated (skip_selectors)
        self.text = text
        self.path = path
        self.dialect = dialect
        self.mode = mode
        self.lines = LineIndex(text)
        self.blocks: list[Block] = []
        self.containers: list[tuple[str, str, str]] = []  # open block-level tags: (name, where, region)
        self.regions: list[str] = []  # the page region of each block, as self.blocks grows
        self.parts: list[Part] = []
        self.names: list[str | None] = []
        self.spans: list[tuple[int, int]] = []
        self.pending: int | None = None  # index in parts of a token whose end is not known yet
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
        self._close_pending(at)
        return at

    def _close_pending(self, at: int) -> None:
        if self.pending is not None:
            start, _ = self.spans[self.pending]
            self.spans[self.pending] = (start, at)
            part = self.parts[self.pending]
            if isinstance(part, Tag):
                span = (start, at)
                self.parts[self.pending] = Tag(part.role, span, part.description, part.pair, part.content)
            self.pending = None

    # -- runs ----------------------------------------------------------------------
    def _add(self, part: Part, name: str | None, span: tuple[int, int], open_end: bool = False) -> None:
        self.parts.append(part)
        self.names.append(name)
        self.spans.append(span)
        if open_end:
            self.pending = len(self.parts) - 1

    def _flush(self) -> None:
        parts, names, spans = self.parts, self.names, self.spans
        self.parts, self.names, self.spans = [], [], []
        if not any(isinstance(p, str) and any(c.isalpha() for c in p) for p in parts):
            return
        lo, hi = _trim(pair_tags(parts, names))
        parts, names, spans = parts[lo:hi], names[lo:hi], spans[lo:hi]
        tag, where, _ = self.containers[-1] if self.containers else ("", "", "")
        kind = self.dialect.kinds.get(tag, BlockKind.PARAGRAPH)
        pieces, separators = split_block(pair_tags(parts, names), self.mode, self.text, spans,
                                         self.lines.line, title=kind is BlockKind.TITLE)
        if not pieces:
            return
        first, last = pieces[0].span, pieces[-1].span
        if first is None or last is None:  # the tokenizer changed the text in a way we cannot map
            log.warning("%s:%d: text left untranslated: it cannot be mapped to the source exactly",
                        self.path, self.lines.line(spans[0][0]))
            return
        self._append(
            Block(kind, where, self.lines.line(first[0]), tuple(pieces), tuple(separators),
                  span=(first[0], last[1]))
        )

    def _region(self) -> str:
        return self.containers[-1][2] if self.containers else ""

    def _append(self, block: Block) -> None:
        self.blocks.append(block)
        self.regions.append(self._region())

    def _context(self) -> list[Block]:
        """The blocks with their context for translators: position, page region, column if needed.

        `paragraph 3 of 12 in main`, as the text bulletin numbers its paragraphs; on a line
        that holds several blocks (a minified page is one line), the column where it starts.
        """
        totals = Counter(b.kind for b in self.blocks)
        per_line = Counter(b.line for b in self.blocks if b.attribute is None)
        counts: Counter[BlockKind] = Counter()
        result: list[Block] = []
        for block, region in zip(self.blocks, self.regions):
            words: list[str] = []
            if block.kind in _NUMBERED:
                counts[block.kind] += 1
                words.append(f"{counts[block.kind]} of {totals[block.kind]}")
            if region:
                words.append(f"in {region}")
            if per_line[block.line] > 1 and block.span is not None:
                start = block.span[0]
                words.append(f"at column {start - self.text.rfind(chr(10), 0, start)} of line {block.line}")
            result.append(replace(block, context=" ".join(words)))
        return result

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]], raw: str, at: int) -> None:
        if tag != "meta" and not _names_any(self.dialect.attributes).search(raw):
            return  # most tags name no translatable attribute: the loop below would find none
        values = dict(attrs)
        wanted: set[str] = set(self.dialect.attributes)
        kind = BlockKind.ATTRIBUTE
        if tag == "meta":
            named = values.get("name") or values.get("property") or values.get("itemprop") or ""
            if named.lower() not in self.dialect.meta_names:
                return
            wanted, kind = {"content"}, BlockKind.META
        name_end = _TAGNAME.match(raw)
        if not name_end:
            return
        for match in _ATTRIBUTE.finditer(raw, name_end.end()):
            name, value = match.group(1).lower(), match.group(3)
            if name not in wanted or not value:
                continue
            decoded = html.unescape(value[1:-1] if value[:1] in "'\"" else value)
            if not has_words(decoded):  # `alt="2.3 GB/s"`, a URL: nothing to translate, kept as written
                continue
            pieces, separators = split_block([decoded], PARAGRAPH)
            span = (at + match.start(3), at + match.end(3))
            self._append(
                Block(kind, f"{name} of <{tag}>", self.lines.line(span[0]), tuple(pieces),
                      tuple(separators), span=span, attribute=name)
            )

    # -- tokenizer callbacks -------------------------------------------------------
    def _local(self, tag: str) -> str:
        return tag.rpartition(":")[2] if self.dialect.local_names else tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dates is not None:
            self.dates.handle_starttag(tag, attrs)
        tag = self._local(tag)
        self._start(tag, attrs, void=tag in self.dialect.void)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dates is not None:
            self.dates.handle_startendtag(tag, attrs)
        self._start(self._local(tag), attrs, void=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        if self.ended:
            return
        at = self._here()
        raw = self.get_starttag_text() or ""
        span = (at, at + len(raw))
        if self.skip:
            if len(self.skip) == 1 and implied_end(self.skip[0], tag):
                self.skip = []  # `<li translate="no">a<li>b`: the first item ended here
            else:
                if tag == self.skip[0] and not void:
                    self.skip.append(tag)
                return
        if tag == self.dialect.head:
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        untranslated = at in self.skip_at or _untranslated(self.dialect, tag, attrs)
        if untranslated and not void:
            if tag not in self.dialect.inline:
                self._flush()
            self.skip, self.skip_start, self.skip_inline = [tag], at, tag in self.dialect.inline
            self.skip_description = f"untranslated {_describe(raw, 60)}…</{tag}>"
            return
        if not untranslated and (not self.in_head or tag == "meta"):  # an untranslated <img>: its alt too
            self._attributes(tag, attrs, raw, at)
        if tag in self.dialect.inline:
            self._add(Tag("empty", span, _describe(raw)), None if void else tag, span)
            return
        self._flush()
        if not void:
            classes = dict(attrs).get("class") or ""
            where = f"<{tag}>" + (f" class {classes.split()[0]}" if classes.split() else "")
            region = _REGIONS.get(tag) or _ROLES.get((dict(attrs).get("role") or "").strip().lower(), "")
            self.containers.append((tag, where, region or self._region()))

    def handle_endtag(self, tag: str) -> None:
        if self.dates is not None:
            self.dates.handle_endtag(tag)
        if self.ended:
            return
        tag = self._local(tag)
        at = self._here()
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
                if not self.skip and self.skip_inline:
                    # the mark ends where the end tag does, measured at the next token
                    span = (self.skip_start, at)
                    self._add(Tag("empty", span, self.skip_description, content=True), None, span,
                              open_end=True)
                return
            if len(self.skip) == 1 and any(tag == name for name, _, _ in self.containers):
                self.skip = []  # `<p translate="no">a</div>`: the parent's end closed it
            else:
                return
        if tag == self.dialect.head:
            self.in_head = False
        if tag in self.dialect.inline:
            self._add(Tag("empty", (at, at), f"</{tag}>"), "/" + tag, (at, at), open_end=True)
            return
        self._flush()
        for depth in range(len(self.containers) - 1, -1, -1):
            if self.containers[depth][0] == tag:
                del self.containers[depth:]
                break

    def handle_data(self, data: str) -> None:
        if self.dates is not None:
            self.dates.handle_data(data)
        if self.ended:
            return
        at = self._here()
        if self.closing and _MARKUP_START.match(self.text, at):
            # `text <b` or `<!-- …` cut off by the end of the file: HTML5 reads markup (a comment,
            # a tag) up to the end, never text. The standard library's tokenizer reads on after
            # the `<` as if it were text, so nothing it reports from here is taken: the rest of
            # the file stays untouched
            self.ended = True
            return
        if self.skip or (self.in_head and not (self.containers and self.containers[-1][0] == "title")):
            return
        self._add(data, None, (at, at), open_end=True)

    def _mark(self, kind: str) -> None:
        """A comment, declaration or processing instruction inside a run: an untranslated mark."""
        if self.ended:
            return
        at = self._here()
        if not self.skip and self.parts:
            self._add(Tag("empty", (at, at), kind), None, (at, at), open_end=True)

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
         skip_at: frozenset[int] = frozenset(), dates: Dates | None = None) -> list[Block]:
    """The blocks of a document, in reading order; elements starting at `skip_at` are untranslated.

    `dates`, if given, is told of the page's tags and text as they are read (see published.py).
    """
    scanner = Scanner(text, dialect, mode, path, skip_at, dates)
    scanner.feed(text)
    return scanner.finish()


def escape_text(text: str) -> str:
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    return '"' + html.escape(text, quote=True) + '"'
