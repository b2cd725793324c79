"""Assembly for publishing: unit choices, marked fallbacks and drafts, nothing injected."""

from __future__ import annotations

import re

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from publishing import localized, pseudo_arabic, without_marks

from workflow.assemble import (
    Mark,
    choose,
    fallbacks,
    joins,
    localize,
    refusal,
)
from workflow.formats import html, text, xml
from workflow.model import Article, State
from workflow.policy import lead_keys

PAGE = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Trade fair opens</title></head>'
    b'<body><h1>Trade fair opens</h1><p>The fair opened in <a href="https://example.org/">Beijing</a>'
    b" on Friday. It runs for six days.</p>"
    b'<p><img src="x.png" alt="A crowded hall"> Visitors came early.</p></body></html>'
)
BULLETIN = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1">'
    b"<head><title>Fair opens</title><source>Committee</source><date>2021-01-11</date></head>"
    b"<body><p>The fair opened in <em>Beijing</em>. It runs for <code>6</code> days.</p>"
    b"<list><item>First item.</item></list></body></bulletin>\n"
)
TEXT = b"Fair opens\n\nSource: Committee | Date: 2021-01-11\n\n  The fair opened. It runs for six days.\n"
SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


def page() -> Article:
    return html.read(PAGE, "a.html", "sentence")


def key(article: Article, source: str) -> str:
    return next(p.key for b in article.blocks for p in b.pieces if p.text == source)


def reviewed(
    article: Article, translations: dict[str, str], state: State = State.REVIEWED
) -> dict[str, tuple[str, State]]:
    return {key(article, source): (target, state) for source, target in translations.items()}


@pytest.mark.parametrize(
    ("source", "fmt"),
    [
        pytest.param(PAGE, "html", id="html"),
        pytest.param(BULLETIN, "xml", id="xml"),
        pytest.param(TEXT, "text", id="text"),
    ],
)
def test_identity_translation_rebuilds_the_source(source: bytes, fmt: str) -> None:
    reader = {"html": html.read, "xml": xml.read, "text": text.read}[fmt]
    article = reader(source, f"a.{fmt}", "sentence")
    identity = {p.key: p.text for b in article.blocks for p in b.pieces}
    assert localized(article, identity, "fr").encode("utf-8") == source
    # nothing translated: every unit shows its source bytes, marked as in the source language
    assert without_marks(localized(article, {}, "fr")).encode("utf-8") == source


@pytest.mark.parametrize(
    ("target", "state", "draft", "mark", "reason"),
    [
        pytest.param(
            "La foire a ouvert à <1>Pékin</1> vendredi.",
            State.REVIEWED,
            False,
            Mark.TRANSLATED,
            "",
            id="reviewed",
        ),
        pytest.param("", State.NEW, False, Mark.SOURCE, "not translated", id="new"),
        pytest.param("", State.NEW, True, Mark.SOURCE, "not translated", id="new-draft"),
        pytest.param(
            "La foire <1>Pékin</1>.",
            State.MACHINE,
            False,
            Mark.SOURCE,
            "translation not reviewed",
            id="machine",
        ),
        pytest.param("La foire <1>Pékin</1>.", State.MACHINE, True, Mark.MACHINE, "", id="machine-draft"),
        pytest.param(
            "La foire <1>Pékin</1>.",
            State.CHANGED,
            False,
            Mark.SOURCE,
            "source changed since the review",
            id="changed",
        ),
        pytest.param("La foire <1>Pékin</1>.", State.CHANGED, True, Mark.MACHINE, "", id="changed-draft"),
        pytest.param(
            "La foire a ouvert à Pékin.",
            State.REVIEWED,
            False,
            Mark.SOURCE,
            "placeholders do not match the source: missing </1>, missing <1>",
            id="placeholder-missing",
        ),
        pytest.param(
            "<1>La</1> <2/>foire <1>Pékin</1>.",
            State.REVIEWED,
            False,
            Mark.SOURCE,
            "placeholders do not match the source: duplicated </1>, extra <2/>, duplicated <1>",
            id="placeholder-extra",
        ),
        pytest.param(
            "La foire </1>Pékin<1>.",
            State.REVIEWED,
            False,
            Mark.SOURCE,
            "placeholders do not match the source: </1> closed in the wrong order",
            id="placeholder-order",
        ),
        pytest.param(
            "La foire <1>Pékin</1>\x0b.",
            State.REVIEWED,
            False,
            Mark.SOURCE,
            "the translation contains the control character U+000B",
            id="control-character",
        ),
    ],
)
def test_choose(target: str, state: State, draft: bool, mark: Mark, reason: str) -> None:
    article = page()
    source = "The fair opened in <1>Beijing</1> on Friday."
    choice = choose(article, reviewed(article, {source: target}, state), draft=draft)[key(article, source)]
    assert (choice.mark, choice.reason) == (mark, reason)
    assert choice.text == (target if mark is not Mark.SOURCE else source)
    assert choice.refused == reason.startswith(("placeholders", "the translation"))


