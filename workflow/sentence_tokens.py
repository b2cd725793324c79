"""syntok's tokenizer, faster: the same tokens (value, spacing, offset) for any text.

Sentence splitting runs syntok's segmenter over syntok's tokens; two thirds of its time
went to the tokenizer, a generator per whitespace-separated chunk that runs a Unicode
regex over every word. News text is mostly plain ASCII words, which that regex cannot
split, so this function yields syntok's own `Token` objects directly for them and hands
every other word to syntok's `_split_word` (the same code, the same answers):

- a chunk is what syntok's `_spaces` pattern finds (Unicode white space and the zero
  width space separate chunks; its spacing is the text since the previous chunk);
- the non-alphanumeric characters before the first alphanumeric one are one token
  each, as are those after the last (a leading `...` of those as one token); a chunk
  with no alphanumeric character is one token;
- the word between is one token unless syntok's `_separation` pattern matches in it. In
  an ASCII word that is only letters and digits, the only part of that pattern that
  can match is a lower-case letter followed by an upper-case one (`iPhone`): the other
  parts need an apostrophe, a bracket, a dot, a hyphen, a comma, a semicolon or an
  underscore. So such a word without `[a-z][A-Z]` is one token; any other goes to syntok.

tests/test_sentence_tokens.py compares the two on generated and real text.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# how workflow runs syntok's tokenizer: hyphens and underscores inside words as tokens of their
# own, `n't` kept as written
SYNTOK_OPTIONS = {"emit_hyphen_or_underscore_sep": True, "replace_not_contraction": False}
_ASCII_CASE_CHANGE = re.compile(r"[a-z][A-Z]")


@functools.cache
def _syntok() -> tuple[Any, Any, Any]:
    """syntok's Token class, chunk pattern and word splitter (imported on first use)."""
    from syntok.tokenizer import Token, Tokenizer

    return Token, Tokenizer._spaces, Tokenizer(**SYNTOK_OPTIONS)._split_word


def _plain(word: str) -> bool:
    """Whether syntok's tokenizer leaves `word` (alphanumerics at both ends) whole: see above."""
    return word.isascii() and word.isalnum() and _ASCII_CASE_CHANGE.search(word) is None


def tokenize(text: str) -> list[Any]:
    """syntok's `Tokenizer(**SYNTOK_OPTIONS).tokenize(text)`, as a list."""
    token, spaces, split_word = _syntok()
    out: list[Any] = []
    append = out.append
    offset = 0  # the end of the previous chunk: the spacing of the next starts here
    for chunk in spaces.finditer(text):
        begin, stop = chunk.span()
        value = chunk.group()
        if value.isalnum():  # the whole chunk is the word
            if _plain(value):
                append(token(text[offset:begin], value, begin))
            else:
                out.extend(split_word(text[offset:begin], value, begin))
            offset = stop
            continue
        start = begin
        while start < stop and not text[start].isalnum():
            start += 1
        if start == stop:  # no alphanumeric character: one token
            append(token(text[offset:begin], value, begin))
            offset = stop
            continue
        end = stop
        while not text[end - 1].isalnum():
            end -= 1
        if start > begin:  # each character before the word is a token
            append(token(text[offset:begin], text[begin], begin))
            out.extend(token("", text[at], at) for at in range(begin + 1, start))
            offset = start
        word, spacing = text[start:end], text[offset:start]
        if _plain(word):
            append(token(spacing, word, start))
        else:
            out.extend(split_word(spacing, word, start))
        if end < stop:  # after the word: a `...`, then each character
            if text.startswith("...", end, stop):
                append(token("", "...", end))
                end += 3
            out.extend(token("", text[at], at) for at in range(end, stop))
        offset = stop
    if offset < len(text):
        append(token(text[offset:], "", len(text)))
    return out
