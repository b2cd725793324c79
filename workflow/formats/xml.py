"""The project's bulletin XML (schema: workflow/schema/bulletin.xsd)."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from ..errors import SourceError
from ..languages import base_language
from ..model import Article, BlockKind, Format, LanguageTag
from .common import LineIndex, decode
from .scanner import Dialect, scan

DIALECT = Dialect(
    inline=frozenset("em strong a span code br".split()),
    void=frozenset({"br"}),
    untranslated=frozenset("code source date".split()),
    kinds={
        "title": BlockKind.TITLE,
        "summary": BlockKind.META,
        "h": BlockKind.HEADING,
        "item": BlockKind.LIST_ITEM,
        "caption": BlockKind.CAPTION,
    },
    local_names=True,
)
_CDATA = re.compile(r"<!\[CDATA\[")


@functools.cache
def _dialect(source_language: str) -> Dialect:
    """The bulletin's dialect for a source language (an element in another language stays as written)."""
    return replace(DIALECT, source_language=source_language)


def read(data: bytes, path: str, mode: str, source_lang: str = "en") -> Article:
    """Read a bulletin XML document: checked by lxml and the schema, then scanned.

    An element whose `xml:lang` names another language than `source_lang` (a French quotation) is
    not translated, and one that names the source language names the target's in an edition, as
    in an HTML page."""
    from ..markup import BULLETIN_NS, parse_xml, validate_bulletin  # lxml: only when there is XML

    tree = parse_xml(data, path)
    validate_bulletin(tree, path)
    text, encoding = decode(data, path, tree.docinfo.encoding)
    cdata = _CDATA.search(text)
    if cdata:
        raise SourceError("CDATA sections are not supported in bulletin XML",
                          path=path, line=LineIndex(text).line(cdata.start()),
                          hint="write the text with &lt; and &amp; escapes instead")
    root = tree.getroot()
    metadata: dict[str, str] = {}
    for name in ("title", "source", "date", "summary"):
        element = root.find(f"{{{BULLETIN_NS}}}head/{{{BULLETIN_NS}}}{name}")
        if element is not None:
            metadata[name] = "".join(str(t) for t in element.itertext())
    dialect = _dialect(base_language(source_lang))
    languages: list[LanguageTag] = []  # the `xml:lang` of translated elements: the target's in an edition
    blocks = scan(text, dialect, mode, path, languages=languages)
    return Article(path, Format.XML, text, encoding, tuple(blocks), metadata, tuple(languages))
