"""`workflow publish`: outputs, policy, marked fallbacks, injection, incremental writes."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import html5lib
import polib
import pytest
from click.testing import CliRunner
from lxml import etree
from publishing import (
    SAMPLE,
    XML_LANG,
    fill,
    need_sample,
    pseudo_arabic,
    tmx_pairs,
    upper,
    workspace,
)

from workflow.cli import cli
from workflow.formats import xml as xml_reader
from workflow.markup import BULLETIN_NS, bulletin_schema
from workflow.policy import Policy, evaluate
from workflow.publish import publish
from workflow.render import Page, Record, source_page
from workflow.settings import Settings
from workflow.store import catalog_targets

NS = {"b": BULLETIN_NS}
ATOM = {"a": "http://www.w3.org/2005/Atom"}
STORY = """Trade fair opens in Beijing

Source: Committee | Date: 2021-03-02

  The fair opened on Friday. It runs for six days.

  I. Services

  II. Goods

  Visitors came from 148 countries.
"""
OLDER = STORY.replace("Trade fair opens in Beijing", "Summit ends").replace("2021-03-02", "2020-09-09")
PAGE = """<!DOCTYPE html>
<html lang="en" class="site"><head><meta charset="windows-1252"><title>Fair opens</title></head>
<body><h1>Fair opens</h1><p>The fair opened in <a href="https://example.org/">Beijing</a> on Friday.</p>
<p><img src="hall.png" alt="A crowded hall"> Visitors came early.</p></body></html>
"""
BULLETIN = """<?xml version="1.0" encoding="utf-8"?>
<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1">
  <head><title>Fair opens</title><source>Committee</source><date>2021-02-01</date></head>
  <body>
    <p>The fair opened in <em>Beijing</em>. It runs for <code>6</code> days.</p>
    <list style="number"><item>Services.</item><item>Goods.</item></list>
    <figure><caption>A crowded hall.</caption></figure>
  </body>
</bulletin>
"""


def parse_html(path: Path) -> etree._Element:
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(settings.root), "publish", *args])
    return result.exit_code, result.stdout, result.stderr


def translate_all(settings: Settings, article: str, lang: str = "zh", **kwargs: bool) -> None:
    fill(settings, lang, article, upper if lang != "ar" else pseudo_arabic, **kwargs)


@pytest.fixture
def story(tmp_path: Path) -> Settings:
    return workspace(tmp_path / "ws", {"story.txt": STORY, "older.txt": OLDER})


def test_sample_in_chinese_and_arabic(tmp_path: Path) -> None:
    need_sample()
    settings = workspace(tmp_path / "ws", {SAMPLE.name: SAMPLE.read_bytes()})
    pairs = tmx_pairs()
    article = SAMPLE.name
    assert fill(settings, "zh", article, pairs.get) == len(catalog_targets(settings.catalog(article, "zh")))
    fill(settings, "ar", article, pseudo_arabic)
    code, stdout, stderr = run(settings, "zh", "ar")
    assert code == 0, stderr
    out = settings.output
    assert stdout.splitlines() == [
        str(out / "zh" / "index.html"),
        str(out / "ar" / "index.html"),
        str(out / "index.html"),
    ]
    zh = parse_html(out / "zh" / "ciftis-bulletin-2021-01.html")
    assert (zh.get("lang"), zh.get("dir")) == ("zh", "ltr")
    assert (
        zh.find(".//h1").text
        == pairs[
            "China's International Development Cooperation in the New Era Released, "
            "Contributing China’s Strength to Resolving Global Development Issues"
        ]
    )
    assert zh.find(".//time").text == "2021年1月11日"
    assert zh.find(".//time").get("datetime") == "2021-01-11"
    assert [(link.get("hreflang"), link.get("href")) for link in zh.iter("link") if link.get("hreflang")] == [
        ("ar", "../ar/ciftis-bulletin-2021-01.html")
    ]
    assert zh.find(".//meta").get("charset") == "utf-8"
    assert zh.find(".//*[@lang='en']") is None  # every unit is translated: nothing falls back
    ar = parse_html(out / "ar" / "ciftis-bulletin-2021-01.html")
    assert (ar.get("lang"), ar.get("dir")) == ("ar", "rtl")
    assert ar.find(".//time").text == "11 يناير 2021"
    document = etree.parse(str(out / "zh" / "ciftis-bulletin-2021-01.xml"))
    assert bulletin_schema().validate(document)
    assert document.getroot().get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert document.findtext("b:head/b:date", namespaces=NS) == "2021-01-11"
    assert document.findtext("b:head/b:source", namespaces=NS) == "Organizing_Committee"
    assert len(document.findall("b:body/b:list/b:item", NS)) == 8
    index = parse_html(out / "zh" / "index.html")
    assert [a.get("href") for a in index.findall(".//ul[@class='articles']/li/a")] == [
        "./ciftis-bulletin-2021-01.html"
    ]
    assert [link.get("hreflang") for link in index.iter("link") if link.get("hreflang")] == ["ar"]
    languages = parse_html(out / "index.html")
    assert [(a.get("href"), a.text) for a in languages.findall(".//ul/li/a")] == [
        ("./zh/index.html", "中文"),
        ("./ar/index.html", "العربية"),
    ]


def test_published_xml_is_a_valid_source_again(story: Settings) -> None:
    fill(story, "ar", "story.txt", upper)
    publish(story, ["ar"], Policy())
    data = (story.output / "ar" / "story.xml").read_bytes()
    article = xml_reader.read(data, "story.xml", "sentence")
    assert [p.text for b in article.blocks for p in b.pieces] == [
        "TRADE FAIR OPENS IN BEIJING",
        "THE FAIR OPENED ON FRIDAY.",
        "IT RUNS FOR SIX DAYS.",
        "I. SERVICES",
        "II. GOODS",
        "VISITORS CAME FROM 148 COUNTRIES.",
    ]
    assert article.metadata == {
        "title": "TRADE FAIR OPENS IN BEIJING",
        "source": "Committee",
        "date": "2021-03-02",
    }


def test_xml_source_keeps_its_structure_and_validates(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"fair.xml": BULLETIN}, languages="fr")
    translate_all(settings, "fair.xml", "fr")
    report = publish(settings, ["fr"], Policy())
    assert report.ok and [e.article for e in report.published] == ["fair.xml"]
    document = etree.parse(str(settings.output / "fr" / "fair.xml"))
    assert bulletin_schema().validate(document)
    assert document.findtext("b:body/b:p/b:em", namespaces=NS) == "BEIJING"
    assert document.findtext("b:body/b:p/b:code", namespaces=NS) == "6"
    page = parse_html(settings.output / "fr" / "fair.html")
    assert [li.text for li in page.findall(".//ol/li")] == ["SERVICES.", "GOODS."]
    assert page.find(".//p/em").text == "BEIJING"
    assert page.find(".//figcaption").text == "A CROWDED HALL."


@pytest.mark.parametrize("title", ["<title></title>", "<title>  </title>", "<title/>"])
def test_an_xml_bulletin_without_a_title_is_named_by_its_file(tmp_path: Path, title: str) -> None:
    """An empty title gave `<title></title>` (invalid HTML) and an empty, invisible link in the index."""
    source = ('<?xml version="1.0" encoding="utf-8"?>\n<bulletin xmlns="urn:x-workflow:bulletin:1" '
              f'xml:lang="en" version="1"><head>{title}</head><body><p>The fair opened.</p></body>'
              '</bulletin>\n')
    settings = workspace(tmp_path / "ws", {"fair-day.xml": source}, languages="fr")
    translate_all(settings, "fair-day.xml", "fr")
    report = publish(settings, ["fr"], Policy())
    assert report.ok, report.failures
    page = parse_html(settings.output / "fr" / "fair-day.html")
    assert page.findtext(".//title") == "fair-day"
    document = etree.parse(str(settings.output / "fr" / "fair-day.xml"))
    assert document.findtext("b:head/b:title", namespaces=NS) == "fair-day"
    index = parse_html(settings.output / "fr" / "index.html")
    assert [a.text for a in index.iter("a") if a.get("href", "").endswith("fair-day.html")] == ["fair-day"]


def test_an_xml_bulletins_languages_are_kept_or_become_the_editions(tmp_path: Path) -> None:
    """`xml:lang="fr"` (a quotation) was offered for translation, and an `xml:lang="en"` element kept `en`
    around its Arabic translation; a block's language was dropped from the page. As in an HTML page now:
    another language stays as written and is named in the page, the source language becomes the edition's."""
    source = ('<?xml version="1.0" encoding="utf-8"?>\n<bulletin xmlns="urn:x-workflow:bulletin:1" '
              'xml:lang="en" version="1"><head><title>Quotes</title></head><body>'
              '<p>He said it was fine.</p><p xml:lang="fr">Une citation française.</p>'
              '<p>They met <span xml:lang="fr">entre nous</span> on Friday.</p>'
              '<p xml:lang="en-GB">Colour is <span xml:lang="en">English</span>.</p>'
              '<p>Life has <em xml:lang="fr">joie de vivre</em>.</p></body></bulletin>\n')
    settings = workspace(tmp_path / "ws", {"q.xml": source}, languages="ar")
    template = (settings.root / "locales" / "templates" / "q.pot").read_text(encoding="utf-8")
    assert "citation" not in template and "entre nous" not in template
    translate_all(settings, "q.xml", "ar")
    report = publish(settings, ["ar"], Policy())
    assert report.ok, report.failures
    document = etree.parse(str(settings.output / "ar" / "q.xml"))
    assert [p.get(XML_LANG) for p in document.iter(f"{{{BULLETIN_NS}}}p")] == [None, "fr", None, "ar", None]
    page = parse_html(settings.output / "ar" / "q.html")
    paragraphs = page.findall(".//p")[-5:]
    assert [(p.get("lang"), p.get("dir")) for p in paragraphs] == [
        (None, None), ("fr", "ltr"), (None, None), ("ar", "rtl"), (None, None)]
    assert paragraphs[1].text == "Une citation française."
    assert [(s.get("lang"), s.text) for s in paragraphs[2].iter("span")] == [("fr", "entre nous")]
    assert [s.get("lang") for s in paragraphs[3].iter("span")] == ["ar"]
    assert [(e.get("lang"), e.get("dir"), e.text) for e in paragraphs[4].iter("em")] == [
        ("fr", "ltr", "joie de vivre")]


