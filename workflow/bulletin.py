"""Localized bulletin XML (workflow/schema/bulletin.xsd): the document of every edition.

Part of the assemble step: every published article gets a bulletin document. An
XML source is assembled in place (`assemble.localize`); a plain-text or HTML
source is written out block by block from the same unit choices. The same
document feeds the HTML bulletin page and the indexes (`render`), so there is one
record of what a reader sees. Elements are built with lxml's element API, which
escapes.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import urlsplit

from lxml import etree

from .assemble import Choice, Mark, edges, joins, localize, piece_tokens
from .errors import PublishError, WorkflowError
from .formats.common import attribute_values
from .languages import language_tag
from .markup import BULLETIN_NS, bulletin_schema, parse_xml
from .model import Article, Block, BlockKind, Format, Piece

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NS = f"{{{BULLETIN_NS}}}"
_PREFIX = re.compile(r"<(?:([A-Za-z_][\w.-]*):)?bulletin[\s>/]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ROMAN_ITEM = re.compile(r"^[IVXLC]+\.\s")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# HTML inline elements and what they become in a bulletin
_INLINE = {"em": "em", "i": "em", "cite": "em", "dfn": "em", "strong": "strong", "b": "strong", "a": "a"}
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
MAX_INLINE_DEPTH = 64  # inline elements nested in one block of a bulletin; deeper ones are flattened


def safe_href(href: str) -> bool:
    """Relative links and http(s)/mailto/ftp links only: never `javascript:` or `data:`."""
    cleaned = re.sub(r"[\x00-\x20]", "", href)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return not scheme or scheme in SAFE_SCHEMES


# Characters XML 1.0 cannot hold; a plain-text or HTML source may (a form feed, a stray \x1e)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text that lxml accepts: each character XML 1.0 forbids becomes U+FFFD (a form feed, a space)."""
    if not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub(lambda m: " " if m.group() in "\x0b\x0c" else "\ufffd", text)


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


# -- writing ---------------------------------------------------------------------------


