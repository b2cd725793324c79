"""Helpers for the extraction tests: workspaces, HTML5 trees, gettext's checker."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import html5lib
import pytest

from workflow.settings import Settings, init_workspace, load_settings

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"
HARD_HTML = CASES / "hard-html" / "input.html"
BULLETIN_XML = CASES / "bulletin-xml" / "input.xml"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = SHARED / "samples" / "source" / "ciftis-bulletin-2021-01.txt"
WEB = SHARED / "samples" / "web"
ALL_LANGUAGES = ("zh", "fr", "es", "ar", "ru")
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def need_shared() -> None:
    """Skip, saying why, when ../shared (the sample material beside the repository) is absent."""
    if not SAMPLE.is_file() or not WEB.is_dir():
        pytest.skip(f"the shared samples are not here ({SHARED}): they sit beside the repository in CI")


def web_pages() -> list[Path]:
    return sorted(WEB.glob("*.html")) if WEB.is_dir() else []


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


def msgfmt_check(path: Path) -> str:
    """What `msgfmt --check` says about a catalog ("" when it has nothing to say)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext's msgfmt is not installed (CI installs the gettext package)")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
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
