"""Assembly: a source article plus translations -> the localized document text.

Only the spans of translated blocks are replaced; placeholders are turned back into
the markup found at their offsets in the source, so a translation can only produce
the source's own elements, and its text is always escaped.

Publishing first decides, unit by unit, what readers see (`choose`): the reviewed
translation, a marked machine draft, or the source text as a marked fallback, with
the reason. A translation whose placeholders do not match its source, or that holds
characters no document may contain, is refused for that unit and reported.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from functools import cache

from .formats.scanner import escape_attribute, escape_text
from .languages import joins_without_space, language_tag, serves, text_direction
from .model import Article, Attribute, Block, BlockKind, Format, Piece, Placeholder, State
from .records import frozen
from .segment import forbidden_character, parse_target, placeholder_problems

Edit = tuple[int, int, str]
Token = str | tuple[str, Placeholder]  # text, or ("open" | "close" | "empty", placeholder)

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_NO_WRAP_CONTAINERS = ("<title", "<option", "<textarea")
# a block that sits right inside one of these takes text only: a `<time>` without
# `datetime` must hold a date string, not elements
_TEXT_ONLY_PARENT = re.compile(r"<(?:time|option|title|textarea)\b[^>]*>\s*$", re.I)


class Mark(enum.Enum):
    """How a unit is shown to readers."""

    TRANSLATED = "translated"  # the translation, as it is
    MACHINE = "machine"  # an unreviewed translation, shown marked (drafts only)
    SOURCE = "source"  # the source text, shown marked as in the source language


@frozen
class Choice:
    """What readers see for one unit; `reason` says why a unit shows its source."""

    text: str  # placeholders in `<n>` form
    mark: Mark
    reason: str = ""
    refused: bool = False  # a translation was there but could not be used


@frozen
class Fallback:
    """A unit shown in the source language, and why."""

    key: str
    line: int
    reason: str
    refused: bool


@frozen
class Localized:
    """A localized document and the units that readers see in the source language."""

    text: str
    fallbacks: tuple[Fallback, ...]
    machine: int  # units shown as marked machine drafts


def _invisible(text: str) -> bool:
    """Whether a text shows nothing: only white space and format characters (U+200B, U+FEFF, U+200E)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def refusal(source: str, target: str) -> str:
    """Why a translation cannot be published for its source ("" when it can)."""
    if source.strip() and _invisible(target):  # `msgstr "   "`: the sentence would vanish from the page
        return "the translation shows nothing (only white space or invisible characters)"
    bad = forbidden_character(source, target)
    if bad:
        return f"the translation contains the control character U+{ord(bad):04X}"
    problems = placeholder_problems(source, target)
    if problems:
        return "placeholders do not match the source: " + ", ".join(problems)
    return ""


def choose(
    article: Article, targets: Mapping[str, tuple[str, State]], *, draft: bool = False
) -> dict[str, Choice]:
    """Decide, for every unit of an article, what readers see.

    Reviewed translations are used; with `draft`, machine and changed ones too
    (marked). Everything else shows the source text, with the reason.
    """
    choices: dict[str, Choice] = {}
    for block in article.blocks:
        for piece in block.pieces:
            if piece.key in choices:
                continue
            target, state = targets.get(piece.key, ("", State.NEW))
            choices[piece.key] = _choice(piece, target, state, draft)
    return choices


_NOT_SHOWN = {
    State.NEEDS_WORK: "translation marked as needing work",
    State.CHANGED: "source changed since the review",
}


def _choice(piece: Piece, target: str, state: State, draft: bool) -> Choice:
    if not target or state is State.NEW:
        return Choice(piece.text, Mark.SOURCE, "not translated")
    if state is not State.REVIEWED and not draft:
        reason = _NOT_SHOWN.get(state, "translation not reviewed")
        return Choice(piece.text, Mark.SOURCE, reason)
    problem = refusal(piece.text, target)
    if problem:
        return Choice(piece.text, Mark.SOURCE, problem, refused=True)
    return Choice(target, Mark.TRANSLATED if state is State.REVIEWED else Mark.MACHINE)