def test_a_paragraph_in_another_language_reads_in_its_direction_in_an_arabic_page(tmp_path: Path) -> None:
    """`<p lang="fr">` (left as written) took the Arabic page's right-to-left direction: its final stop
    moved to the left. It gets its own direction where the edition's differs, and only there."""
    page_source = ('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><h1>The title</h1>'
                   '<p>An English line.</p><p lang="fr">Bonjour tout le monde.</p>'
                   '<p lang="fr" dir="ltr">Déjà.</p><p lang="he">שלום</p></body></html>')
    settings = workspace(tmp_path / "ws", {"p.html": page_source}, languages="ar fr")
    for lang in ("ar", "fr"):
        translate_all(settings, "p.html", lang)
    assert publish(settings, ["ar", "fr"], Policy()).ok
    arabic = [(p.get("lang"), p.get("dir")) for p in parse_html(settings.output / "ar" / "p.html").iter("p")]
    assert arabic == [(None, None), ("fr", "ltr"), ("fr", "ltr"), ("he", None)]
    french = [(p.get("lang"), p.get("dir")) for p in parse_html(settings.output / "fr" / "p.html").iter("p")]
    assert french == [(None, None), ("fr", None), ("fr", "ltr"), ("he", "rtl")]


def test_html_source_keeps_its_page_with_lang_charset_and_alternates(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"fair.html": PAGE.encode("cp1252")}, languages="ar fr")
    translate_all(settings, "fair.html", "ar")
    fill(settings, "fr", "fair.html", lambda s: upper(s) if "Visitors" not in s else None)
    report = publish(settings, ["ar", "fr"], Policy("threshold", 50))
    assert report.ok, report.failures
    text = (settings.output / "ar" / "fair.html").read_text(encoding="utf-8")
    assert text.startswith(
        '<!DOCTYPE html>\n<html class="site" lang="ar" dir="rtl"><head><meta charset="utf-8">'
        '<link rel="alternate" hreflang="fr" href="../fr/fair.html">'
    )
    page = parse_html(settings.output / "ar" / "fair.html")
    assert page.find(".//img").get("alt") == pseudo_arabic("A crowded hall")
    assert page.find(".//a").get("href") == "https://example.org/"
    french = parse_html(settings.output / "fr" / "fair.html")
    fallback = french.find(".//span[@lang='en']")
    assert (fallback.text, fallback.get("dir")) == ("Visitors came early.", "ltr")
    assert french.find(".//p[@class='workflow-banner']") is not None
    bulletin = etree.parse(str(settings.output / "fr" / "fair.xml"))
    assert bulletin_schema().validate(bulletin)
    assert bulletin.findtext("b:body/b:p/b:a", namespaces=NS) == "BEIJING"


