"""Sentence splitting, inline-markup placeholders and stable unit keys.

Readers describe a block as a list of parts (text and tags); this module turns it
into pieces (sentences) whose text carries numbered placeholders. Sentences come
from syntok, a rule-based segmenter built for news English (abbreviations such as
`U.S.`, `Mr.`, `Jan. 10`, `No. 5`, enumerations such as `IV.`); we only repair its
output so that no sentence ever cuts a pair of placeholders.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from syntok.segmenter import split as syntok_split
from syntok.tokenizer import Tokenizer

from .model import Piece, Placeholder

SENTENCE = "sentence"
PARAGRAPH = "paragraph"
MODES = (SENTENCE, PARAGRAPH)

_TOKENIZER = Tokenizer(emit_hyphen_or_underscore_sep=True, replace_not_contraction=False)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # ASCII whitespace only: U+00A0 is content
PLACEHOLDER = re.compile(r"<(/?)(\d+)(/?)>")


@dataclass(frozen=True, slots=True)
class Tag:
    """A piece of inline markup inside a block, before numbering."""

    role: Literal["open", "close", "empty"]
    span: tuple[int, int]  # raw markup in the source
    description: str
    pair: int = -1  # for open/close: index of the other tag of the pair in the parts list


Part = str | Tag


def unit_key(text: str) -> str:
    """A stable key for a unit: it depends on the text only, never on position."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def pair_tags(parts: list[Part], names: list[str | None]) -> list[Part]:
    """Match start and end tags the way they nest; unmatched ones become `<n/>`.

    `names[i]` is the tag name of parts[i] when it is a start ("x") or end ("/x") tag.
    """
    result: list[Part] = list(parts)
    stack: list[int] = []
    for index, name in enumerate(names):
        if name is None:
            continue
        if not name.startswith("/"):
            stack.append(index)
            continue
        if stack and names[stack[-1]] == name[1:]:
            opener = stack.pop()
            open_tag, close_tag = result[opener], result[index]
            assert isinstance(open_tag, Tag) and isinstance(close_tag, Tag)
            result[opener] = Tag("open", open_tag.span, open_tag.description, index)
            result[index] = Tag("close", close_tag.span, close_tag.description, opener)
        # an end tag that closes nothing here stays "empty": its raw text is kept as is
    return result


def _block_text(parts: list[Part]) -> tuple[str, dict[int, tuple[int, int]]]:
    """Text of the block with block-wide placeholder numbers; offsets of each tag."""
    out: list[str] = []
    numbers: dict[int, int] = {}
    offsets: dict[int, tuple[int, int]] = {}
    length = 0
    for index, part in enumerate(parts):
        if isinstance(part, str):
            token = _SPACE.sub(" ", part)
        elif part.role == "close":
            token = f"</{numbers[part.pair]}>"
        else:
            numbers[index] = len(numbers) + 1
            token = f"<{numbers[index]}>" if part.role == "open" else f"<{numbers[index]}/>"
        if not isinstance(part, str):
            offsets[index] = (length, length + len(token))
        out.append(token)
        length += len(token)
    return _SPACE.sub(" ", "".join(out)), offsets


def _sentence_starts(text: str) -> list[int]:
    starts: list[int] = []
    for sentence in syntok_split(_TOKENIZER.tokenize(text)):
        if sentence:
            starts.append(sentence[0].offset)
    return starts[1:]


def _safe_cuts(text: str, cuts: list[int]) -> list[int]:
    """Move cuts past closing markup that ends a sentence; drop cuts inside a pair."""
    safe: list[int] = []
    for cut in cuts:
        # `…end.</1> Next`: the `</1>` (or a `<2/>` footnote mark) ends the sentence.
        moved = len(text[:cut].rstrip(" "))
        for token in PLACEHOLDER.finditer(text, moved):
            if token.start() != moved or not (token.group(1) or token.group(3)):
                break
            moved = token.end()
        cut = max(cut, moved)
        depth = sum(
            -1 if token.group(1) else 1
            for token in PLACEHOLDER.finditer(text, 0, cut)
            if not token.group(3)
        )
        if depth == 0 and 0 < cut < len(text):
            safe.append(cut)
    return sorted(set(safe))