def fallbacks(article: Article, choices: Mapping[str, Choice]) -> tuple[Fallback, ...]:
    """The units shown in the source language, in reading order, each once."""
    seen: dict[str, Fallback] = {}
    for block in article.blocks:
        for piece in block.pieces:
            choice = choices.get(piece.key)
            if choice is None or choice.mark is not Mark.SOURCE or piece.key in seen:
                continue
            seen[piece.key] = Fallback(piece.key, block.line, choice.reason, choice.refused)
    return tuple(seen.values())


def piece_tokens(piece: Piece, choice: Choice) -> list[Token]:
    """A unit as text and placeholders, ready to be written in any markup."""
    numbers = {ph.number: ph for ph in piece.placeholders}
    tokens: list[Token] = []
    for token in parse_target(choice.text):
        if isinstance(token, str):
            tokens.append(token)
        elif token[1] in numbers:
            tokens.append((token[0], numbers[token[1]]))
        else:  # source text that only looks like a placeholder (`a <3> b`)
            role, number = token
            tokens.append(
                f"</{number}>" if role == "close" else f"<{number}/>" if role == "empty" else f"<{number}>"
            )
    return tokens


def joins(lang: str, before: Choice | None, after: Choice | None, separator: str) -> str:
    """The separator between two units: dropped between two CJK sentences."""
    cjk = joins_without_space(lang) and not separator.strip()
    if cjk and before and after and before.mark is not Mark.SOURCE and after.mark is not Mark.SOURCE:
        return ""
    return separator


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


@cache
def _wrappers(fmt: Format, prefix: str, source_lang: str) -> dict[Mark, tuple[str, str]]:
    if fmt is Format.HTML:
        direction = text_direction(source_lang)
        return {
            Mark.SOURCE: (f'<span lang="{language_tag(source_lang)}" dir="{direction}">', "</span>"),
            Mark.MACHINE: ('<span data-state="machine">', "</span>"),
        }
    span = f"{prefix}:span" if prefix else "span"
    return {
        Mark.SOURCE: (f'<{span} xml:lang="{language_tag(source_lang)}">', f"</{span}>"),
        Mark.MACHINE: (f'<{span} state="machine">', f"</{span}>"),
    }


