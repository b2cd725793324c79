"""The source readers (formats/): text bulletin, HTML page or fragment, bulletin XML."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import html5lib
import pytest
from extracting import BULLETIN_XML, HARD_HTML, SAMPLE
from publishing import localized

from workflow.assemble import Choice, Mark, localize
from workflow.bulletin import assemble_bulletin
from workflow.errors import SourceError
from workflow.formats import html, text, xml
from workflow.formats.common import decode, sniff_html_charset
from workflow.formats.published import declared_date
from workflow.model import Article, Block, BlockKind, Format


def units(article: Article) -> list[str]:
    return [piece.text for block in article.blocks for piece in block.pieces]


def kinds(article: Article) -> list[tuple[str, str]]:
    return [(block.kind.value, piece.text) for block in article.blocks for piece in block.pieces]


# -- the plain-text bulletin ------------------------------------------------------------


@pytest.fixture
def sample() -> Article:
    return text.read(SAMPLE.read_bytes(), SAMPLE.name, "sentence")


def test_sample_title_and_metadata(sample: Article) -> None:
    assert sample.format is Format.TEXT
    assert sample.metadata == {
        "title": "China's International Development Cooperation in the New Era Released, "
        "Contributing China’s Strength to Resolving Global Development Issues",
        "source": "Organizing_Committee",
        "date": "2021-01-11",
    }
    assert sample.blocks[0].kind is BlockKind.TITLE
    # the Source/Date line (its gaps are no-break spaces) is metadata: in no unit
    assert not any("Organizing_Committee" in unit or "2021-01-11" in unit for unit in units(sample))


def test_sample_list_items_and_captions(sample: Article) -> None:
    items = [t for kind, t in kinds(sample) if kind == "list item"]
    assert [item.split(".")[0] for item in items] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert (
        items[0]
        == "I. International Development Cooperation in the New Era and a Global Community of Shared Future"
    )
    captions = [t for kind, t in kinds(sample) if kind == "caption"]
    assert captions == [
        "(Photo Credit: Xinhua News Agency)",
        "(Photo Credit: Development Research Center of the State Council)",
    ]
    assert (
        "paragraph",
        "The State Council Information Office released the white paper China's International "
        "Development Cooperation in the New Era on January 10.",
    ) in kinds(sample)
    assert [b.where for b in sample.blocks if b.kind is BlockKind.LIST_ITEM][:2] == ["1 of 8", "2 of 8"]


def test_text_paragraph_lines_and_separator_lines() -> None:
    source = "Title\r\n\r\nFirst sentence. Second\r\nsentence on two lines.\r\n\r\n* * *\r\n\r\nLast.\r\n"
    article = text.read(source.encode(), "a.txt", "sentence")
    assert units(article) == ["Title", "First sentence.", "Second sentence on two lines.", "Last."]
    assert [p.line for b in article.blocks for p in b.pieces] == [1, 3, 3, 8]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_text_line_endings_of_any_system(newline: str) -> None:
    lines = ["Title", "", "Source: Xinhua | Date: 2021-01-11", "", "First sentence. Second",
             "sentence on two lines.", "", "II. An item.", ""]
    source = newline.join(lines)
    article = text.read(source.encode(), "a.txt", "sentence")
    assert kinds(article) == [("title", "Title"), ("paragraph", "First sentence."),
                              ("paragraph", "Second sentence on two lines."), ("list item", "II. An item.")]
    assert [p.line for b in article.blocks for p in b.pieces] == [1, 5, 5, 8]
    assert article.metadata == {"source": "Xinhua", "date": "2021-01-11", "title": "Title"}
    identity = {piece.key: piece.text for block in article.blocks for piece in block.pieces}
    assert localized(article, identity, "fr") == source  # line endings kept as written


# -- HTML ---------------------------------------------------------------------------------


def hard() -> Article:
    return html.read(HARD_HTML.read_bytes(), "hard.html", "sentence")


def test_html_translatable_parts() -> None:
    found = kinds(hard())
    assert ("title", "Trade & Services: the 2020 “CIFTIS” Fair") in found
    assert ("meta", "Tom & Jerry's guide to the fair.") not in found  # one attribute value is one unit
    assert ("meta", "Tom & Jerry's guide to the fair. It opened on Jan. 10.") in found
    assert ("meta", 'Trade "fair" opens') in found  # og:title
    assert ("attribute", "The white paper (PDF)") in found  # title=
    assert ("attribute", "Exhibition hall, Beijing") in found  # alt=
    assert ("attribute", "Your name") in found  # placeholder=
    assert ("caption", "The exhibition hall on <1>Sept. 4</1>.") in found
    assert ("caption", "Results of the fair") in found
    assert ("table cell", "Agreements signed") in found
    assert ("heading", "The <1>2020</1> CIFTIS was held in Beijing") in found


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param("Not text.", id="style"),
        pytest.param("Not a paragraph.", id="script"),
        pytest.param("Not translated either.", id="json-ld"),
        pytest.param("trade, services", id="meta-keywords"),
        pytest.param("By Zhang Wei", id="class-notranslate"),
        pytest.param("This whole block is not translated.", id="translate-no-block"),
        pytest.param("Neither is this one.", id="translate-NO-unclosed-p"),
        pytest.param("CIFTIS-2020", id="translate-no-inline"),
        pytest.param("SERVICES_TRADE", id="code"),
        pytest.param("Preformatted", id="pre"),
        pytest.param("Untranslated item", id="translate-no-li-without-end-tag"),
        pytest.param("SVG", id="svg"),
        pytest.param("Text areas", id="textarea"),
        pytest.param("editor's note", id="comment"),
        pytest.param("x < y", id="cdata"),
    ],
)
def test_html_untranslated_parts(hidden: str) -> None:
    assert not any(hidden in unit for unit in units(hard()))


def test_html_elements_after_an_untranslated_one_are_read() -> None:
    found = units(hard())
    assert "Unclosed paragraphs end where the next one starts." in found
    assert "Last item, with a line break inside it." in found


def test_html_fragment_and_page_read_alike() -> None:
    fragment = html.read(b"<p>Hello <b>world</b>.</p>", "a.html", "sentence")
    page = html.read(
        b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello <b>world</b>.</p></body></html>",
        "b.html",
        "sentence",
    )
    assert units(fragment) == ["Hello <1>world</1>."]
    assert units(page) == ["T", "Hello <1>world</1>."]
    assert page.metadata == {"title": "T"}


def test_html_start_tags_read_once_for_what_their_attributes_say() -> None:
    """One pass over each start tag's attributes gives: translatable attributes named in any case
    (and none for words that only look like their names), `notranslate` among other classes, the
    landmark role and first class a translator is told of; white space (not a no-break space) and
    comments before a run's first words stay out of its span."""
    page = (
        b'<div role="Navigation " class="menu  top"><a href="/alternative-titles" data-x="alt title">'
        b"Read the news</a></div>\n<main>\n  <!-- lead -->  <p>\n <!-- x --> <b>Goats</b> graze."
        b'<img ALT="A goat on the hill." src="/alt.png"></p><p class="lead notranslate">Hidden words.</p>\n'
        b"</main>"
    )
    article = html.read(page, "a.html", "sentence")
    found = [(b.kind, b.where, b.context, article.text[b.span[0]:b.span[1]] if b.span else "", units_of(b))
             for b in article.blocks]
    assert found == [
        (BlockKind.PARAGRAPH, "<div> class menu", "1 of 2 in navigation", "Read the news", ["Read the news"]),
        (BlockKind.ATTRIBUTE, "alt of <img>", "in main", '"A goat on the hill."', ["A goat on the hill."]),
        (BlockKind.PARAGRAPH, "<p>", "2 of 2 in main", "<b>Goats</b> graze.", ["<1>Goats</1> graze."]),
    ]
    # a no-break space is content, not white space: it and the comment after it stay in the run
    [block] = html.read(b"<p>&nbsp;<!-- c --><b>Goats</b> graze.</p>", "b.html", "sentence").blocks
    assert block.span == (3, 38) and units_of(block) == ["\xa0<1/><2>Goats</2> graze."]


