"""syntok's tokenizer, faster: the same tokens (value, spacing, offset) for any text.

Sentence splitting runs syntok's segmenter (sentence_starts.py) over syntok's tokens;
syntok's own tokenizer is a generator per whitespace-separated chunk that runs a Unicode
regex over every word. News text is mostly plain ASCII words, which that regex cannot
split, so this module tokenizes them with one compiled pattern and hands every other
word to syntok's `_split_word` (the same code, the same answers):

- a chunk is what syntok's `_spaces` pattern finds: Unicode white space (the regex
  module's `\\s`: `_SPACE` below spells it out, as Python's `re` counts `\\x1c`-`\\x1f`
  as white space and the regex module does not) and the zero width space separate
  chunks; the first token of a chunk has the text since the previous chunk as its
  spacing, the others none;
- the non-alphanumeric characters before the first alphanumeric one are one token
  each, as are those after the last (a leading `...` of those as one token); a chunk
  with no alphanumeric character is one token;
- the word between is one token unless syntok's `_separation` pattern matches in it. In
  an ASCII word that is only letters and digits, the only part of that pattern that
  can match is a lower-case letter followed by an upper-case one (`iPhone`): the other
  parts need an apostrophe, a bracket, a dot, a hyphen, a comma, a semicolon or an
  underscore. So such a word without `[a-z][A-Z]` is one token; any other goes to syntok.

`_CHUNKS` matches the common chunk whole: such a word between ASCII punctuation
(`(AFP)`, `said,`, `Mr.`, `"Yes."`), and the most common of all, a run of such words without
punctuation separated by single spaces (`the trade talks went`), as one match: each of its
words is one token (found by `str.split`), with spacing but perhaps the first.
tests/test_sentence_tokens.py compares the tokens with syntok's on generated and real text.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator, NamedTuple

# how workflow runs syntok's tokenizer: hyphens and underscores inside words as tokens of their
# own, `n't` kept as written
SYNTOK_OPTIONS = {"emit_hyphen_or_underscore_sep": True, "replace_not_contraction": False}
_ASCII_CASE_CHANGE = re.compile(r"[a-z][A-Z]")
# what separates chunks: the regex module's `\s` (Unicode White_Space) and the zero width space
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000"
_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # none alphanumeric
# a plain word: ASCII letters and digits, upper-case letters before lower-case ones (no lower-case letter
# before an upper-case one); possessive, as giving back a letter or a digit never lets what follows match
_WORD = "[A-Z0-9]*+[a-z0-9]*+"
# one match a chunk (or a run of plain words), with the white space before it: (spacing, run, lead, word,
# tail, other)
_CHUNKS = re.compile(
    rf"([{_SPACE}]*)(?:"
    # plain words, one space between two, then white space or the end
    rf"((?=[A-Za-z0-9]){_WORD}(?: (?=[A-Za-z0-9]){_WORD})*)(?![^{_SPACE}])"
    # a simple chunk: ASCII punctuation, a plain word, ASCII punctuation; then white space or the end
    rf"|([{_PUNCTUATION}]*)({_WORD})([{_PUNCTUATION}]*)(?![^{_SPACE}])"
    rf"|([^{_SPACE}]+))"  # any other chunk
)


class Tokens(NamedTuple):
    """syntok's tokens of a text, as three lists: what its segmenter needs of them."""

    values: list[str]
    spaced: list[bool]  # whether the token's spacing is not empty
    offsets: list[int]


@functools.cache
def _split_word() -> Any:
    """syntok's word splitter (imported on first use: it imports the regex module, which takes
    longer to import than a small extract takes to run)."""
    from syntok.tokenizer import Tokenizer

    return Tokenizer(**SYNTOK_OPTIONS)._split_word


