"""Assembly: a source article plus translations -> the localized document text.

Only the spans of translated blocks are replaced; placeholders are turned back into
the markup found at their offsets in the source, so a translation can only produce
the source's own elements, and its text is always escaped.
"""

from __future__ import annotations

from typing import Mapping

from .formats.scanner import escape_attribute, escape_text
from .model import Article, Block, Format, Piece
from .segment import parse_target, placeholder_problems

NO_SPACE_LANGS = frozenset({"zh", "ja"})
Edit = tuple[int, int, str]


def _splice(text: str, start: int, end: int, edits: list[Edit]) -> str:
    out: list[str] = []
    cursor = start
    for edit_start, edit_end, replacement in edits:
        if edit_start < cursor or edit_end > end:
            continue
        out.append(text[cursor:edit_start])
        out.append(replacement)
        cursor = edit_end
    out.append(text[cursor:end])
    return "".join(out)


class _Renderer:
    def __init__(self, article: Article, targets: Mapping[str, str], lang: str) -> None:
        self.article = article
        self.targets = targets
        self.lang = lang
        self.markup = article.format is not Format.TEXT
        self.attribute_edits: list[Edit] = []

    def target(self, piece: Piece) -> str:
        """The translation to use: the source when missing or when its placeholders are wrong."""
        target = self.targets.get(piece.key, "")
        if not target or placeholder_problems(piece.text, target):
            return piece.text
        return target

    def piece(self, piece: Piece) -> str:
        numbers = {ph.number: ph for ph in piece.placeholders}
        out: list[str] = []
        for token in parse_target(self.target(piece)):
            if isinstance(token, str):
                out.append(escape_text(token) if self.markup else token)
                continue
            role, number = token
            placeholder = numbers[number]
            span = placeholder.end if role == "close" and placeholder.end else placeholder.start
            edits = [e for e in self.attribute_edits if span[0] <= e[0] and e[1] <= span[1]]
            out.append(_splice(self.article.text, span[0], span[1], edits))
        return "".join(out)

    def block(self, block: Block) -> str:
        parts = [self.piece(block.pieces[0])]
        for separator, piece in zip(block.separators, block.pieces[1:]):
            parts.append("" if self.lang in NO_SPACE_LANGS and not separator.strip() else separator)
            parts.append(self.piece(piece))
        return "".join(parts)


def assemble(article: Article, targets: Mapping[str, str], lang: str) -> str:
    """The localized text of an article; untranslated units keep the source text."""
    renderer = _Renderer(article, targets, lang)
    attributes = [b for b in article.blocks if b.attribute and b.span]
    renderer.attribute_edits = sorted(
        (b.span[0], b.span[1], escape_attribute(_plain(renderer, b))) for b in attributes if b.span
    )
    edits: list[Edit] = [
        (b.span[0], b.span[1], renderer.block(b)) for b in article.blocks if b.span and not b.attribute
    ]
    covered = [(s, e) for s, e, _ in edits]
    edits += [e for e in renderer.attribute_edits if not any(s <= e[0] and e[1] <= t for s, t in covered)]
    return _splice(article.text, 0, len(article.text), sorted(edits))


def _plain(renderer: _Renderer, block: Block) -> str:
    """An attribute's translation, unescaped (the caller quotes and escapes it)."""
    return " ".join(renderer.target(piece) for piece in block.pieces)