class _StartTag(HTMLParser):
    """The name and attributes of the first start tag of a piece of markup."""

    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = ""
        self.attrs: dict[str, str] = {}
        self.feed(raw)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.name:
            self.name, self.attrs = tag, attribute_values(attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


class _Builder:
    """Appends text and elements in document order under one inline element; `finish` when done.

    Linear in what it appends: text is held until an element opens or closes (or the end) and
    then set at once (lxml copies an element's whole text or tail each time it is set), and the
    last child of each element is remembered (lxml counts an element's children one by one). A
    paragraph of 20,000 sentences took 144 s.
    """

    def __init__(self, root: etree._Element) -> None:
        self.stack: list[etree._Element | None] = [root]  # None: markup dropped, content kept
        self.pending: list[str] = []  # text after the last element opened or closed, not yet set
        self.last_child: dict[etree._Element, etree._Element] = {root: root[-1]} if len(root) else {}

    def _current(self) -> etree._Element:
        return next(e for e in reversed(self.stack) if e is not None)

    def _set_pending(self) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending.clear()
        parent = self._current()
        child = self.last_child.get(parent)
        if child is not None:
            child.tail = (child.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def text(self, text: str) -> None:
        text = xml_text(text)
        if text:
            self.pending.append(text)

    def open(self, tag: str | None, attrib: Mapping[str, str] | None = None) -> None:
        if tag is None or len(self.stack) > MAX_INLINE_DEPTH:
            # deeper markup is dropped and its text kept: the recursive HTML writer below and
            # parse_xml (256 levels) never meet a 10,000-deep tree
            self.stack.append(None)
            return
        self._set_pending()
        parent = self._current()
        element = etree.SubElement(parent, _NS + tag)
        self.last_child[parent] = element
        for name, value in (attrib or {}).items():
            element.set(name, xml_text(value))
        self.stack.append(element)

    def close(self) -> None:
        if len(self.stack) > 1:
            if self.stack[-1] is not None:  # (text goes on where it went when dropped markup closes)
                self._set_pending()
            self.stack.pop()

    def finish(self) -> None:
        self._set_pending()

    def empty(self, tag: str, text: str = "", attrib: Mapping[str, str] | None = None) -> None:
        self.open(tag, attrib)
        self.text(text)
        self.close()


def _html_placeholder(builder: _Builder, role: str, raw: str, description: str) -> None:
    """Write the bulletin form of a piece of an HTML source's inline markup."""
    if role == "close":
        builder.close()
        return
    start = _StartTag(raw)
    if role == "open":
        tag = _INLINE.get(start.name)
        if tag == "a":
            href = start.attrs.get("href", "")
            builder.open("a", {"href": href}) if href and safe_href(href) else builder.open("span")
        else:  # <em>, <strong>, or None: markup dropped, text kept (never a `translate="no"`
            builder.open(tag)  # element: the HTML reader makes that one untranslated mark, `<n/>`)
        return
    if start.name == "br":
        builder.empty("br")
    elif description.startswith("untranslated "):
        content = html.unescape(_without_tags(raw))
        if start.name == "code":
            builder.empty("code", content)
        elif content.strip():
            builder.empty("span", content, {"translate": "no"})
    # anything else (images, comments, stray tags) has no bulletin form and is left out


def _fill(
    parent: etree._Element,
    article: Article,
    block: Block,
    choices: Mapping[str, Choice],
    lang: str,
    source_lang: str,
) -> None:
    if not block.pieces:  # a plain-text paragraph without words (`50%.`), as written: in the source's
        parent.set(XML_LANG, language_tag(source_lang))  # language and direction (in an Arabic page too)
    builder = _Builder(parent)
    previous: Choice | None = None
    lead, trail = edges(article.text, block)
    builder.text(_plain_separator(article, lead))
    separators = ("", *block.separators)
    for separator, piece in zip(separators, block.pieces):
        choice = choices.get(piece.key) or Choice(piece.text, Mark.SOURCE, "not translated")
        if previous is not None:
            builder.text(joins(lang, previous, choice, _plain_separator(article, separator)))
        _fill_piece(builder, article, piece, choice, source_lang)
        previous = choice
    builder.text(_plain_separator(article, trail))
    builder.finish()


def _without_tags(text: str) -> str:
    """The text less every `<…>`, as `re.sub("<[^>]*>", "", text)` but in one pass: that pattern
    reads to the end of the text from each `<` of a long run of them that no `>` closes."""
    out: list[str] = []
    last = 0
    while (start := text.find("<", last)) >= 0 and (end := text.find(">", start)) >= 0:
        out.append(text[last:start])
        last = end + 1
    out.append(text[last:])
    return "".join(out)


def _plain_separator(article: Article, separator: str) -> str:
    """The text between two units, without the source's markup and line breaks."""
    if article.format is not Format.TEXT:
        separator = html.unescape(_without_tags(separator))
    return _SPACE.sub(" ", separator)


def _fill_piece(builder: _Builder, article: Article, piece: Piece, choice: Choice, source_lang: str) -> None:
    depth = len(builder.stack)
    if choice.mark is Mark.SOURCE:
        builder.open("span", {XML_LANG: language_tag(source_lang)})
    elif choice.mark is Mark.MACHINE:
        builder.open("span", {"state": "machine"})
    for token in piece_tokens(piece, choice):
        if isinstance(token, str):
            builder.text(token)
            continue
        role, placeholder = token
        span = placeholder.end if role == "close" and placeholder.end else placeholder.start
        raw = article.text[span[0] : span[1]]
        _html_placeholder(builder, role, raw, placeholder.description)
    while len(builder.stack) > depth:
        builder.close()


def _body_kind(block: Block) -> str:
    if block.kind is BlockKind.HEADING:
        return "h"
    if block.kind is BlockKind.LIST_ITEM:
        return "item"
    if block.kind is BlockKind.CAPTION:
        return "caption"
    return "p"


def write_bulletin(
    article: Article, choices: Mapping[str, Choice], lang: str, source_lang: str = "en"
) -> etree._ElementTree:
    """The bulletin document of a plain-text or HTML article, localized.

    The title is the article's title block (else its first heading); the
    metadata are the source's; attribute and meta texts are left out.
    """
    root = etree.Element(_NS + "bulletin", nsmap={None: BULLETIN_NS})  # type: ignore[dict-item]
    root.set(XML_LANG, language_tag(lang))
    root.set("version", "1")
    head = etree.SubElement(root, _NS + "head")
    body = etree.SubElement(root, _NS + "body")
    # (a block without units is a plain-text paragraph without words, `* * *`: published as written)
    blocks = [b for b in article.blocks
              if (b.pieces or b.span) and not b.attribute and b.kind is not BlockKind.META]
    title_block = next((b for b in blocks if b.kind is BlockKind.TITLE), None)
    if title_block is None:
        title_block = next((b for b in blocks if b.kind is BlockKind.HEADING), None)
    title = etree.SubElement(head, _NS + "title")
    if title_block is not None:
        _fill(title, article, title_block, choices, lang, source_lang)
    else:
        title.text = _name_as_title(article)
    if article.metadata.get("source"):
        etree.SubElement(head, _NS + "source").text = xml_text(article.metadata["source"])
    date = parse_date(article.metadata.get("date", ""))
    if date is not None:
        etree.SubElement(head, _NS + "date").text = date.isoformat()
    current_list: etree._Element | None = None
    for block in blocks:
        if block is title_block or (article.format is Format.HTML and block.kind is BlockKind.TITLE):
            continue
        kind = _body_kind(block)
        if kind == "item":
            if current_list is None:
                current_list = etree.SubElement(body, _NS + "list")
                own_numbers = article.format is Format.TEXT and _ROMAN_ITEM.match(block.pieces[0].text)
                current_list.set("style", "none" if own_numbers else "bullet")
            _fill(etree.SubElement(current_list, _NS + "item"), article, block, choices, lang, source_lang)
            continue
        current_list = None
        if kind == "caption":
            element = etree.SubElement(etree.SubElement(body, _NS + "figure"), _NS + "caption")
        else:
            element = etree.SubElement(body, _NS + kind)
        _fill(element, article, block, choices, lang, source_lang)
    return etree.ElementTree(root)


def _name_as_title(article: Article) -> str:
    """The title of an article that has none: its file's name, less the extension."""
    return xml_text(article.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])


def assemble_bulletin(
    article: Article, choices: Mapping[str, Choice], lang: str, source_lang: str = "en"
) -> etree._ElementTree:
    """The bulletin document of an article of any format, localized and schema-checked.

    Raises PublishError when the result is not a valid bulletin.
    """
    if article.format is Format.XML:
        match = _PREFIX.search(article.text)
        prefix = (match.group(1) or "") if match else ""
        text = localize(article, choices, lang, source_lang=source_lang, prefix=prefix).text
        try:
            tree = parse_xml(_DECLARATION.sub("", text, count=1).encode("utf-8"), article.path)
        except WorkflowError as exc:
            raise PublishError(
                f"the localized bulletin is not well-formed: {exc.message}",
                path=article.path,
                line=exc.line,
                hint="report this as a bug, with the source and catalog",
            ) from None
        tree.getroot().set(XML_LANG, language_tag(lang))
        # an empty `<title></title>` is named as a plain-text article without a title line is: a page's
        # <title> may not be empty (invalid HTML), nor its link in the index (invisible)
        title = tree.find(f"{_NS}head/{_NS}title")
        if title is not None and not "".join(map(str, title.itertext())).strip():
            title.text = _name_as_title(article)
    else:
        tree = write_bulletin(article, choices, lang, source_lang)
    # The edition is a draft when any unit shows a machine translation, also one the document itself
    # does not hold (an HTML page's attributes and meta tags): said on its root, so that the index,
    # the feed and a later run that must withdraw drafts read it from the bulletin, which is all they
    # keep of the edition. (An XML source's own root says nothing of this edition: set or taken off.)
    root = tree.getroot()
    if any(choice.mark is Mark.MACHINE for choice in choices.values()):
        root.set("state", "machine")
    elif "state" in root.attrib:
        del root.attrib["state"]
    schema = bulletin_schema()
    if not schema.validate(tree):
        error = schema.error_log[0]  # type: ignore[index]  # lxml-stubs lacks __getitem__
        raise PublishError(
            f"the localized bulletin breaks the schema: {error.message}",
            path=article.path,
            hint="report this as a bug, with the source and catalog",
        )
    return tree


def serialize(tree: etree._ElementTree) -> bytes:
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8")) + b"\n"
