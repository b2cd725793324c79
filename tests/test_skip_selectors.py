"""skip_selectors: CSS selectors of page furniture (menus, footers, language lists) kept untranslated.

tests/data/dw-furniture.html has the furniture of an international news site around an
invented article: a quick-jump menu, the language list (native names such as አማርኛ), a cookie
banner, the article's first paragraph, the footer.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from publishing import fill, upper, workspace

from workflow.cli import cli
from workflow.errors import SettingsError
from workflow.formats import html
from workflow.formats.selectors import MAX_DEPTH

PAGE = Path(__file__).parent / "data" / "dw-furniture.html"
FURNITURE = "#quickjump, #languageSection, #footerSection, .cookie__text, .cookie__buttons"


def units(markup: str, selectors: str) -> list[str]:
    article = html.read(markup.encode(), "a.html", "sentence", html.Elements(skip_selectors=selectors))
    return [segment.text for segment in article.segments()]


def test_furniture_is_not_offered_and_is_published_as_written(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"dw.html": PAGE.read_bytes()}, languages="zh",
                         extra=f"skip_selectors = {FURNITURE}\n")
    msgids = [e.msgid for e in polib.pofile(str(settings.catalog("dw.html", "zh")))]
    intro = "The town has opened a new public library beside the old market hall."
    assert intro in msgids
    for furniture in ("Inhalt", "Amharic <1>አማርኛ</1>", "TOP STORIES", "Sports", "Media Center",
                      "We use cookies to improve our service for you."):
        assert furniture not in msgids
    fill(settings, "zh", "dw.html", upper)
    result = CliRunner().invoke(cli, ["--root", str(settings.root), "publish", "zh"])
    assert result.exit_code == 0, result.output
    published = (settings.output / "zh" / "dw.html").read_text(encoding="utf-8")
    source = PAGE.read_text(encoding="utf-8")
    assert "THE TOWN HAS OPENED A NEW PUBLIC LIBRARY" in published
    for start, end in (('<ol id="quickjump"', "</ol>"), ('<div id="languageSection">', "</ul>"),
                       ('<div id="footerSection"', "MEDIA CENTER</a>")):
        region = source[source.index(start):source.index(end, source.index(start)) + len(end)]
        assert region in published  # byte for byte: no unit, no marking span


@pytest.mark.parametrize(("selectors", "expected"), [
    ("nav, footer", ["Story."]),
    ("[role=navigation]", ["Story.", "Contact"]),
    (".menu", ["Story.", "Contact"]),
    ("header li:first-child", ["World", "Story.", "Contact"]),
    ("ul.menu > li + li", ["Home", "Story.", "Contact"]),
    ("#story p, footer", ["Home", "World"]),
    ("li:last-child, main:has(p)", ["Home", "Contact"]),
])
def test_selectors_of_every_kind(selectors: str, expected: list[str]) -> None:
    page = ('<header><nav role="navigation"><ul class="menu"><li>Home<li>World</ul></nav></header>'
            '<main id="story"><p>Story.</p></main><footer><p>Contact</p></footer>')
    assert units(page, selectors) == expected


def test_an_inline_match_is_a_placeholder_of_its_sentence() -> None:
    page = "<p>Read <span class='brand'>Deutsche Welle</span> daily.</p>"
    assert units(page, ".brand") == ["Read <1/> daily."]


def test_an_attribute_named_twice_matches_by_its_first_value_as_browsers_read_it() -> None:
    page = "<p data-part='menu' data-part='story'>Home</p><p data-part='story' data-part='menu'>News</p>"
    assert units(page, "[data-part=menu]") == ["News"]


def test_no_selectors_skip_nothing() -> None:
    assert units("<nav><p>Home</p></nav>", "") == ["Home"]


def test_a_bad_selector_is_a_located_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        workspace(tmp_path / "ws", {}, languages="zh", extra="skip_selectors = nav, ???\n")
    error = raised.value
    assert error.path is not None and error.path.name == "setup.cfg"
    lines = (tmp_path / "ws" / "setup.cfg").read_text(encoding="utf-8").splitlines()
    assert error.line is not None and re.match(r"skip_selectors\s*=", lines[error.line - 1])
    assert "CSS selector" in error.message and error.hint


def test_elements_deeper_than_the_tree_still_match() -> None:
    # the tree stops at MAX_DEPTH (lxml frees deeper trees recursively: 200,000 levels crashed)
    depth = 4 * MAX_DEPTH
    page = "<div>" * depth + "<p class='menu'>Menu</p><p>Text.</p><nav>Home</nav>" + "</div>" * depth
    assert units(page, ".menu, nav") == ["Text."]
