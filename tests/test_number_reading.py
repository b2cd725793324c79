"""How the numbers check reads a written number (workflow/qa/numbers.py): digit groups of three
after a first group of one to three, each language's group and decimal signs, scale words,
numerals, month names, and numbers glued to letters as optional.

Written against the mutants that the rest of the suite let live (docs/mutation.md).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from workflow.qa.numbers import find_numbers

CASES = [
    # text, language, strict, [(text, values, optional)]
    ("22,000", "en", True, [("22,000", {"22000"}, False)]),
    ("123,456", "en", True, [("123,456", {"123456"}, False)]),
    ("1,234,567", "en", True, [("1,234,567", {"1234567"}, False)]),
    ("1,234.5", "en", True, [("1,234.5", {"1234.5"}, False)]),
    # a group of other than three digits is no thousands group: the parts are separate numbers
    ("22,0000", "en", True, [("22", {"22"}, False), ("0000", {"0"}, False)]),
    ("22,00", "en", True, [("22", {"22"}, False), ("00", {"0"}, False)]),
    ("1234,567", "en", True, [("1234", {"1234"}, False), ("567", {"567"}, False)]),
    ("1,23,456", "en", True, [("1", {"1"}, False), ("23", {"23"}, False), ("456", {"456"}, False)]),
    ("1,000,00", "en", True, [("1", {"1"}, False), ("000", {"0"}, False), ("00", {"0"}, False)]),
    ("1,000.000,5", "en", True, [("1", {"1"}, False), ("000", {"0"}, False), ("000", {"0"}, False),
                                  ("5", {"5"}, False)]),
    ("12,34", "en", True, [("12", {"12"}, False), ("34", {"34"}, False)]),
    # each language's own signs
    ("12,34", "fr", True, [("12,34", {"12.34"}, False)]),
    ("1 234", "fr", True, [("1 234", {"1234"}, False)]),
    ("1 234", "en", True, [("1", {"1"}, False), ("234", {"234"}, False)]),
    ("1.234,5", "de", True, [("1.234,5", {"1234.5"}, False)]),
    ("1.234.567", "de", True, [("1.234.567", {"1234567"}, False)]),
    ("1,234", "de", False, [("1,234", {"1.234", "1234"}, False)]),  # German or the English source's way
    ("1,234", "de", True, [("1,234", {"1.234"}, False)]),
    # scales, numerals, months, glued numbers
    ("3.5 million", "en", True, [("3.5 million", {"3.5E+6"}, False)]),
    ("2.2万", "zh", False, [("2.2万", {"2.2E+4"}, False)]),
    ("二〇二〇年", "zh", False, [("二〇二〇", {"2020"}, True)]),
    ("增长二点一倍", "zh", False, [("二点一", {"2.1"}, True)]),  # exactly 2.1, not the float nearest it
    ("十十", "zh", False, []),  # no numeral

    ("January 10", "en", True, [("10", {"10"}, False), ("January", {"1"}, False)]),
    ("COVID-19", "en", True, [("19", {"19"}, True)]),
    ("A-19", "en", True, [("19", {"19"}, True)]),  # a letter before the dash, at the text's start
    ("5-G", "en", True, [("5", {"5"}, True)]),
    ("5–G", "en", True, [("5", {"5"}, True)]),
    ("5-", "en", True, [("5", {"5"}, False)]),
    ("5-6", "en", True, [("5", {"5"}, False), ("6", {"6"}, False)]),
    ("-5", "en", True, [("5", {"5"}, False)]),
    ("January", "en", False, [("January", {"1"}, False)]),  # once, though English is read twice
    # decimals after groups
    ("1,234,567.89", "en", True, [("1,234,567.89", {"1234567.89"}, False)]),
    ("1.234.567,89", "de", True, [("1.234.567,89", {"1234567.89"}, False)]),
    ("12 345,6", "fr", True, [("12 345,6", {"12345.6"}, False)]),
    ("1,2,3.5", "en", True, [("1", {"1"}, False), ("2", {"2"}, False), ("3", {"3"}, False),
                             ("5", {"5"}, False)]),
    ("1,234,56.7", "en", True, [("1", {"1"}, False), ("234", {"234"}, False), ("56", {"56"}, False),
                                 ("7", {"7"}, False)]),
    ("1,234.567.8", "en", True, [("1", {"1"}, False), ("234", {"234"}, False), ("567", {"567"}, False),
                                  ("8", {"8"}, False)]),
    ("1.5.2", "en", True, [("1", {"1"}, False), ("5", {"5"}, False), ("2", {"2"}, False)]),
    # a plain space groups no English digits, so no decimal follows groups here
    ("1 234.5", "en", True, [("1", {"1"}, False), ("234", {"234"}, False), ("5", {"5"}, False)]),
    # groups marked two ways (an apostrophe, then a comma) are no one number, decimal or not
    ("1'234,567.5", "en", True, [("1", {"1"}, False), ("234", {"234"}, False), ("567", {"567"}, False),
                                  ("5", {"5"}, False)]),
    ("5G", "en", True, [("5", {"5"}, True)]),
]


@pytest.mark.parametrize(("text", "lang", "strict", "expected"), CASES)
def test_reading(text: str, lang: str, strict: bool, expected: list[tuple[str, set[str], bool]]) -> None:
    found = [(n.text, n.values, n.optional) for n in find_numbers(text, lang, strict=strict)]
    assert found == [(t, frozenset(Decimal(v) for v in values), o) for t, values, o in expected]


SPAN_CASES = [
    ("In 2020, three of January", "en", True, [("2020", {"2020"}, False, (3, 7)),
                                               ("January", {"1"}, False, (18, 25)),
                                               ("three", {"3"}, True, (9, 14))]),
    ("three cars", "en-GB", True, [("three", {"3"}, True, (0, 5))]),  # English by its base language
    ("三个", "zh", False, []),  # a lone numeral is no number ...
    ("三月", "zh", False, [("三", {"3"}, True, (0, 1))]),  # ... unless a date follows
    ("十一个", "ja", False, [("十一", {"11"}, True, (0, 2))]),
    ("增长二点一倍", "zh-TW", False, [("二点一", {"2.1"}, True, (2, 5))]),
    ("二〇二〇年三月", "zh", False, [("二〇二〇", {"2020"}, True, (0, 4)), ("三", {"3"}, True, (5, 6))]),
]


Spanned = list[tuple[str, set[str], bool, tuple[int, int]]]


@pytest.mark.parametrize(("text", "lang", "strict", "expected"), SPAN_CASES)
def test_numerals_words_and_where_they_are(text: str, lang: str, strict: bool, expected: Spanned) -> None:
    found = [(n.text, n.values, n.optional, n.span) for n in find_numbers(text, lang, strict=strict)]
    assert found == [(t, frozenset(Decimal(v) for v in values), o, s) for t, values, o, s in expected]


DIGITS = "一二三四五六七八九〇" * 4


def test_a_run_of_numerals_longer_than_32_characters_is_left_out_and_the_rest_still_read() -> None:
    """32 numeral characters are the most read as one number (`_HAN_NUMERAL_LIMIT`); a longer run
    is no number anyone writes, and the numerals after it are still read."""
    longest, too_long = DIGITS[:32], DIGITS[:33]
    found = [(n.text, n.values, n.span) for n in find_numbers(f"{too_long}和{longest}", "zh", strict=False)]
    assert found == [(longest, frozenset({Decimal(longest.translate(str.maketrans("一二三四五六七八九〇",
                                                                                   "1234567890")))}),
                      (34, 66))]
