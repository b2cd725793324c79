"""Inline math and code: placeholders inside their sentence, never units, never sentence breaks.

tests/data/wikipedia-math.html is trimmed from Wikipedia's t-SNE article (MediaWiki's math
markup: MathML for screen readers plus a fallback image whose alt text is TeX).
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from publishing import localized, workspace

from workflow.errors import SettingsError
from workflow.formats import html
from workflow.settings import load_settings

PAGE = Path(__file__).parent / "data" / "wikipedia-math.html"


def units(data: bytes, elements: html.Elements = html.Elements()) -> list[str]:
    return [segment.text for segment in html.read(data, "a.html", "sentence", elements).segments()]


def test_inline_math_code_and_svg_are_placeholders_of_their_sentence() -> None:
    assert units(PAGE.read_bytes()) == [
        "t-distributed stochastic neighbor embedding",
        "Wikipedia",
        "Details",
        "Given a set of <1/> high-dimensional objects <2/>, t-SNE first computes probabilities <3/> that are "
        "proportional to the similarity of objects <4/> and <5/>, as follows.",
        "The perplexity is set by the user.",
        "Run <1/> or press <2/>+<3/>; the value of <4/> is printed as <5/>.",
        "Click the <1/> icon to change it.",
        "A bare <1/> in a sentence.",
        "A fallback image alone: <1/>.",
    ]


def test_the_placeholders_say_what_they_stand_for_and_publish_the_source_markup() -> None:
    article = html.read(PAGE.read_bytes(), "a.html", "sentence")
    notes = "\n".join(segment.note for segment in article.segments())
    assert "<1/> = untranslated <span class=\"mwe-math-element\">" in notes
    assert "<1/> = untranslated <math>" in notes
    assert "<1/> = untranslated <svg class=\"icon\"" in notes
    translated = {piece.key: piece.text.upper() for block in article.blocks for piece in block.pieces}
    published = localized(article, translated, "fr")
    assert "GIVEN A SET OF <span class=\"mwe-math-element\">" in published
    assert published.count(r"{\displaystyle \mathbf {x} _{1},\dots ,\mathbf {x} _{N}}") == 3  # untouched
    identity = {piece.key: piece.text for block in article.blocks for piece in block.pieces}
    assert localized(article, identity, "fr") == article.text


def test_tex_is_never_offered_to_translators(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"tsne.html": PAGE.read_bytes()}, languages="fr")
    catalog = polib.pofile(str(settings.catalog("tsne.html", "fr")))
    assert len(catalog) == 9
    assert not [entry.msgid for entry in catalog if "\\" in entry.msgid or "{" in entry.msgid]


def test_the_element_lists_are_settings(tmp_path: Path) -> None:
    extra = ("html_inline = a b code em i img span strong sub sup\n"
             "html_untranslated = code script style\n"
             "html_untranslated_classes = notranslate\n")
    settings = workspace(tmp_path / "ws", {"tsne.html": PAGE.read_bytes()}, languages="fr", extra=extra)
    assert settings.html_untranslated == ("code", "script", "style")
    msgids = [entry.msgid for entry in polib.pofile(str(settings.catalog("tsne.html", "fr")))]
    assert r"{\displaystyle N}" in msgids  # no class keeps the fallback image's alt text out now
    assert "Ctrl" in msgids  # <kbd> is translated text, and <math> breaks the sentence
    assert "Given a set of" in msgids


def test_element_lists_accept_commas_and_environment_variables(tmp_path: Path) -> None:
    workspace(tmp_path / "ws", {}, languages="fr")
    settings = load_settings(tmp_path / "ws", environ={"WORKFLOW_HTML_INLINE": "a, b,em"})
    assert settings.html_inline == ("a", "b", "em")


@pytest.mark.parametrize("markup", [
    "<p>Let <math><mi>x</mi></math> be. It is.</p>",
    "<p>Press <kbd>Ctrl</kbd>. Then <code>run()</code>. Done <var>n</var>.</p>",
])
def test_no_inline_element_text_is_a_unit(markup: str) -> None:
    for unit in units(markup.encode()):
        assert unit.replace("<1/>", "").strip() not in ("x", "Ctrl", "run()", "n")


def test_unknown_setting_names_are_still_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        workspace(tmp_path / "ws", {}, languages="fr", extra="html_inlines = a\n")
