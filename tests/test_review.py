"""`workflow review`: one self-contained, valid HTML5 page per language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from reviewing import BULLETIN, PAGE, Put, put, snapshot, workspace

from workflow.cli import cli
from workflow.model import State
from workflow.review import render_review, review, word_diff
from workflow.settings import Settings

NS = {"h": "http://www.w3.org/1999/xhtml"}
ROOT = Path(__file__).resolve().parents[1]
JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
)


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    settings = workspace(tmp_path / "ws", {"fair.txt": BULLETIN, "page.html": PAGE}, languages="zh ar")
    put(
        settings,
        "zh",
        "fair.txt",
        {
            "Trade Fair": Put("北京贸易展会开幕", State.REVIEWED),
            "The fair opened": Put("展会于1月10日开幕。", State.MACHINE, provenance="mt argos en-zh"),
            "It drew": Put(
                "吸引了来自148个国家的2.3万名观众。", State.CHANGED, previous="It drew 21,000 visitors."
            ),
            "Details": Put("<script>alert(1)</script> & https://example.org/fair", State.MACHINE),
        },
    )
    put(
        settings,
        "zh",
        "page.html",
        {"The <1>": Put("<1>2020年展会</1>举办了<2>190场论坛</2>。", State.REVIEWED)},
    )
    put(settings, "ar", "fair.txt", {"The fair opened": Put("افتتح المعرض في 10 يناير.", State.REVIEWED)})
    return settings


def parse(path: Path) -> object:
    """Parse as a browser would, failing on any HTML5 parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(path.read_bytes())


def test_review_page(ws: Settings) -> None:
    before = snapshot(ws.locales)
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "review", "zh"])
    assert result.exit_code == 0, result.output
    page = ws.output / "review" / "zh.html"
    assert Path(result.stdout.strip()).resolve() == page
    # errors: 22,000 changed; press@example.org and a stray number in the "script" unit
    assert "zh: 7 unit(s) in 2 article(s), 3 error(s), 0 warning(s); page written" in result.stderr
    assert snapshot(ws.locales) == before  # review reads catalogs, never writes them
    tree = parse(page)
    units = tree.findall(".//h:tr[@class]", NS)
    rows = [u for u in units if "unit" in u.get("class", "").split()]
    assert [u.get("data-state") for u in rows] == [
        "reviewed",
        "machine",
        "changed",
        "machine",
        "new",
        "new",
        "reviewed",
    ]
    # articles in order, units in reading order
    assert [h.findtext("h:bdi", namespaces=NS) for h in tree.findall(".//h:h2", NS)] == [
        "fair.txt",
        "page.html",
    ]
    changed = rows[2]
    assert changed.get("data-checks") == "numbers" and "has-error" in changed.get("class", "")
    diff = changed.find(".//h:div[@class='diff']", NS)
    assert [d.text for d in diff.findall("h:del", NS)] == ["21"]
    assert [i.text for i in diff.findall("h:ins", NS)] == ["22", " from 148 countries"]
    assert "mt argos en-zh" in "".join(rows[1].itertext())
    # targets are text, never markup: one script element, the page's own
    assert len(tree.findall(".//h:script", NS)) == 1
    assert "<script>alert(1)</script>" in "".join(rows[3].find("h:td[@class='target']", NS).itertext())
    # placeholders shown as tags
    spans = rows[6].findall(".//h:td[@class='target']/h:span[@class='ph']", NS)
    assert [s.text for s in spans] == ["<1>", "</1>", "<2>", "</2>"]


def test_self_contained(ws: Settings) -> None:
    text = render_review(ws, "zh").html
    tree = html5lib.parse(text, namespaceHTMLElements=True)
    for element in tree.iter():
        for name in ("src", "href", "action"):
            value = element.get(name)
            assert value is None or value.startswith("#"), (element.tag, value)
    assert "@import" not in text and "url(" not in text