def test_an_arabic_page_says_arabic_right_to_left_inside_too(tmp_path: Path) -> None:
    """MediaWiki's content `<div lang="en" dir="ltr">` and a `<p lang="en">` say Arabic, right to left, once
    translated, as `<html>` does; the skipped menu keeps its English, as the publisher wrote it."""
    page = (
        '<!DOCTYPE html><html class="client-nojs" lang="en" dir="ltr"><head><meta charset="UTF-8">'
        '<title>Cooperation</title></head><body lang="en" dir="ltr"><nav lang="en" dir="ltr">Main page</nav>'
        '<div id="mw-content-text" lang="en" dir="ltr"><p>Cooperation is working together.</p>'
        '<p lang="en">Another paragraph of text here.</p></div></body></html>'
    )
    settings = workspace(tmp_path / "ws", {"wiki.html": page}, languages="ar", extra="skip_selectors = nav\n")
    translate_all(settings, "wiki.html", "ar")
    report = publish(settings, ["ar"], Policy())
    assert report.ok, report.failures
    text = (settings.output / "ar" / "wiki.html").read_text(encoding="utf-8")
    assert '<html class="client-nojs" lang="ar" dir="rtl">' in text
    assert '<body lang="ar" dir="rtl"><nav lang="en" dir="ltr">Main page</nav>' in text
    assert '<div id="mw-content-text" lang="ar" dir="rtl">' in text
    assert f'<p lang="ar">{pseudo_arabic("Another paragraph of text here.")}</p>' in text


LICENSE = "<!--\n" + "Copyright notice line of the license text, all rights reserved.\n" * 42 + "-->\n"
LICENSED = (
    f"<!DOCTYPE html>\n{LICENSE}"
    '<html lang="en"><head><meta charset="UTF-8"><title>Fair opens</title></head>'
    "<body><p>The fair opened on Friday.</p></body></html>\n"
)


def test_a_head_past_1024_bytes_is_declared_utf8_by_a_byte_order_mark(tmp_path: Path) -> None:
    """A license comment before `<html>` puts `<head>` past the first 1024 bytes, where a `<meta charset>` is
    invalid: the page starts with a BOM instead and has none; links to other editions are still kept up to
    date (they follow `<head>`), and a page read back with the BOM is the same page."""
    settings = workspace(tmp_path / "ws", {"licensed.html": LICENSED, "fair.html": PAGE}, languages="ar fr")
    translate_all(settings, "licensed.html", "ar")
    translate_all(settings, "fair.html", "ar")
    assert publish(settings, ["ar"], Policy()).ok
    arabic = settings.output / "ar" / "licensed.html"
    data = arabic.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"<!DOCTYPE html>\n<!--\nCopyright")
    assert b"charset" not in data.lower()
    assert b'<html lang="ar" dir="rtl"><head><style>[data-state="machine"]' in data
    near = (settings.output / "ar" / "fair.html").read_bytes()  # a short page: declared by its <meta>
    assert near.startswith(b'<!DOCTYPE html>\n<html class="site" lang="ar" dir="rtl"><head><meta charset=')
    assert parse_html(arabic).findtext(".//title") == pseudo_arabic("Fair opens")

    fill(settings, "fr", "licensed.html", upper)
    assert publish(settings, ["fr"], Policy()).ok
    data = arabic.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"<!DOCTYPE html>")
    assert b'<head><link rel="alternate" hreflang="fr" href="../fr/licensed.html"><style>' in data
    french = (settings.output / "fr" / "licensed.html").read_bytes()
    assert b'<head><link rel="alternate" hreflang="ar" href="../ar/licensed.html"><style>' in french
    again = publish(settings, ["ar", "fr"], Policy())
    assert again.written == []


