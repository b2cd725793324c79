"""Markup scanner shared by the HTML and bulletin-XML readers.

Markup is tokenized by the standard library's HTML tokenizer, which follows the
HTML5 tokenization rules for entities, attributes and raw-text elements and never
refuses input (XML sources are checked by lxml before they get here). Block-level
tags are boundaries; the text between two boundaries, with its inline markup, is
one block. Only the blocks' spans are replaced when a document is rebuilt, so
everything that is not translated stays byte for byte as the publisher wrote it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..model import Block, BlockKind
from ..segment import Part, Tag, pair_tags, split_block
from .common import LineIndex


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


# name, then value (quoted or not), as in html.parser's tolerant attribute pattern
_ATTRIBUTE = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*"""
)
_TAGNAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*")


def _untranslated(dialect: Dialect, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    values = dict(attrs)
    classes = (values.get("class") or "").split()
    return tag in dialect.untranslated or values.get("translate") == "no" or "notranslate" in classes


def _describe(raw: str, limit: int = 80) -> str:
    raw = re.sub(r"\s+", " ", raw)
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


class Scanner(HTMLParser):
    """Turns a page into blocks of parts; keeps the offsets of every piece of markup."""

    def __init__(self, text: str, dialect: Dialect, mode: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.dialect = dialect
        self.mode = mode
        self.lines = LineIndex(text)
        self.blocks: list[Block] = []
        self.containers: list[tuple[str, str]] = []  # open block-level tags: (name, where)
        self.parts: list[Part] = []
        self.names: list[str | None] = []
        self.spans: list[tuple[int, int]] = []
        self.pending_text: int | None = None  # index in parts of text whose end is not known yet
        self.skip: list[str] = []  # stack of tag names inside an untranslated element
        self.skip_start = 0
        self.skip_inline = False
        self.in_head = False

    # -- offsets -------------------------------------------------------------------
    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines.offset(line, column)

    def _close_text(self, at: int) -> None:
        if self.pending_text is not None:
            start, _ = self.spans[self.pending_text]
            self.spans[self.pending_text] = (start, at)
            self.pending_text = None

    # -- runs ----------------------------------------------------------------------
    def _add(self, part: Part, name: str | None, span: tuple[int, int]) -> None:
        self.parts.append(part)
        self.names.append(name)
        self.spans.append(span)

    def _flush(self) -> None:
        parts, names, spans = self.parts, self.names, self.spans
        self.parts, self.names, self.spans = [], [], []
        if not any(isinstance(p, str) and any(c.isalpha() for c in p) for p in parts):
            return
        lo, hi = _trim(pair_tags(parts, names), self.text, spans)
        parts, names, spans = parts[lo:hi], names[lo:hi], spans[lo:hi]
        start = spans[0][0] + _lead(self.text, spans[0]) if isinstance(parts[0], str) else spans[0][0]
        end = spans[-1][1] - _trail(self.text, spans[-1]) if isinstance(parts[-1], str) else spans[-1][1]
        tag, where = self.containers[-1] if self.containers else ("", "")
        kind = self.dialect.kinds.get(tag, BlockKind.PARAGRAPH)
        pieces, separators = split_block(pair_tags(parts, names), self.mode)
        self.blocks.append(
            Block(kind, where, self.lines.line(start), tuple(pieces), tuple(separators), span=(start, end))
        )

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]], raw: str, at: int) -> None:
        values = dict(attrs)
        wanted: set[str] = set(self.dialect.attributes)
        kind = BlockKind.ATTRIBUTE
        if tag == "meta":
            if (values.get("name") or values.get("property") or "").lower() not in self.dialect.meta_names:
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
            if not any(c.isalpha() for c in decoded):
                continue
            pieces, separators = split_block([decoded], "paragraph")
            span = (at + match.start(3), at + match.end(3))
            self.blocks.append(
                Block(kind, f"{name} of <{tag}>", self.lines.line(span[0]), tuple(pieces),
                      tuple(separators), span=span, attribute=name)
            )

    # -- tokenizer callbacks -------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=tag in self.dialect.void)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        at = self._here()
        self._close_text(at)
        raw = self.get_starttag_text() or ""
        span = (at, at + len(raw))
        if self.skip:
            if tag == self.skip[0] and not void:
                self.skip.append(tag)
            return
        if tag == self.dialect.head:
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if _untranslated(self.dialect, tag, attrs) and not void:
            if tag not in self.dialect.inline:
                self._flush()
            self.skip, self.skip_start, self.skip_inline = [tag], at, tag in self.dialect.inline
            return
        if not self.in_head or tag == "meta":
            self._attributes(tag, attrs, raw, at)
        if tag in self.dialect.inline:
            self._add(Tag("empty", span, _describe(raw)), None if void else tag, span)
            return
        self._flush()
        if not void:
            classes = dict(attrs).get("class") or ""
            where = f"<{tag}>" + (f" class {classes.split()[0]}" if classes.split() else "")
            self.containers.append((tag, where))

    def handle_endtag(self, tag: str) -> None:
        at = self._here()
        self._close_text(at)
        end = self.text.find(">", at) + 1 or len(self.text)
        span = (at, end)
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
                if not self.skip and self.skip_inline:
                    raw = self.text[self.skip_start:end]
                    self._add(Tag("empty", (self.skip_start, end), "untranslated " + _describe(raw)), None,
                              (self.skip_start, end))
            return
        if tag == self.dialect.head:
            self.in_head = False
        if tag in self.dialect.inline:
            self._add(Tag("empty", span, f"</{tag}>"), "/" + tag, span)
            return
        self._flush()
        for depth in range(len(self.containers) - 1, -1, -1):
            if self.containers[depth][0] == tag:
                del self.containers[depth:]
                break

    def handle_data(self, data: str) -> None:
        at = self._here()
        self._close_text(at)
        if self.skip or (self.in_head and not (self.containers and self.containers[-1][0] == "title")):
            return
        self._add(data, None, (at, at))
        self.pending_text = len(self.parts) - 1

    def _boundary(self) -> None:
        at = self._here()
        self._close_text(at)
        if not self.skip:
            # a comment or declaration inside a run is kept as an untranslated mark
            end = self.text.find(">", at) + 1 or len(self.text)
            if self.parts:
                self._add(Tag("empty", (at, end), "comment " + _describe(self.text[at:end], 40)), None, (at, end))

    def handle_comment(self, data: str) -> None:
        self._boundary()

    def unknown_decl(self, data: str) -> None:
        self._boundary()

    def handle_decl(self, decl: str) -> None:
        self._close_text(self._here())

    def handle_pi(self, data: str) -> None:
        self._close_text(self._here())

    def finish(self) -> list[Block]:
        self.close()
        self._close_text(len(self.text))
        self._flush()
        return self.blocks