def test_html_attribute_named_twice_counts_once_as_browsers_read_it() -> None:
    """HTML5 keeps the first of an attribute named twice (html5lib, as a browser, agrees): a
    `translate` or `class` given twice, a second `alt`, a second date change nothing."""
    page = (
        b'<p translate="no" translate="yes">Hidden words.</p>'
        b'<p class="a" class="notranslate">Shown words.</p>'
        b'<img alt="First words here" ALT="Second words here"><p translate="yes" translate="no">Read too.</p>'
    )
    assert units(html.read(page, "a.html", "sentence")) == ["Shown words.", "First words here", "Read too."]
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    assert [dict(e.attrib) for e in tree.iter() if e.tag in ("p", "img")] == [
        {"translate": "no"}, {"class": "a"}, {"alt": "First words here"}, {"translate": "yes"}]
    dated = '<meta property="article:published_time" content="2021-03-02" content="2020-01-01">'
    assert declared_date(f"<html><head>{dated}</head><body><p>Text.</p></body></html>") == dt.date(2021, 3, 2)


def units_of(block: Block) -> list[str]:
    return [piece.text for piece in block.pieces]


def test_html_blocks_sharing_a_line_say_their_column_on_that_line() -> None:
    """A block on a line that holds several gets the column where it starts, counted from the start
    of its own line (the index of line starts gives it, with no scan back along a long line)."""
    page = "<p>Intro words.</p>\n<p>One here.</p><p>Two here.</p>\n\t<p>Three here.</p><h2>A title</h2>"
    article = html.read(page.encode(), "a.html", "sentence")
    found = {units_of(b)[0]: (b.line, b.context) for b in article.blocks}
    assert found == {
        "Intro words.": (1, "1 of 4"),
        "One here.": (2, "2 of 4 at column 4 of line 2"),
        "Two here.": (2, "3 of 4 at column 20 of line 2"),
        "Three here.": (3, "4 of 4 at column 5 of line 3"),
        "A title": (3, "1 of 1 at column 24 of line 3"),
    }


