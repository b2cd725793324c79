"""`workflow serve` in a real browser: Debian's headless Chromium, driven by Playwright's Python API.

The test starts the real command (`python -m workflow serve --port 0`), reads the
URL it prints, opens it, edits a unit, approves it with Ctrl+Enter and reads the PO
file. `make test` installs Chromium (`make tools`); a machine without it fails here
with the install hint rather than skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from publishing import workspace

from workflow.settings import Settings

ARTICLE = "news.html"
PAGE = ('<!DOCTYPE html><html lang="en"><head><title>Exports grew</title></head><body>'
        "<p>Exports grew by 10 percent in 2020.</p><p>Imports fell.</p></body></html>\n")
HOSTILE = "A <b>bold</b> title\n\nIt says <img src=x onerror=window.pwned=1> here.\n"
SCREENSHOTS = os.environ.get("WORKFLOW_SCREENSHOTS")  # a folder: save the screenshots docs/ shows


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is needed: `make tools` installs it (apt-get install chromium)"
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    settings = workspace(tmp_path / "ws", {ARTICLE: PAGE, "hostile.txt": HOSTILE}, languages="zh ar")
    process = subprocess.Popen(
        [sys.executable, "-m", "workflow", "--root", str(settings.root), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "?token=" in url, url
        yield settings, url
    finally:
        process.terminate()
        process.communicate(timeout=10)  # reads and closes both pipes


@pytest.mark.slow
def test_edit_and_approve_with_the_keyboard(served: tuple[Settings, str]) -> None:
    from playwright.sync_api import sync_playwright

    settings, url = served
    base = url.split("/?")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(url)
        assert page.locator("text=Chinese").count() >= 1
        page.goto(f"{base}/zh/units?article={ARTICLE}")
        unit = page.locator(".unit", has_text="Exports grew by")
        unit.locator(".target").fill("2020年出口增长了10%。")
        unit.locator(".target").press("Control+Enter")
        page.wait_for_function("document.querySelectorAll('.state.reviewed').length === 1")
        focused = page.evaluate("document.activeElement.closest('.unit') && "
                                "document.activeElement.closest('.unit').querySelector('.source').textContent")
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / "serve-units-zh.png"))
        page.goto(f"{base}/zh/units?article=hostile.txt")
        page.wait_for_selector(".unit .source")
        assert page.evaluate("window.pwned === undefined")
        assert "<img src=x onerror=window.pwned=1>" in (page.locator(".source").nth(1).text_content() or "")
        page.goto(f"{base}/ar/units?article={ARTICLE}")
        target = page.locator(".target").first
        assert target.get_attribute("dir") == "rtl" and target.get_attribute("lang") == "ar"
        target.fill("نمت الصادرات")
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / "serve-edit-ar.png"))
        browser.close()
    catalog = polib.pofile(str(settings.catalog(ARTICLE, "zh")))
    approved = [e for e in catalog if e.msgid == "Exports grew by 10 percent in 2020."]
    assert approved[0].msgstr == "2020年出口增长了10%。" and "fuzzy" not in approved[0].flags
    assert focused == "Imports fell."  # Ctrl+Enter moved on to the next unit


@pytest.mark.slow
def test_approving_keeps_multi_line_comments_and_an_edited_comment_keeps_its_lines(
        served: tuple[Settings, str]) -> None:
    """A plain Approve sends no comment (each line stays); a comment typed on two lines is saved on two;
    an emptied target is refused with a message."""
    from playwright.sync_api import sync_playwright

    settings, url = served
    path = settings.catalog(ARTICLE, "zh")
    comments = 'Client asked: keep it short.\nDo NOT use "encore".\nworkflow-ignore: numbers'
    catalog = polib.pofile(str(path))
    for item in catalog:
        if item.msgid.startswith("Exports grew by"):
            item.tcomment = comments
    catalog.save()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page()
        sent: list[dict[str, object]] = []
        page.on("request", lambda request: sent.append(request.post_data_json)
                if request.method == "POST" and "/units/" in request.url else None)
        page.goto(url)
        page.goto(f"{url.split('/?')[0]}/zh/units?article={ARTICLE}")
        unit = page.locator(".unit", has_text="Exports grew by")
        assert unit.locator(".comment").input_value() == comments
        unit.locator(".target").fill("2020年出口增长了10%。")
        unit.locator(".approve").click()
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.message')).some(m => m.textContent === 'saved')")
        first = next(e for e in polib.pofile(str(path)) if e.msgid.startswith("Exports grew by"))
        other = page.locator(".unit", has_text="Imports fell.")
        other.locator(".target").fill("进口下降了。")
        other.locator(".comment").fill("First line.\nSecond line.")
        other.locator(".needs-work").click()
        page.wait_for_function("document.querySelectorAll('.state.needs-work').length === 1")
        unit.locator(".target").fill("")  # an emptied target is not saved: the page says why
        unit.locator(".approve").click()
        page.wait_for_function("document.querySelector('.message.error')")
        refused = unit.locator(".message").text_content() or ""
        browser.close()
    assert refused.startswith("the target is empty"), refused
    assert "comment" not in sent[0] and sent[1]["comment"] == "First line.\nSecond line."
    assert first.msgstr == "2020年出口增长了10%。" and first.tcomment == comments
    second = next(e for e in polib.pofile(str(path)) if e.msgid == "Imports fell.")
    assert second.tcomment == "First line.\nSecond line." and second.msgstr == "进口下降了。"
