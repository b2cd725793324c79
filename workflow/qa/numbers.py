"""Numbers as each language writes them: digits of any script, grouping and decimal
marks, scale words (万, milliard, mil millones), month names and English number words.

`find_numbers` gives, for each number in a text, the set of values it may stand for,
so that the `numbers` check can tell that `22,000`, `2.2万`, `22 000` and `22.000` are
one number and `January 10` is `1月10日`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from babel.core import UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from ..languages import base_language, locale_id, scale_words
from ..records import frozen

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def _is_western_letter(char: str) -> bool:
    """Latin, Greek, Cyrillic or Armenian: scripts that glue letters to digits in codes (G20, 5G)."""
    return char.isalpha() and ord(char) < 0x0590


# Decimal digits of other scripts -> ASCII (Arabic-Indic, Persian, N'Ko, Devanagari,
# Bengali, Thai, full width)
_DIGITS = str.maketrans({
    chr(base + i): str(i)
    for base in (0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0E50, 0xFF10)
    for i in range(10)
})
_SPACES = "\u00a0\u202f\u2009 "
_WIDE_TO_ASCII = {"\uff0c": ",", "\uff0e": "."}
_WIDE_SEPARATOR = re.compile(r"(?<=\d)[\uff0c\uff0e](?=\d)")
# Chinese and Japanese scale words after which more digits go on the same number (`2万2000`, `3億5000万`);
# not every scale word of `scale_words` (`1千2` is 1,200, not 1,002): these four only
_CJK_SCALES = {"万": Decimal(10) ** 4, "萬": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "億": Decimal(10) ** 8}
# no-break, narrow no-break and thin spaces, apostrophe, Arabic thousands separator
_ALWAYS_GROUP = "\u00a0\u202f\u2009'\u066c"
_NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f\u2009'\u066b\u066c]\d+| \d{3}(?!\d))*")
FORMULA = re.compile(r"(?<![\w+])\d+(?:\s*\+\s*(?:\d+|[A-Za-z](?![A-Za-z])))+")
_NUMBER_WORDS = {  # English words for numbers: a translation may write them as digits
    word: value for value, words in enumerate((
        "zero", "one first", "two second", "three third", "four fourth", "five fifth", "six sixth",
        "seven seventh", "eight eighth", "nine ninth", "ten tenth", "eleven eleventh", "twelve twelfth dozen",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty twentieth",
    )) for word in words.split()
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
     "hundred": 100}
_ENGLISH_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)


# Chinese numerals (`二〇二〇`, `三千`, `两万五千`, `三点五`), read by cn2an. A lone character
# counts only before a date word (`十日`): `一些`, `统一`, `十分` are words, not numbers.
_HAN_NUMERAL = re.compile(r"[〇零一二两兩三四五六七八九十百千万萬亿億]+(?:点[〇零一二两兩三四五六七八九]+)?")
_HAN_DATE = "年月日号號"
_HAN_NUMERAL_LIMIT = 32  # longer runs are no number anyone writes (and cn2an's time grows with them)


@functools.lru_cache(maxsize=4096)
def _han_value(numeral: str) -> Decimal | None:
    """The value of a Chinese numeral, None when it is none (`十十`)."""
    import cn2an  # imported on first use: it takes a third of a second

    try:
        return Decimal(str(cn2an.cn2an(numeral, "normal")))
    except (ValueError, KeyError):
        return None


@frozen
class Number:
    """A number found in a text: how it is written and the values it may stand for."""

    text: str
    values: frozenset[Decimal]
    optional: bool = False  # glued to letters (G20, 5G, 4th): not required in the other text
    span: tuple[int, int] = (0, 0)  # where it is in the text


@functools.lru_cache(maxsize=64)
def _symbols(lang: str) -> tuple[str, str]:
    """The group and decimal symbols of a language (Latin digits), English's when unknown."""
    try:
        return get_group_symbol(locale_id(lang)), get_decimal_symbol(locale_id(lang))
    except (UnknownLocaleError, ValueError):
        return ",", "."


@functools.lru_cache(maxsize=64)
def _scales(langs: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """The scale words of the languages -> the powers of ten they may stand for (French
    `billion` is 10^12, English 10^9), and a pattern that finds one after a number."""
    scales: dict[str, set[int]] = {}
    for lang in langs:
        for word, powers in scale_words(lang).items():
            scales.setdefault(word, set()).update(powers)
    words = sorted(scales, key=len, reverse=True)
    # a letter must not follow an alphabetic scale word (`mil` is not `milk`); Han needs no such end
    alternatives = "|".join(
        re.escape(w) + ("" if re.match(f"[{_HAN}]", w) else r"(?![^\W\d_])") for w in words
    )
    return re.compile(rf"[ \u00a0\u202f]?(?:{alternatives})"), {w: frozenset(p) for w, p in scales.items()}


@functools.lru_cache(maxsize=64)
def _month_pattern(lang: str) -> tuple[re.Pattern[str] | None, dict[str, int]]:
    """Month names of a language (as babel/CLDR write them) -> month numbers.

    Full names count anywhere; abbreviations (`Jan.`, `mar`) only next to a number
    (`Jan. 10`, `10 mar`), since many are also words (Spanish `mar`, sea).
    """
    full: dict[str, int] = {}
    short: dict[str, int] = {}
    try:
        widths: tuple[tuple[Literal["wide", "abbreviated"], dict[str, int]], ...] = (
            ("wide", full), ("abbreviated", short))
        for width, names in widths:
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale_id(lang)).items():
                    name = name.rstrip(".")
                    if not any(c.isdigit() for c in name) and len(name) >= 3:
                        names.setdefault(name, number)
    except (UnknownLocaleError, ValueError):
        return None, {}
    short = {name: number for name, number in short.items() if name not in full}
    if not full:
        return None, {}

    def alternatives(names: dict[str, int]) -> str:
        return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))

    pattern = rf"(?<![^\W\d_])(?:{alternatives(full)})(?![^\W\d_])\.?"
    if short:
        pattern += (rf"|(?<![^\W\d_])(?:{alternatives(short)})\.?(?=[ \u00a0]\d)"
                    rf"|(?<=\d[ \u00a0])(?:{alternatives(short)})(?![^\W\d_])\.?")
    return re.compile(pattern), full | short