def test_directions(ws: Settings) -> None:
    review(ws, "ar")
    tree = parse(ws.output / "review" / "ar.html")
    target = tree.find(".//h:td[@class='target']", NS)
    source = tree.find(".//h:td[@class='source']", NS)
    assert (target.get("lang"), target.get("dir")) == ("ar", "rtl")
    assert (source.get("lang"), source.get("dir")) == ("en", "ltr")
    zh = html5lib.parse(render_review(ws, "zh").html, namespaceHTMLElements=True)
    assert zh.find(".//h:td[@class='target']", NS).get("dir") == "ltr"


def test_filters(ws: Settings) -> None:
    tree = html5lib.parse(render_review(ws, "zh").html, namespaceHTMLElements=True)
    states = [box.get("value") for box in tree.findall(".//h:input[@name='state']", NS)]
    assert states == ["new", "machine", "needs-work", "changed", "reviewed"]
    options = [o.get("value") for o in tree.findall(".//h:select[@id='check']/h:option", NS)]
    assert options[:2] == ["", "*"] and "numbers" in options and "placeholders" in options


def test_a_unit_marked_fuzzy_by_hand_needs_work(ws: Settings) -> None:
    marked = Put("<1>2020年展会</1>举办了<2>190场论坛</2>。", State.NEEDS_WORK)
    put(ws, "zh", "page.html", {"The <1>": marked})
    tree = html5lib.parse(render_review(ws, "zh").html, namespaceHTMLElements=True)
    rows = [r for r in tree.findall(".//h:tr[@data-state]", NS)]
    assert [r.get("data-state") for r in rows].count("needs-work") == 1
    assert [r.get("data-state") for r in rows].count("machine") == 2  # the engines' output stays machine
    box = tree.find(".//h:input[@value='needs-work']/..", NS)
    assert box.findtext("h:span[@class='count']", namespaces=NS) == "1"


def test_second_run_writes_nothing(ws: Settings) -> None:
    first = review(ws, "zh")
    stamp = first.path.stat().st_mtime_ns
    second = review(ws, "zh")
    assert first.written and not second.written
    assert second.path.stat().st_mtime_ns == stamp


def test_output_option(ws: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "elsewhere" / "page.html"
    result = runner.invoke(cli, ["--root", str(ws.root), "review", "ar", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and not (ws.output / "review" / "ar.html").exists()
    both = runner.invoke(cli, ["--root", str(ws.root), "review", "--output", str(target)])
    assert both.exit_code == 2 and "--output goes with exactly one LANG" in both.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "It drew 21,000 visitors.",
            "It drew 22,000 visitors.",
            "It drew <del>21</del><ins>22</ins>,000 visitors.",
            id="number",
        ),
        pytest.param(
            "The fair opened.", "The big fair opened.", "The<ins> big</ins> fair opened.", id="inserted-word"
        ),
        pytest.param(
            "A <1>b</1>.",
            "A <1>c</1>.",
            'A <span class="ph">&lt;1&gt;</span><del>b</del><ins>c</ins><span class="ph">&lt;/1&gt;</span>.',
            id="placeholders",
        ),
        pytest.param("x < y", "x > y", "x <del>&lt;</del><ins>&gt;</ins> y", id="escaped"),
    ],
)
def test_word_diff(old: str, new: str, expected: str) -> None:
    assert str(word_diff(old, new)) == expected


def test_valid_html5_for_the_nu_checker(ws: Settings) -> None:
    """The W3C Nu HTML Checker (vnu.jar, `scripts/install-vnu.sh`) finds nothing in the zh and ar pages."""
    java = shutil.which("java")
    if not (JAR.is_file() and java):
        missing = f"the Nu HTML Checker is not installed ({JAR}{'' if java else '; no java'})"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must run scripts/install-vnu.sh first")
        pytest.skip(f"{missing}: run scripts/install-vnu.sh")
    pages = [review(ws, lang).path for lang in ("zh", "ar")]
    result = subprocess.run(
        [java, "-Xss4m", "-jar", str(JAR), "--format", "json", "--also-check-css", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []
    assert result.returncode == 0
