"""The publisher's plain-text bulletin.

A title line; a `Source:… | Date:…` line (metadata, not translated); paragraphs
separated by blank lines; list items that start with a Roman numeral (`IV. …`);
captions written as `(Photo Credit: …)`.
"""

from __future__ import annotations

import re

from ..model import Article, Block, BlockKind, Format
from ..patterns import lazy_compile
from ..segment import PARAGRAPH, has_words, split_block
from .common import LineIndex, decode

# lines end in LF, CRLF or a lone CR (old Mac files); a blank line ends a paragraph
_PARAGRAPH = lazy_compile(r"\S(?:[^\r\n]*\S)?(?:(?:\r\n?|\n)[ \t\u00a0]*\S(?:[^\r\n]*\S)?)*")
# the values are trimmed after the match: `\s*` around a lazy `.*?` rereads a run of spaces
# once per character before it
_METADATA = lazy_compile(r"\s*Source:(?P<source>.*?)\|\s*Date:(?P<date>.*)", re.S)
_ROMAN = lazy_compile(r"^[IVXLC]+\.\s")
_NUMBERED = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.CAPTION)
_CAPTION = lazy_compile(r"^\((?:Photo|Image|Photo Credit|Credit)\b.*\)$", re.S | re.I)


def _kind(text: str, first: bool) -> BlockKind:
    if first:
        return BlockKind.TITLE
    if _ROMAN.match(text):
        return BlockKind.LIST_ITEM
    if _CAPTION.match(text):
        return BlockKind.CAPTION
    return BlockKind.PARAGRAPH


def read(data: bytes, path: str, mode: str) -> Article:
    """Read a plain-text bulletin into an Article."""
    text, encoding = decode(data, path, declarable=False)
    lines = LineIndex(text, universal=True)
    found: list[tuple[BlockKind | None, re.Match[str]]] = []
    metadata: dict[str, str] = {}
    for number, match in enumerate(_PARAGRAPH.finditer(text)):
        paragraph = match.group()
        meta = _METADATA.match(paragraph.replace("\u00a0", " "))
        if meta and "date" not in metadata:
            metadata.update({k: re.sub(r"\s+", " ", v).strip() for k, v in meta.groupdict().items()})
            continue
        # `* * *`, `2.3 GB/s`, a lone number: nothing to translate, published as written (kind None)
        found.append((_kind(paragraph, first=number == 0) if has_words(paragraph) else None, match))
    totals = {kind: sum(1 for k, _ in found if k is kind) for kind in BlockKind}
    counts = dict.fromkeys(BlockKind, 0)
    blocks: list[Block] = []
    for kind, match in found:
        if kind is None:  # a paragraph of no unit: not counted among the paragraphs that have some
            blocks.append(Block(BlockKind.PARAGRAPH, "", lines.line(match.start()), (), (),
                                span=match.span()))
            continue
        counts[kind] += 1
        pieces, separators = split_block([match.group()], PARAGRAPH if kind is BlockKind.TITLE else mode,
                                         text, [match.span()], lines.line, title=kind is BlockKind.TITLE)
        where = f"{counts[kind]} of {totals[kind]}" if kind in _NUMBERED else ""
        blocks.append(Block(kind, where, lines.line(match.start()), tuple(pieces), tuple(separators),
                            span=match.span()))
        if kind is BlockKind.TITLE:
            metadata.setdefault("title", pieces[0].text if pieces else "")
    return Article(path, Format.TEXT, text, encoding, tuple(blocks), metadata)