@pytest.mark.parametrize(("extra", "bom"), [(0, False), (1, True)])
def test_a_meta_charset_is_written_while_it_ends_within_1024_bytes(extra: int, bom: bool) -> None:
    """The limit is in bytes of UTF-8, after publish's own `<html lang dir>`: `é` is two."""
    def page(comment: str) -> str:
        text = f"<!DOCTYPE html><!--{comment}--><html><head><title>T</title></head><body><p>A.</p></body>"
        tree = etree.ElementTree(etree.Element("bulletin"))
        rec = Record("T", "T", "", None, "", False)
        out = source_page(Page("ar", tree, rec, None, draft=False, fallback=False, localized=text), [])
        assert out is not None
        return out

    fits = 1024 - len(page("").encode("utf-8").partition(b"<head>")[0] + b'<head><meta charset="utf-8">')
    comment = "é" * (fits // 2) + "x" * (fits % 2 + extra)
    data = page(comment).encode("utf-8")
    assert data.startswith(codecs.BOM_UTF8) is bom
    if not bom:
        assert data.index(b'<meta charset="utf-8">') + len(b'<meta charset="utf-8">') == 1024
    else:
        assert b"charset" not in data


@pytest.mark.parametrize(
    ("policy", "translated", "reviewed", "reason"),
    [
        pytest.param(Policy(), "all", True, "", id="complete"),
        pytest.param(
            Policy(),
            "all-but-last",
            True,
            "1 of 6 units not reviewed (1 not translated)",
            id="complete-missing",
        ),
        pytest.param(Policy(), "all", False, "nothing is translated and reviewed", id="complete-machine"),
        pytest.param(Policy(draft=True), "all", False, "", id="complete-draft"),
        pytest.param(
            Policy(draft=True),
            "all-but-last",
            False,
            "1 of 6 units not translated (1 not translated)",
            id="draft-missing",
        ),
        pytest.param(Policy("threshold", 79), "all-but-last", True, "", id="threshold-met"),
        pytest.param(
            Policy("threshold", 80),
            "all-but-last",
            True,
            "79% of words reviewed, below the threshold of 80%",
            id="threshold-missed",
        ),
        pytest.param(Policy("lead"), "lead", True, "", id="lead"),
        pytest.param(
            Policy("lead"), "title", True, "the first paragraph is not reviewed", id="lead-no-paragraph"
        ),
        pytest.param(Policy("lead"), "paragraph", True, "the title is not reviewed", id="lead-no-title"),
        pytest.param(Policy("lead"), "none", True, "nothing is translated and reviewed", id="lead-nothing"),
    ],
)
def test_policy(story: Settings, policy: Policy, translated: str, reviewed: bool, reason: str) -> None:
    wanted = {
        "all": lambda s: True,
        "all-but-last": lambda s: not s.startswith("Visitors"),
        "lead": lambda s: s.startswith(("Trade", "The fair", "It runs")),
        "title": lambda s: s.startswith("Trade"),
        "paragraph": lambda s: s.startswith(("The fair", "It runs")),
        "none": lambda s: False,
    }[translated]
    fill(story, "zh", "story.txt", lambda s: upper(s) if wanted(s) else None, fuzzy=not reviewed)
    report = publish(story, ["zh"], policy)
    held = {h.article: h.reason for h in report.held}
    assert held.get("story.txt", "") == reason
    assert (story.output / "zh" / "story.html").exists() == (not reason)


def test_units_missing_from_the_catalog_are_named_so_with_the_fix(story: Settings) -> None:
    """Entries deleted in an editor (`msgattrib --translated`): publish held the article back with
    "(1 not translated)", and there was no empty entry in the file to find."""
    import polib

    fill(story, "zh", "story.txt", upper)
    path = story.catalog("story.txt", "zh")
    catalog = polib.pofile(str(path))
    catalog.remove(next(e for e in catalog if e.msgid.startswith("Visitors")))
    first = next(e for e in catalog if e.msgid.startswith("It runs"))
    first.msgstr = ""
    catalog.save(str(path))
    report = publish(story, ["zh"], Policy())
    assert {h.article: h.reason for h in report.held}["story.txt"] == (
        "2 of 6 units not reviewed (1 not translated, 1 missing from the catalog: run `workflow extract` to "
        "put it back)")


def test_threshold_counts_words_not_units(story: Settings) -> None:
    fill(story, "zh", "story.txt", lambda s: upper(s) if s.startswith("Visitors") else None)
    from workflow.extract import read_article

    targets = catalog_targets(story.catalog("story.txt", "zh"))
    source = read_article(story, story.source / "story.txt")
    # 5 of 24 words: one unit of six, but a fifth of the text
    assert evaluate(source, targets, Policy("threshold", 20)) == ("", 21)
    assert (
        evaluate(source, targets, Policy("threshold", 30))[0]
        == "21% of words reviewed, below the threshold of 30%"
    )
    # 20.8 %: held back at 21 %, and the message does not read "21% ... below the threshold of 21%"
    assert evaluate(source, targets, Policy("threshold", 21))[0] == (
        "20.8% of words reviewed, below the threshold of 21%"
    )


@pytest.mark.parametrize(("threshold", "reason"), [
    (24, ""), (25, ""), (26, "25% of words reviewed, below the threshold of 26%"),
])
def test_a_threshold_publishes_at_exactly_its_share(threshold: int, reason: str) -> None:
    from workflow.formats import text as text_reader
    from workflow.model import State

    article = text_reader.read(b"Alpha.\n\nBeta gamma delta.\n", "a.txt", "sentence")
    title, body = article.segments()
    targets = {title.key: ("ALPHA.", State.REVIEWED), body.key: ("BETA GAMMA DELTA.", State.MACHINE)}
    assert evaluate(article, targets, Policy("threshold", threshold)) == (reason, 25)  # 1 word of 4


def test_fallbacks_and_drafts_are_marked_and_reported(story: Settings) -> None:
    fill(story, "zh", "story.txt", lambda s: upper(s) if s.startswith(("Trade", "The fair")) else None)
    fill(story, "zh", "story.txt", lambda s: upper(s) if s.startswith("It runs") else None, fuzzy=True)
    code, _, stderr = run(story, "zh", "--policy", "lead", "--draft")
    assert code == 0, stderr
    assert "  story.txt: 1 machine draft unit(s) marked, 3 unit(s) shown in the source language" in stderr
    page = parse_html(story.output / "zh" / "story.html")
    assert page.find(".//*[@data-state='machine']").text == "IT RUNS FOR SIX DAYS."
    assert [e.text for e in page.iterfind(".//span[@lang='en']")] == [
        "I. Services",
        "II. Goods",
        "Visitors came from 148 countries.",
    ]
    assert [p.get("class") for p in page.iterfind(".//p[@role='note']")] == [
        "banner draft",
        "banner fallback",
    ]
    assert page.find(".//p[@class='banner draft']").text.startswith("草稿")
    index = parse_html(story.output / "zh" / "index.html")
    assert index.find(".//span[@class='tag']").text == "草稿"


def test_a_unit_marked_fuzzy_by_hand_needs_work(story: Settings) -> None:
    """A translator's own fuzzy is not machine output: held back under `complete`, a draft with --draft."""
    fill(story, "zh", "story.txt", lambda s: None if s.startswith(("It runs", "Visitors")) else upper(s))
    fill(story, "zh", "story.txt", lambda s: upper(s) if s.startswith("It runs") else None, fuzzy=True,
         provenance="")
    fill(story, "zh", "story.txt", lambda s: upper(s) if s.startswith("Visitors") else None, fuzzy=True)
    code, _, stderr = run(story, "zh")
    assert code == 0, stderr
    assert ("held back: story.txt: 2 of 6 units not reviewed (1 machine-translated, "
            "1 marked as needing work)") in stderr
    code, _, stderr = run(story, "zh", "--draft")
    assert code == 0, stderr
    assert "  story.txt: 1 machine draft unit(s) marked, 1 needs-work unit(s) marked as drafts" in stderr


def test_refused_translation_falls_back_and_is_reported(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"fair.html": PAGE}, languages="fr")
    bad = {
        "The fair opened in <1>Beijing</1> on Friday.": "La foire <script>alert(1)</script> a ouvert à Pékin."
    }
    fill(settings, "fr", "fair.html", lambda s: bad.get(s, upper(s)))
    code, _, stderr = run(settings, "fr")
    assert code == 0, stderr
    assert (
        "  refused: source/fair.html:3: unit 9c8a9f4d0e2f: placeholders do not match the source: "
        "missing </1>, missing <1>"
    ) in stderr.replace(_key(settings, "fair.html"), "9c8a9f4d0e2f")
    page = parse_html(settings.output / "fr" / "fair.html")
    assert list(page.iter("script")) == []
    assert "".join(page.find(".//span[@lang='en']").itertext()) == "The fair opened in Beijing on Friday."