def test_fallbacks_are_listed_once_in_reading_order_with_line_and_reason() -> None:
    article = page()
    choices = choose(article, reviewed(article, {"It runs for six days.": "Elle dure six jours."}))
    found = [(f.key, f.line, f.reason) for f in fallbacks(article, choices)]
    assert [k for k, _, _ in found] == [
        key(article, s)
        for s in (
            "Trade fair opens",
            "The fair opened in <1>Beijing</1> on Friday.",
            "A crowded hall",
            "Visitors came early.",
        )
    ]
    assert {r for _, _, r in found} == {"not translated"}


def test_html_fallback_and_draft_units_are_marked_but_title_and_attributes_are_not() -> None:
    article = page()
    targets = {
        **reviewed(article, {"It runs for six days.": "Elle dure six jours."}),
        **reviewed(article, {"Visitors came early.": "Les visiteurs sont venus tôt."}, State.MACHINE),
    }
    result = localize(article, choose(article, targets, draft=True), "fr")
    assert "<title>Trade fair opens</title>" in result.text
    assert '<h1><span lang="en" dir="ltr">Trade fair opens</span></h1>' in result.text
    assert (
        '<p><span lang="en" dir="ltr">The fair opened in <a href="https://example.org/">Beijing</a>'
        " on Friday."
        "</span> Elle dure six jours.</p>"
    ) in result.text
    assert 'alt="A crowded hall"' in result.text
    assert '<span data-state="machine">Les visiteurs sont venus tôt.</span>' in result.text
    assert result.machine == 1
    assert len(result.fallbacks) == 3


def test_xml_marks_are_bulletin_spans() -> None:
    article = xml.read(BULLETIN, "b.xml", "sentence")
    targets = {key(article, "It runs for <1/> days."): ("Elle dure <1/> jours.", State.MACHINE)}
    result = localize(article, choose(article, targets, draft=True), "fr")
    assert '<span xml:lang="en">The fair opened in <em>Beijing</em>.</span>' in result.text
    assert '<span state="machine">Elle dure <code>6</code> jours.</span>' in result.text
    assert '<title><span xml:lang="en">Fair opens</span></title>' in result.text


def test_injected_markup_in_a_translation_is_text() -> None:
    article = page()
    targets = reviewed(
        article,
        {
            "The fair opened in <1>Beijing</1> on Friday.": SCRIPT + " <1>Pékin</1>",
            "A crowded hall": '" onmouseover="alert(4)',
            "Trade fair opens": "</title><script>alert(5)</script>",
        },
    )
    result = localize(article, choose(article, targets), "fr").text
    tree = html5lib.parse(result, namespaceHTMLElements=False)
    assert [e.tag for e in tree.iter("script")] == []
    assert [img.get("onerror") for img in tree.iter("img")] == [None]
    assert [a.get("href") for a in tree.iter("a")] == ["https://example.org/"]
    assert tree.find(".//title").text == "</title><script>alert(5)</script>"
    assert tree.find(".//img").get("alt") == '" onmouseover="alert(4)'
    assert SCRIPT in "".join(tree.find(".//p").itertext())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_translation_text_shows_as_exactly_that_text(target: str) -> None:
    article = page()
    source = "It runs for six days."
    choices = choose(article, reviewed(article, {source: target}))
    tree = html5lib.parse(localize(article, choices, "fr").text, namespaceHTMLElements=False)
    paragraph = tree.findall(".//p")[0]
    if choices[key(article, source)].mark is Mark.TRANSLATED:
        assert "".join(paragraph.itertext()).endswith(" " + target)
    assert [e.tag for e in paragraph.iter()] == ["p", "span", "a"]


@pytest.mark.parametrize(
    ("lang", "before", "after", "separator", "expected"),
    [
        pytest.param("zh", Mark.TRANSLATED, Mark.TRANSLATED, " ", "", id="zh-between-translations"),
        pytest.param("zh", Mark.SOURCE, Mark.TRANSLATED, " ", " ", id="zh-after-english"),
        pytest.param("zh", Mark.TRANSLATED, Mark.MACHINE, "\n  ", "", id="zh-line-break"),
        pytest.param("fr", Mark.TRANSLATED, Mark.TRANSLATED, " ", " ", id="fr"),
        pytest.param("zh", Mark.TRANSLATED, Mark.TRANSLATED, "<br>", "<br>", id="zh-markup-kept"),
    ],
)
def test_joins(lang: str, before: Mark, after: Mark, separator: str, expected: str) -> None:
    from workflow.assemble import Choice

    assert joins(lang, Choice("a", before), Choice("b", after), separator) == expected


