"""HTML pages and fragments, read as browsers read them.

Which elements are part of a sentence (inline: placeholders, never sentence breaks),
which are never translated, and which classes mark an element as never translated
are settings (`html_inline`, `html_untranslated`, `html_untranslated_classes`), like
po4a's `inline` and `untranslated` options; these are their defaults. `skip_selectors`
(CSS selectors, see selectors.py) keeps whole regions untranslated: menus, footers.
"""

from __future__ import annotations

import functools

from ..languages import base_language
from ..model import Article, BlockKind, Format, LanguageTag
from ..records import frozen
from .common import decode, sniff_html_charset
from .html_elements import HTML_INLINE, HTML_UNTRANSLATED, HTML_UNTRANSLATED_CLASSES
from .published import Dates
from .scanner import Dialect, scan


@frozen
class Elements:
    """The element lists of the HTML reader (settings html_inline, html_untranslated, …)."""

    inline: tuple[str, ...] = HTML_INLINE
    untranslated: tuple[str, ...] = HTML_UNTRANSLATED
    untranslated_classes: tuple[str, ...] = HTML_UNTRANSLATED_CLASSES
    skip_selectors: str = ""  # CSS selectors of regions kept untranslated: `nav, footer, .menu`
    source_lang: str = "en"  # content whose `lang` names another language stays as written


@functools.cache
def dialect(elements: Elements) -> Dialect:
    """The scanner's view of HTML with these element lists."""
    return Dialect(
        inline=frozenset(name.lower() for name in elements.inline),
        void=frozenset("area base br col embed hr img input link meta param source track wbr".split()),
        untranslated=frozenset(name.lower() for name in elements.untranslated),
        untranslated_classes=frozenset(elements.untranslated_classes),
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
        source_language=base_language(elements.source_lang),
    )


DIALECT = dialect(Elements())


def read(data: bytes, path: str, mode: str, elements: Elements = Elements()) -> Article:
    """Read an HTML page or fragment into an Article."""
    text, encoding = decode(data, path, sniff_html_charset(data, path))
    skip: frozenset[int] = frozenset()
    if elements.skip_selectors.strip():
        from .selectors import matched_offsets  # lxml: imported only for pages that use the setting

        skip = matched_offsets(text, elements.skip_selectors)
    dates = Dates()
    languages: list[LanguageTag] = []
    blocks = scan(text, dialect(elements), mode, path, skip, dates, languages)
    title = next((b.pieces[0].text for b in blocks if b.kind is BlockKind.TITLE and b.pieces), "")
    date = dates.date()
    metadata = {"title": title, **({"date": date.isoformat()} if date else {})}
    return Article(path, Format.HTML, text, encoding, tuple(blocks), metadata, tuple(languages))