@pytest.mark.parametrize("blank", ["   ", "\t", "\u3000", "\u200b", " \ufeff\u200e "])
def test_a_translation_of_white_space_only_falls_back_and_is_reported(tmp_path: Path, blank: str) -> None:
    """`msgstr "   "` reviewed: the sentence is shown in English, not blanked out of the page."""
    settings = workspace(tmp_path / "ws", {"fair.html": PAGE}, languages="fr")
    fill(settings, "fr", "fair.html", lambda s: blank if s.startswith("The fair opened") else upper(s))
    code, _, stderr = run(settings, "fr")
    assert code == 0, stderr
    assert "placeholders do not match" not in stderr
    assert "unit 9c8a9f4d0e2f: the translation shows nothing (only white space or invisible characters)" in \
        stderr.replace(
        _key(settings, "fair.html"), "9c8a9f4d0e2f")
    page = parse_html(settings.output / "fr" / "fair.html")
    assert "".join(page.find(".//span[@lang='en']").itertext()) == "The fair opened in Beijing on Friday."


def test_a_text_paragraph_without_words_is_published_as_written(tmp_path: Path) -> None:
    """`* * *`, `2.3 GB/s`, a URL: no unit, and kept in the page and the bulletin, where it was."""
    source = ("Title\n\nFirst paragraph.\n\n* * *\n\n2.3 GB/s\n\nhttps://example.org/page\n\n"
              "Last paragraph.\n")
    settings = workspace(tmp_path / "ws", {"a.txt": source}, languages="fr")
    template = (settings.root / "locales" / "templates" / "a.pot").read_text(encoding="utf-8")
    assert "GB/s" not in template and "* * *" not in template
    assert "#. paragraph: 2 of 2" in template  # the paragraphs with words are counted as before
    fill(settings, "fr", "a.txt", upper)
    code, _, stderr = run(settings, "fr")
    assert code == 0, stderr
    page = parse_html(settings.output / "fr" / "a.html")
    assert [p.text for p in page.iter("p")] == [
        "FIRST PARAGRAPH.", "* * *", "2.3 GB/s", "https://example.org/page", "LAST PARAGRAPH."]
    bulletin = etree.parse(str(settings.output / "fr" / "a.xml"))
    assert [p.text for p in bulletin.iter(f"{{{BULLETIN_NS}}}p")] == [
        "FIRST PARAGRAPH.", "* * *", "2.3 GB/s", "https://example.org/page", "LAST PARAGRAPH."]
    assert [p.get("lang") for p in page.iter("p")] == [None, "en", "en", "en", None]


def test_a_text_paragraph_without_words_reads_left_to_right_in_an_arabic_page(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"a.txt": "Title\n\nPrices rose.\n\n50%.\n"}, languages="ar")
    fill(settings, "ar", "a.txt", pseudo_arabic)
    assert run(settings, "ar")[0] == 0
    page = parse_html(settings.output / "ar" / "a.html")
    assert [(p.text, p.get("dir")) for p in page.iter("p")][-1] == ("50%.", "ltr")


def test_an_emptied_pair_is_never_published_as_an_empty_element(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"fair.html": PAGE}, languages="zh")
    emptied = {"The fair opened in <1>Beijing</1> on Friday.": "展会周五在北京开幕<1></1>。"}
    fill(settings, "zh", "fair.html", lambda s: emptied.get(s, upper(s)))
    code, _, stderr = run(settings, "zh")
    assert code == 0, stderr
    assert "<1></1> is empty: the source has text in it" in stderr
    page = parse_html(settings.output / "zh" / "fair.html")
    links = [(a.get("href"), "".join(a.itertext())) for a in page.iter("a")]
    assert links == [("https://example.org/", "Beijing")]
    assert "".join(page.find(".//span[@lang='en']").itertext()) == "The fair opened in Beijing on Friday."
    document = etree.parse(str(settings.output / "zh" / "fair.xml"))
    assert all("".join(a.itertext()).strip() for a in document.iter(f"{{{BULLETIN_NS}}}a"))


def _key(settings: Settings, article: str) -> str:
    from workflow.extract import read_article

    source = read_article(settings, settings.source / article)
    return next(p.key for b in source.blocks for p in b.pieces if p.text.startswith("The fair opened in"))


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("<script>alert(1)</script>", id="script"),
        pytest.param('<img src=x onerror="alert(1)">', id="img-onerror"),
        pytest.param("javascript:alert(1)", id="javascript-url"),
        pytest.param("]]><!-- &amp; &#0; <?php ?>", id="xml-specials"),
    ],
)
def test_nothing_can_be_injected(story: Settings, target: str) -> None:
    fill(story, "zh", "story.txt", lambda s: target + " " + s)
    report = publish(story, ["zh"], Policy())
    assert report.ok, report.failures
    page = parse_html(story.output / "zh" / "story.html")
    assert [e.tag for e in page.iter() if e.tag in ("script", "img", "iframe")] == []
    assert [name for e in page.iter() for name in e.attrib if name.startswith("on")] == []
    assert [a.get("href") for a in page.iter("a")] == ["index.html", "index.html", "feed.atom"]
    assert page.find(".//h1").text == target + " Trade fair opens in Beijing"
    assert page.find(".//title").text == target + " Trade fair opens in Beijing"
    document = etree.parse(str(story.output / "zh" / "story.xml"))
    assert document.findtext("b:head/b:title", namespaces=NS) == target + " Trade fair opens in Beijing"
    feed = etree.parse(str(story.output / "zh" / "feed.atom"))
    assert feed.findtext("a:entry/a:title", namespaces=ATOM) == target + " Trade fair opens in Beijing"


