"""Inline placeholders and glossary terms through machine translation.

`protect` takes a unit's placeholders out of its text and finds its glossary
terms, giving an MTRequest whose spans say where they were; the engine returns
where each span went; `restore` writes the approved terms there and puts the
placeholders back as a well-nested tree. Whatever an engine does, the result has
exactly the source's placeholders: what the alignment got wrong is repaired (a
pair grows to hold its children, spans are clamped into their pair, overlapping
siblings moved apart, stray `<n>` the model made up removed); what it could not
place falls back to a safe spot (a pair around its whole parent, an empty one at
its end; a malformed source: the translation, then the source's placeholders in
order); the caller records which in the unit's provenance. A pair that holds text
in the source is never left empty: when no layout keeps text in it, the unit is
left for the translator (target "", and the reason).
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from typing import Callable, Iterator

from ..glossary import Glossary, Term, occurring
from ..model import MTRequest, MTResult
from ..records import frozen
from ..segment import PLACEHOLDER, emptied_pairs, parse_target, placeholder_problems


@frozen
class TagSpec:
    """A placeholder of the source: a pair `<n>…</n>` or an empty `<n/>`, and its enclosing pair."""

    number: int
    paired: bool
    parent: int  # index of the enclosing pair in the tag list, -1 at top level
    # an empty one's spaces in the source (`the <1/> code`, `<1/> is`, `use <1/>`): taking it out
    # leaves one space of two, or none at the edge of the unit
    space_before: bool = False
    space_after: bool = False


@frozen
class Protected:
    """A unit made ready for MT: the request, then what its spans stand for."""

    request: MTRequest
    tags: tuple[TagSpec, ...]  # the first spans of the request
    terms: tuple[Term, ...]  # the spans after them
    wellformed: bool = True


def _squeeze(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Collapse the double spaces that taking markup out leaves, and trim; spans follow."""
    if "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text, spans  # nothing to collapse (most units): no walk over every character
    kept: list[str] = []
    before: list[int] = []  # before[i]: characters kept before old position i
    for char in text:
        before.append(len(kept))
        if char == " " and (not kept or kept[-1] == " "):
            continue
        kept.append(char)
    before.append(len(kept))
    while kept and kept[-1] == " ":
        kept.pop()
    size = len(kept)
    return "".join(kept), [(min(before[a], size), min(before[b], size)) for a, b in spans]


def protect(source: str, glossary: Glossary | None = None) -> Protected:
    """Take the placeholders out of a source and find its glossary terms."""
    pieces: list[str] = []
    position = 0
    tags: list[TagSpec] = []
    spans: list[list[int]] = []
    stack: list[int] = []
    wellformed = True
    tokens = parse_target(source)
    for at, token in enumerate(tokens):
        if isinstance(token, str):
            pieces.append(token)
            position += len(token)
            continue
        role, number = token
        parent = stack[-1] if stack else -1
        if role == "open":
            stack.append(len(tags))
            tags.append(TagSpec(number, True, parent))
            spans.append([position, position])
        elif role == "close":
            if not stack or tags[stack[-1]].number != number:
                wellformed = False
                continue
            spans[stack.pop()][1] = position
        else:
            before, after = tokens[at - 1] if at else None, tokens[at + 1] if at + 1 < len(tokens) else None
            tags.append(TagSpec(number, False, parent, isinstance(before, str) and before.endswith(" "),
                                isinstance(after, str) and after.startswith(" ")))
            spans.append([position, position])
    if stack:
        wellformed = False
    text, squeezed = _squeeze("".join(pieces), [(a, b) for a, b in spans])
    matches = glossary.find(text) if glossary is not None else []
    request = MTRequest(text, tuple(squeezed) + tuple((m.start, m.end) for m in matches))
    return Protected(request, tuple(tags), tuple(m.term for m in matches), wellformed)


@frozen
class Restored:
    """A target with markup and terms back in, and what it took."""

    target: str  # "" when the markup could not be placed: the unit is left for the translator
    repaired: bool = False
    fallback: bool = False
    terms: tuple[str, ...] = ()  # source terms whose approved target was written
    reason: str = ""  # why the unit is left for the translator


def skeleton(source: str, text: str) -> str:
    """The safe layout: the translation, then the source's placeholders in source order."""
    marks = "".join(m.group(0) for m in PLACEHOLDER.finditer(source))
    return text + marks


def safe_layout(source: str, text: str) -> tuple[str, str]:
    """(the skeleton, "") when it empties no pair that holds text in the source; else ("", why).

    A pair emptied would publish an element the source had with text as an empty
    one (an invisible link): such a unit is left for the translator instead.
    """
    layout = skeleton(source, text)
    emptied = emptied_pairs(source, layout)
    if not emptied:
        return layout, ""
    shown = ", ".join(f"<{n}>…</{n}>" for n in emptied)
    return "", f"the markup {shown} could not be placed in the machine translation"