@pytest.mark.parametrize("space", [" ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\xa0",
                                   "\u2028", "\u3000", " \n\t "])
def test_html_placeholder_descriptions_show_each_run_of_white_space_as_one_space(space: str) -> None:
    """The note on a placeholder shows its markup with each run of (Unicode) white space as one
    space, as `\\s+` does, however the tag is spread out and whatever its values hold."""
    between = space if not space.strip(" \t\n\r\f") else " "  # HTML white space between attributes
    tag = f'<a{between}href="/x"{between}title="A{space}b{space}"{between}>'
    page = f"<p>Read {tag}this</a>.</p>\n<p class=\" \t\">Bare <b class translate role>names</b>.</p>"
    blocks = html.read(page.encode(), "a.html", "sentence").blocks
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
    [link] = paragraphs[0].pieces[0].placeholders
    assert link.description == re.sub(r"\s+", " ", tag)
    # bare `class`, `translate`, `role` and a blank class: nothing untranslated, no class or region to tell of
    assert (paragraphs[1].where, paragraphs[1].context, units_of(paragraphs[1])) == (
        "<p>", "2 of 2", ["Bare <1>names</1>."])


@pytest.mark.parametrize("tail", ["more &amp", "more <b", "more <!-- note", "more <"])
def test_html_offsets_hold_for_text_the_tokenizer_keeps_until_the_end(tail: str) -> None:
    """Text the tokenizer holds back until the end of the file (an unfinished reference or tag) is
    reported after it has dropped what it read: spans still point into the whole page."""
    data = f"<p>First one. <b>Second</b> one.</p>\n<p>Third <i>and</i> {tail}".encode()
    article = html.read(data, "a.html", "sentence")
    pieces = [piece for block in article.blocks for piece in block.pieces]
    assert [p.text for p in pieces][:2] == ["First one.", "<1>Second</1> one."]
    assert pieces[2].text.startswith("Third <1>and</1>")
    for piece in pieces:
        assert piece.span is not None
        raw = article.text[piece.span[0]:piece.span[1]]
        assert unescape(re.sub(r"<[^>]*>", "", raw)) == re.sub(r"</?\d+/?>", "", piece.text)
        assert piece.line == article.text.count("\n", 0, piece.span[0]) + 1

@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        pytest.param("<p>Caf\u00e9.</p>".encode(), "utf-8", "Café.", id="no-charset-is-utf8"),
        pytest.param(
            b'<meta charset="windows-1252"><p>Caf\xe9 \x93quoted\x94.</p>',
            "cp1252",
            "Café “quoted”.",
            id="declared-windows-1252",
        ),
        pytest.param(
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Caf\xe9.</p>',
            "cp1252",
            "Café.",
            id="latin1-means-windows-1252",
        ),
        pytest.param(b"\xef\xbb\xbf<p>BOM first.</p>", "utf-8", "BOM first.", id="utf8-bom"),
        pytest.param("<p>UTF-16.</p>".encode("utf-16"), "utf-16-le", "UTF-16.", id="utf16-bom"),
    ],
)
def test_html_encodings(data: bytes, encoding: str, expected: str) -> None:
    article = html.read(data, "a.html", "sentence")
    assert article.encoding == encoding
    assert units(article) == [expected]


def test_charset_sniffing_looks_at_the_first_kilobyte_only() -> None:
    assert sniff_html_charset(b'<meta charset="utf-8">') == "utf-8"
    assert sniff_html_charset(b" " * 1024 + b'<meta charset="koi8-r">') is None


