"""Published HTML is valid HTML5, as the W3C Nu HTML Checker (vnu.jar) sees it.

The checker comes from the npm package vnu-jar (`scripts/install-vnu.sh` puts it in
.tools/) and runs on the machine's Java. Without it the test is skipped on a
developer's machine, and fails in CI (where the variable CI is set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from publishing import (
    SAMPLE,
    fill,
    need_sample,
    pseudo_arabic,
    tmx_pairs,
    upper,
    workspace,
)
from test_publish import BULLETIN, LICENSED, PAGE, STORY

from workflow.publish import Policy, publish

ROOT = Path(__file__).resolve().parents[1]
JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
)


def checker() -> list[str]:
    java = shutil.which("java")
    if JAR.is_file() and java:
        return [java, "-Xss4m", "-jar", str(JAR)]
    missing = f"the Nu HTML Checker is not installed ({JAR}{'' if java else '; no java'})"
    if os.environ.get("CI"):
        pytest.fail(f"{missing}: CI must run scripts/install-vnu.sh first")
    pytest.skip(f"{missing}: run scripts/install-vnu.sh")


def published_site(root: Path) -> list[Path]:
    """Every kind of page publish writes: bulletin pages in zh and ar (with fallbacks and
    drafts), a page from an XML source, a source HTML page, the indexes."""
    need_sample()
    settings = workspace(
        root,
        {
            SAMPLE.name: SAMPLE.read_bytes(),
            "story.txt": STORY,
            "fair.xml": BULLETIN,
            "fair-page.html": PAGE.replace("windows-1252", "utf-8"),
        },
    )
    pairs = tmx_pairs()
    fill(settings, "zh", SAMPLE.name, pairs.get)
    fill(settings, "ar", SAMPLE.name, pseudo_arabic)
    for article in ("story.txt", "fair.xml", "fair-page.html"):
        fill(settings, "zh", article, lambda s: upper(s) if "Visitors" not in s else None)
        fill(
            settings,
            "ar",
            article,
            lambda s: pseudo_arabic(s) if s.startswith(("Trade", "Fair", "The")) else None,
        )
        fill(
            settings,
            "ar",
            article,
            lambda s: pseudo_arabic(s) if s.startswith(("It", "I")) else None,
            fuzzy=True,
        )
    report = publish(settings, ["zh", "ar"], Policy("lead", draft=True))
    assert report.ok, report.failures
    assert len(report.published) == 8
    pages = sorted(settings.output.rglob("*.html"))
    assert len(pages) == 11
    return pages


def test_published_pages_are_valid_html5(tmp_path: Path) -> None:
    command = checker()
    assert problems(published_site(tmp_path / "ws"), command) == []


def test_a_page_with_a_long_leading_comment_and_inner_languages_is_valid(tmp_path: Path) -> None:
    """`<head>` past the first 1024 bytes (a BOM declares UTF-8, no `<meta charset>` comes too late), and
    an Arabic page whose content said `lang="en" dir="ltr"` (test_publish asserts the bytes)."""
    command = checker()
    wiki = LICENSED.replace("<body>", '<body lang="en" dir="ltr"><div lang="en" dir="ltr">').replace(
        "</body>", "</div></body>"
    )
    settings = workspace(tmp_path / "ws", {"licensed.html": LICENSED, "wiki.html": wiki}, languages="ar")
    for article in ("licensed.html", "wiki.html"):
        fill(settings, "ar", article, pseudo_arabic)
    assert publish(settings, ["ar"], Policy()).ok
    assert problems(sorted((settings.output / "ar").glob("*.html")), command) == []


def problems(pages: list[Path], command: list[str]) -> list[str]:
    """What the Nu HTML Checker (`command`, from checker()) says of the pages, one line a message."""
    result = subprocess.run(
        [*command, "--format", "json", "--also-check-css", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    found = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('type')}/{m.get('subType', '')}: "
        + m["message"]
        for m in messages
    ]
    assert found or result.returncode == 0, result.stderr
    return found
