"""What `check` and the review app say about a translation's placeholders (<1>…</1>, <2/>), and how a
translation is split into text and placeholders (workflow/segment.py).

Written against the mutants that the rest of the suite let live (docs/mutation.md).
"""

from __future__ import annotations

import pytest

from workflow.segment import parse_target, placeholder_problems


def test_a_translation_splits_into_text_and_placeholders_with_no_empty_text() -> None:
    assert parse_target("<1>a</1><2/>") == [("open", 1), "a", ("close", 1), ("empty", 2)]
    assert parse_target("x<1>a</1>") == ["x", ("open", 1), "a", ("close", 1)]
    assert parse_target("a <12/> b") == ["a ", ("empty", 12), " b"]
    assert parse_target("") == []


KEPT = "(pairs keep the source's nesting)"


@pytest.mark.parametrize(("source", "target", "problems"), [
    pytest.param("<1><2>x</2></1>", "<1><2>y</2></1>", [], id="nested"),
    pytest.param("<1>a</1> <2>b</2>", "<2>b</2> <1>a</1>", [], id="reordered-pairs"),
    pytest.param("<1>a</1><2>b</2>", "</1>a<1></2>b<2>", ["</1> closed in the wrong order"],
                 id="wrong-order-once"),
    pytest.param("<1><2>x</2></1>", "<1><2>y</1></2>", ["</1> closed in the wrong order"], id="crossed"),
    pytest.param("<1>text</1> and", "<1></1> et", ["<1></1> is empty: the source has text in it"],
                 id="emptied"),
    pytest.param("<1></1> and", "<1></1> et", [], id="empty-in-the-source-too"),
    pytest.param("<1>a</1>", "<1>a</1><1>b</1>", ["duplicated </1>", "duplicated <1>"], id="duplicated"),
    pytest.param("<1>a</1> <2/>", "<1>a", ["missing </1>", "missing <2/>"], id="missing"),
    pytest.param("a", "a <3/>", ["extra <3/>"], id="extra"),
    # a link put inside another link published <a>…<a>…</a></a> (invalid HTML), and check said nothing
    pytest.param("Read <1>the report</1> and <2>the annex</2>.",
                 "Lisez <1>le rapport et <2>l'annexe</2></1>.",
                 [f"<2> is inside <1>: in the source it is outside every pair {KEPT}"],
                 id="sibling-moved-inside"),
    pytest.param("<1>the <2>big</2> report</1>", "<1>le rapport</1> <2>grand</2>",
                 [f"<2> is outside every pair: in the source it is inside <1> {KEPT}"],
                 id="nested-moved-out"),
    pytest.param("<1>a <2>b</2></1> <3>c</3>", "<3>c</3> <1><2>b</2> a</1>", [],
                 id="nesting-kept-order-changed"),
])
def test_placeholder_problems(source: str, target: str, problems: list[str]) -> None:
    assert placeholder_problems(source, target) == problems


def test_emptied_pairs_are_listed_in_order_after_text_before_them() -> None:
    from workflow.segment import emptied_pairs

    assert emptied_pairs("x <2>a</2> <1>b</1>", "y <2></2> <1></1>") == [1, 2]
    assert emptied_pairs("x <1>a</1>", "y <1>b</1>") == []


def test_a_pair_holds_the_text_of_the_pairs_inside_it() -> None:
    from workflow.segment import emptied_pairs

    assert emptied_pairs("<1><2>a</2></1> b", "<1><2></2></1> b") == [1, 2]
    assert emptied_pairs("<1><2>a</2></1> b", "<1><2>c</2></1> b") == []
    assert emptied_pairs("<1>a</1>", "</2><1>a</1>") == []  # a stray close is no pair of its own
