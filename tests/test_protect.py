"""Placeholders and glossary terms through machine translation (`workflow/pretranslate/protect.py`).

`protect` takes the placeholders (`<1>…</1>`, `<2/>`) out of a source and says where they
were; the engine says where each span went; `restore` writes the approved terms there and puts
the placeholders back as a well-nested tree, repairing what the engine got wrong, and falling
back to a safe layout (or leaving the unit for the translator) when it cannot. These tests
state each rule through the public functions: what the engine's output looks like, and what
the translator gets.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_memory import marked_texts

from workflow.glossary import Glossary, Term
from workflow.model import MTResult
from workflow.pretranslate import protect, restore
from workflow.pretranslate.protect import safe_layout, skeleton
from workflow.segment import PLACEHOLDER, placeholder_problems

GLOSSARY = Glossary("zh", (Term("white paper", "白皮书"), Term("trade fair", "交易会"),
                           Term("CIFTIS", "CIFTIS", do_not_translate=True)))

Span = tuple[int, int] | None


def restored(source: str, output: str, spans: list[Span], glossary: Glossary | None = None
             ) -> tuple[str, bool, bool, tuple[str, ...]]:
    result = restore(source, protect(source, glossary), MTResult(output, tuple(spans)))
    assert bool(result.reason) == (result.target == "")
    return result.target, result.repaired, result.fallback, result.terms


# -- protect: what the engine is given -------------------------------------------------------


@pytest.mark.parametrize("source, text, spans", [
    pytest.param("Read <1>the report</1> now.", "Read the report now.", ((5, 15),), id="nothing-to-squeeze"),
    pytest.param("<1/> Prices fell.", "Prices fell.", ((0, 0),), id="leading-space-left-by-markup"),
    pytest.param("Prices fell. <1/>", "Prices fell.", ((12, 12),), id="trailing-space-left-by-markup"),
    pytest.param("Read <1/> now.", "Read now.", ((5, 5),), id="double-space-left-by-markup"),
    pytest.param("Done. <1> </1>", "Done.", ((5, 5),), id="spans-past-the-trimmed-end-clamped"),
    pytest.param("<1> Read</1>  now <2/>", "Read now", ((0, 4), (8, 8)), id="every-kind-at-once"),
])
def test_protect_collapses_the_spaces_that_markup_leaves(source: str, text: str,
                                                         spans: tuple[tuple[int, int], ...]) -> None:
    plan = protect(source)
    assert (plan.request.text, plan.request.spans) == (text, spans)
    assert plan.wellformed


@pytest.mark.parametrize("source, text", [
    pytest.param("a </1> b", "a b", id="close-without-open"),
    pytest.param("<1>a b", "a b", id="open-never-closed"),
    pytest.param("<1>a </2> b</1> c", "a b c", id="close-of-another-pair"),
])
def test_a_malformed_source_keeps_every_word_and_is_marked(source: str, text: str) -> None:
    plan = protect(source)
    assert plan.request.text == text
    assert not plan.wellformed


def test_a_malformed_source_gets_the_safe_layout() -> None:
    # whatever the engine said about the spans: the translation, then the markup; but a pair
    # that holds text in the source is never left empty: the unit goes to the translator
    assert restored("a </1> b", "A B", []) == ("A B</1>", False, True, ())
    assert restored("<1/>a </2> b", "A B", [(0, 0)]) == ("A B<1/></2>", False, True, ())
    assert restored("<1>a b", "A B", [(0, 3)]) == ("", False, True, ())


# -- skeleton and safe_layout: the fallback ---------------------------------------------------


def test_the_skeleton_is_the_translation_then_the_markup_in_source_order() -> None:
    assert skeleton("Read <2/> the <1>report</1>.", "Lisez le rapport.") == "Lisez le rapport.<2/><1></1>"
    assert safe_layout("Read<2/> the report.", "Lisez le rapport.") == ("Lisez le rapport.<2/>", "")
    # an empty pair stays empty; a pair with text in the source must not be emptied
    assert safe_layout("<1></1>Hi", "Salut") == ("Salut<1></1>", "")
    assert safe_layout("See <1>this</1> and <2>that</2>.", "Voir.") == (
        "", "the markup <1>…</1>, <2>…</2> could not be placed in the machine translation")


# -- restore: engine output with noise --------------------------------------------------------


@st.composite
def noisy(draw: st.DrawFn) -> tuple[str, str, tuple[Span, ...], str, tuple[Span, ...]]:
    """A source; the engine's output as its own text with spans where protect put them (a
    faithful engine); and the same output with leading spaces and placeholders the model
    made up, and the spans where they are in that output."""
    source = draw(marked_texts())
    plan = protect(source)
    text = plan.request.text
    lead = draw(st.integers(0, 3))
    inserted = sorted(draw(st.lists(st.tuples(st.integers(0, len(text)),
                                              st.sampled_from(["<9>", "</9>", "<12/>", "<3>"])), max_size=4)))

    def moved(position: int) -> int:  # a span's edge at a made-up placeholder stays before it
        return lead + position + sum(len(token) for at, token in inserted if at < position)

    out = " " * lead
    last = 0
    for at, token in inserted:
        out += text[last:at] + token
        last = at
    out += text[last:]
    spans = tuple(None if s is None else (moved(s[0]), moved(s[1])) for s in plan.request.spans)
    return source, text, plan.request.spans, out, spans


@settings(max_examples=200, deadline=None)
@given(noisy())
@example(("The <1>report</1> is <2>new</2>.", "The report is new.", ((4, 10), (14, 17)),
          "  The <9>re<3>port</9> is <12/>new.", ((6, 18), (26, 34))))
def test_leading_spaces_and_made_up_placeholders_do_not_move_the_markup(
        case: tuple[str, str, tuple[Span, ...], str, tuple[Span, ...]]) -> None:
    source, text, spans, out, moved = case
    clean = restore(source, protect(source), MTResult(text, spans))
    noise = restore(source, protect(source), MTResult(out, moved))
    assert not clean.repaired and not clean.fallback
    assert noise.target == clean.target
    assert noise.repaired == bool(PLACEHOLDER.search(out)) and not noise.fallback


@pytest.mark.parametrize("source, output, spans, target", [
    pytest.param("The <1>report</1> is <2>new</2>.", "Le <7>rapport<8/> est nouveau.", [(6, 13), (22, 29)],
                 "Le <1>rapport</1> est <2>nouveau</2>.", id="two-made-up-placeholders-before-a-span"),
    pytest.param("The <1>report</1>.", "  Le rapport.", [(5, 12)], "Le <1>rapport</1>.",
                 id="leading-spaces-of-the-output"),
])
def test_noise_in_the_output_is_taken_out_and_counted_as_a_repair(source: str, output: str, spans: list[Span],
                                                                   target: str) -> None:
    assert restored(source, output, spans)[:2] == (target, PLACEHOLDER.search(output) is not None)


# -- restore: placing markup, and what counts as a repair or a fallback -----------------------


@pytest.mark.parametrize("source, output, spans, target, repaired, fallback", [
    pytest.param("<1></1>Hi", "Salut", [(0, 0)], "<1></1>Salut", False, False,
                 id="an-empty-pair-stays-empty"),
    pytest.param("Read <1>the report</1> now.", "Lisez le rapport maintenant.", [(16, 6)],
                 "Lisez <1>le rapport</1> maintenant.", True, False, id="reversed-span"),
    pytest.param("<1>a <2>b</2></1> c<3/>", "A B C", [(0, 1), (2, 3), (5, 5)], "<1>A <2>B</2></1> C<3/>",
                 True, False, id="parent-grows-to-hold-child-not-last"),
    pytest.param("<1><2>a</2> b</1> c", "A B C", [(2, 3), (0, 1)], "<1><2>A</2> B</1> C", True, False,
                 id="parent-grows-back-to-a-child-before-it"),
    pytest.param("<1>a <2/></1> c", "A C", [(0, 1), None], "<1>A<2/></1> C", False, True,
                 id="unknown-empty-child-at-its-parents-end-is-no-repair"),
    pytest.param("<1><2>a <3/></2> b</1> c", "A B C", [(0, 1), None, (4, 4)], "<1><2>A <3/></2></1> B C",
                 True, True, id="child-clamped-into-a-pair-placed-by-fallback"),
    pytest.param("<1>a</1> <2>b</2>", "B A", [(2, 3), (0, 1)], "<2>B</2> <1>A</1>", False, False,
                 id="siblings-in-the-engines-order"),
    pytest.param("<1>a b</1> <2>c</2>", "A B C", [(0, 5), (2, 3)], "<1>A</1> <2>B</2> C", True, False,
                 id="the-sibling-starting-first-gives-up-the-overlap"),
    pytest.param("<1>Read more</1><2/>", "Lire plus", [(0, 9), (0, 0)], "<1>Lire plus</1><2/>", True, False,
                 id="an-empty-placeholder-at-a-pairs-start-goes-after-it"),
    pytest.param("Read <1>the report</1>", "Lire le rapport", [(4, 15)], "Lire <1>le rapport</1>",
                 False, False, id="space-at-the-start-of-the-last-pair-moves-out"),
    pytest.param("<1>Read the report</1> now<2/>", "Lisez le rapport maintenant", [(0, 17), (27, 27)],
                 "<1>Lisez le rapport</1> maintenant<2/>", False, False,
                 id="space-at-the-end-of-a-pair-before-an-empty-one-moves-out"),
])
def test_markup_is_placed_as_a_well_nested_tree(source: str, output: str, spans: list[Span], target: str,
                                                repaired: bool, fallback: bool) -> None:
    assert restored(source, output, spans) == (target, repaired, fallback, ())
    assert placeholder_problems(source, target) == []


markup_spans = st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 12), st.integers(0, 12))), min_size=8,
                        max_size=8)


@settings(max_examples=300, deadline=None)
@given(source=marked_texts(), output=st.text(alphabet="ab  ", min_size=1, max_size=12), found=markup_spans)
@example(source="<1>a <2>b</2></1> <3>c</3>", output="A B C", found=[(0, 5), (3, 5), (2, 5)])
@example(source="<1><2><3/> the</2> report</1>", output="Le rapport", found=[(2, 10), (2, 5), (2, 2)])
@example(source="<1>a</1> <2>b</2>", output="A B", found=[(0, 3), (0, 1)])
def test_wherever_the_engine_puts_the_spans_each_word_is_written_once(source: str, output: str,
                                                                      found: list[Span]) -> None:
    """The engine's words, each once and in order, with the source's placeholders well nested;
    or nothing, with the reason, when no layout keeps text in every pair that had text."""
    result = restore(source, protect(source), MTResult(output, tuple(found)))
    if result.reason:
        assert result.target == "" and result.fallback
    else:  # (a space more beside an empty placeholder that stood between two in the source)
        kept = PLACEHOLDER.sub("", result.target)
        assert kept.split() == output.split()
        assert len(kept) - len(output.strip()) <= len(re.findall(r"(?<= )<\d+/>|<\d+/>(?= )", source))
        assert placeholder_problems(source, result.target) == []


CODE = "The <1/> code is here."


@pytest.mark.parametrize("source, output, spans, target", [
    pytest.param(CODE, "Le code est ici.", [(3, 3)], "Le <1/> code est ici.", id="space-after"),
    pytest.param(CODE, "Le code est ici.", [(2, 2)], "Le <1/> code est ici.", id="space-before"),
    pytest.param(CODE, "这个代码在这里。", [(2, 2)], "这个<1/>代码在这里。", id="no-spaces-in-chinese"),
    pytest.param("Click <1/>.", "Cliquez.", [(7, 7)], "Cliquez<1/>.", id="not-between-spaces-in-the-source"),
    pytest.param("The <1/> code.", "Le code.", [(7, 7)], "Le code<1/>.", id="before-punctuation-none-added"),
    pytest.param("<1/> is a function.", "est une fonction.", [(0, 0)], "<1/> est une fonction.",
                 id="at-the-start"),
    pytest.param("We use <1/>", "Nous utilisons", [(14, 14)], "Nous utilisons <1/>", id="at-the-end"),
    pytest.param("Read<1/> the report", "Lisez le rapport", [(5, 5)], "Lisez<1/> le rapport",
                 id="glued-to-the-word-before-as-in-the-source"),
    pytest.param("Call <1/> now.", "立即 拨打电话。", [(2, 2)], "立即<1/> 拨打电话。",
                 id="none-beside-chinese"),
])
def test_an_empty_placeholder_between_words_keeps_its_spaces(source: str, output: str, spans: list[Span],
                                                             target: str) -> None:
    """Taking `<1/>` out of `The <1/> code` leaves one space of two (none at the edge of the unit): it
    was put back as `Le <1/>code` (`f()maintenant` once published); the space comes back where words
    meet, as in the source."""
    assert restored(source, output, spans)[0] == target


# -- restore: glossary terms ------------------------------------------------------------------


@pytest.mark.parametrize("source, output, spans, target, terms", [
    pytest.param("The white paper of CIFTIS.", "Le 白皮书 du Ciftis.", [(3, 6), (10, 16)],
                 "Le 白皮书 du CIFTIS.", ("white paper", "CIFTIS"),
                 id="a-term-already-approved-then-one-to-replace"),
    pytest.param("The white paper of CIFTIS.", "Le livre blanc du Ciftis.", [None, (18, 24)],
                 "Le livre blanc du CIFTIS.", ("CIFTIS",), id="an-unplaced-term-then-one-to-replace"),
    pytest.param("The white paper of CIFTIS.", "Le livre blanc du Ciftis.", [(14, 3), (18, 24)],
                 "Le 白皮书 du CIFTIS.", ("white paper", "CIFTIS"), id="reversed-span"),
    pytest.param("The white paper of CIFTIS.", "Ciftis : le livre blanc.", [(12, 23), (0, 6)],
                 "CIFTIS : le 白皮书.", ("white paper", "CIFTIS"), id="terms-in-another-order"),
    pytest.param("The white paper of the trade fair.", "博览会白色文件。", [(3, 7), (0, 3)], "交易会白皮书。",
                 ("white paper", "trade fair"), id="adjacent-terms-in-another-order"),
    pytest.param("The white paper of the trade fair.", "白色文件博览会。", [(0, 4), (4, 7)], "白皮书交易会。",
                 ("white paper", "trade fair"), id="adjacent-terms-in-order"),
    pytest.param("The white paper of the trade fair.", "Le livre blanc de la foire.", [(3, 14), (0, 5)],
                 "Le 白皮书 de la foire.", ("white paper",), id="a-term-overlapping-one-after-it-skipped"),
    pytest.param("The white paper of the trade fair of CIFTIS.", "Le livre blanc de la foire du Ciftis.",
                 [(3, 14), (3, 9), (30, 36)], "Le 白皮书 de la foire du CIFTIS.", ("white paper", "CIFTIS"),
                 id="the-term-after-a-skipped-one-is-placed"),
    pytest.param("The white paper of the trade fair of CIFTIS.", "Le livre blanc du Ciftis de la foire.",
                 [(3, 14), (31, 36), (18, 24)], "Le 白皮书 du CIFTIS de la 交易会.",
                 ("white paper", "trade fair", "CIFTIS"), id="a-term-between-two-placed"),
])
def test_approved_terms_are_written_where_the_engine_put_them(source: str, output: str, spans: list[Span],
                                                              target: str, terms: tuple[str, ...]) -> None:
    assert restored(source, output, spans, GLOSSARY) == (target, False, False, terms)


@pytest.mark.parametrize("source, output, spans, target", [
    pytest.param("The <1>white paper</1> of the <2>trade fair</2>.",
                 "Le livre blanc de la foire commerciale.", [(3, 14), (21, 38), (3, 14), (21, 38)],
                 "Le <1>白皮书</1> de la <2>交易会</2>.", id="markup-around-each-term"),
    pytest.param("The <1>white paper</1> of the trade <2>fair</2>.",
                 "Le livre blanc de la foire commerciale.", [(3, 14), (27, 38), (3, 14), (21, 38)],
                 "Le <1>白皮书</1> de la <2>交易会</2>.", id="markup-starting-inside-a-later-term"),
    pytest.param("The <1>white paper</1> of the <2>trade</2> fair.",
                 "Le livre blanc de la foire commerciale.", [(3, 14), (21, 26), (3, 14), (21, 38)],
                 "Le <1>白皮书</1> de la <2>交易会</2>.", id="markup-ending-inside-a-later-term"),
    pytest.param("The white <1>paper</1>", "Le livre blanc", [(9, 14), (3, 14)], "Le <1>白皮书</1>",
                 id="markup-starting-inside-a-term"),
    pytest.param("The <1>white</1> paper", "Le livre blanc", [(3, 8), (3, 14)], "Le <1>白皮书</1>",
                 id="markup-ending-inside-a-term"),
    pytest.param("The white paper<1/> is out.", "Le livre blanc est sorti.", [(14, 14), (3, 14)],
                 "Le 白皮书<1/> est sorti.", id="an-empty-placeholder-right-after-a-term"),
    pytest.param("The trade fair, <1>the white paper</1>.", "Le salon, le livre blanc.",
                 [(10, 24), (3, 8), (13, 24)], "Le 交易会, <1>le 白皮书</1>.",
                 id="markup-after-a-shorter-term"),
])
def test_markup_follows_the_terms_it_was_around(source: str, output: str, spans: list[Span],
                                                target: str) -> None:
    result = restored(source, output, spans, GLOSSARY)
    assert result[:3] == (target, False, False)
    assert placeholder_problems(source, target) == []


@pytest.mark.parametrize("source, output, spans, target, terms", [
    pytest.param("The white paper </1> is out.", "Le livre blanc est sorti.", [(3, 14)],
                 "Le 白皮书 est sorti.</1>", ("white paper",), id="the-safe-layout-keeps-the-terms"),
    pytest.param("<1>white paper</1></2>", "livre blanc", [(0, 11)], "", (),
                 id="left-for-the-translator-no-term-written"),
])
def test_a_fallback_reports_the_terms_only_when_it_writes_them(source: str, output: str, spans: list[Span],
                                                               target: str, terms: tuple[str, ...]) -> None:
    assert restored(source, output, spans, GLOSSARY) == (target, False, True, terms)
