"""The scanner's fast start tags (formats/scanner.FastTagParser) against the standard library's tokenizer.

The fast path must change nothing: every callback, with the same arguments, in the same order, with
the tokenizer in the same state when it is called (position, start tag text, last tag, raw-text
element) and after (what is left in its buffer). Each input is fed whole and in pieces, to both.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from extracting import TESTS, web_pages
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workflow.formats import html, xml
from workflow.formats import scanner as scanner_module
from workflow.formats.scanner import FastTagParser, Scanner, scan

Event = tuple[object, ...]


class Recorder(HTMLParser):
    """Logs every callback with its arguments and the tokenizer's state at that moment."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        super().__init__(convert_charrefs=True)

    def log(self, *event: object) -> None:
        self.events.append((*event, self.getpos(), self.get_starttag_text(), self.lasttag, self.cdata_elem,
                            self.interesting.pattern))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.log("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.log("startend", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.log("end", tag)

    def handle_data(self, data: str) -> None:
        self.log("data", data)

    def handle_comment(self, data: str) -> None:
        self.log("comment", data)

    def handle_decl(self, decl: str) -> None:
        self.log("decl", decl)

    def unknown_decl(self, data: str) -> None:
        self.log("unknown decl", data)

    def handle_pi(self, data: str) -> None:
        self.log("pi", data)

    def handle_charref(self, name: str) -> None:  # not called with convert_charrefs, but if it were
        self.log("charref", name)

    def handle_entityref(self, name: str) -> None:
        self.log("entityref", name)


class Stock(Recorder):
    pass


class Fast(Recorder, FastTagParser):
    pass


def events(parser: type[Recorder], chunks: list[str]) -> list[Event]:
    recorder = parser()
    for chunk in chunks:
        recorder.feed(chunk)
        recorder.log("fed", recorder.rawdata)  # where it stopped: what it keeps for the next chunk
    recorder.close()
    recorder.log("closed", recorder.rawdata)
    return recorder.events


def same_events(chunks: list[str]) -> None:
    assert events(Fast, chunks) == events(Stock, chunks)


def pieces(text: str, size: int) -> list[str]:
    return [text[at:at + size] for at in range(0, len(text), size)] or [""]


def test_the_fast_path_is_taken_with_this_python() -> None:
    """It is off where html.parser is not one it was checked against (the tests here then compare the
    stock tokenizer with itself): check it against a new one (this file) before adding its digest."""
    if not scanner_module._FAST_TAGS:
        pytest.skip("html.parser is not the one the fast tags were checked against: they are off")
    assert Scanner.parse_starttag is FastTagParser.parse_starttag
    assert Scanner.parse_endtag is FastTagParser.parse_endtag
    assert FastTagParser.goahead is not HTMLParser.goahead  # (the Scanner's calls it)


def test_a_tokenizer_with_other_patterns_or_code_is_not_one_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest covers what the fast path reproduces: html.parser's patterns (the start of a start tag
    too, which the loop tells by the next character) and its methods' code."""
    import html.parser
    import re

    digest = scanner_module._tokenizer_digest()
    monkeypatch.setattr(html.parser, "starttagopen", re.compile("<[a-zA-Z0-9]"))
    assert scanner_module._tokenizer_digest() not in {digest, *scanner_module._CHECKED}
    monkeypatch.undo()
    stock = HTMLParser.goahead

    def goahead(self: HTMLParser, end: bool) -> None:
        stock(self, end)

    monkeypatch.setattr(HTMLParser, "goahead", goahead)
    assert scanner_module._tokenizer_digest() not in {digest, *scanner_module._CHECKED}


# every page, bulletin and hostile source in the repository, and the real pages WORKFLOW_WEB_PAGES names
SOURCES = sorted(
    {path for path in TESTS.rglob("*") if path.suffix in {".html", ".htm", ".xhtml", ".xml"}}
    | set((TESTS / "hostile" / "source").iterdir())
)