Spans = list[tuple[int, int] | None]


def _without_placeholders(text: str, spans: Spans) -> tuple[str, Spans]:
    """Remove placeholder-like tokens that the model invented; spans follow."""
    cuts = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    starts = [a for a, _ in cuts]
    removed = list(itertools.accumulate((b - a for a, b in cuts), initial=0))  # before each cut

    def move(position: int) -> int:
        index = bisect.bisect_left(starts, position)  # the cuts that start before the position
        if index == 0:
            return position
        a, b = cuts[index - 1]
        return position - removed[index - 1] - (min(b, position) - a)

    cleaned = PLACEHOLDER.sub("", text)
    return cleaned, [None if s is None else (move(s[0]), move(s[1])) for s in spans]


def _present_terms(text: str, terms: tuple[Term, ...]) -> set[Term]:
    """The terms whose approved form the text already has (a kept term as written, another in
    any case), in one pass over the text for all of them."""
    exact = occurring({t.target for t in terms if t.do_not_translate}, text)
    folded = occurring({t.target.casefold() for t in terms if not t.do_not_translate}, text.casefold())
    return {t for t in terms if (t.target in exact if t.do_not_translate else t.target.casefold() in folded)}


def restore(source: str, protected: Protected, result: MTResult) -> Restored:
    """Put the source's placeholders and approved terms into an engine's output."""
    text = result.text.strip()
    shift = len(result.text) - len(result.text.lstrip())
    spans: list[tuple[int, int] | None] = [
        None if s is None else (max(0, s[0] - shift), max(0, s[1] - shift)) for s in result.spans
    ]
    spans += [None] * (len(protected.request.spans) - len(spans))
    repaired = fallback = False
    if PLACEHOLDER.search(text):
        text, spans = _without_placeholders(text, spans)
        repaired = True
    # glossary terms: replace where the model put the term, unless it wrote the approved form itself
    count = len(protected.tags)
    replacements: list[tuple[int, int, str]] = []  # in order, not overlapping
    placed: list[int] = []  # their starts
    applied: list[str] = []
    present = _present_terms(text, protected.terms)
    for term, span in zip(protected.terms, spans[count:]):
        if term in present:
            applied.append(term.source)
            continue
        if span is None:
            continue
        start, end = sorted((min(span[0], len(text)), min(span[1], len(text))))
        index = bisect.bisect_left(placed, start)
        if (index < len(placed) and (placed[index] == start or placed[index] < end)) or (
                index and replacements[index - 1][1] > start):
            continue  # overlaps a term already placed
        placed.insert(index, start)  # engines give spans in order: an append, mostly
        replacements.insert(index, (start, end, term.target))
        applied.append(term.source)
    text, mapping = _replace(text, replacements)
    if not protected.wellformed:
        return Restored(*_fallback(source, text, repaired, tuple(applied)))
    if not protected.tags:
        return Restored(text, repaired, fallback, tuple(applied))
    tag_spans: list[tuple[int, int] | None] = [
        None if s is None else (mapping(s[0], False), mapping(s[1], True)) for s in spans[:count]
    ]
    target, tag_repaired, tag_fallback = _place_tags(text, protected.tags, tag_spans)
    repaired = repaired or tag_repaired
    fallback = fallback or tag_fallback
    if placeholder_problems(source, target):
        return Restored(*_fallback(source, text, repaired, tuple(applied)))
    return Restored(target, repaired, fallback, tuple(applied))


def _fallback(
    source: str, text: str, repaired: bool, terms: tuple[str, ...]
) -> tuple[str, bool, bool, tuple[str, ...], str]:
    layout, reason = safe_layout(source, text)
    return layout, repaired, True, terms if layout else (), reason


def _replace(text: str, replacements: list[tuple[int, int, str]]) -> tuple[str, Callable[[int, bool], int]]:
    """Apply non-overlapping replacements; returns the text and old -> new positions."""
    out: list[str] = []
    last = 0
    for start, end, new in replacements:
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])

    starts = [start for start, _, _ in replacements]
    deltas = list(itertools.accumulate((len(new) - (end - start) for start, end, new in replacements),
                                       initial=0))  # the shift before each replacement

    def mapping(position: int, is_end: bool) -> int:
        # the replacements that start before the position (one at its start comes after it)
        index = bisect.bisect_left(starts, position)
        if index and position < replacements[index - 1][1]:  # inside a replaced span: snap to its edge
            start, _, new = replacements[index - 1]
            return start + deltas[index - 1] + (len(new) if is_end else 0)
        return position + deltas[index]

    return "".join(out), mapping