# syntok's `_split_word` (tokenizer.py) for a word of Latin letters: ASCII and Latin-1 letters, digits,
# ASCII punctuation and the typographic apostrophes, hyphens, quotes and dashes of news text. On those
# characters the Unicode classes of syntok's `_separation` pattern are the ones spelt out here, so Python's
# `re` runs it (syntok's needs the regex module); any other word goes to syntok's own.
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"  # \p{Ll}
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # \p{Lu}
_APOSTROPHES = "'\u00b4\u2019\u2032"  # syntok's, less the two that are letters too (U+02B9, U+02BC)
_HYPHENS = "\u00ad\u2010-\u2012-"  # syntok's, in this alphabet
_LATIN_WORD = re.compile(
    "[!-~"  # ASCII less white space and control characters
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"  # Latin-1 letters
    "\u00b4\u2019\u2032\u00ad\u2010-\u2014\u2018\u201c\u201d\u2026\u00ab\u00bb]+"  # apostrophes, dashes
)
_SEPARATION = re.compile(  # syntok's `_separation`, with these classes
    f"(?<=[{_LOWER}])[.!?]?(?=[{_UPPER}])"  # lower-case to upper-case
    f"|[{_APOSTROPHES}][{_LOWER}{_UPPER}]+"  # an apostrophe and its tail
    "|[()\\[\\]{}]"  # brackets (\p{Ps}, \p{Pe})
    "|\\.\\.\\."  # an inner ellipsis
    f"|(?<=[{_LOWER}{_UPPER}])[,;_{_HYPHENS}](?=[{_LOWER}{_UPPER}0-9])"  # letter, separator, not a digit
    f"|(?<=[{_LOWER}{_UPPER}0-9])[,;_{_HYPHENS}](?=[{_LOWER}{_UPPER}])"
)
_APOSTROPHE_T = re.compile(f"[{_APOSTROPHES}]t")


def _split_latin_word(prefix: str, word: str, offset: int) -> Iterator[tuple[str, str, int]]:
    """syntok's `_split_word(prefix, word, offset)` for a word `_LATIN_WORD` matches: (spacing, value,
    offset) of each token, with SYNTOK_OPTIONS (separators emitted, `n't` kept)."""
    remainder = 0
    for match in _SEPARATION.finditer(word):
        start, end = match.span()
        separator = match.group()
        if start > remainder:
            if word[start - 1] == "n" and _APOSTROPHE_T.fullmatch(separator):
                if remainder < start - 1:
                    yield prefix, word[remainder:start - 1], offset + remainder
                    prefix = ""
                yield prefix, "n" + separator, offset + start - 1
                prefix = ""
                remainder = end
                continue
            yield prefix, word[remainder:start], offset + remainder
            prefix = ""
        if separator:
            yield prefix, separator, offset + start
            prefix = ""
        remainder = end
    if remainder == 0:
        yield prefix, word, offset
    elif remainder < len(word):
        yield prefix, word[remainder:], offset + remainder


def _split_other_word(prefix: str, word: str, offset: int) -> Iterator[tuple[str, str, int]]:
    """syntok's `_split_word` itself, for any word: (spacing, value, offset) of each token."""
    for token in _split_word()(prefix, word, offset):
        yield token.spacing, token.value, token.offset


def tokens(text: str) -> Tokens:
    """syntok's `Tokenizer(**SYNTOK_OPTIONS).tokenize(text)`: each token's value, whether its spacing
    is not empty, and its offset."""
    values: list[str] = []
    spaced: list[bool] = []
    offsets: list[int] = []
    value, space, offset = values.append, spaced.append, offsets.append
    end = 0  # the end of the previous chunk: the spacing of the next starts here
    for spacing, run, lead, word, tail, other in _CHUNKS.findall(text):
        begin = end + len(spacing)
        if run:  # the most common chunks: plain words, a token each
            words = run.split(" ")
            values += words
            spaced += [True] * len(words)
            if not spacing:
                spaced[-len(words)] = False
            at = begin
            for each in words:  # one space after each word
                offset(at)
                at += len(each) + 1
            end = at - 1
            continue
        if other:
            stop = begin + len(other)
            start = begin
            while start < stop and not text[start].isalnum():
                start += 1
            word_end = stop
            while word_end > start and not text[word_end - 1].isalnum():
                word_end -= 1
            word = text[start:word_end]
        else:
            start = begin + len(lead)
            word_end = start + len(word)
            stop = word_end + len(tail)
        if not word:  # no alphanumeric character: one token (or the white space at the end)
            if stop > begin or spacing:
                value(text[begin:stop])
                space(bool(spacing))
                offset(begin)
            end = stop
            continue
        first = bool(spacing)
        for at in range(begin, start):  # each character before the word is a token
            value(text[at])
            space(first)
            offset(at)
            first = False
        if word.isascii() and word.isalnum() and _ASCII_CASE_CHANGE.search(word) is None:
            value(word)
            space(first)
            offset(start)
        else:
            split = _split_latin_word if _LATIN_WORD.fullmatch(word) else _split_other_word
            for token_spacing, token, token_offset in split(spacing if first else "", word, start):
                value(token)
                space(bool(token_spacing))
                offset(token_offset)
        at = word_end  # after the word: a `...`, then each character
        if text.startswith("...", at, stop):
            value("...")
            space(False)
            offset(at)
            at += 3
        for at in range(at, stop):
            value(text[at])
            space(False)
            offset(at)
        end = stop
    return Tokens(values, spaced, offsets)