def test_chinese_sentences_join_without_spaces() -> None:
    article = page()
    targets = reviewed(
        article,
        {
            "The fair opened in <1>Beijing</1> on Friday.": "交易会周五在<1>北京</1>开幕。",
            "It runs for six days.": "会期六天。",
        },
    )
    assert '<p>交易会周五在<a href="https://example.org/">北京</a>开幕。会期六天。</p>' in localized(
        article, {k: v for k, (v, _) in targets.items()}, "zh"
    )


def test_lead_is_the_title_and_the_first_paragraph() -> None:
    article = text.read(TEXT, "a.txt", "sentence")
    titles, first = lead_keys(article)
    assert titles == [key(article, "Fair opens")]
    assert first == [key(article, "The fair opened."), key(article, "It runs for six days.")]
    without_title = page()
    assert lead_keys(without_title)[0] == [key(without_title, "Trade fair opens")]


def test_refusal_accepts_a_matching_translation() -> None:
    assert refusal("a <1>b</1> <2/>", "<2/> x <1>y</1>") == ""


def test_no_marking_element_where_only_text_may_go() -> None:
    source = b"<p>Posted <time>Friday, March 5</time>. <option>Pick one</option></p>"
    article = html.read(source, "t.html", "sentence")
    result = localize(article, choose(article, {}), "fr").text
    assert "<time>Friday, March 5</time>" in result
    assert "<option>Pick one</option>" in result


WIKI = (
    b'<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
    b'<meta http-equiv="content-language" content="en-US"><meta property="og:locale" content="en_US">'
    b"<title>Cooperation</title></head>"
    b'<body lang="EN-gb" dir=ltr><div id="mw-content-text" lang="en" dir="ltr">'
    b'<p lang="en">Cooperation is working together.</p>'
    b'<p>It is old. Call <span dir="ltr">555 0100</span> or read'
    b" <i lang=en-US dir=ltr>On Cooperation</i>.</p>"
    b'<blockquote lang="fr" dir="ltr">Bonjour tout le monde.</blockquote>'
    b'<nav class="menu" lang="en" dir="ltr"><p>Home page.</p></nav>'
    b'<pre lang="en" dir="ltr">x = 1</pre><p class="notranslate" lang="en">Keep this.</p>'
    b"</div></body></html>"
)


def test_translated_content_says_the_target_language_and_direction() -> None:
    """A page that says its content is English (MediaWiki's `<div lang="en" dir="ltr">`) says Arabic,
    right to left, wherever the content is translated; a French quotation, a number's own `dir`, skipped
    and untranslated elements keep what the publisher wrote, and so does `<html>` (render.source_page's)."""
    article = html.read(WIKI, "w.html", "sentence", html.Elements(skip_selectors=".menu"))
    targets = {p.text: pseudo_arabic(p.text) for b in article.blocks for p in b.pieces}
    result = localized(article, {key(article, s): t for s, t in targets.items()}, "ar")
    expected = (
        WIKI.decode()
        .replace('content="en-US"', 'content="ar"')
        .replace('content="en_US"', 'content="ar"')
        .replace('<body lang="EN-gb" dir=ltr>', '<body lang="ar" dir="rtl">')
        .replace('text" lang="en" dir="ltr">', 'text" lang="ar" dir="rtl">')
        .replace('<p lang="en">Cooperation', '<p lang="ar">Cooperation')
        .replace("<i lang=en-US dir=ltr>", '<i lang="ar" dir="rtl">')
    )
    assert without_text(result) == without_text(expected)  # every other byte of markup as it was
    assert pseudo_arabic("Cooperation is working together.") in result
    # a unit shown in English keeps its own inline `lang="en"` inside the mark
    fallback = localized(article, {}, "ar")
    assert '<span lang="en" dir="ltr">Cooperation is working together.</span>' in fallback
    assert '<p lang="ar"><span lang="en" dir="ltr">Cooperation' in fallback
    assert "<i lang=en-US dir=ltr>On Cooperation</i>" in fallback
    # to a language written left to right: only the language changes, the direction's bytes stay
    french = localized(article, {key(article, s): s for s in targets}, "fr")
    assert '<div id="mw-content-text" lang="fr" dir="ltr">' in french
    assert '<body lang="fr" dir=ltr>' in french


