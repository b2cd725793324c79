"""Sentence splitting's two shortcuts give syntok's own answers (issue 10, extract speed).

- sentence_tokens.tokens: the tokens of syntok's tokenizer (value, offset, whether it has spacing), on
  generated text (news-like fragments, every character class the tokenizer treats apart,
  any Unicode) and on real text (the sample bulletin, the test pages, the hostile corpus);
- segment.may_split: a block it says cannot be split is not split when syntok runs on it
  either (split_block gives the same pieces and separators with and without the shortcut).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from syntok.tokenizer import Tokenizer

from workflow import segment, sentence_tokens
from workflow.segment import Part, Tag, pair_tags, split_block

REPO = Path(__file__).resolve().parents[1]
SYNTOK = Tokenizer(**sentence_tokens.SYNTOK_OPTIONS)

# what the tokenizer treats apart: cases, digits and other numerics (`½`, `²`, `٣`), white space
# and what Python or the regex module count as such (`\x1c`, U+200B, U+2003, no-break spaces),
# apostrophes, hyphens, brackets, terminals, combining marks, CJK, a title-case letter (`ǅ`)
CHARACTERS = (
    "aAzZeE09 .,;:!?'\"()[]{}-_…\t\n\r\x0b\x0c\x1c\u00a0\u200b\u2003\u3000’´ʼ\u2010\u00ad\u2011"
    "éÉßΣσǅ½²٣中。！？«»“”—/@#%&*+="
)
FRAGMENTS = [
    "Mr.", "Dr.", "U.S.", "U.N.", "Jan.", "10.", "No.", "5", "2.6", "1,000", "iPhone", "McDonald", "don't",
    "isn't", "co-op", "e-mail", "snake_case", "...", "?!", "(6)", "(A. Author et al.)", "[1]", '"Yes."',
    "’s", "l'État", "Zürich", "ÉCOLE", "naïve", "IV.", "a.m.", "—", "--", " ", "  ", "\n", "\u00a0", "The",
    "said", "it", "x", ".", "!", "?", ",", ";", ":", "'", '"', "(", ")", "中文。", "½", "A1B2", "aB", "Ab",
]
news_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(CHARACTERS, max_size=4), max_size=40).map(
    lambda words: " ".join(words)
)


def syntok_tokens(text: str) -> list[tuple[bool, str, int]]:
    return [(bool(t.spacing), t.value, t.offset) for t in SYNTOK.tokenize(text)]


def our_tokens(text: str) -> list[tuple[bool, str, int]]:
    values, spaced, offsets = sentence_tokens.tokens(text)
    return list(zip(spaced, values, offsets))


def test_white_space_is_syntoks() -> None:
    """What separates chunks: Python's `re` and the regex module disagree on `\\s` (`\\x1c`, U+200B)."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    ours = "".join(re.findall(f"[{sentence_tokens._SPACE}]", everything))
    assert ours == Tokenizer._spaces.sub("", everything)


@given(news_text)
@example("The iPhone's maker, Apple Inc., said... (really?) don't")
@example("x \x1c y\u200bz ½² ǅx aB")
@example("said the 5 trade  talks\u00a0went on,then the iPhone it  ")  # runs of plain words
def test_tokens_of_news_like_text_are_syntoks(text: str) -> None:
    assert our_tokens(text) == syntok_tokens(text)


@given(st.text(CHARACTERS, max_size=60))
def test_tokens_of_any_mix_of_special_characters_are_syntoks(text: str) -> None:
    assert our_tokens(text) == syntok_tokens(text)


@given(st.text(max_size=60))
def test_tokens_of_any_unicode_text_are_syntoks(text: str) -> None:
    assert our_tokens(text) == syntok_tokens(text)


# the alphabet of sentence_tokens._split_latin_word: ASCII, Latin-1 letters, the apostrophes, hyphens,
# dashes and quotes of news text; and what borders it (`×`, `ª`, `µ`, `²`, `ʼ`, Greek: syntok splits those)
LATIN = "aAzZnNtT09.,;:!?'\"()[]{}-_~@#/&%+<>éÉßÿÞØøÀ´’′\u00ad\u2010\u2011\u2012–—‘“”…«»"
BORDER = "×÷ªºµ²ʼʹΣσ"


@given(st.text(LATIN, min_size=1, max_size=12), st.sampled_from(["", " ", "\n"]))
@example("O’sB", "")  # an upper-case letter right after an apostrophe's tail: an empty match there too
@example("don’t", " ")
@example("U.S.-China", "")
@example("won´t", "")
def test_latin_words_are_split_as_syntok_splits_them(word: str, prefix: str) -> None:
    assert sentence_tokens._LATIN_WORD.fullmatch(word)
    ours = list(sentence_tokens._split_latin_word(prefix, word, 7))
    theirs = [(t.spacing, t.value, t.offset) for t in SYNTOK._split_word(prefix, word, 7)]
    assert ours == theirs