@pytest.mark.parametrize("path", SOURCES + web_pages(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_fast_path_reads_every_page_as_the_standard_library_does(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    same_events([text])
    same_events(pieces(text, 997))
    if len(text) < 20_000:
        same_events(pieces(text, 13))
    # and the scanner's blocks, spans and notes, whichever dialect reads the file
    dialect = xml.DIALECT if path.suffix == ".xml" else html.DIALECT
    fast = scan(text, dialect, "sentence", path.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scanner_module, "_FAST_TAGS", False)
        assert scan(text, dialect, "sentence", path.name) == fast


# tag soup: the characters that matter to a start tag, and the pieces of markup they make
SOUP = st.lists(
    st.one_of(
        st.sampled_from([
            "<", ">", "/", "=", "'", '"', "&", " ", "\t", "\n", "\r", "\x0c", "\x0b", "\xa0", "\x1f", "\x00",
            "!", "-", "?", "a", "B", "x", "é", "<a", "<P", "</a>", "</", "/>", "<br/>", "<img", " src=",
            " alt=", "='x'", '="y"', "=z", " = ", "==", "&amp;", "&lt;", "&#38;", "&#x", ";", "<script>",
            "</script>", "<style", "</style >", "<!--", "-->", "<!doctype html>", "<?pi?>", "<![CDATA[",
            "]]>", "<title>", "<textarea>", " class=note", " hidden", "<B:p>",
        ]),
        st.text("<>/='\"& \t\n\x0c!-ab", max_size=4),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(SOUP, st.integers(1, 8))
@example('<a href="x>y" title=\'&amp;\' hidden/>', 1)
@example("<script type=text/javascript>if (a<b) x='</p>';</script>", 3)
@example("<a b=c/>", 1)
@example("<a b=c />", 1)
@example("<a b = \"c\"\n d>", 2)
@example("<a\x0bb=c>", 1)
@example("<a b=\xa0c>", 1)
@example('<a b="c"d>', 1)
@example("<a b==c>", 1)
@example("<a b= =c>", 1)
@example("<a/b>", 1)
@example("<a b='c", 1)
@example("<p class=a", 4)
def test_the_fast_path_reads_tag_soup_as_the_standard_library_does(text: str, size: int) -> None:
    same_events([text])
    same_events(pieces(text, size))


def mostly(usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """One of `usual` most of the time, else one of `odd`: whole tags with an odd part here and there."""
    return st.sampled_from(usual * 15 + odd)


ATTRIBUTE = st.tuples(
    mostly([" ", "\n", "\t  ", "\r\n", "\x0c"], ["\x0b", "\xa0", "/", "", " / "]),
    mostly(["href", "ALT", "data-x", "b:c", "é", "on.click"], ["a'", '"', "=x", "<", "x<"]),
    mostly(["", "=", " = ", "=\n"], ["==", "= =", "=\x0b"]),
    mostly(["v", "'v w'", '"v\nw"', "'&amp;<>'", '""', "a&lt;b", "/x/", "x/", '"a\'b"', "&#x41;"],
           ["'", "=v", "x>", "'a'b", "", "\"a"]),
).map("".join)


@settings(max_examples=500, deadline=None)
@given(mostly(["a", "IMG", "script", "sTyle", "b:p", "h1"], ["a\x0b", "a'b", "a<b", "a\x00"]),
       st.lists(ATTRIBUTE, max_size=5),
       mostly([">", "/>", " />", " >", "\n/>"], ["", " /", "/ >", "//>", "\x0b>"]))
def test_start_tags_of_every_shape_read_as_the_standard_library_does(
        name: str, attributes: list[str], end: str) -> None:
    """Well-formed and nearly well-formed start tags, which the tag soup rarely makes whole."""
    tag = f"<{name}{''.join(attributes)}{end}"
    same_events([tag + "text</p>"])
    same_events([tag, "text</p>"])