def split_block(parts: list[Part], mode: str = SENTENCE) -> tuple[list[Piece], list[str]]:
    """Split a block into pieces and the raw separators between them."""
    text, offsets = _block_text(parts)
    tags = {offsets[i]: part for i, part in enumerate(parts) if isinstance(part, Tag)}
    cuts = _safe_cuts(text, _sentence_starts(text)) if mode == SENTENCE else []
    bounds = [0, *cuts, len(text)]
    pieces: list[Piece] = []
    separators: list[str] = []
    pending = ""
    for start, end in zip(bounds, bounds[1:]):
        chunk = text[start:end]
        stripped = chunk.strip(" ")
        lead = len(chunk) - len(chunk.lstrip(" "))
        if not stripped:
            pending += chunk
            continue
        if pieces:
            separators.append(pending + chunk[:lead])
        pending = chunk[lead + len(stripped):]
        pieces.append(_piece(stripped, start + lead, tags))
    return pieces, separators


def _piece(text: str, base: int, tags: dict[tuple[int, int], Tag]) -> Piece:
    """Renumber a sentence's placeholders from 1 and attach their source spans."""
    renumber: dict[str, int] = {}
    placeholders: list[Placeholder] = []
    out: list[str] = []
    last = 0
    opened: dict[str, Tag] = {}
    for token in PLACEHOLDER.finditer(text):
        out.append(text[last:token.start()])
        last = token.end()
        tag = tags[(base + token.start(), base + token.end())]
        old = token.group(2)
        if token.group(1):  # closing: the pair was numbered when it opened
            out.append(f"</{renumber[old]}>")
            continue
        renumber[old] = len(renumber) + 1
        number = renumber[old]
        if token.group(3):
            out.append(f"<{number}/>")
            placeholders.append(Placeholder(number, tag.description, tag.span))
        else:
            out.append(f"<{number}>")
            opened[old] = tag
            placeholders.append(Placeholder(number, tag.description, tag.span, (-1, -1)))
    out.append(text[last:])
    # fill in the end spans of paired placeholders
    closing = {
        token.group(2): tags[(base + token.start(), base + token.end())].span
        for token in PLACEHOLDER.finditer(text)
        if token.group(1)
    }
    numbered = {renumber[old]: old for old in renumber}
    final = tuple(
        Placeholder(p.number, p.description, p.start, closing[numbered[p.number]])
        if p.end is not None
        else p
        for p in placeholders
    )
    joined = "".join(out)
    return Piece(unit_key(joined), joined, final)


def parse_target(text: str) -> list[str | tuple[str, int]]:
    """Split a translation into text and placeholder tokens ("open"/"close"/"empty", n)."""
    tokens: list[str | tuple[str, int]] = []
    last = 0
    for token in PLACEHOLDER.finditer(text):
        if token.start() > last:
            tokens.append(text[last:token.start()])
        role = "close" if token.group(1) else "empty" if token.group(3) else "open"
        tokens.append((role, int(token.group(2))))
        last = token.end()
    if last < len(text):
        tokens.append(text[last:])
    return tokens


def placeholder_problems(source: str, target: str) -> list[str]:
    """What is wrong with the placeholders of `target` compared with `source`."""
    expected = [(r, n) for r, n in (t for t in parse_target(source) if not isinstance(t, str))]
    found = [(r, n) for r, n in (t for t in parse_target(target) if not isinstance(t, str))]
    problems: list[str] = []
    for item in sorted(set(expected) | set(found)):
        want, have = expected.count(item), found.count(item)
        shown = f"</{item[1]}>" if item[0] == "close" else f"<{item[1]}/>" if item[0] == "empty" else f"<{item[1]}>"
        if have < want:
            problems.append(f"missing {shown}")
        elif have > want:
            problems.append(f"{'duplicated' if want else 'extra'} {shown}")
    if not problems:
        stack: list[int] = []
        for role, number in found:
            if role == "open":
                stack.append(number)
            elif role == "close":
                if not stack or stack[-1] != number:
                    problems.append(f"</{number}> closed in the wrong order")
                    break
                stack.pop()
    return problems