@given(st.text(LATIN + BORDER, max_size=12))
def test_a_word_outside_the_latin_alphabet_goes_to_syntok(word: str) -> None:
    latin = sentence_tokens._LATIN_WORD.fullmatch(word) is not None
    assert latin == (bool(word) and not set(word) & set(BORDER))


def test_news_words_are_split_without_the_regex_module() -> None:
    """Only a word outside the Latin alphabet imports syntok's tokenizer, with the regex module (it
    takes longer to import than a small extract to run)."""
    import subprocess

    code = ("import sys\n"
            "from workflow.sentence_tokens import tokens\n"
            "tokens('Zürich’s U.S.-based iPhone maker isn’t (really) co-operating; Müller said… «Oui».')\n"
            "print('regex' in sys.modules, 'syntok' in sys.modules)\n"
            "tokens('The Ωmega-3 trial')\n"
            "print('regex' in sys.modules, 'syntok' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.split() == ["False", "False", "True", "True"]


def test_the_ported_word_splitter_is_the_installed_syntoks() -> None:
    """_split_latin_word follows syntok 1.4.4's `_split_word` and `_separation`: another release must be
    ported anew (the comparisons above would find most differences, not all)."""
    import hashlib

    import syntok

    tokenizer = Path(syntok.__file__).parent / "tokenizer.py"
    assert hashlib.sha256(tokenizer.read_bytes()).hexdigest()[:16] == "2f852649562f6cad", \
        "syntok changed: port its word splitter to sentence_tokens.py again"


def real_texts() -> list[Path]:
    tests = REPO / "tests"
    return sorted([*(REPO / "source").glob("*.txt"), *(tests / "data").glob("*.html"),
                   *(tests / "data" / "po" / "source").glob("*"), *(tests / "cases").glob("*/input.*"),
                   *(tests / "hostile" / "source").glob("*")])


@pytest.mark.parametrize("path", real_texts(), ids=lambda p: p.name)
def test_tokens_of_real_text_are_syntoks(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    assert our_tokens(text) == syntok_tokens(text)
    for line in text.splitlines()[:400]:
        assert our_tokens(line) == syntok_tokens(line)


# -- the shortcut that skips syntok ----------------------------------------------------------

WORDS = ["Over", "the", "U.S.", "Mr.", "said", "it", "x", "5", "2.6", "(6)", "iPhone", "The", "A", "IV"]
PUNCTUATION = [".", "!", "?", "…", "。", "?!", ".)", '."', ".”", "»", "«", '"', "—", "--", "(", ")", ",", ";"]
SPACES = [" ", "  ", "\n", "\u00a0", "", "\t"]
TAGS = [("open", "b"), ("close", "b"), ("open", "a"), ("close", "a"), ("empty", "br"), ("empty", "img")]
items = st.lists(
    st.sampled_from(WORDS) | st.sampled_from(PUNCTUATION) | st.sampled_from(SPACES) | st.sampled_from(TAGS),
    max_size=14,
)


def block(tokens: list[Any]) -> tuple[list[Part], str, list[tuple[int, int]]]:
    """Parts of a block (text and paired tags), the source they come from and their spans."""
    parts: list[Part] = []
    names: list[str | None] = []
    spans: list[tuple[int, int]] = []
    source = ""
    for token in tokens:
        if isinstance(token, tuple):
            role, name = token
            raw = f"</{name}>" if role == "close" else f"<{name}>"
            parts.append(Tag("empty", (len(source), len(source) + len(raw)), raw))
            names.append(None if role == "empty" else f"/{name}" if role == "close" else name)
        else:
            raw = token
            parts.append(token)
            names.append(None)
        spans.append((len(source), len(source) + len(raw)))
        source += raw
    return pair_tags(parts, names), source, spans


@given(items)
@example(["Over", ".", " ", "—"])
@example(["Over", "?!", " ", "?!"])
@example(["Over", ".", " ", ("open", "b"), "«", ("close", "b")])
def test_a_block_the_shortcut_leaves_whole_is_not_split_by_syntok(tokens: list[Any]) -> None:
    parts, source, spans = block(tokens)
    shortcut = split_block(parts, source=source, spans=spans), split_block(parts)
    saved, cache = segment.may_split, segment.use_cache(segment.MemoryCache())
    segment.may_split = lambda text: True  # (not monkeypatch: a fixture would span all examples)
    try:
        full = split_block(parts, source=source, spans=spans), split_block(parts)
    finally:
        segment.may_split = saved
        segment.use_cache(cache)
    assert shortcut == full


@pytest.mark.parametrize("text", ["Over. —", "Over?! ?!", "It ended. «", "Over.\u00a0x"])
def test_text_after_the_first_final_mark_may_be_cut_off(text: str) -> None:
    """Not only a word after a final mark: any character but a space or a tag may start a sentence."""
    assert segment.may_split(text)


@pytest.mark.parametrize("text", ["No mark at all", "Over.", "Over. \0 ", "Really?", "\0Over…\0"])
def test_a_text_whose_first_final_mark_ends_it_is_one_sentence(text: str) -> None:
    assert not segment.may_split(text)
