"""Helpers for the extraction tests: workspaces, HTML5 trees, gettext's checker."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import html5lib
import pytest

from workflow.files import write_atomic
from workflow.model import Segment
from workflow.settings import Settings, init_workspace, load_settings
from workflow.store import plan_catalog

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"
HARD_HTML = CASES / "hard-html" / "input.html"
BULLETIN_XML = CASES / "bulletin-xml" / "input.xml"
REPO = TESTS.parent
# the sample bulletin and its Chinese memory and glossary are part of the repository (the demo's material)
SAMPLE = REPO / "source" / "ciftis-bulletin-2021-01.txt"
SAMPLE_TMX = REPO / "samples" / "tm" / "ciftis-en-zh.tmx"
SAMPLE_GLOSSARY = REPO / "samples" / "glossary" / "en-zh.tsv"
# real web pages are third-party content, not copied into the repository: a folder of them is named by
# WORKFLOW_WEB_PAGES (.ci/run passes the project's sample pages when it has them)
WEB_VARIABLE = "WORKFLOW_WEB_PAGES"
WEB = Path(os.environ[WEB_VARIABLE]) if os.environ.get(WEB_VARIABLE) else None
ALL_LANGUAGES = ("zh", "fr", "es", "ar", "ru")
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def need_sample() -> None:
    """Fail, saying what is missing, when the repository's sample material is not there."""
    missing = [str(p) for p in (SAMPLE, SAMPLE_TMX, SAMPLE_GLOSSARY) if not p.is_file()]
    if missing:
        pytest.fail(f"the repository's sample material is missing: {', '.join(missing)}")


def web_pages() -> list[Path]:
    """The pages of the folder WORKFLOW_WEB_PAGES names (none when it is not set).

    A folder named but missing or empty fails the run: a typo must not test nothing, silently.
    """
    if WEB is None:
        return []
    pages = sorted(WEB.glob("*.html")) if WEB.is_dir() else []
    if not pages:
        pytest.fail(f"{WEB_VARIABLE}={WEB} names no folder of *.html pages: fix it, or unset it",
                    pytrace=False)
    return pages


def gnu_gettext(tool: str) -> str:
    """The path of a GNU gettext program; the test is skipped without it, and fails on CI (CI installs it)."""
    path = shutil.which(tool)
    if path is None:
        missing = f"GNU gettext's {tool} is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must install the gettext package (make tools)", pytrace=False)
        pytest.skip(f"{missing} (make tools installs the gettext package)")
    return path


def make_workspace(
    root: Path,
    sources: Mapping[str, str | bytes],
    languages: str = "zh fr es ar ru",
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """A fresh workspace holding `sources` (name under source/ -> content)."""
    init_workspace(root)
    config = root / "setup.cfg"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^languages = .*$", f"languages = {languages}", text), encoding="utf-8")
    for name, content in sources.items():
        write_source(root, name, content)
    return load_settings(root, environ=environ or {})


def write_source(root: Path, name: str, content: str | bytes) -> Path:
    path = root / "source" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def write_catalog(path: Path, segments: list[Segment], lang: str, article: str) -> None:
    """Write the catalog of one article's segments as `extract` does (`plan_article`): plan, then write."""
    plan = plan_catalog(path, segments, lang, article, "source")
    if plan.data is not None:
        write_atomic(path, plan.data)


def msgfmt_check(path: Path) -> str:
    """What `msgfmt --check` says about a catalog ("" when it has nothing to say)."""
    result = subprocess.run(
        [gnu_gettext("msgfmt"), "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    return (result.stderr + ("" if result.returncode == 0 else f"\nexit {result.returncode}")).strip()


def html5_events(markup: str, *, drop: str = "") -> list[tuple[str, ...]]:
    """A document as an HTML5 parser builds it: elements, attributes and text, in order.

    Runs of whitespace inside text and attribute values are compared collapsed to
    one space (and trimmed in attributes); characters in `drop` are removed first,
    so that marked translations can be compared with their source.
    """
    table = str.maketrans("", "", drop)
    document = html5lib.parse(markup, namespaceHTMLElements=False)
    events: list[tuple[str, ...]] = []

    def text(value: str) -> None:
        value = value.translate(table)
        if not value:
            return
        if events and events[-1][0] == "text":
            value = events.pop()[1] + value
        events.append(("text", value))

    def visit(element: object) -> None:
        tag = getattr(element, "tag")
        if not isinstance(tag, str):  # a comment
            events.append(("comment", str(getattr(element, "text") or "")))
        else:
            attributes = sorted(
                (name, _WHITESPACE.sub(" ", value.translate(table)).strip())
                for name, value in getattr(element, "attrib").items()
            )
            events.append(("element", tag, *(f"{name}={value}" for name, value in attributes)))
            text(getattr(element, "text") or "")
        for child in element:  # type: ignore[attr-defined]
            visit(child)
            text(getattr(child, "tail") or "")
        if isinstance(tag, str):
            events.append(("end", tag))

    visit(document)
    return [("text", _WHITESPACE.sub(" ", e[1])) if e[0] == "text" else e for e in events]


def html5_text(markup: str) -> str:
    """The text an HTML5 parser finds in a fragment, whitespace collapsed."""
    fragment = html5lib.parseFragment(markup, namespaceHTMLElements=False)
    return _WHITESPACE.sub(" ", "".join(fragment.itertext())).strip()