def _word_character(char: str) -> bool:
    """A letter or digit of a script that separates words with spaces (not Chinese or Japanese)."""
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def _spaced(mark: str, tag: TagSpec, text: str, at: int) -> str:
    """An empty placeholder written at `at` of the translation, with the space taking it out lost: after
    it, where the source had one after it and a word follows here with a space, the start or an
    opening bracket or quote before;
    else before it, where the source had one before it and a word precedes here with a space or the
    end after (`Call <1/> now` -> `Appelez <1/> maintenant`, `<1/> is` -> `<1/> est`)."""
    before = text[at - 1] if at else ""
    after = text[at] if at < len(text) else ""
    opening = not before or before == " " or unicodedata.category(before) in ("Ps", "Pi")  # `[`, `«`
    if tag.space_after and opening and _word_character(after[:1] or " "):
        return mark + " "
    if tag.space_before and after in ("", " ") and _word_character(before[:1] or " "):
        return " " + mark
    return mark


def _place_tags(text: str, tags: tuple[TagSpec, ...],
                spans: list[tuple[int, int] | None]) -> tuple[str, bool, bool]:
    """Insert placeholders at their spans, as a well-nested tree; returns (target, repaired, fallback)."""
    repaired = fallback = False
    size = len(text)
    raw: list[tuple[int, int] | None] = []
    for tag, span in zip(tags, spans):
        if span is None:
            raw.append(None)
            continue
        start, end = sorted((max(0, min(span[0], size)), max(0, min(span[1], size))))
        repaired = repaired or (span[1] < span[0])
        raw.append((start, end) if tag.paired else (start, start))
    # a pair holds its children in the source: where a child landed outside, the pair grows to hold it
    for index in range(len(tags) - 1, -1, -1):
        parent, child = tags[index].parent, raw[index]
        held = raw[parent] if parent >= 0 else None
        if child is not None and held is not None:
            grown = (min(held[0], child[0]), max(held[1], child[1]))
            if grown != held:
                raw[parent] = grown
                repaired = True
    bounds: list[tuple[int, int]] = []
    for index, tag in enumerate(tags):
        outer = bounds[tag.parent] if tag.parent >= 0 else (0, size)
        span = raw[index]
        if span is None:
            fallback = True
            span = outer if tag.paired else (outer[1], outer[1])
        clamped = (min(max(span[0], outer[0]), outer[1]), min(max(span[1], outer[0]), outer[1]))
        repaired = repaired or (clamped != span and raw[index] is not None)
        bounds.append(clamped)
    children: dict[int, list[int]] = {}
    for index, tag in enumerate(tags):
        children.setdefault(tag.parent, []).append(index)
    for owner in sorted(children):  # top level first, and a pair before the pairs inside it
        outer = bounds[owner] if owner >= 0 else (0, size)
        members = sorted(children[owner], key=lambda i: (bounds[i][0], i))
        previous = -1
        for index in members:  # inside the pair, after the sibling before
            if previous >= 0 and bounds[previous][0] < bounds[index][0] < bounds[previous][1]:
                # overlapping siblings: the one before gives up the overlap, so neither is emptied
                bounds[previous] = (bounds[previous][0], bounds[index][0])
                repaired = True
            previous_end = bounds[previous][1] if previous >= 0 else outer[0]
            start = min(max(bounds[index][0], previous_end), outer[1])
            end = min(max(bounds[index][1], start), outer[1])
            repaired = repaired or (start, end) != bounds[index]
            bounds[index] = (start, end)
            previous = index
        children[owner] = members
    for index in range(len(tags) - 1, -1, -1):  # `<1> word</1>` -> ` <1>word</1>`, children first
        if not tags[index].paired:
            continue
        start, end = bounds[index]
        inner = [bounds[child] for child in children.get(index, [])]
        low, high = min([c[0] for c in inner], default=end), max([c[1] for c in inner], default=start)
        while start < low and text[start] == " ":
            start += 1
        while end > max(high, start) and text[end - 1] == " ":
            end -= 1
        bounds[index] = (start, end)

    # write the tree without recursion (a source may nest thousands of inline elements): each
    # frame is an open pair (None: the top level), its members left to write, the text written
    # up to, and its end
    out: list[str] = []
    frames: list[tuple[int | None, Iterator[int], int, int]] = [(None, iter(children.get(-1, [])), 0, size)]
    while frames:
        number, pending, cursor, end = frames[-1]
        member = next(pending, None)
        if member is None:
            out.append(text[cursor:end] + ("" if number is None else f"</{number}>"))
            frames.pop()
            continue
        first, last = bounds[member]
        out.append(text[cursor:first])
        frames[-1] = (number, pending, last, end)
        tag = tags[member]
        if tag.paired:
            out.append(f"<{tag.number}>")
            frames.append((tag.number, iter(children.get(member, [])), first, last))
        elif raw[member] is None:  # put where the engine lost it (the end of its pair): as it is
            out.append(f"<{tag.number}/>")
        else:
            out.append(_spaced(f"<{tag.number}/>", tag, text, first))
    return "".join(out), repaired, fallback
