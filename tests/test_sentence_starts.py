"""sentence_starts.py gives syntok's own sentence starts (issue 10, extract speed).

The port is compared with syntok's `split` (on syntok's own tokenizer) on generated
paragraphs full of what its rules treat apart (abbreviations, initials, `No. 5`, numbers,
months, ellipses, quotes with and without space, brackets of every kind, long bracketed
sentences, enumerations, lower-case starts, sentence starters, CJK terminals), on any
Unicode text, and on every paragraph and line of the repository's real text.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
import syntok
from hypothesis import example, given, settings
from hypothesis import strategies as st
from syntok.segmenter import split
from syntok.tokenizer import Tokenizer
from test_sentence_tokens import real_texts

from workflow import sentence_tokens
from workflow.sentence_starts import sentence_starts as starts

SYNTOK = Tokenizer(**sentence_tokens.SYNTOK_OPTIONS)


def syntok_starts(text: str) -> list[int]:
    return [s[0].offset for n, s in enumerate(split(iter(SYNTOK.tokenize(text)))) if n and s]


def our_starts(text: str) -> list[int]:
    return starts(sentence_tokens.tokens(text))


# what syntok's rules look at: terminals, brackets, closing quotes, abbreviations, months, starters,
# single letters and roman numerals, numbers (small, large, with letters), `no`, lower-case words
WORDS = [
    "Mr.", "Dr.", "Gen.", "Inc.", "etc.", "vs.", "St.", "Co.", "U.S.", "U.N.", "a.m.", "e.g.", "J.", "L.",
    "Th.", "A.", "B.", "e.", "x.", "I.", "IV.", "XII.", "No.", "no.", "NO.", "5", "12", "2020", "5.2",
    "1,000",
    "10a", "No", "Jan.", "Jan", "Sept.", "Dec", "May", "the", "said", "it", "was", "and", "growth", "iPhone",
    "don't",
    "The", "However", "In", "It", "A", "So", "Talks", "Prices", "Beijing", "ÉCOLE", "über", "Über", "中文",
    "...", "…", ".", "!", "?", ";", ":", ",", "?!", "!!", "。", "！", "？", "．", "‼",
    "(", ")", "[", "]", "{", "}", "（", "）", "〚", "〛", "⦅", "⦆", "〈", "〉",
    '"', "'", "”", "“", "’", "‘", "´", "»", "«", "—", "-", "/",
    "(AFP)", "(6)", "(a)", "(see below)", "(Reuters).", "[1]", "[citation needed]", '."', ".”", ".)", '?"',
    '!"', ".'", "’.", ")."
]
GLUE = [" ", " ", " ", " ", "", "  ", "\n", "\u00a0", "\t"]


def paragraph(rng: random.Random, size: int) -> str:
    out: list[str] = []
    for _ in range(size):
        out.append(rng.choice(WORDS))
        out.append(rng.choice(GLUE))
    return "".join(out)


def long_bracket(rng: random.Random) -> str:
    """A bracketed text near syntok's limits: 70 characters, 50 tokens; with or without a sentence in it."""
    inner = " ".join(rng.choice(["The", "study", "was", "done", "Mr.", "5", "it", "Beijing"])
                     for _ in range(rng.randint(5, 60)))
    return f"({inner}{rng.choice(['.', '', '!', '. It ended.'])})"


words = st.sampled_from(WORDS) | st.text("aA .!?;()[]\"'’”»中。", max_size=3)
paragraphs = st.lists(st.tuples(words, st.sampled_from(GLUE)), max_size=40).map(
    lambda items: "".join(w + g for w, g in items))


@settings(max_examples=400)
@given(paragraphs)
@example("Mr. Zhang met the U.S. delegation on Jan. 10 in Beijing. Talks went well. No. 5 was put off.")
@example("I. Overview. The forum opened at 9 a.m. on Monday. It closed on Friday. ")
@example('He said "Stop." Then he left. (It rained.) And then? (AFP) More.')
@example("Prices rose 2.3 percent. Dr. Chen said: “We expect more.” Ms. Li disagreed.")
@example("(This is a long bracketed remark that goes on. It has sentences in it. Many of them.) Then more.")
def test_starts_of_news_like_paragraphs_are_syntoks(text: str) -> None:
    assert our_starts(text) == syntok_starts(text)


@given(st.text(max_size=80))
def test_starts_of_any_unicode_text_are_syntoks(text: str) -> None:
    assert our_starts(text) == syntok_starts(text)


@pytest.mark.parametrize("seed", range(4))
def test_starts_of_thousands_of_generated_paragraphs_are_syntoks(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(1500):
        text = paragraph(rng, rng.randint(1, 40))
        if rng.random() < 0.3:
            cut = rng.randrange(len(text) + 1)
            around = rng.choice([" ", ""]), rng.choice([" ", "", ". "])
            text = text[:cut] + around[0] + long_bracket(rng) + around[1] + text[cut:]
        assert our_starts(text) == syntok_starts(text), text


@pytest.mark.parametrize("path", real_texts(), ids=lambda p: p.name)
def test_starts_of_real_text_are_syntoks(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    for paragraph_text in [*text.split("\n\n"), *text.splitlines()[:400]]:
        assert our_starts(paragraph_text) == syntok_starts(paragraph_text)


def test_the_word_lists_are_the_installed_syntoks() -> None:
    """sentence_starts.py copies syntok's word lists rather than import them (with its tokenizer and the
    regex module): they must be the ones the installed syntok's rules use."""
    from syntok._segmentation_states import State

    from workflow import sentence_starts

    for name in ("opening_brackets", "closing_brackets", "closing_quotes", "terminals", "roman_numerals",
                 "months", "abbreviations", "starters", "vowels", "inner_sentence_punctuation",
                 "max_bracket_skipping_length"):
        assert getattr(sentence_starts, name.upper()) == getattr(State, name), name
    for token in ("I", "XXV", "XXVI", "x", "Mr", ""):
        assert sentence_starts._single_letter_or_roman_numeral(token) == \
            State.is_single_letter_or_roman_numeral(token)
    for token in ("b", "B", "a", "é", "Ø", "1", "bc", ""):
        assert sentence_starts._single_consonant(token) == State.is_single_consonant(token)


def test_the_ported_syntok_is_the_installed_one() -> None:
    """The port follows syntok 1.4.4's segmenter rule for rule: another release must be ported anew."""
    folder = Path(syntok.__file__).parent
    digest = hashlib.sha256()
    for name in ("segmenter.py", "_segmentation_states.py"):
        digest.update((folder / name).read_bytes())
    assert digest.hexdigest()[:16] == PORTED, "syntok changed: port its segmenter to sentence_starts.py again"


PORTED = "b500ec52f89cc957"
