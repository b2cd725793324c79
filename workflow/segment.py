"""Sentence splitting, inline-markup placeholders and stable unit keys.

Readers describe a block as a list of parts (text and tags), each with its span in
the source; this module turns it into pieces (sentences) whose text carries numbered
placeholders. Sentences come from syntok, a rule-based segmenter built for news
English (abbreviations such as `U.S.`, `Mr.`, `Jan. 10`, `No. 5`, enumerations such
as `IV.`); we only repair its output so that no sentence ever cuts a pair of
placeholders and no sentence ends without final punctuation.

Every piece and separator keeps its span in the source text, so a document whose
units are left as they are can be rebuilt byte for byte.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

from .model import Piece, Placeholder
from .patterns import lazy_compile
from .records import mutable

SENTENCE = "sentence"
PARAGRAPH = "paragraph"
MODES = (SENTENCE, PARAGRAPH)

_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # ASCII whitespace only: U+00A0 is content
_IRREGULAR_SPACE = re.compile(r"[ \t\n\r\f\v]{2,}|[\t\n\r\f\v]")  # what collapsing changes
PLACEHOLDER = re.compile(r"<(/?)(\d+)(/?)>")
# html.unescape's own pattern: a character reference, with or without its `;`
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# what may follow the final punctuation of a sentence: quotes, brackets
_CLOSERS = "\"'”’»)]}"
_FINAL = ".!?…。！？"
_FINAL_MARK = re.compile(r"[.!?…。！？]")


class Tag(NamedTuple):
    """A piece of inline markup inside a block, before numbering.

    (A named tuple: a reader makes one for every tag, and pairs are made again by pair_tags; a frozen
    dataclass takes twice as long to build.)
    """

    role: Literal["open", "close", "empty"]
    span: tuple[int, int]  # raw markup in the source
    description: str
    pair: int = -1  # for open/close: index of the other tag of the pair in the parts list
    content: bool = False  # untranslated words (`<code>…</code>`): part of the sentence, never trimmed


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


@mutable
class _Chunk:
    """A run of the normalised block text: a word, one collapsed space, a reference or a tag."""

    start: int  # offset in the normalised text
    text: str  # a tag's is `\0`
    raw: tuple[int, int] | None  # span in the source
    literal: bool  # the raw text equals `text` character for character
    tag: Tag | None = None
    space: bool = False
    part: int = -1  # for a tag: its index in the parts list


class _Text:
    """The normalised text of a block: chunks, and the map back to source offsets.

    Whitespace is collapsed to single spaces. A literal chunk is a run of source text
    that the normalised text repeats character for character (single spaces
    included), so offsets inside it map back by addition; other chunks (a collapsed
    run of whitespace, a character reference, a tag) map only at their edges.
    """

    def __init__(
        self, parts: Sequence[Part], source: str | None, spans: Sequence[tuple[int, int]] | None
    ) -> None:
        self.chunks: list[_Chunk] = []
        self.tags: list[_Chunk] = []  # the chunks of the tags, in order
        self.length = 0
        self.exact = source is not None and spans is not None
        for index, part in enumerate(parts):
            if isinstance(part, Tag):
                chunk = _Chunk(self.length, "\0", part.span, False, tag=part, part=index)
                self.chunks.append(chunk)
                self.tags.append(chunk)
                self.length += 1
            elif part:
                span = spans[index] if spans is not None else None
                self._add_text(part, source, span)
        self.text = "".join([c.text for c in self.chunks])
        self.starts = [c.start for c in self.chunks]
        self.tag_starts = [c.start for c in self.tags]

    def _add(self, chunk: _Chunk) -> None:
        chunk.start = self.length
        self.chunks.append(chunk)
        self.length += len(chunk.text)

    def _after_space(self) -> bool:
        return bool(self.chunks) and self.chunks[-1].text[-1:] == " "

    def _add_space(self, raw: tuple[int, int] | None) -> None:
        if not self._after_space():
            self._add(_Chunk(self.length, " ", raw, False, space=True))

    def _add_text(self, text: str, source: str | None, span: tuple[int, int] | None) -> None:
        raw = source[span[0]:span[1]] if source is not None and span is not None else None
        if raw is None or span is None:  # no map to the source: the text, its white space collapsed
            self.exact = False
            collapsed = _SPACE.sub(" ", text)
            if collapsed[:1] == " " and self._after_space():
                collapsed = collapsed[1:]
            if collapsed:
                self._add(_Chunk(0, collapsed, None, False))
            return
        if raw == text:
            self._add_literal(text, span[0])
            return
        # the reader decoded character references: align the decoded text with the raw one
        rebuilt: list[str] = []
        last = 0
        for match in _CHARREF.finditer(raw):
            if match.start() > last:
                self._add_literal(raw[last:match.start()], span[0] + last)
                rebuilt.append(raw[last:match.start()])
            value = html.unescape(match.group())
            rebuilt.append(value)
            where = (span[0] + match.start(), span[0] + match.end())
            if not _SPACE.fullmatch(value):
                self._add(_Chunk(0, value, where, value == match.group()))
            else:
                self._add_space(where)
            last = match.end()
        if last < len(raw):
            self._add_literal(raw[last:], span[0] + last)
            rebuilt.append(raw[last:])
        if "".join(rebuilt) != text:  # the reader transformed the text some other way
            self.exact = False

    def _add_literal(self, text: str, at: int) -> None:
        last = 0
        if _irregular(text):
            for match in _IRREGULAR_SPACE.finditer(text):
                start, end = match.span()
                self._add_run(text[last:start], at + last)
                self._add_space((at + start, at + end))
                last = end
        self._add_run(text[last:], at + last)

    def _add_run(self, run: str, at: int) -> None:
        """Text whose only whitespace is single spaces between words."""
        if run[:1] == " " and self._after_space():
            run, at = run[1:], at + 1
        if run:
            self.chunks.append(_Chunk(self.length, run, (at, at + len(run)), True))
            self.length += len(run)

    # -- offsets ---------------------------------------------------------------------
    def chunk_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def tags_in(self, start: int, end: int) -> list[_Chunk]:
        """The chunks of the tags from `start` to `end`, in order."""
        starts = self.tag_starts
        return self.tags[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]

    def raw_start(self, offset: int) -> int | None:
        """Source offset of the character at `offset` (the start of a chunk or inside a literal)."""
        chunk = self.chunks[self.chunk_at(offset)]
        if chunk.raw is None:
            return None
        if chunk.literal:
            return chunk.raw[0] + offset - chunk.start
        return chunk.raw[0] if offset == chunk.start else None

    def raw_end(self, offset: int) -> int | None:
        """Source offset just after the character before `offset`."""
        chunk = self.chunks[self.chunk_at(offset - 1)]
        if chunk.raw is None:
            return None
        if chunk.literal:
            return chunk.raw[0] + offset - chunk.start
        return chunk.raw[1] if offset == chunk.start + len(chunk.text) else None


def _irregular(text: str) -> bool:
    """Whether _IRREGULAR_SPACE matches in a text: the same answer, several times faster (a search
    for each character, which the pattern tries at every position)."""
    return "  " in text or any(map(text.__contains__, "\t\n\r\f\v"))


def _split(plain: str) -> tuple[int, ...]:
    """Where syntok starts a sentence after the first, as offsets in `plain`: syntok's tokenizer and
    segmenter, faster (sentence_tokens.py, sentence_starts.py: the same answers; imported on first
    use, with syntok, to keep `--help` fast)."""
    from .sentence_starts import sentence_starts
    from .sentence_tokens import tokens

    return tuple(sentence_starts(tokens(plain)))


class MemoryCache:
    """syntok's answers (the offsets where sentences start) by digest of the text it was given.

    syntok is a pure function of that text (and of its version and options), so an answer
    holds wherever the paragraph occurs: navigation and footers repeat on every page of
    a site, and an edited article keeps most of its paragraphs. Bounded: emptied when full.
    segment_cache.py keeps the answers in the workspace between runs.
    """

    LIMIT = 100_000

    def __init__(self) -> None:
        self.answers: dict[bytes, tuple[int, ...]] = {}

    def get(self, key: bytes) -> tuple[int, ...] | None:
        return self.answers.get(key)

    def put(self, key: bytes, starts: tuple[int, ...]) -> None:
        if len(self.answers) >= self.LIMIT:
            self.answers.clear()
        self.answers[key] = starts


_cache = MemoryCache()


def current_cache() -> MemoryCache:
    """The cache sentence splitting uses now."""
    return _cache


def use_cache(cache: MemoryCache) -> MemoryCache:
    """Make `cache` the one sentence splitting uses; returns the one it replaces."""
    global _cache
    previous, _cache = _cache, cache
    return previous


def _syntok_starts(plain: str) -> tuple[int, ...]:
    """Where syntok starts a sentence after the first, as offsets in `plain` (cached by its digest)."""
    key = hashlib.blake2b(plain.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    starts = _cache.get(key)
    if starts is None:
        starts = _split(plain)
        _cache.put(key, starts)
    return starts


def may_split(text: str) -> bool:
    """Whether a block's normalised text (tags as `\\0`) can be cut into sentences at all.

    Only when something other than spaces and markup follows its first final mark
    (`.!?…。！？`). A cut is kept only after final punctuation (_ends_sentence: the text
    before the cut, less spaces, tags and closing quotes, ends with one) and where syntok
    starts a sentence, which is at one of its tokens, inside the text: a token starts
    with a character that is neither a space nor a tag, after that mark. So a text
    whose first mark has only spaces and tags after it has no cut, and syntok need not
    run. (A word character after the mark is not needed: `Over. —` is cut before the
    dash, and the dash, with no words, is left outside the unit.)
    """
    mark = _FINAL_MARK.search(text)
    return mark is not None and len(text.rstrip(" \0")) > mark.end()


def _sentence_starts(text: _Text) -> list[int]:
    """Offsets (in the normalised text) where syntok starts a new sentence.

    syntok sees the words only: a void tag reads as a space, a start or end tag as
    nothing. (No-break spaces are content, but white space to syntok's tokenizer.)
    """
    if not may_split(text.text):
        return []  # one sentence: no need to run the segmenter
    out: list[str] = []
    last = 0
    hidden: list[int] = []  # where the start and end tags were, as offsets in what syntok sees
    for chunk in text.tags:
        out.append(text.text[last:chunk.start])
        last = chunk.start + 1
        if chunk.tag is not None and chunk.tag.role == "empty":
            out.append(" ")
        else:
            hidden.append(chunk.start - len(hidden))
    plain = "".join(out) + text.text[last:] if out else text.text
    # a sentence starts at a word: after the tags hidden at that offset
    return [offset + bisect.bisect_right(hidden, offset) for offset in _syntok_starts(plain)]


def _ends_sentence(text: _Text, cut: int) -> bool:
    """Whether the text before a cut ends with final punctuation (quotes, spaces and tags aside)."""
    before = text.text[max(0, cut - 200):cut].rstrip(" \0" + _CLOSERS)
    return bool(before) and before[-1] in _FINAL


# initials before a surname: `J. L. Th.` (a one-letter initial, then one of one or two letters)
# (spaced, unlike an abbreviation such as `D.C.`)
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.[ \u00a0]?)*[A-Z]\.[ \u00a0][A-Z][a-z]?\.$")
_SURNAME = re.compile(r"[ \u00a0\0]*[A-Z][a-z]")


def _inside_name(text: _Text, cut: int) -> bool:
    """Whether a cut falls between a name's initials and its surname (`Marcel J. L. Th. | Niekus`)."""
    before = text.text[max(0, cut - 40):cut].rstrip(" \u00a0\0")
    return bool(_INITIALS.search(before)) and bool(_SURNAME.match(text.text, cut))


def _safe_cuts(text: _Text, starts: list[int]) -> list[int]:
    """Cuts before opening markup that starts a sentence; none inside a pair or mid-clause."""
    candidates: list[int] = []
    for cut in starts:
        # `end. <1>Next`: the `<1>` (or an inline image `<2/>`) starts the next sentence.
        index = text.chunk_at(cut)
        while index > 0 and text.chunks[index].start == cut:
            before = text.chunks[index - 1]
            if before.tag is None or before.tag.role == "close":
                break
            cut = before.start
            index -= 1
        if 0 < cut < text.length and _ends_sentence(text, cut) and not _inside_name(text, cut):
            candidates.append(cut)
    safe: list[int] = []
    depth = 0
    index = 0
    for cut in sorted(set(candidates)):
        while index < len(text.chunks) and text.chunks[index].start < cut:
            tag = text.chunks[index].tag
            if tag is not None and tag.role != "empty":
                depth += 1 if tag.role == "open" else -1
            index += 1
        if depth == 0:
            safe.append(cut)
    return safe


def split_block(
    parts: Sequence[Part],
    mode: str = SENTENCE,
    source: str | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
    line_of: Callable[[int], int] | None = None,
    *,
    title: bool = False,
) -> tuple[list[Piece], list[str]]:
    """Split a block into pieces and the separators between them.

    In a page `title`, a site name after a separator (`Goats are back | National
    Geographic`) is a unit of its own and the separator is left between the units.

    With the `source` text and the `spans` of the text parts in it, every piece gets
    its source span (and, with `line_of`, the line where it starts) and the
    separators are the raw source between pieces; without, the separators are
    normalised text.
    """
    if mode == PARAGRAPH and source is None and not title and len(parts) == 1 and isinstance(parts[0], str):
        return _plain_paragraph(parts[0])  # an attribute's value: the commonest call, and the simplest
    text = _Text(parts, source, spans)
    cuts = _safe_cuts(text, _sentence_starts(text)) if mode == SENTENCE else []
    # in a title, the separators before a site name: `reborn. | National`: the separator, not a cut
    # beside it, ends the unit, and it stays between the units
    gaps = _title_gaps(text.text) if title else []
    bounds = _bounds(text, _holes(cuts, gaps))
    pieces = [_piece(text, start, end, line_of) for start, end in bounds]
    exact = text.exact and None not in [p.span for p in pieces]
    if exact:
        # a piece with no words to translate (`| 19.01.2020`, `(6)`, `2.3 GB/s`) is not a unit: it
        # stays, as it is in the source, between the units (or outside the block's span)
        kept = [i for i, p in enumerate(pieces) if has_words(PLACEHOLDER.sub(" ", p.text))]
        if len(kept) < len(pieces):
            bounds, pieces = [bounds[i] for i in kept], [pieces[i] for i in kept]
    else:  # no spans and no lines, as the source cannot give the pieces back (most have none already)
        pieces = [p if p.span is None and not p.line else Piece(p.key, p.text, p.placeholders)
                  for p in pieces]
    separators: list[str] = []
    for (_, end), (start, _), left, right in zip(bounds, bounds[1:], pieces, pieces[1:]):
        if exact and source is not None and left.span and right.span:
            separators.append(source[left.span[1]:right.span[0]])
        else:
            separators.append(_SPACE.sub(" ", text.text[end:start].replace("\0", "")) or " ")
    return pieces, separators


def _plain_paragraph(text: str) -> tuple[list[Piece], list[str]]:
    """split_block of one text, no markup and no source, as a paragraph (an attribute's value): its white
    space collapsed, less the spaces at its edges; no piece when nothing else is left. What the general
    path gives (tests/test_segment.py), without the map to a source that there is none of."""
    collapsed = _SPACE.sub(" ", text).strip(" ")
    return ([Piece(unit_key(collapsed), collapsed, ())], []) if collapsed else ([], [])


def _holes(cuts: list[int], gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What lies between two pieces, in order: a title's separator (start, end), or a cut (cut, cut)."""
    if not gaps:
        return [(cut, cut) for cut in cuts]
    return sorted([*gaps, *((cut, cut) for cut in cuts if not any(a <= cut <= b for a, b in gaps))])


def _bounds(text: _Text, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces' (start, end): the text before, between and after the holes, less the spaces and
    marks at its edges (none when nothing else is left)."""
    chars = text.text
    bounds: list[tuple[int, int]] = []
    start = 0
    for hole_start, hole_end in [*holes, (text.length, text.length)]:
        end = hole_start
        while start < end and chars[start] in " \0" and _trimmable(text, start):
            start += 1
        while end > start and chars[end - 1] in " \0" and _trimmable(text, end - 1):
            end -= 1
        if start < end:
            bounds.append((start, end))
        start = hole_end
    return bounds


# what separates a page title from the site's name: ` | `, ` – `, ` — `, ` - `
_PIPE = re.compile(r" *\| *")
_DASH = re.compile(r" [\u2013\u2014-] ")
_SITE_WORDS = 6  # a site name is short: `National Geographic`, `BBC News`, `DW`


def _title_gaps(text: str) -> list[tuple[int, int]]:
    """Where a title's separators lie: every ` | `; else the last dash before a site name.

    A dash counts when what follows it is a few words with a letter, no markup and no
    sentence-final punctuation, and something with a letter precedes it.
    """
    pipes = [match.span() for match in _PIPE.finditer(text)]
    if pipes:
        return pipes
    dash = None
    for dash in _DASH.finditer(text):
        pass
    if dash is None:
        return []
    before, after = text[:dash.start()], text[dash.end():]
    if ("\0" in after or len(after.split()) > _SITE_WORDS or after.rstrip(_CLOSERS)[-1:] in _FINAL
            or not any(c.isalpha() for c in after) or not any(c.isalpha() for c in before)):
        return []
    return [dash.span()]


# tokens that are not words to translate: numbers (`2.3`, `1,000`, `19.01.2020`, `10:30`, `-5%`),
# web and mail addresses, and unit symbols after a number (`2.3 GB/s`, `5 km`, `40 °C`)
# (one character class each: no backtracking, linear in the token)
_NUMBER = re.compile(r"[-+\u2212±~≈<>]?[\d.,:/%‰\u2009\u202f-]+")
_UNIT = re.compile(
    r"(?:[kKMGTPE]i?|[mµμnc])?(?:B|b|bit|bps|Bps|Hz|m|g|l|L|s|t|W|Wh|V|A|Pa|bar|px|pt|em|rem|fps|ppm)"
    r"(?:/s|/h|²|³|2|3)?|%|‰|°[CF]?|K|h|min|ms|µs|ns|x|×"
)
_EDGES = "()[]{}<>«»“”‘’\"'.,;:!?¡¿…*†‡#§|/\\"


def _address(token: str) -> bool:
    """A web or mail address (`https://x.org/a`, `www.x.org`, `a@x.org`)."""
    scheme, found, _ = token.partition("://")
    if found:
        return scheme.isascii() and scheme.isalpha()
    return token.lower().startswith("www.") or "." in token.partition("@")[2].strip(".")


def has_words(text: str) -> bool:
    """Whether a text has something to translate: a word that is not a number, an address or a unit.

    Token by token (linear time): `2.3 GB/s`, `(6)`, `https://x.org`, `© 2020`, `10:30` have none;
    `Page 5`, `A 5` and `COVID-19` have.
    """
    after_number = False
    for token in text.split():
        token = token.strip(_EDGES)
        if not after_number and token.isalpha():  # a word: neither a number, an address nor a unit
            return True
        if not any(c.isalpha() for c in token):
            after_number = any(c.isdigit() for c in token) and bool(_NUMBER.fullmatch(token))
            continue
        if _address(token) or (after_number and _UNIT.fullmatch(token)):
            after_number = False
            continue
        number = _NUMBER.match(token)  # `5GB`, `2.3GB/s`: a number with its unit
        if number and _UNIT.fullmatch(token[number.end():].strip(_EDGES)):
            continue
        return True
    return False


def _trimmable(text: _Text, offset: int) -> bool:
    """A space, or a mark such as `<br>` or a comment, that may sit between two sentences."""
    char = text.text[offset]
    if char == " ":
        return True
    if char != "\0":
        return False
    tag = text.chunks[text.chunk_at(offset)].tag
    return tag is not None and tag.role == "empty" and not tag.content


def _piece(text: _Text, start: int, end: int, line_of: Callable[[int], int] | None = None) -> Piece:
    """A sentence with its placeholders numbered from 1, its source span and (with `line_of`) the
    line where it starts."""
    raw_start, raw_end = text.raw_start(start), text.raw_end(end)
    span = (raw_start, raw_end) if raw_start is not None and raw_end is not None else None
    line = line_of(span[0]) if line_of is not None and span is not None else 0
    tags = text.tags_in(start, end)
    if not tags:  # no markup: the text as it is (what the loop below would build)
        literal_text = text.text[start:end]
        return Piece(unit_key(literal_text), literal_text, (), span, line)
    # numbers that the text already shows as placeholders (`<3>` written out) are not given to a tag
    taken = {int(m.group(2)) for m in PLACEHOLDER.finditer(text.text, start, end)}
    opened: dict[int, tuple[int, Tag]] = {}  # index in the parts list of an open tag -> its number, the tag
    placeholders: dict[int, Placeholder] = {}
    number = 0
    out: list[str] = []
    last = start  # the text since the last tag
    for chunk in tags:
        out.append(text.text[last:chunk.start])
        last = chunk.start + 1
        tag = chunk.tag
        assert tag is not None
        if tag.role == "close":
            paired, opening = opened.pop(tag.pair)
            out.append(f"</{paired}>")
            placeholders[paired] = Placeholder(paired, opening.description, opening.span, tag.span)
            continue
        number += 1
        while number in taken:
            number += 1
        if tag.role == "empty":
            out.append(f"<{number}/>")
            placeholders[number] = Placeholder(number, tag.description, tag.span)
        else:
            out.append(f"<{number}>")
            opened[chunk.part] = number, tag
    out.append(text.text[last:end])
    for number, tag in opened.values():  # a pair cut by the piece's end (never by a sentence cut)
        placeholders[number] = Placeholder(number, tag.description, tag.span, (-1, -1))
    joined = "".join(out)
    return Piece(unit_key(joined), joined, tuple([placeholders[n] for n in sorted(placeholders)]), span, line)


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


# Characters that XML 1.0 forbids or that HTML treats as parse errors.
_FORBIDDEN = lazy_compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def forbidden_character(source: str, target: str) -> str | None:
    """The first character of a translation that a page may not hold (XML forbids it, HTML calls it a
    parse error) and its source does not hold (a page may hold U+FFFE: published either way); None."""
    held = set(_FORBIDDEN.findall(source))
    return next((c for c in _FORBIDDEN.findall(target) if c not in held), None)


def placeholder_problems(source: str, target: str) -> list[str]:
    """What is wrong with the placeholders of `target` compared with `source`."""
    expected = [(r, n) for r, n in (t for t in parse_target(source) if not isinstance(t, str))]
    found = [(r, n) for r, n in (t for t in parse_target(target) if not isinstance(t, str))]
    problems: list[str] = []
    wanted, had = Counter(expected), Counter(found)  # not list.count: 10,000 marks took minutes
    for item in sorted(wanted | had):
        want, have = wanted[item], had[item]
        role, number = item
        shown = f"</{number}>" if role == "close" else f"<{number}/>" if role == "empty" else f"<{number}>"
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
    if not problems:
        inside, now_inside = _parents(expected), _parents(found)
        problems.extend(_moved(number, inside[number], now_inside[number]) for number in sorted(inside)
                        if now_inside.get(number, inside[number]) != inside[number])
    if not problems:
        emptied = emptied_pairs(source, target)
        problems.extend(f"<{n}></{n}> is empty: the source has text in it" for n in emptied)
    return problems


def _parents(marks: list[tuple[str, int]]) -> dict[int, int | None]:
    """The pair each pair is directly inside (None: none), for marks that close in order."""
    stack: list[int] = []
    parents: dict[int, int | None] = {}
    for role, number in marks:
        if role == "open":
            parents[number] = stack[-1] if stack else None
            stack.append(number)
        elif role == "close" and stack:
            stack.pop()
    return parents


def _moved(number: int, was: int | None, now: int | None) -> str:
    """A pair that is not inside the pair it is inside in the source: `<a>` in `<a>` is invalid HTML,
    and a link's or emphasis's words change; siblings may swap, nesting is kept."""
    where = f"inside <{now}>" if now is not None else "outside every pair"
    should = f"inside <{was}>" if was is not None else "outside every pair"
    return f"<{number}> is {where}: in the source it is {should} (pairs keep the source's nesting)"


def emptied_pairs(source: str, target: str) -> list[int]:
    """The pairs `<n>…</n>` that hold text in the source and none in the target (an invisible link)."""
    had, _ = _pairs_with_text(source)
    has, opened = _pairs_with_text(target)
    return sorted((had & opened) - has)


def _pairs_with_text(text: str) -> tuple[set[int], set[int]]:
    """(pairs holding text, directly or in a pair inside them; every pair opened), in one pass."""
    stack: list[int] = []
    texted: set[int] = set()
    opened: set[int] = set()
    for token in parse_target(text):
        if isinstance(token, str):
            if stack and token.strip():
                texted.add(stack[-1])
            continue
        role, number = token
        if role == "open":
            stack.append(number)
            opened.add(number)
        elif role == "close" and stack and stack[-1] == number:
            stack.pop()
            if number in texted and stack:
                texted.add(stack[-1])
    return texted, opened
