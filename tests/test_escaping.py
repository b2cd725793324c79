"""Untrusted text never reaches a page unescaped: the HTML a published page is made of, from a
bulletin's text, links and attributes (workflow/bulletin.py, workflow/render.py).

Written against the mutants that the rest of the suite let live (docs/mutation.md).
"""

from __future__ import annotations

import pytest
from lxml import etree

from workflow.bulletin import safe_href, xml_text
from workflow.render import body_html, head_html, inline_html

XML = "http://www.w3.org/XML/1998/namespace"


def inline(xml: str) -> str:
    return inline_html(etree.fromstring(f'<p xmlns:xml="{XML}">{xml}</p>'))


def bulletin(head: str = "", body: str = "") -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(f"<bulletin><head>{head}</head><body>{body}</body></bulletin>"))


def test_text_and_every_tail_are_escaped() -> None:
    assert inline("a &lt;b&gt; &amp; c") == "a &lt;b&gt; &amp; c"
    assert inline("x<em>&lt;script&gt;</em>&lt;script&gt;alert(1)&lt;/script&gt;") == (
        "x<em>&lt;script&gt;</em>&lt;script&gt;alert(1)&lt;/script&gt;")
    assert inline('<span>a</span>&lt;i&gt;<br/>&lt;b&gt;"q"') == 'a&lt;i&gt;<br>&lt;b&gt;"q"'
    kept = "<strong>s</strong> &amp; <code>c &lt; d</code>"
    assert inline(kept) == kept


def test_links_are_kept_only_when_safe_and_their_href_is_quoted() -> None:
    # lxml quotes with ' when the value holds a " and escapes " when it holds both
    assert inline('<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">x</a>') == (
        "<a href='https://e.org/?a=1&amp;b=\"2\"'>x</a>")
    assert inline('<a href="https://e.org/?a=&quot;1&quot;&amp;b=&apos;2&apos;">x</a>') == (
        '<a href="https://e.org/?a=&quot;1&quot;&amp;b=\'2\'">x</a>')
    assert inline('<a href="javascript:alert(1)">x &amp; y</a>') == "x &amp; y"
    assert inline('<a href="/relative">x</a>') == '<a href="/relative">x</a>'
    assert inline("<a>x</a>") == '<a href="">x</a>'


def test_spans_carry_language_direction_translate_and_machine_marks() -> None:
    assert inline('<span xml:lang="ar">نص</span>') == '<span lang="ar" dir="rtl">نص</span>'
    assert inline('<span xml:lang="fr">t</span>') == '<span lang="fr" dir="ltr">t</span>'
    assert inline('<span translate="no">CIFTIS</span>') == '<span translate="no">CIFTIS</span>'
    assert inline('<span translate="maybe">x</span>') == "x"
    assert inline('<span state="machine">m</span>') == '<span data-state="machine">m</span>'
    assert inline('<span state="reviewed">m</span>') == "m"
    assert inline('<a href="javascript:x()" xml:lang="zh">中</a>') == '<span lang="zh" dir="ltr">中</span>'
    assert inline("<unknown>u</unknown>v") == "uv"
    assert inline("a<!-- a note -->b<?pi x?>c") == "abc"  # comments and instructions are not text


@pytest.mark.parametrize(("href", "safe"), [
    ("https://example.org/a", True), ("http://example.org", True), ("mailto:desk@example.org", True),
    ("ftp://example.org/f", True), ("/local/page.html", True), ("page.html#top", True), ("", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" java\tscript:alert(1)", False),
    ("\x00javascript:alert(1)", False), ("data:text/html,<script>", False), ("vbscript:x", False),
    ("http://[::1", False),  # unparsable
])
def test_safe_href(href: str, safe: bool) -> None:
    assert safe_href(href) is safe


def test_body_blocks() -> None:
    tree = bulletin(body=(
        '<h>T &amp; <em>e</em></h><p>p &lt;</p>'
        '<list><item>a</item><item>b</item></list>'
        '<list style="none"><item>n</item></list>'
        '<list style="roman"><item>r</item></list>'
        '<list style="number"><item>1</item></list>'
        '<figure src="img/a.png"><caption>c &amp; d</caption></figure>'
        '<figure src="javascript:x()"><caption>bad</caption></figure>'
        '<figure src="b.png"/>'
    ))
    assert body_html(tree).split("\n") == [
        "<h2>T &amp; <em>e</em></h2>", "<p>p &lt;</p>",
        "<ul><li>a</li><li>b</li></ul>",
        '<ul class="plain"><li>n</li></ul>',
        '<ol type="I"><li>r</li></ol>',
        "<ol><li>1</li></ol>",
        '<figure><img src="img/a.png" alt=""><figcaption>c &amp; d</figcaption></figure>',
        "<figure><figcaption>bad</figcaption></figure>",
        '<figure><img src="b.png" alt=""><figcaption></figcaption></figure>',
    ]