@pytest.mark.parametrize(
    ("data", "declared", "message", "line"),
    [
        pytest.param(
            b"line one\nline two\n\xff\xfe bad\n", None, "byte 0xff is not valid utf-8", 3, id="utf8"
        ),
        pytest.param(
            b"ok", "no-such-charset", "unknown character encoding 'no-such-charset'", 1, id="charset"
        ),
        pytest.param(b"a\nb\x00", None, "the file contains a NUL character", 2, id="nul"),
    ],
)
def test_decode_errors_name_the_line(data: bytes, declared: str | None, message: str, line: int) -> None:
    with pytest.raises(SourceError) as raised:
        decode(data, "a.html", declared)
    assert (raised.value.message, raised.value.line, str(raised.value.path)) == (message, line, "a.html")
    assert raised.value.hint


# -- bulletin XML ---------------------------------------------------------------------------


def test_bulletin_xml() -> None:
    article = xml.read(BULLETIN_XML.read_bytes(), "b.xml", "sentence")
    assert article.format is Format.XML
    assert article.metadata == {
        "title": "CIFTIS 2020 Held in Beijing",
        "source": "Organizing Committee",
        "date": "2021-01-11",
        "summary": "The fair drew 22,000 enterprises. It was the first major fair since the outbreak.",
    }
    found = kinds(article)
    assert found[:3] == [
        ("title", "CIFTIS 2020 Held in Beijing"),
        ("meta", "The fair drew 22,000 enterprises."),
        ("meta", "It was the first major fair since the outbreak."),
    ]
    assert ("paragraph", "Read the <1>white <2>paper</2></1>.") in found
    assert ("paragraph", "The <1/> code is <2/>.") in found  # translate="no" and <code> stay out
    assert ("list item", "II. Achieving New Progress in International Development Cooperation") in found
    assert ("caption", "(Photo Credit: Xinhua News Agency)") in found
    assert not any("Organizing Committee" in t or "2021-01-11" in t for _, t in found)


def test_bulletin_xml_with_a_namespace_prefix_reads_as_without() -> None:
    plain = BULLETIN_XML.read_text(encoding="utf-8")
    prefixed = re.sub(r"<(/?)(?!\?|!)([a-z]+)", r"<\1b:\2", plain).replace('xmlns="urn', 'xmlns:b="urn')
    assert "<b:bulletin xmlns:b=" in prefixed and "<b:p>" in prefixed
    expected = xml.read(plain.encode(), "b.xml", "sentence")
    article = xml.read(prefixed.encode(), "b.xml", "sentence")
    assert [(b.kind, b.where, b.pieces[0].text) for b in article.blocks] == [
        (b.kind, b.where, b.pieces[0].text) for b in expected.blocks]
    assert article.metadata == expected.metadata
    # half translated: units shown in English are wrapped in <b:span xml:lang="en">, and it stays valid
    choices = {piece.key: Choice(piece.text.upper(), Mark.TRANSLATED) if number % 2 else
               Choice(piece.text, Mark.SOURCE, "not translated")
               for number, piece in enumerate(p for block in article.blocks for p in block.pieces)}
    tree = assemble_bulletin(article, choices, "fr")
    assert tree.getroot().tag == "{urn:x-workflow:bulletin:1}bulletin"
    assert '<b:span xml:lang="en">' in localize(article, choices, "fr", prefix="b").text


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        pytest.param(
            b"<bulletin xmlns='urn:x-workflow:bulletin:1' xml:lang='en'>\n<head>\n",
            "malformed XML: Premature end of data in tag head line 2",
            3,
            id="truncated",
        ),
        pytest.param(
            b"<bulletin xmlns='urn:x-workflow:bulletin:1' xml:lang='en'>\n<head><title>T</title>"
            b"</head>\n<body><p>a<![CDATA[ b ]]></p></body></bulletin>",
            "CDATA sections are not supported in bulletin XML",
            3,
            id="cdata",
        ),
        pytest.param(
            b"<bulletin xmlns='urn:x-workflow:bulletin:1'>\n<head><title>T</title></head><body/></bulletin>",
            "not a valid bulletin: Element 'bulletin': The attribute "
            "'{http://www.w3.org/XML/1998/namespace}lang' is required but missing.",
            1,
            id="schema",
        ),
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://example.org/x.dtd">\n<x/>',
            "a DOCTYPE is not allowed in bulletin XML",
            2,
            id="external-dtd",
        ),
    ],
)
def test_bulletin_xml_errors(data: bytes, message: str, line: int) -> None:
    with pytest.raises(SourceError) as raised:
        xml.read(data, "b.xml", "sentence")
    assert (raised.value.message, raised.value.line) == (message, line)
    assert raised.value.hint
