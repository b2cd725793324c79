"""Render the Chinese and Arabic editions of the sample bulletin in headless Chromium.

Usage:
    python scripts/screenshots.py [--root WORKSPACE] [--out docs]

Without --root, a demo workspace is built in build/screenshots/: the sample in
source/ is extracted, the Chinese catalog is filled from the sample
translation memory in samples/ (reviewed), the Arabic one with a pseudo-translation in Arabic
letters (reviewed, its last paragraphs left untranslated so the marked English
fallback shows), and both are published. Then output/zh and output/ar are
rendered to docs/screenshot-zh.png and docs/screenshot-ar.png.

A page with a white-on-dark menu, header and footer (scripts/pages/dark-menu.html)
is published in Chinese as a machine draft and rendered to
docs/screenshot-zh-draft.png: the draft marks (a dashed outline in the text's own
colour) must leave every text legible on the page's own colours.

Needs Debian's `chromium` and fonts for CJK and Arabic: scripts/install-chromium.sh.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"  # the sample memory and glossary
ARTICLE = "ciftis-bulletin-2021-01.txt"
DARK = ROOT / "scripts" / "pages" / "dark-menu.html"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PLACEHOLDER = re.compile(r"(</?\d+/?>)")
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def pseudo_arabic(text: str) -> str:
    def letters(chunk: str) -> str:
        return "".join(
            _ARABIC[ord(c.lower()) % len(_ARABIC)] if c.isascii() and c.isalpha() else c for c in chunk
        )

    return "".join(p if _PLACEHOLDER.fullmatch(p) else letters(p) for p in _PLACEHOLDER.split(text))


def tmx_pairs(path: Path) -> dict[str, str]:
    from lxml import etree

    pairs: dict[str, str] = {}
    for unit in etree.parse(str(path)).iter("tu"):
        texts = {tuv.get(XML_LANG): "".join(tuv.find("seg").itertext()) for tuv in unit.iter("tuv")}
        if texts.get("en") and texts.get("zh"):
            pairs[texts["en"]] = texts["zh"]
    return pairs


def fill(po_path: Path, translations: dict[str, str], *, machine: bool = False) -> None:
    import polib

    catalog = polib.pofile(str(po_path))
    for entry in catalog:
        if entry.msgid in translations and not entry.obsolete:
            entry.msgstr = translations[entry.msgid]
            if machine and "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            if not machine and "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalog.save(str(po_path))


DARK_ZH = {
    "Trade fair opens in Beijing": "北京交易会开幕",
    "<1>Home</1><2>World news</2><3>Business</3><4>Contact us</4>": (
        "<1>首页</1><2>国际新闻</2><3>商业</3><4>联系我们</4>"
    ),
    "Visitors came from 148 countries.": "参观者来自148个国家。",
    "The fair opened on Friday.": "交易会于周五开幕。",
    "It runs for six days.": "为期六天。",
    "Exhibitors showed new services for trade and tourism.": "参展商展示了贸易和旅游的新服务。",
    "All rights reserved.": "版权所有。",
}


def demo_workspace(folder: Path) -> Path:
    """A workspace with the sample published in zh (reviewed) and ar (pseudo, with fallbacks)."""
    from workflow.extract import extract
    from workflow.publish import Policy, publish
    from workflow.settings import init_workspace, load_settings

    source = ROOT / "source" / ARTICLE
    if not source.is_file():
        sys.exit(f"the sample is not here: {source}")
    if folder.exists():
        shutil.rmtree(folder)
    init_workspace(folder)
    config = folder / "setup.cfg"
    config.write_text(
        re.sub(r"(?m)^languages = .*$", "languages = zh ar", config.read_text("utf-8")), "utf-8"
    )
    shutil.copy(source, folder / "source" / ARTICLE)
    shutil.copy(DARK, folder / "source" / DARK.name)
    settings = load_settings(folder)
    extract(settings)
    zh = tmx_pairs(SAMPLES / "tm" / "ciftis-en-zh.tmx")
    fill(settings.catalog(ARTICLE, "zh"), zh)
    import polib

    units = [e.msgid for e in polib.pofile(str(settings.catalog(ARTICLE, "ar")))]
    fill(settings.catalog(ARTICLE, "ar"), {u: pseudo_arabic(u) for u in units[: len(units) - 6]})
    fill(settings.catalog(DARK.name, "zh"), DARK_ZH, machine=True)  # a machine draft, marked
    # one run, so that each edition links the other; zh is complete, ar is 80% reviewed
    report = publish(settings, ["zh", "ar"], Policy("threshold", 50, draft=True))
    for edition in report.published:
        print(f"{edition.lang}: {len(edition.fallbacks)} unit(s) shown in English", file=sys.stderr)
    return folder


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not png.is_file() or png.stat().st_size == 0:
        sys.exit(f"chromium wrote no screenshot for {page}")
    print(png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="a workspace whose output/zh and output/ar to render")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNG files")
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=1300)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium is not installed: run scripts/install-chromium.sh")
    root = args.root.resolve() if args.root else demo_workspace(ROOT / "build" / "screenshots")
    for lang in ("zh", "ar"):
        page = root / "output" / lang / ARTICLE.replace(".txt", ".html")
        if not page.is_file():
            sys.exit(f"{page} is not published: run `workflow publish {lang}` first")
        screenshot(browser, page, args.out / f"screenshot-{lang}.png", args.width, args.height)
        screenshot(
            browser,
            root / "output" / lang / "index.html",
            ROOT / "build" / f"index-{lang}.png",
            args.width,
            600,
        )
    dark = root / "output" / "zh" / DARK.with_suffix(".html").name
    if dark.is_file():
        screenshot(browser, dark, args.out / "screenshot-zh-draft.png", args.width, 700)


if __name__ == "__main__":
    main()