def test_held_article_keeps_its_earlier_edition(story: Settings) -> None:
    translate_all(story, "story.txt")
    translate_all(story, "older.txt")
    publish(story, ["zh"], Policy())
    fill(story, "zh", "story.txt", lambda s: "" if s.startswith("Visitors") else None)
    code, _, stderr = run(story, "zh")
    assert code == 0
    assert (
        "  held back: story.txt: 1 of 6 units not reviewed (1 not translated); "
        "the earlier edition output/zh/story.html stays online"
    ) in stderr
    assert (story.output / "zh" / "story.html").exists()
    index = parse_html(story.output / "zh" / "index.html")
    assert [a.get("href") for a in index.findall(".//ul[@class='articles']/li/a")] == [
        "./story.html",
        "./older.html",
    ]


def test_a_draft_preview_does_not_take_a_reviewed_edition_offline_for_good(story: Settings) -> None:
    """Reviewed edition online; a unit then unreviewed; `publish --draft` puts a draft in its place and the
    next `publish` withdrew that draft, leaving nothing online. The reviewed edition comes back."""
    translate_all(story, "story.txt")
    assert run(story, "zh")[0] == 0
    page = story.output / "zh" / "story.html"
    reviewed = page.read_bytes(), page.with_suffix(".xml").read_bytes()
    fill(story, "zh", "story.txt", lambda s: "访客" if s.startswith("Visitors") else None, fuzzy=True)
    code, _, stderr = run(story, "zh", "--draft")
    assert code == 0, stderr
    assert b'<span data-state="machine"' in page.read_bytes()  # the draft, marked, in its place
    code, _, stderr = run(story, "zh")
    assert code == 0, stderr
    assert ("its draft edition is withdrawn and the reviewed edition it replaced is back online: "
            "output/zh/story.html") in stderr.splitlines()[2]  # (the line of story.txt)
    assert (page.read_bytes(), page.with_suffix(".xml").read_bytes()) == reviewed
    index = parse_html(story.output / "zh" / "index.html")
    assert [a.get("href") for a in index.findall(".//ul[@class='articles']/li/a")] == ["./story.html"]
    code, _, stderr = run(story, "zh")  # and it stays, as any earlier reviewed edition
    assert code == 0 and "the earlier edition output/zh/story.html stays online" in stderr
    assert page.read_bytes() == reviewed[0]


def test_a_reviewed_edition_kept_from_before_a_draft_goes_when_a_newer_one_is_published(
        story: Settings) -> None:
    translate_all(story, "story.txt")
    assert run(story, "zh")[0] == 0
    fill(story, "zh", "story.txt", lambda s: "访客" if s.startswith("Visitors") else None, fuzzy=True)
    assert run(story, "zh", "--draft")[0] == 0
    kept = story.root / ".workflow" / "reviewed" / "zh"
    assert sorted(p.name for p in kept.iterdir()) == ["story.article", "story.html", "story.xml"]
    catalog = polib.pofile(str(story.catalog("story.txt", "zh")))  # the translator reviews the unit
    for entry in catalog:
        entry.flags, entry.tcomment = [f for f in entry.flags if f != "fuzzy"], ""
    catalog.save()
    assert run(story, "zh")[0] == 0
    assert not any(kept.iterdir())
    assert b'<span data-state="machine"' not in (story.output / "zh" / "story.html").read_bytes()


def _draft_over_reviewed(story: Settings) -> Path:
    """story.txt's reviewed edition online, then a draft of it in its place: the page."""
    translate_all(story, "story.txt")
    assert run(story, "zh")[0] == 0
    fill(story, "zh", "story.txt", lambda s: "访客" if s.startswith("Visitors") else None, fuzzy=True)
    assert run(story, "zh", "--draft")[0] == 0
    return story.output / "zh" / "story.html"


def test_a_kept_reviewed_edition_is_not_put_back_for_another_article_of_its_name(story: Settings) -> None:
    page = _draft_over_reviewed(story)
    for path in (story.source / "story.txt", story.catalog("story.txt", "zh"),
                 story.catalog("story.txt", "ar"), story.catalog("story.txt", None)):
        path.unlink(missing_ok=True)
    (story.source / "story.html").write_text("<title>Another page</title><p>Something else.</p>",
                                            encoding="utf-8")
    assert invoke_extract(story) == 0
    code, _, stderr = run(story, "zh")
    assert "back online" not in stderr
    assert not page.exists() or "Another" in page.read_text(encoding="utf-8")
    assert not any((story.root / ".workflow" / "reviewed" / "zh").iterdir())  # withdrawn with the draft


def test_a_kept_reviewed_edition_goes_with_its_source(story: Settings) -> None:
    """The source deleted while its draft is online: the draft is withdrawn and the kept copy dropped, so
    that it does not come back later in the place of another draft."""
    page = _draft_over_reviewed(story)
    (story.source / "story.txt").unlink()
    assert run(story, "zh")[0] == 0
    assert not page.exists()
    assert not any((story.root / ".workflow" / "reviewed" / "zh").iterdir())