def _lead(text: str, span: tuple[int, int]) -> int:
    chunk = text[span[0]:span[1]]
    return len(chunk) - len(chunk.lstrip(" \t\n\r\f"))


def _trail(text: str, span: tuple[int, int]) -> int:
    chunk = text[span[0]:span[1]]
    return len(chunk) - len(chunk.rstrip(" \t\n\r\f"))


def _trim(parts: list[Part], text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Bounds of a run without edge whitespace, edge marks and wrapping pairs."""
    lo, hi = 0, len(parts)
    while lo < hi:
        first, last = parts[lo], parts[hi - 1]
        if isinstance(first, str) and not first.strip(" \t\n\r\f"):
            lo += 1
        elif isinstance(last, str) and not last.strip(" \t\n\r\f"):
            hi -= 1
        elif isinstance(first, Tag) and first.role == "empty":
            lo += 1
        elif isinstance(last, Tag) and last.role == "empty":
            hi -= 1
        elif isinstance(first, Tag) and first.role == "open" and first.pair == hi - 1:
            lo, hi = lo + 1, hi - 1
        else:
            break
    return lo, hi


def scan(text: str, dialect: Dialect, mode: str) -> list[Block]:
    """The blocks of a document, in reading order."""
    scanner = Scanner(text, dialect, mode)
    scanner.feed(text)
    return scanner.finish()


def escape_text(text: str) -> str:
    return html.escape(text, quote=False)


def escape_attribute(text: str) -> str:
    return '"' + html.escape(text, quote=True) + '"'