def test_a_block_with_a_direction_alone_takes_the_targets_direction() -> None:
    """`<p dir="ltr">` with no lang, its text translated into Arabic, kept ltr (Arabic laid out left to
    right) while `<body dir>` was turned: a block's `dir` follows the target; a `dir` inside a sentence
    (a phone number's) is about its own text and stays."""
    page = (b'<html><body dir="ltr"><div dir="ltr"><p dir="LTR">Left text here is good.</p>'
            b'<p>Call <span dir="ltr">555 0100</span> today.</p></div></body></html>')
    article = html.read(page, "d.html", "sentence", html.Elements())
    targets = {p.text: pseudo_arabic(p.text) for b in article.blocks for p in b.pieces}
    result = localized(article, {key(article, s): t for s, t in targets.items()}, "ar")
    assert '<body dir="rtl"><div dir="rtl"><p dir="rtl">' in result
    assert '<span dir="ltr">555 0100</span>' in result


def without_text(page: str) -> str:
    """A page's markup alone: its text between tags taken out."""
    return re.sub(r">[^<]*<", "><", page)


def test_markup_between_two_sentences_gets_its_translated_attributes_and_language() -> None:
    """An `<img>` or `<br>` between two sentences of a paragraph is neither unit's: its translated `alt`
    and `title` and its language are put in all the same (they were left as in the source)."""
    source = (
        b'<p>First one here. <img alt="A hall" src=x> Second one here.'
        b'<br title="Next one" lang="en"> Last.</p>'
    )
    article = html.read(source, "p.html", "sentence")
    texts = {p.text for b in article.blocks for p in b.pieces}
    result = localized(article, {key(article, s): f"T {s}" for s in texts}, "ar")
    assert result == (
        '<p>T First one here. <img alt="T A hall" src=x> T Second one here.<br title="T Next one" lang="ar">'
        " T Last.</p>"
    )


def test_content_marked_as_another_language_stays_as_written() -> None:
    """A French quotation (`<blockquote lang="fr">`) and a menu of language names (DW's `<a lang="de">`)
    were offered for translation as English, and published translated into Hebrew inside `lang="fr"`.
    Decision: an element whose `lang` names another language than the source's is untranslated, as
    `translate="no"`; `en-GB` is English; `<html>` and `<body>` are left out (a template's default,
    often wrong)."""
    page = (b'<html lang="de"><body lang="de"><p>The minister spoke.</p>'
            b'<blockquote lang="fr">Bonjour tout le monde.</blockquote>'
            b'<p lang="en-GB">The colour is grey.</p>'
            b'<p>He said <q lang="fr">merci beaucoup</q> twice.</p>'
            b'<ul><li><a href="/de" lang="de">Deutsch lesen</a></li>'
            b'<li><a href="/en">Read English</a></li></ul>'
            b'<p xml:lang="es">Hola a todos.</p><p lang="">Unknown but English here.</p></body></html>')
    article = html.read(page, "l.html", "sentence")
    units = [p.text for b in article.blocks for p in b.pieces]
    assert units == ["The minister spoke.", "The colour is grey.", "He said <1/> twice.", "Read English",
                     "Unknown but English here."], units
    # the untranslated quotation is part of its sentence as a mark, and comes back as written
    targets = {p.key: p.text.upper() for b in article.blocks for p in b.pieces}
    chosen = choose(article, {k: (t, State.REVIEWED) for k, t in targets.items()})
    result = localize(article, chosen, "he").text
    assert '<blockquote lang="fr" dir="ltr">Bonjour tout le monde.</blockquote>' in result
    assert 'HE SAID <q lang="fr" dir="ltr">merci beaucoup</q> TWICE.' in result
    assert '<a href="/de" lang="de" dir="ltr">Deutsch lesen</a>' in result


def test_a_body_lang_naming_another_language_names_the_edition() -> None:
    """`<body lang="de">` on an English page (a template's default): its text is translated, and the Hebrew
    edition kept `<body lang="de">`, declaring the whole page German."""
    page = b'<html lang="en"><body lang="de"><p>It will rain in the afternoon.</p></body></html>'
    article = html.read(page, "w.html", "sentence")
    targets = {p.key: (pseudo_arabic(p.text), State.REVIEWED) for b in article.blocks for p in b.pieces}
    assert len(targets) == 1
    result = localize(article, choose(article, targets), "he").text
    assert '<body lang="he" dir="rtl">' in result or '<body lang="he">' in result, result