class _Renderer:
    def __init__(
        self,
        article: Article,
        choices: Mapping[str, Choice],
        lang: str,
        marks: dict[Mark, tuple[str, str]] | None = None,
    ) -> None:
        self.article = article
        self.choices = choices
        self.lang = lang
        self.markup = article.format is not Format.TEXT
        self.marks = marks or {}
        self.attribute_edits: list[Edit] = []
        # see language_edits; never inside a unit shown in the source language
        self.language_edits: list[Edit] = []

    def choice(self, piece: Piece) -> Choice:
        return self.choices.get(piece.key) or Choice(piece.text, Mark.SOURCE, "not translated")

    def piece(self, piece: Piece, wrap: bool) -> str:
        choice = self.choice(piece)
        every = self.edits(choice.mark is not Mark.SOURCE)
        out: list[str] = []
        if choice.text == piece.text and piece.span is not None:
            # unchanged text: the publisher's own bytes (entities, line breaks) stay as they were
            edits = [e for e in every if piece.span[0] <= e[0] and e[1] <= piece.span[1]]
            out.append(_splice(self.article.text, piece.span[0], piece.span[1], edits))
        for token in piece_tokens(piece, choice) if not out else []:
            if isinstance(token, str):
                out.append(escape_text(token) if self.markup else token)
                continue
            role, placeholder = token
            span = placeholder.end if role == "close" and placeholder.end else placeholder.start
            edits = [e for e in every if span[0] <= e[0] and e[1] <= span[1]]
            out.append(_splice(self.article.text, span[0], span[1], edits))
        text = "".join(out)
        wrapper = self.marks.get(choice.mark) if wrap and _balanced(self.article.text, piece) else None
        return f"{wrapper[0]}{text}{wrapper[1]}" if wrapper else text

    def edits(self, translated: bool) -> list[Edit]:
        """The edits inside a block's source: translated attributes, and the language of translated text."""
        if translated and self.language_edits:
            return sorted(self.attribute_edits + self.language_edits)
        return self.attribute_edits

    def between(self, before: Piece, after: Piece, separator: str) -> str:
        """The source between two units (` <img alt="…"> `, `<br lang="en">`), with its edits."""
        text = self.article.text
        if before.span is None or after.span is None or text[before.span[1] : after.span[0]] != separator:
            return separator
        start, end = before.span[1], after.span[0]
        translated = Mark.SOURCE not in (self.choice(before).mark, self.choice(after).mark)
        edits = [e for e in self.edits(translated) if start <= e[0] and e[1] <= end]
        return _splice(text, start, end, edits) if edits else separator

    def block(self, block: Block) -> str:
        wrap = bool(self.marks) and _wrappable(self.article.text, self.article.format, block)
        lead, trail = edges(self.article.text, block)
        if not block.pieces:
            return lead + trail
        parts = [lead, self.piece(block.pieces[0], wrap)]
        for before, separator, piece in zip(block.pieces, block.separators, block.pieces[1:]):
            between = self.between(before, piece, separator)
            parts.append(joins(self.lang, self.choice(before), self.choice(piece), between))
            parts.append(self.piece(piece, wrap))
        parts.append(trail)
        return "".join(parts)

    def plain(self, block: Block) -> str:
        """An attribute's translation, unescaped (the caller quotes and escapes it)."""
        return " ".join(self.choice(piece).text for piece in block.pieces)

    def render(self, source_lang: str) -> str:
        article = self.article
        if article.format in (Format.HTML, Format.XML):  # (a bulletin's `xml:lang` as a page's `lang`)
            self.language_edits = language_edits(article, self.lang, source_lang)
        self.attribute_edits = sorted(
            (b.span[0], b.span[1], escape_attribute(self.plain(b)))
            for b in article.blocks
            if b.attribute and b.span and self.plain(b) != " ".join(piece.text for piece in b.pieces)
        )
        edits: list[Edit] = [
            (b.span[0], b.span[1], self.block(b)) for b in article.blocks if b.span and not b.attribute
        ]
        covered = [(s, e) for s, e, _ in edits]
        edits += [
            e
            for e in self.attribute_edits + self.language_edits
            if not any(s <= e[0] and e[1] <= t for s, t in covered)
        ]
        return _splice(article.text, 0, len(article.text), sorted(edits))


def language_edits(article: Article, lang: str, source_lang: str) -> list[Edit]:
    """Where an HTML page (or a bulletin) says its translated content is in the source language: the
    target language.

    A `lang` or `xml:lang` that names the source language (as a language code: `en`, `en-US`,
    `EN-gb`) names `lang`, and the same tag's `dir` is `lang`'s direction; so is `<body dir>`. A
    tag that names another language (a French quotation) keeps it, and so does every skipped or
    untranslated element, which stays in the source language (the scanner keeps none of them). A
    `dir` alone is the target's direction on an element that holds blocks (`<body>`, `<p>`, `<div>`),
    whose text is translated, and kept on one inside a sentence (`<span dir="ltr">+1 555 0100</span>`),
    where it is about that text.
    `<meta http-equiv="content-language">` and `<meta property="og:locale">` that name the source
    language name `lang` (og:locale spelt with `_`: `pt_BR`). `<html>` is render.source_page's.
    """
    edits: list[Edit] = []
    tag, direction = language_tag(lang), text_direction(lang)

    def say(attribute: Attribute, value: str) -> None:
        if attribute.value != value:
            edits.append((*attribute.span, escape_attribute(value)))

    for found in article.languages:
        if found.tag == "meta":
            for attribute in found.attributes:
                codes = attribute.value.replace(",", " ").split()  # content-language may list several
                if codes and all(serves(code, source_lang) for code in codes):
                    say(attribute, tag.replace("-", "_") if attribute.name == "og:locale" else tag)
            continue
        named = [a for a in found.attributes if a.name != "dir"]
        # `<body lang>` speaks for the page, as `<html lang>` (render.source_page's): the scanner translates
        # its text whatever it says (`<body lang="de">` kept `de` around a Hebrew edition)
        ours = bool(named) and (found.tag == "body" or all(
            a.value.strip() and serves(a.value.strip(), source_lang) for a in named))
        if named and not ours:  # another language, or `lang=""` (unknown): as the publisher wrote it,
            other = named[-1].value.strip()  # but read in its own direction where the edition's differs
            if (other and article.format is Format.HTML and not any(a.name == "dir" for a in found.attributes)
                    and text_direction(other) != direction):
                edits.append((named[-1].span[1], named[-1].span[1], f' dir="{text_direction(other)}"'))
            continue
        if ours:
            for attribute in named:
                say(attribute, tag)
        elif found.inline:
            continue  # a `dir` alone (`<span dir="ltr">+1 555 0100</span>`) is about its text, not a language
        for attribute in found.attributes:
            if attribute.name == "dir" and attribute.value.strip().lower() in ("ltr", "rtl"):
                say(attribute, direction)
    return sorted(edits)


