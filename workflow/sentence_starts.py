"""syntok's sentence segmenter, faster: the same sentence starts for any list of tokens.

syntok 1.4.4 (`syntok.segmenter.split` and the state machine of
`syntok._segmentation_states`) moves every token through a chain of state objects, a
queue and a history, asking a dozen property methods about each. This is the same
state machine, rule for rule and in the same order, over three lists (sentence_tokens.
Tokens) and two indexes instead of objects:

- the queue is the tokens from `at` on: syntok fetches tokens lazily, but its queue is
  never empty while tokens remain (every step that empties it fetches one), so "the
  queue is empty" is `at == len(tokens)`, and the queue's k-th token is `at + k`;
- the history (the sentence so far) is the tokens from `start` to `at`: tokens only
  ever move from the head of the queue to the end of the history;
- in the inner state, a token that is neither a terminal (`.`, `!`, `?`, `;`, `...`,
  and CJK and other variants) nor an opening bracket only moves to the history, so the
  machine jumps from one such token to the next.

The answer is the offset of the first token of every sentence but the first (syntok
yields a sentence unless it is one empty token: the white space at the end of a text).
tests/test_sentence_starts.py compares it with syntok on generated and real text.
"""

from __future__ import annotations

import bisect
from itertools import compress, count

from .sentence_tokens import Tokens

# syntok's word lists (class State of syntok/_segmentation_states.py, 1.4.4), as written there: copied, not
# imported, as importing that module imports syntok's tokenizer and with it the regex module, which takes
# longer than extracting a small article (sentence_tokens.py splits words without it).
# tests/test_sentence_starts.py checks that they are the installed syntok's.
OPENING_BRACKETS = frozenset(
    "([{\uFF5F\uFF5B\uFF3B\uFF08\uFE5D\uFE5B\uFE59\uFD3E\u301A\u3018\u2985\u2983\u2329"
)
CLOSING_BRACKETS = frozenset(
    ")]}\uFF60\uFF5D\uFF3D\uFF09\uFE5E\uFE5C\uFE5A\uFD3F\u301B\u3019\u2986\u2984\u232A"
)
CLOSING_QUOTES = frozenset(
    "'\"\u00B4\u2019\u201D\u232A\u27E9\u27EB\u2E29\u3009\u300B\u301E"
)
TERMINALS = frozenset(
    {"..."}
    | set(
        ".!?;\u203C\u203D\u2047\u2048\u2049\u3002\uFE52\uFE57\uFF01\uFF0E\uFF1F\uFF61"
    )
)
ROMAN_NUMERALS = frozenset(
    """
I II III IV V VI VII VIII IX X
XI XII XIII XIV XV XVI XVII XVIII XIX XX
XXI XXII XXIII XXIV XXV
""".split()
)
MONTHS = frozenset(
    """
Jän Jan en ene Ene feb febr Feb Mär Mar mzo Mzo Apr abr abl Abr may May jun Jun
jul Jul ago agto Aug sep Sep sept Sept setbre set
oct octbre Oct Okt nov novbre Nov dic dicbre Dic Dez Dec
""".split()
)
ABBREVIATIONS = frozenset(
    """
Abb adm Adm Abs afmo alt Alt Anl ap apdo approx Approx art Art atte atto Aufl ave Ave Az
bmo Bmo brig Bd Brig bsp Bsp bspw bzgl bzw ca cap capt Capt cf cmdt Cmdt cnel Cnel Co col Col Corp
de Dr dgl dt emp en es etc evtl excl exca Exca excmo Excmo exsmo Exsmo ff fig Fig figs Figs fr Fr
gal gen Gen ggf gral Gral GmbH gob Gob Hd hno Hno hnos Hnos Inc incl inkl lic Lic lit ldo Ldo Ltd
mag Mag max med Med Min min Mio mos Mr mr Mrd Mrs mrs Ms ms Mt mt MwSt nat Nat Nr nr ntra Ntra ntro Ntro
pag phil prof Prof rer Rer resp sci Sci Sen Sr sr Sra sra Srta srta St st synth tab Tab tel Tel
univ Univ Urt vda Vda vol Vol vs vta zB zit zzgl
Mo Mon lun Di Tue mar Mi Wed mie mié Do Thu jue Fr Fri vie Sa Sat sab So Sun dom
""".split()
)
STARTERS = frozenset(
    """
Above Accordingly Additionally Admittedly All
Also Although Again And Are As Assuredly
Because Besides
Certainly Chiefly Comparatively Consequently Conversely Coupled Correspondingly
Does Due Especially For Furthermore Granted Generally Hence How However
Identically In Indeed Instead It Its Likewise Moreover Nevertheless No
Obviously Of On Ordinarily Other Otherwise Outside Particularly Rather
Similarly Since Singularly Still So Subsequently
That The Therefore Thereupon This Thus Unquestionably Use Usually
What Where Whereas Wherefore Why Yet
Auch Da Dabei Dadurch Daher Darauf Darum Das Dein Der Deswegen Die Du
Ich Ihr Ihnen Er Es Euer Mein Nämlich Sie Sein So Somit Sonst
Unser Warum Was Wegen Weil Wer Weshalb Wie Wieso Wir
A Algunas Algunos De Desde Debido El Ella En Hay La Las Los No
Otra Otro Para Por Porque Se También Todas Todos
""".split()
)
MAX_BRACKET_SKIPPING_LENGTH = 70  # characters
INNER_SENTENCE_PUNCTUATION = frozenset(",;:")
_VOWELS = "aeiouáéííóúäëïöüåæø"
VOWELS = frozenset(_VOWELS + _VOWELS.upper())

