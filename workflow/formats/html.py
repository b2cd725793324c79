"""HTML pages and fragments, read as browsers read them."""

from __future__ import annotations

from ..model import Article, BlockKind, Format
from .common import decode, sniff_html_charset
from .scanner import Dialect, scan

DIALECT = Dialect(
    inline=frozenset(
        "a abbr acronym b bdi bdo big br button cite code data del dfn em font i img input ins "
        "kbd label mark q s samp small span strike strong sub sup time tt u var wbr".split()
    ),
    void=frozenset("area base br col embed hr img input link meta param source track wbr".split()),
    untranslated=frozenset("script style pre code kbd samp var textarea svg math template".split()),
    kinds={
        "title": BlockKind.TITLE,
        **{f"h{n}": BlockKind.HEADING for n in range(1, 7)},
        **{tag: BlockKind.LIST_ITEM for tag in ("li", "dt", "dd")},
        **{tag: BlockKind.CAPTION for tag in ("figcaption", "caption")},
        **{tag: BlockKind.TABLE_CELL for tag in ("td", "th")},
    },
    attributes=("alt", "title", "aria-label", "placeholder"),
    meta_names=frozenset("description og:title og:description twitter:title twitter:description".split()),
    head="head",
)


def read(data: bytes, path: str, mode: str) -> Article:
    """Read an HTML page or fragment into an Article."""
    text, encoding = decode(data, path, sniff_html_charset(data, path))
    blocks = scan(text, DIALECT, mode, path)
    title = next((b.pieces[0].text for b in blocks if b.kind is BlockKind.TITLE and b.pieces), "")
    return Article(path, Format.HTML, text, encoding, tuple(blocks), {"title": title})