def test_title_and_summary() -> None:
    tree = bulletin(head="<title>A &lt;b&gt; <em>c</em></title><summary>s &amp; t</summary>")
    assert head_html(tree, "title") == "A &lt;b&gt; <em>c</em>"
    assert head_html(tree, "summary") == "s &amp; t"
    assert head_html(bulletin(), "title") == "" and head_html(bulletin(), "summary") == ""
    assert body_html(etree.ElementTree(etree.fromstring("<bulletin/>"))) == ""


def test_xml_text_replaces_what_xml_cannot_hold() -> None:
    assert xml_text("plain € 中") == "plain € 中"
    assert xml_text("a\x0cb\x0bc\x01d\ufffee") == "a b c\ufffdd\ufffde"


def published_body(source: bytes) -> str:
    """The page body of an HTML source published with every unit translated as itself."""
    from workflow.assemble import Choice, Mark
    from workflow.bulletin import assemble_bulletin
    from workflow.formats import html

    article = html.read(source, "a.html", "paragraph")
    choices = {p.key: Choice(p.text, Mark.TRANSLATED) for block in article.blocks for p in block.pieces}
    return body_html(assemble_bulletin(article, choices, "fr"))


def test_an_html_sources_inline_markup_is_published_safely() -> None:
    source = (b'<p>See <a href="https://e.org/x?a=1&amp;b=2">the report</a>, <a href="javascript:alert(1)">'
              b'this</a> and <a>that</a>, <b>bold</b> <i>it</i>, <span translate="no">CIFTIS</span> and '
              b'<span class="x">plain</span>, <code>SERVICES_TRADE</code> line<br>break <img src="x.png" '
              b'alt=""> end &lt;ok&gt;.</p>')
    assert published_body(source) == (
        '<p>See <a href="https://e.org/x?a=1&amp;b=2">the report</a>, this and that, <strong>bold</strong> '
        '<em>it</em>, <span translate="no">CIFTIS</span> and plain, <code>SERVICES_TRADE</code> line<br>'
        "break  end &lt;ok&gt;.</p>")


def test_untranslated_markup_keeps_its_text_once_unescaped() -> None:
    source = b'<p><span translate="no">CI<b>F</b>TIS &amp; co</span> runs <code>a &amp;&amp; b</code>.</p>'
    assert published_body(source) == (
        '<p><span translate="no">CIFTIS &amp; co</span> runs <code>a &amp;&amp; b</code>.</p>')


def test_an_image_or_an_empty_element_is_left_out_whatever_its_tag_holds() -> None:
    """Only untranslated marks carry their text into the bulletin: an image whose `alt` holds a
    `>` leaves nothing of its tag behind, and `<code/>` makes no empty code element."""
    assert published_body(b'<p>See <img alt="a > b" src="x.png"> and <code/> here.</p>') == (
        "<p>See  and  here.</p>")


def test_a_translate_no_span_is_one_untranslated_mark_that_no_translation_can_open() -> None:
    """A `translate="no"` span (in any case) reaches a translator as `<1/>`, never as a pair: a
    translation that writes it `<1>…</1>` is refused and the source is shown, its span kept."""
    from workflow.assemble import Choice, Mark, choose
    from workflow.bulletin import assemble_bulletin
    from workflow.formats import html
    from workflow.model import State

    for attribute in (b'translate="no"', b'TRANSLATE=" No "'):
        article = html.read(b"<p>The <span " + attribute + b">CIFTIS</span> fair opens.</p>", "a.html",
                            "paragraph")
        [piece] = [p for block in article.blocks for p in block.pieces]
        assert piece.text == "The <1/> fair opens."
        kept = {piece.key: Choice("La foire <1/> ouvre.", Mark.TRANSLATED)}
        assert body_html(assemble_bulletin(article, kept, "fr")) == (
            '<p>La foire <span translate="no">CIFTIS</span> ouvre.</p>')
        opened = choose(article, {piece.key: ("La foire <1>CIFTIS</1> ouvre.", State.REVIEWED)})
        assert opened[piece.key].refused
        assert body_html(assemble_bulletin(article, opened, "fr")) == (
            '<p><span lang="en" dir="ltr">The <span translate="no">CIFTIS</span> fair opens.</span></p>')


def test_an_unsafe_or_missing_href_never_reaches_the_bulletin() -> None:
    from workflow.assemble import Choice, Mark
    from workflow.bulletin import assemble_bulletin, serialize
    from workflow.formats import html

    source = (b'<p>See <a href="https://e.org/x">the report</a>, <a href="javascript:alert(1)">this</a> and '
              b"<a>that</a>.</p>")
    article = html.read(source, "a.html", "paragraph")
    choices = {p.key: Choice(p.text, Mark.TRANSLATED) for block in article.blocks for p in block.pieces}
    data = serialize(assemble_bulletin(article, choices, "fr")).decode()
    assert ('<p>See <a href="https://e.org/x">the report</a>, <span>this</span> and <span>that</span>.</p>'
            in data)