def edges(text: str, block: Block) -> tuple[str, str]:
    """The source of a block before its first unit and after its last, kept as written.

    A sentence without words (`22,000.`, `(6)`) is not a unit; between two units it is part
    of their separator, and at either end of a block it is one of these edges.
    """
    if not block.pieces:  # a paragraph without words (`* * *`): all of it
        return (text[block.span[0] : block.span[1]] if block.span else ""), ""
    first, last = block.pieces[0].span, block.pieces[-1].span
    if block.span is None or first is None or last is None:
        return "", ""
    start, end = block.span
    return text[start : max(start, first[0])], text[min(end, last[1]) : end]


def _wrappable(text: str, fmt: Format, block: Block) -> bool:
    """Whether a unit of this block may be wrapped in a marking element.

    Not in a plain-text article, an attribute or an HTML `<meta>`; a bulletin's `<summary>` (a META
    block too) holds inline markup, and its units are marked as the body's are (it was left unmarked:
    English or machine text under the headline, in the page, the bulletin and the feed).
    """
    if fmt is Format.TEXT or block.attribute or (block.kind is BlockKind.META and fmt is not Format.XML):
        return False
    if fmt is not Format.HTML:
        return True
    if block.kind is BlockKind.TITLE or block.where.startswith(_NO_WRAP_CONTAINERS):
        return False
    start = block.span[0] if block.span else 0
    return not _TEXT_ONLY_PARENT.search(text, max(0, start - 400), start)


def _balanced(text: str, piece: Piece) -> bool:
    """False when the unit holds a lone start or end tag: a wrapper would break the nesting."""
    for placeholder in piece.placeholders:
        if placeholder.paired or placeholder.description.startswith(("untranslated ", "comment ")):
            continue
        raw = text[placeholder.start[0] : placeholder.start[1]]
        match = _START.match(raw)
        if match and (match.group(1) or (match.group(2).lower() not in _VOID and not raw.endswith("/>"))):
            return False
    return True


def localize(
    article: Article, choices: Mapping[str, Choice], lang: str, *, source_lang: str = "en", prefix: str = ""
) -> Localized:
    """The localized text of an HTML or XML article, fallbacks and drafts marked.

    A unit shown in the source language is wrapped in `<span lang="en" dir="ltr">`
    (XML: `<span xml:lang="en">`), a machine draft in `<span data-state="machine">`
    (XML: `<span state="machine">`), except where no element may go (`<title>`,
    attributes). `prefix` is the namespace prefix of the bulletin elements, if any.
    """
    marks = _wrappers(article.format, prefix, source_lang) if article.format is not Format.TEXT else {}
    text = _Renderer(article, choices, lang, marks).render(source_lang)
    machine = sum(1 for c in choices.values() if c.mark is Mark.MACHINE)
    return Localized(text, fallbacks(article, choices), machine)


