"""The numbers check (`workflow check`): which texts it reads, and by whose conventions.

Written to kill mutants that the rest of the suite let live (docs/mutation.md): each test names
the behaviour a changed line would break.
"""

from __future__ import annotations

from workflow.qa import CHECKS, CheckContext


def numbers(source: str, target: str, lang: str, source_lang: str = "en") -> str | None:
    issue = CHECKS["numbers"](source, target, CheckContext(lang, source_lang=source_lang, key="k1"))
    return None if issue is None else issue.message


def test_placeholder_numbers_are_not_numbers_of_the_text() -> None:
    # <1> and </1> mark inline markup: their digits are neither missing nor extra
    assert numbers("Read <1>the 3 reports</1> now.", "Lisez <1>les 3 rapports</1> maintenant.", "fr") is None
    assert numbers("Read <2/> now.", "Lisez maintenant.", "fr") is None
    assert numbers("Read now.", "Lisez <2/> maintenant.", "fr") is None


def test_the_source_is_read_by_its_own_convention_only() -> None:
    # a German source's 1.500 is fifteen hundred; an English 1.5 does not match it
    message = numbers("Es kamen 1.500 Besucher.", "1.5 visitors came.", "en", source_lang="de")
    assert message is not None and "missing or changed: 1.500" in message


def test_the_target_may_keep_the_source_convention() -> None:
    # an English translation that keeps the German 1.500 (fifteen hundred) as written is not wrong
    assert numbers("Es kamen 1.500 Besucher.", "1.500 visitors came.", "en", source_lang="de") is None


def test_each_number_is_named_once_in_the_message() -> None:
    message = numbers("5 cars, 5 bikes and 7 boats.", "des voitures, des vélos et des bateaux.", "fr")
    assert message == "missing or changed: 5, 7"
    message = numbers("cars and bikes.", "5 voitures, 5 vélos et 7 bateaux.", "fr")
    assert message == "not in the source: 5, 7"


def test_chinese_and_japanese_numbers_written_in_parts_are_whole() -> None:
    """`2万2000` is 22,000 (it was read as 20,000 and 2,000: two errors, exit 3, on a right translation);
    a scale word then a smaller number goes on the same number."""
    assert numbers("22,000 visitors came.", "来了2万2000名观众。", "zh") is None
    assert numbers("350 million yen.", "3億5000万円。", "ja") is None
    assert numbers("1.02 billion people.", "10亿2000万人。", "zh") is None
    message = numbers("22,000 visitors came.", "来了2万3000名观众。", "zh")
    assert message is not None and "missing or changed: 22,000" in message and "2万3000" in message
    assert numbers("20,000 and 30,000.", "2万和3万。", "zh") is None  # two numbers, the second no part


def test_full_width_separators_between_digits_are_read() -> None:
    """Japanese full-width `２２，０００` and `３．５％` were read as 22 and 000, 3 and 5."""
    assert numbers("22,000 people, up 3.5%.", "２２，０００人、３．５％増。", "ja") is None
    assert numbers("1, 2 and 3.", "1，2和3。", "zh") is None  # a full-width comma in prose is no separator