# the tokens the inner state stops at: a terminal or an opening bracket (`(` is one)
_STOPS = TERMINALS | OPENING_BRACKETS

_FIRST, _INNER, _TERMINAL, _END = range(4)  # syntok's FirstToken, InnerToken, Terminal, End


def _single_letter_or_roman_numeral(token: str) -> bool:  # syntok's State.is_single_letter_or_roman_numeral
    return len(token) == 1 or token in ROMAN_NUMERALS


def _single_consonant(token: str) -> bool:  # syntok's State.is_single_consonant
    return len(token) == 1 and token.isalpha() and token not in VOWELS


class _Machine:
    """syntok's states over a token list: `at` is the head of the queue, `start` the head of the history."""

    def __init__(self, tokens: Tokens) -> None:
        self.values, self.spaced, self.offsets = tokens
        self.size = len(self.values)
        self.at = 0
        self.start = 0
        # the tokens the inner state stops at, in order
        self.stops = list(compress(count(), map(_STOPS.__contains__, self.values)))

    # -- syntok's State properties about the head of the queue (`next_is_...`) ----------------
    def _next(self) -> str | None:
        return self.values[self.at] if self.at < self.size else None

    def _last(self) -> str:
        return self.values[self.at - 1] if self.at > self.start else ""

    def _next_is_lowercase(self) -> bool:
        return self.at < self.size and self.values[self.at][:1].islower()

    def _next_is_numeric(self) -> bool:
        return self.at < self.size and self.values[self.at].isnumeric()

    def _next_has_no_spacing(self) -> bool:
        return self.at < self.size and not self.spaced[self.at]

    def _next_is_an_opening_bracket(self) -> bool:
        return self.at < self.size and self.values[self.at] in OPENING_BRACKETS

    def _next_is_a_post_terminal_symbol_part_of_sentence(self) -> bool:
        return self.at < self.size and (self.values[self.at] in TERMINALS
                                        or self.values[self.at] in CLOSING_BRACKETS)

    def _move(self) -> bool:
        """Move the head of the queue to the history; whether tokens remain."""
        self.at += 1
        return self.at < self.size

    # -- brackets ----------------------------------------------------------------------------
    def _find_end_of_bracketed_text(self) -> tuple[int, bool]:
        """(index in the queue of the bracket closing the one at its head, or 0; whether the text
        inside looks like a sentence)."""
        values, at, size = self.values, self.at, self.size
        depth = 1
        index = 1
        first_is_title: bool | None = None
        last_is_terminal = False
        while at + index < size and index < 50:
            value = values[at + index]
            if first_is_title is None and value.isalnum():
                first_is_title = value.istitle()
            elif first_is_title and value.isalnum():
                last_is_terminal = at + index + 1 < size and values[at + index + 1] in TERMINALS
            if value in OPENING_BRACKETS:
                depth += 1
            elif value in CLOSING_BRACKETS:
                depth -= 1
                if depth == 0:
                    break
            index += 1
        return (index if depth == 0 else 0), bool(first_is_title and last_is_terminal)

    def _skip_bracketed_text(self) -> bool:
        """Move a bracketed text at the head of the queue to the history, unless it is long and looks
        like a sentence."""
        closing, inner_sentence = self._find_end_of_bracketed_text()
        if closing > 0:
            last = self.at + closing
            end = self.offsets[last] + len(self.values[last])
            if end - self.offsets[self.at] < MAX_BRACKET_SKIPPING_LENGTH or not inner_sentence:
                self.at = last + 1
                return True
        return False

    def _find_next_token_after_bracket(self) -> str:
        closing, inner_sentence = self._find_end_of_bracketed_text()
        if closing > 0 and not inner_sentence and self.at + closing + 1 < self.size:
            return self.values[self.at + closing + 1]
        return ""

    def _find_token_after_next(self) -> str:
        return self.values[self.at + 1] if self.at + 1 < self.size else ""

    # -- the decision at a terminal ----------------------------------------------------------
    def _token_after_terminal(self) -> str:
        """Move over the terminal's closing marks; the token after the terminal that matters."""
        token: str | None = None
        if self._next_is_an_opening_bracket() and self._last() not in TERMINALS:
            self._skip_bracketed_text()
        else:
            while self._next_is_a_post_terminal_symbol_part_of_sentence():
                if not self._move():
                    break
                if token is None:
                    token = self._last()
            if self.at < self.size and self.values[self.at] in CLOSING_QUOTES and not self.spaced[self.at]:
                if self._move() and token is None:
                    token = self._last()
            while self._next_is_a_post_terminal_symbol_part_of_sentence():
                if not self._move():
                    break
                if token is None:
                    token = self._last()
            if self._next_is_an_opening_bracket():
                token = self.values[self.at]
        if token is None and self.at < self.size:
            token = self.values[self.at]
        return "" if token is None else token

    def _move_and_maybe_extract_terminal(self, state: int) -> int:
        """At a terminal or an opening bracket: `_TERMINAL` to end the sentence, else `state`."""
        token_before = self._last()
        if not self._next_is_an_opening_bracket():
            self._move()
        token_after = self._token_after_terminal()
        following = self._next()
        if following is not None and (following[:1].islower() or following in INNER_SENTENCE_PUNCTUATION):
            return state
        if (not (state == _FIRST and _single_letter_or_roman_numeral(token_before))
                and following is not None and following in STARTERS):
            return _TERMINAL
        if token_before in ABBREVIATIONS and token_after not in CLOSING_BRACKETS:
            return state
        if (token_before in ("no", "No", "NO") and following is not None
                and any(c.isnumeric() for c in following) and following.isalnum()):
            return state
        if self._next_is_numeric() and self._next_has_no_spacing():
            return state
        if self._next_has_no_spacing() and (
                not token_after.istitle() or not token_after.isalpha() or len(token_after) == 1):
            return state
        if following is not None and following.isnumeric() and len(following) > 2:
            return state
        if token_before.isnumeric() and following is not None and following in MONTHS:
            return state
        if token_before in MONTHS and self._next_is_numeric():
            return state
        if "." in token_before and token_after != ".":
            return state
        if (state == _FIRST or token_before.isupper()) and _single_letter_or_roman_numeral(token_before):
            return state
        if _single_consonant(token_before):
            return state
        if token_after in OPENING_BRACKETS:
            token_after_brackets = self._find_next_token_after_bracket()
            token_after_opening_bracket = self._find_token_after_next()
            if token_after_brackets in INNER_SENTENCE_PUNCTUATION:
                return state
            if token_after_opening_bracket.istitle():
                return _TERMINAL
            if token_after_brackets[:1].islower():
                return state
        return _TERMINAL

    # -- the states --------------------------------------------------------------------------
    def _first_token(self) -> int:
        if (self._next_is_an_opening_bracket() and self._skip_bracketed_text()
                and self.at - self.start > 3 and not self._next_is_lowercase()):
            return _TERMINAL
        if self.at < self.size:
            self._move()  # do not skip brackets that open the sentence
            following = self._next()
            if following is not None and (following in TERMINALS or following == "("):
                return self._move_and_maybe_extract_terminal(_FIRST)
            return _INNER
        return _END

    def _inner_token(self) -> int:
        if self.at >= self.size:
            return _END
        self.at += 1
        if self.at < self.size and self.values[self.at] not in _STOPS:
            # the steps that only move a token to the history: jump to the next stop (or the end)
            stop = bisect.bisect_left(self.stops, self.at)
            self.at = self.stops[stop] if stop < len(self.stops) else self.size
        if self._next_is_an_opening_bracket():
            self._skip_bracketed_text()
        following = self._next()
        if following is not None and following in _STOPS:
            return self._move_and_maybe_extract_terminal(_INNER)
        return _INNER

    def starts(self) -> list[int]:
        """The offsets of the first tokens of syntok's sentences, but the first's."""
        found: list[int] = []
        sentences = 0

        def sentence() -> None:  # syntok's `segment`: the history, unless it is one empty token
            nonlocal sentences
            if self.at > self.start and (self.at - self.start > 1 or self.values[self.start]):
                if sentences:
                    found.append(self.offsets[self.start])
                sentences += 1
            self.start = self.at

        state = _FIRST if self.size else _END
        while True:
            if state == _FIRST:
                state = self._first_token()
            elif state == _INNER:
                state = self._inner_token()
            elif state == _TERMINAL:
                sentence()
                state = _FIRST if self.at < self.size else _END
            else:
                sentence()
                return found


def sentence_starts(tokens: Tokens) -> list[int]:
    """syntok's `[s[0].offset for s in split(iter(tokens))][1:]` (leaving out an empty one)."""
    return _Machine(tokens).starts()