def test_the_kept_reviewed_edition_is_not_written_through_a_link_out_of_the_workspace(
        story: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """.workflow/reviewed a link to a folder outside: nothing is made there (the language's folder was made
    before the write found the link), and the run says which path leads out."""
    outside = tmp_path_factory.mktemp("outside")
    (story.root / ".workflow").mkdir(exist_ok=True)
    (story.root / ".workflow" / "reviewed").symlink_to(outside, target_is_directory=True)
    translate_all(story, "story.txt")
    assert run(story, "zh")[0] == 0
    fill(story, "zh", "story.txt", lambda s: "访客" if s.startswith("Visitors") else None, fuzzy=True)
    code, _, stderr = run(story, "zh", "--draft")
    assert code != 0 and "out of the workspace" in stderr, stderr
    assert list(outside.iterdir()) == []


def test_a_draft_changed_by_hand_is_not_overwritten_by_the_kept_edition(story: Settings) -> None:
    page = _draft_over_reviewed(story)
    page.write_bytes(page.read_bytes() + b"<!-- by hand -->\n")
    code, _, stderr = run(story, "zh")
    assert code == 1  # as for any draft changed by hand: kept, an error
    assert "it was changed since it was published" in stderr
    assert page.read_bytes().endswith(b"<!-- by hand -->\n")


def invoke_extract(settings: Settings) -> int:
    return CliRunner().invoke(cli, ["--root", str(settings.root), "-q", "extract"]).exit_code


def test_index_is_in_date_order_with_locale_dates(story: Settings) -> None:
    translate_all(story, "story.txt", "ar")
    translate_all(story, "older.txt", "ar")
    publish(story, ["ar"], Policy())
    index = parse_html(story.output / "ar" / "index.html")
    assert [t.get("datetime") for t in index.iter("time")] == ["2021-03-02", "2020-09-09"]
    assert [t.text for t in index.iter("time")] == ["2 مارس 2021", "9 سبتمبر 2020"]
    feed = etree.parse(str(story.output / "ar" / "feed.atom"))
    assert feed.findtext("a:updated", namespaces=ATOM) == "2021-03-02T00:00:00Z"
    assert [e.findtext("a:link", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)] == ["", ""]
    assert [e.find("a:link", ATOM).get("href") for e in feed.findall("a:entry", ATOM)] == [
        "./story.html",
        "./older.html",
    ]


def test_publishing_again_rewrites_nothing_and_one_catalog_rewrites_its_pages(story: Settings) -> None:
    translate_all(story, "story.txt")
    translate_all(story, "older.txt")
    first = publish(story, ["zh"], Policy())
    assert len(first.written) == 7  # 2 pages, 2 bulletins, index, feed, languages
    stamps = {p: p.stat().st_mtime_ns for p in story.output.rglob("*") if p.is_file()}
    again = publish(story, ["zh"], Policy())
    assert (again.written, again.unchanged) == ([], 7)
    assert {p: p.stat().st_mtime_ns for p in story.output.rglob("*") if p.is_file()} == stamps
    fill(story, "zh", "older.txt", lambda s: "总结" if s == "Summit ends" else None)
    changed = publish(story, ["zh"], Policy())
    zh = story.output / "zh"
    assert sorted(changed.written) == [
        zh / "feed.atom",
        zh / "index.html",
        zh / "older.html",
        zh / "older.xml",
    ]


def test_cli_options_and_exit_codes(story: Settings) -> None:
    assert run(story, "zh", "--policy", "complete", "--threshold", "50")[0] == 2
    code, _, stderr = run(story, "xx")
    assert code == 2 and "not a configured language: xx (configured: zh ar)" in stderr
    assert run(story, "zh", "--threshold", "101")[0] == 2
    code, stdout, stderr = run(story, "--threshold", "0")
    assert code == 0
    assert stderr.splitlines()[-1] == "1 file(s) written, 0 unchanged (0% of words reviewed)"
    assert stdout.splitlines() == [str(story.output / "index.html")]


@pytest.mark.parametrize("command", ["publish", "run"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["zh", "--policy", "complete", "--threshold", "50"],
                     "--threshold goes with --policy threshold, not --policy complete",
                     id="threshold-with-complete"),
        pytest.param(["zh", "--policy", "lead", "--threshold", "0"],
                     "--threshold goes with --policy threshold, not --policy lead", id="threshold-with-lead"),
        pytest.param(["xx"], "not a configured language: xx (configured: zh ar)", id="unknown-language"),
        pytest.param(["zh", "xx", "--draft"], "not a configured language: xx", id="one-unknown-language"),
    ],
)
def test_publish_and_run_refuse_the_same_bad_usage_alike(
    story: Settings, command: str, args: list[str], message: str
) -> None:
    """One check in the library for both commands: exit 2 (usage), the same message, nothing done."""
    result = CliRunner().invoke(cli, ["--root", str(story.root), command, *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not story.output.exists() or not any(story.output.iterdir())


def test_a_broken_source_fails_the_run_but_not_the_others(story: Settings) -> None:
    translate_all(story, "story.txt")
    (story.source / "broken.xml").write_text("<bulletin>", encoding="utf-8")
    code, _, stderr = run(story, "zh")
    assert code == 1
    assert "error: " in stderr and "broken.xml" in stderr
    assert (story.output / "zh" / "story.html").exists()


def test_files_left_from_a_removed_source_are_kept_and_reported(story: Settings) -> None:
    translate_all(story, "story.txt")
    translate_all(story, "older.txt")
    publish(story, ["zh"], Policy())
    os.remove(story.source / "older.txt")
    report = publish(story, ["zh"], Policy())
    zh = story.output / "zh"
    assert report.orphans == [zh / "older.html", zh / "older.xml"]
    assert (zh / "older.html").exists()
    code, _, stderr = run(story, "zh")
    assert (
        "kept: output/zh/older.html (no longer made by any source; "
        "`workflow unpublish zh older` takes it down)"
    ) in stderr
    result = CliRunner().invoke(cli, ["--root", str(story.root), "unpublish", "zh", "older"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in zh.iterdir()) == ["feed.atom", "index.html", "story.html", "story.xml"]


def test_a_page_left_from_a_removed_source_keeps_its_index_and_feed(story: Settings) -> None:
    """The last source of a language removed: its page is kept online (until unpublished), so its index
    and feed stay and list it (they were withdrawn, the page left linking to them)."""
    translate_all(story, "story.txt")
    publish(story, ["zh"], Policy())
    os.remove(story.source / "story.txt")
    code, _, stderr = run(story, "zh")
    zh = story.output / "zh"
    assert "kept: output/zh/story.html" in stderr
    assert sorted(p.name for p in zh.iterdir()) == ["feed.atom", "index.html", "story.html", "story.xml"]
    index = parse_html(zh / "index.html")
    assert [a.get("href") for a in index.iter("a") if "story" in a.get("href", "")] == ["./story.html"]
    assert "story.html" in (zh / "feed.atom").read_text(encoding="utf-8")
    languages = parse_html(story.output / "index.html")
    assert any(a.get("href", "").endswith("zh/index.html") for a in languages.iter("a"))
    result = CliRunner().invoke(cli, ["--root", str(story.root), "unpublish", "zh", "story"])
    assert result.exit_code == 0, result.stderr
    assert not zh.exists() or sorted(p.name for p in zh.iterdir()) == []


def test_unpublishing_a_language_takes_down_the_pages_whose_source_is_gone_too(story: Settings) -> None:
    """`unpublish zh` withdrew the editions of the sources there and left a page whose source was deleted
    online, listed in an index and feed that stayed for it."""
    translate_all(story, "story.txt")
    translate_all(story, "older.txt")
    publish(story, ["zh"], Policy())
    os.remove(story.source / "older.txt")
    publish(story, ["zh"], Policy())
    result = CliRunner().invoke(cli, ["--root", str(story.root), "unpublish", "zh"])
    assert result.exit_code == 0, result.stderr
    zh = story.output / "zh"
    assert not zh.exists() or sorted(p.name for p in zh.iterdir()) == []
    mine = zh / "mine.html"  # a page publish did not write is left alone, as before
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("<!DOCTYPE html><title>Mine</title>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(story.root), "unpublish", "zh"])
    assert mine.exists()


def test_a_left_page_changed_by_hand_is_not_sent_to_unpublish(story: Settings) -> None:
    """Such a page was reported with "`workflow unpublish zh older` takes it down", which then failed
    (it removes only what publish wrote, unchanged)."""
    translate_all(story, "story.txt")
    translate_all(story, "older.txt")
    publish(story, ["zh"], Policy())
    page = story.output / "zh" / "older.html"
    page.write_bytes(page.read_bytes() + b"<!-- analytics -->")
    os.remove(story.source / "older.txt")
    code, _, stderr = run(story, "zh")
    assert ("kept: output/zh/older.html (no longer made by any source; changed since it was published, "
            "or not written by workflow publish: delete it by hand if it should go)") in stderr, stderr
    assert "kept: output/zh/older.xml (no longer made by any source; `workflow unpublish zh older`" in stderr


def test_a_fragment_page_is_its_localized_markup_and_no_bulletin_body_is_built_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An HTML fragment's page shows its own markup, translated; the bulletin body HTML is made only for
    the pages that show it (here the plain-text article's)."""
    from workflow import render

    fragment = '<p>The fair opened in <b class="x">Beijing</b>.</p>\n'
    settings = workspace(tmp_path / "ws", {"frag.html": fragment, "story.txt": STORY}, languages="zh")
    translate_all(settings, "frag.html")
    translate_all(settings, "story.txt")
    built: list[str] = []
    original = render.body_html

    def body_html(tree: etree._ElementTree) -> str:
        built.append(str(tree.getroot().findtext(f"{{{BULLETIN_NS}}}head/{{{BULLETIN_NS}}}title")))
        return original(tree)

    monkeypatch.setattr(render, "body_html", body_html)
    report = publish(settings, ["zh"], Policy())
    assert report.ok, report.failures
    assert built == ["TRADE FAIR OPENS IN BEIJING"]
    page = (settings.output / "zh" / "frag.html").read_text(encoding="utf-8")
    assert '<p>THE FAIR OPENED IN <b class="x">BEIJING</b>.</p>' in page
    assert page.count("<article>") == 1 and "<h1>" in page  # the bulletin page, its body the fragment


def test_a_source_page_marks_its_fallbacks_in_the_workspace_source_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page of an HTML source marks a unit shown untranslated with the source language of the
    workspace, as its bulletin does (not always `en`)."""
    monkeypatch.setenv("WORKFLOW_SOURCE_LANG", "de")
    settings = workspace(tmp_path / "ws", {"page.html": PAGE}, languages="zh")
    assert settings.source_lang == "de"
    fill(settings, "zh", "page.html", lambda s: None if s.startswith("Visitors") else upper(s))
    report = publish(settings, ["zh"], Policy("lead"))
    assert report.ok and report.published, (report.failures, report.held)
    page = parse_html(settings.output / "zh" / "page.html")
    marks = [(e.get("lang"), e.text) for e in page.iterfind(".//span[@lang]")]
    assert marks == [("de", "Visitors came early.")]
    bulletin = etree.parse(str(settings.output / "zh" / "page.xml"))
    marked = bulletin.iterfind(".//b:span[@xml:lang]", {**NS, "xml": "http://www.w3.org/XML/1998/namespace"})
    assert {e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in marked} == {"de"}


def test_a_bulletins_summary_is_marked_as_its_body_is(tmp_path: Path) -> None:
    """The summary under the headline was never marked: left in English with no `lang`, or machine text
    with no draft outline, in the page and the bulletin, while the body's units were."""
    source = (Path(__file__).parent / "cases" / "bulletin-xml" / "input.xml").read_text(encoding="utf-8")
    news = workspace(tmp_path / "ws", {"briefing.xml": source}, languages="ar")
    fill(news, "ar", "briefing.xml", lambda s: upper(s) if s.startswith(("CIFTIS 2020", "Opening")) else None)
    report = publish(news, ["ar"], Policy("threshold", 5))
    assert not report.failures and not report.held, (report.failures, report.held)
    page = html5lib.parse((news.output / "ar" / "briefing.html").read_bytes(), namespaceHTMLElements=False)
    summary = next(p for p in page.iter("p") if p.get("class") == "summary")
    spans = [s for s in summary.iter("span")]
    assert spans and all((s.get("lang"), s.get("dir")) == ("en", "ltr") for s in spans)
    bulletin = etree.parse(str(news.output / "ar" / "briefing.xml"))
    assert bulletin_schema().validate(bulletin)
    ns = f"{{{BULLETIN_NS}}}"
    marked = bulletin.getroot().findall(f"{ns}head/{ns}summary/{ns}span")
    assert marked and all(s.get("{http://www.w3.org/XML/1998/namespace}lang") == "en" for s in marked)
    # machine drafts: outlined, as the body's are
    fill(news, "ar", "briefing.xml", upper, fuzzy=True)
    publish(news, ["ar"], Policy(draft=True))
    page = html5lib.parse((news.output / "ar" / "briefing.html").read_bytes(), namespaceHTMLElements=False)
    summary = next(p for p in page.iter("p") if p.get("class") == "summary")
    assert [s.get("data-state") for s in summary.iter("span")] == ["machine", "machine"]