def _grouped(groups: Sequence[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _read_number(token: str, conventions: Sequence[tuple[str, str]]) -> list[tuple[str, frozenset[Decimal]]]:
    """The values a written number may have under the given (group, decimal) conventions.

    One (text, values) per number: a token that fits no convention (`11.01.2021`) is
    read as several numbers, each with its own digits as its text.
    """
    parts = re.split(r"(\D)", token)
    groups, separators = parts[0::2], parts[1::2]
    if not separators:
        return [(token, frozenset({Decimal(token)}))]
    values: set[Decimal] = set()
    for group, decimal in conventions:
        # a plain space groups digits only where the language groups them with a space
        grouping = set(group + _ALWAYS_GROUP + (" " if group in _SPACES else ""))
        if all(s in grouping for s in separators) and len(set(separators)) == 1 and _grouped(groups):
            values.add(Decimal("".join(groups)))
        last = separators[-1]
        if last in (decimal, "\u066b") and all(s in grouping and s != last for s in separators[:-1]) and (
            len(separators) == 1 or (len(set(separators[:-1])) == 1 and _grouped(groups[:-1]))
        ):
            values.add(Decimal("".join(groups[:-1]) + "." + groups[-1]))
    if values:
        return [(token, frozenset(values))]
    return [(g, frozenset({Decimal(g)})) for g in groups]


def find_numbers(text: str, lang: str, *, strict: bool, source_lang: str = "en") -> list[Number]:
    """The numbers in a text: digits (any script, grouped and scaled the language's way),
    month names (January = 1), in English number words and in Chinese and Japanese
    Chinese numerals (`二〇二〇年`, `三千`); words and numerals are optional.

    `strict` reads numbers by the language's own convention only (for the source);
    otherwise the source language's conventions, scale words and month names are
    accepted too (`22,000` in French, `4.5 million` or `January` kept in Chinese).
    Formulas (`1+8+N`) are left out: they are compared as written. Mask placeholders
    and links first.
    """
    plain = FORMULA.sub(lambda m: " " * len(m.group()), text).translate(_DIGITS)
    # full-width separators between digits (`２２，０００`, `３．５`) read as the ASCII ones (same length)
    plain = _WIDE_SEPARATOR.sub(lambda m: _WIDE_TO_ASCII[m.group()], plain)
    langs = (lang,) if strict else tuple(dict.fromkeys((lang, source_lang)))
    conventions = list(dict.fromkeys(_symbols(code) for code in langs))
    scale_pattern, scales = _scales(langs)
    numbers: list[Number] = []
    for match in _NUMBER.finditer(plain):
        end = match.end()
        factors = frozenset({0})
        scale = scale_pattern.match(plain, end)
        if scale:
            factors = scales[scale.group().lstrip(" \u00a0\u202f")]
            end = scale.end()
        before = plain[match.start() - 1] if match.start() else ""
        if before in "-–" and match.start() >= 2 and not plain[match.start() - 2].isdigit():
            before = plain[match.start() - 2]
        after = plain[end] if end < len(plain) and not scale else ""
        if after and after in "-–" and end + 1 < len(plain):  # ("" is in every string)
            after = plain[end + 1]
        optional = _is_western_letter(before) or _is_western_letter(after)
        for written, values in _read_number(match.group(), conventions):
            scaled = frozenset(v.scaleb(f) for v in values for f in factors)
            shown = written + (scale.group() if scale else "")
            rest = numbers[-1] if numbers and numbers[-1].span[1] == match.start() else None
            unit = _CJK_SCALES.get(rest.text[-1]) if rest is not None else None
            if rest is not None and unit is not None and all(v < unit for v in scaled):
                # the lower part of a Chinese or Japanese number (`2万2000`: 22,000; `3億5000万`)
                numbers[-1] = Number(rest.text + shown, frozenset(a + b for a in rest.values for b in scaled),
                                     rest.optional, (rest.span[0], end))
                continue
            numbers.append(Number(shown, scaled, optional, (match.start(), end)))
    for code in langs:  # a translation may keep the source's month names
        months, names = _month_pattern(code)
        if months is not None:
            for match in months.finditer(plain):
                month = frozenset({Decimal(names[match.group().rstrip(".")])})
                numbers.append(Number(match.group(), month, span=match.span()))
    if base_language(lang) in ("zh", "ja"):  # optional: a number written so is not required ...
        for match in _HAN_NUMERAL.finditer(plain):  # ... but it stands for the source's number
            numeral = match.group()
            lone = len(numeral) == 1 and not plain.startswith(tuple(_HAN_DATE), match.end())
            if lone or len(numeral) > _HAN_NUMERAL_LIMIT:
                continue
            han = _han_value(numeral)
            if han is not None:
                numbers.append(Number(numeral, frozenset({han}), optional=True, span=match.span()))
    if base_language(lang) == "en":
        for match in _ENGLISH_NUMBER_WORD.finditer(plain):
            value = Decimal(_NUMBER_WORDS[match.group().lower()])
            numbers.append(Number(match.group(), frozenset({value}), optional=True, span=match.span()))
    return numbers
