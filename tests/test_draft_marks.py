"""Draft marks keep every text legible: they never change a page's own colours.

(scripts/screenshots.py renders a white-on-dark menu page published as a draft, to look at.)
"""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
from publishing import fill, upper, workspace

from workflow.publish import Policy, publish

DARK = (Path(__file__).resolve().parents[1] / "scripts" / "pages" / "dark-menu.html").read_text(
    encoding="utf-8"
)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def rules(css: str) -> dict[str, set[str]]:
    """selector -> the properties it declares (flat CSS, as workflow writes it)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: dict[str, set[str]] = {}
    for selector, body in _RULE.findall(css):
        properties = {d.split(":", 1)[0].strip() for d in body.split(";") if ":" in d}
        found.setdefault(" ".join(selector.split()), set()).update(properties)
    return found


def workflow_styles(page: Path) -> dict[str, set[str]]:
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    styles = [s.text or "" for s in tree.iter("style")]
    return rules("".join(s for s in styles if "data-state" in s))


def test_marked_drafts_keep_the_page_colours_on_a_dark_menu(tmp_path: Path) -> None:
    settings = workspace(
        tmp_path / "ws", {"dark.html": DARK, "story.txt": "Fair opens\n\nIt rained.\n"}, "zh"
    )
    fill(settings, "zh", "dark.html", upper, fuzzy=True)
    fill(settings, "zh", "story.txt", upper, fuzzy=True)
    publish(settings, ["zh"], Policy(draft=True))
    page = settings.output / "zh" / "dark.html"
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    menu = tree.find(".//nav[@class='menu']")
    assert menu.find(".//span[@data-state='machine']/a") is not None  # the white-on-dark menu is marked too
    for css in (workflow_styles(page), workflow_styles(settings.output / "zh" / "story.html")):
        marks = {sel: props for sel, props in css.items() if "data-state" in sel}
        assert marks, css
        for props in marks.values():
            assert not props & {"background", "background-color", "color", "opacity", "filter"}
            assert "outline" in props or "text-decoration" in props or "border-inline-start" in props
        banners = {sel: props for sel, props in css.items() if "banner" in sel and "fallback" not in sel}
        for props in banners.values():  # workflow's own box: it sets both colours, never inherits one
            assert {"color", "background"} <= props or {"color", "background-color"} <= props
