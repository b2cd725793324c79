"""CSS selectors over a page: which elements the `skip_selectors` setting keeps untranslated.

Selectors are compiled by cssselect (the library lxml's own `lxml.cssselect` uses: CSS 3
selectors to XPath 1.0) and run over a tree of the page built from the same HTML5
tokenizer and the same implied-end rules the scanner uses, so an element matched here
is the element the scanner meets at the same offset.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from .common import LineIndex, attribute_values
from .scanner import implied_end

# the tree is as deep as libxml2 lets a document be: deeper elements hang at this depth (a hostile
# page 200,000 elements deep is matched in linear time, and freed without deep recursion)
MAX_DEPTH = 256
# where each element starts in the page; in a namespace no CSS selector can name
_AT = "{urn:x-workflow:offset}at"
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@functools.cache
def compile_selectors(selectors: str) -> etree.XPath:
    """The XPath of a selector list (`nav, footer, .menu, [role=navigation]`).

    Raises ValueError, saying what is wrong, for a list cssselect cannot read.
    """
    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(selectors))
    except SelectorError as exc:
        raise ValueError(f"not a CSS selector list: {exc}") from None


class _TreeBuilder(HTMLParser):
    """An lxml tree of the page's elements, each with the offset of its start tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = LineIndex(text)
        self.root = etree.Element("html-document")
        self.open: list[etree._Element] = [self.root]

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> etree._Element:
        try:
            element = etree.SubElement(self.open[-1], tag)
        except ValueError:  # a name XML cannot hold (`<a:b:c>`): matched by no type selector
            element = etree.SubElement(self.open[-1], "x-unnamed")
        for name, value in attribute_values(attrs).items():  # a name given twice: the first
            try:
                element.set(name, value)
            except ValueError:  # `@click`, `:class`: no selector of the setting can name them
                continue
        line, column = self.getpos()
        element.set(_AT, str(self.lines.offset(line, column)))
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.open) > 1 and implied_end(str(self.open[-1].tag), tag):
            self.open.pop()
        element = self._element(tag, attrs)
        if tag not in _VOID and len(self.open) < MAX_DEPTH:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return


def matched_offsets(text: str, selectors: str) -> frozenset[int]:
    """The offsets of the start tags of the elements the selectors match."""
    xpath = compile_selectors(selectors)
    builder = _TreeBuilder(text)
    builder.feed(text)
    builder.close()
    found = xpath(builder.root)
    assert isinstance(found, list)
    return frozenset(int(element.get(_AT, "-1")) for element in found if isinstance(element, etree._Element))
