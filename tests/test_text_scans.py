"""What the linear rewrites of the text scans keep and fix: number reading (Chinese
numerals, kept source scale words, one text per part of a split token), the glossary
matcher (same matches as the regular expression it replaces), links and brackets."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.glossary import Glossary, Term, occurring
from workflow.qa import CHECKS, CheckContext
from workflow.qa.numbers import find_numbers
from workflow.review import word_diff


def numbers_issue(source: str, target: str, lang: str = "zh") -> str | None:
    issue = CHECKS["numbers"](source, target, CheckContext(lang))
    return None if issue is None else issue.message


# -- Chinese numerals (issue 11.8) -----------------------------------------------------------


def test_a_year_in_chinese_numerals_is_read() -> None:
    assert numbers_issue("The fair opened in 2020.", "交易会于二〇二〇年开幕。") is None
    assert numbers_issue("It drew 3,000 firms.", "吸引了三千家企业。") is None
    assert numbers_issue("It drew 25,000 visitors.", "吸引了两万五千名观众。") is None


def test_a_changed_year_in_chinese_numerals_is_an_error() -> None:
    message = numbers_issue("The fair opened in 2020.", "交易会于二〇二一年开幕。")
    assert message is not None and "2020" in message
    message = numbers_issue("It drew 3,000 firms.", "吸引了三百家企业。")
    assert message is not None and "3,000" in message


def test_numeral_characters_inside_words_are_not_numbers() -> None:
    values = {v for n in find_numbers("一些企业统一行动，十分重要", "zh", strict=False) for v in n.values}
    assert values == set()
    assert {v for n in find_numbers("一月十日", "zh", strict=False) for v in n.values} == {1, 10}


# -- a translation may keep the source's scale words and month names (issue 11.3) -------------


def test_kept_english_scale_words_and_month_names_count() -> None:
    source = "It raised 4.5 million yuan on January 10."
    assert numbers_issue(source, "筹集了4.5 million 元，January 10。") is None
    assert numbers_issue("It raised 4.5 million yuan.", "筹集了4.5元。") is not None
    # French `billion` is 10^12, English 10^9: a French text may mean either when it keeps the word
    values = {v for n in find_numbers("2 billion", "fr", strict=False) for v in n.values}
    assert values == {Decimal(2) * 10**9, Decimal(2) * 10**12}
    strict = {v for n in find_numbers("2 billion", "fr", strict=True) for v in n.values}
    assert strict == {Decimal(2) * 10**12}


def test_a_scaled_number_followed_by_a_word_is_required() -> None:
    # "" in "-–" is True: the letter after the word after the scale was read as glued to the number
    message = numbers_issue("It raised 4.5 million yuan.", "筹集了资金。")
    assert message == "missing or changed: 4.5 million"


# -- memory: a token read as several numbers ---------------------------------------------------


def test_a_split_token_gives_each_part_its_own_text() -> None:
    numbers = find_numbers("1,1,1,1,1,1", "en", strict=True)
    assert [n.text for n in numbers] == ["1"] * 6  # was the whole token six times: 40 KB -> 1.6 GB
    assert [n.span for n in numbers] == [(0, 11)] * 6
    assert [n.text for n in find_numbers("11.01.2021", "en", strict=True)] == ["11", "01", "2021"]


# -- the glossary matcher: the regular expression it replaces, as the reference -----------------


def reference_find(terms: tuple[Term, ...], text: str) -> list[tuple[str, int, int]]:
    """The former matcher: one alternation, longest source first, finditer."""
    ordered = sorted(terms, key=lambda t: len(t.source), reverse=True)
    parts = []
    for index, term in enumerate(ordered):
        words = r"\s+".join(re.escape(word) for word in term.source.split())
        body = rf"(?<!\w){words}(?!\w)" if term.do_not_translate else rf"(?i:(?<!\w){words}(?:e?s)?(?!\w))"
        parts.append(f"(?P<t{index}>{body})")
    pattern = re.compile("|".join(parts))
    return [(ordered[int(m.lastgroup[1:])].source, m.start(), m.end())
            for m in pattern.finditer(text) if m.lastgroup is not None]


TERMS = (
    Term("white paper", "白皮书"), Term("Belt and Road", "一带一路"),
    Term("Belt and Road Initiative", "“一带一路”倡议"), Term("CIFTIS", "CIFTIS", do_not_translate=True),
    Term("box", "盒"), Term("bus", "公共汽车"), Term("U.S.", "美国"), Term("a", "甲"),
    Term("Road", "路", do_not_translate=True), Term("#tag", "#tag", do_not_translate=True),
)
WORDS = ["white", "paper", "papers", "Belt", "belt", "and", "Road", "road", "Initiative", "CIFTIS", "ciftis",
         "box", "boxes", "BOXES", "bus", "buses", "buss", "U.S.", "a", "as", "ab", "#tag", "x#tag", "_a"]
SPACES = [" ", "  ", "\t", "\n", "\u00a0", "", ", ", "-", "İ"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)), max_size=12))
def test_the_glossary_matcher_finds_what_the_former_pattern_found(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + space for word, space in pieces)
    glossary = Glossary("zh", TERMS)
    assert [(m.term.source, m.start, m.end) for m in glossary.find(text)] == reference_find(TERMS, text)


def test_glossary_rules() -> None:
    glossary = Glossary("zh", TERMS)
    found = [(m.term.source, text) for text in ["The Belt  and\nRoad Initiative, white papers and BOXES."]
             for m in glossary.find(text)]
    assert found == [("Belt and Road Initiative", "The Belt  and\nRoad Initiative, white papers and BOXES."),
                     ("white paper", found[0][1]), ("box", found[0][1])]
    assert [m.term.source for m in glossary.find("ciftis CIFTIS CIFTISes whitepaper")] == ["CIFTIS"]
    assert glossary.find("") == [] and Glossary("zh").find("white paper") == []


def test_occurring_finds_each_needle_once_in_one_pass() -> None:
    assert occurring(["1+8+N", "2+2", "", "N"], "共1+8+N个") == {"1+8+N", "", "N"}
    assert occurring([], "text") == set() and occurring(["a"], "") == set()


# -- other scans ---------------------------------------------------------------------------------


def test_links_inside_a_url_are_not_counted_twice() -> None:
    source = "Write to https://example.com/a@b.org or info@example.org, #Trade2020."
    assert CHECKS["links"](source, source, CheckContext("zh")) is None
    issue = CHECKS["links"](source, "Write to https://example.com/a@b.org.", CheckContext("zh"))
    assert issue is not None and "info@example.org" in issue.message and "#Trade2020" in issue.message


def test_brackets_closed_by_the_wrong_mark_as_before() -> None:
    issue = CHECKS["punctuation"]("(a) [b]", "(a] [b)", CheckContext("de"))
    assert issue is not None and issue.message == "] without [, [ closed by ), ( not closed"


def test_a_long_word_diff_keeps_the_shared_start_and_end() -> None:
    old, new = "a " * 2000 + "old " + "z " * 2000, "a " * 2000 + "new " + "z " * 2000
    diff = str(word_diff(old, new))
    assert "<del>old</del><ins>new</ins>" in diff and diff.startswith("a a ") and diff.endswith("z ")
    huge = str(word_diff("x " * 1000, "y " * 1000))  # too long to compare token by token: replaced whole
    assert huge == "<del>" + "x " * 999 + "x</del><ins>" + "y " * 999 + "y</ins> "


def test_thousands_of_nested_placeholders_are_restored_without_recursion() -> None:
    from workflow.model import MTResult
    from workflow.pretranslate.protect import protect, restore

    depth = 3000  # HTML may nest inline elements this deep; the tree writer recursed once per level
    opening = "".join(f"<{n}>" for n in range(1, depth))
    source = opening + "x" + "".join(f"</{n}>" for n in range(depth - 1, 0, -1))
    protected = protect(source)
    restored = restore(source, protected, MTResult(protected.request.text, protected.request.spans))
    assert restored.target == source and not restored.fallback
