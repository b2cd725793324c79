"""Helpers for the publishing tests: tiny workspaces and catalogs filled with polib."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import polib
from extracting import SAMPLE, make_workspace, need_sample  # noqa: F401 (the publishing tests import them from here)
from extracting import SAMPLE_TMX as TMX
from lxml import etree

from workflow.assemble import choose, localize
from workflow.extract import extract
from workflow.model import Article, State
from workflow.settings import Settings, load_settings

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PLACEHOLDER = re.compile(r"(</?\d+/?>)")
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"

Translate = Callable[[str], "str | None"]


def workspace(
    root: Path, sources: dict[str, str | bytes], languages: str = "zh ar", extra: str = ""
) -> Settings:
    """A workspace with the given source files, extracted."""
    make_workspace(root, sources, languages)
    with (root / "setup.cfg").open("a", encoding="utf-8") as config:
        config.write(extra)
    settings = load_settings(root)
    report = extract(settings)
    assert report.ok, report.failures
    return settings


def fill(settings: Settings, lang: str, article: str, translate: Translate, *, fuzzy: bool = False,
         provenance: str = "mt test 1") -> int:
    """Put translations into an article's catalog; `translate` returns None to leave a unit empty.

    A fuzzy target is machine output with `provenance` ("" : a translator marked it fuzzy by hand).
    """
    path = settings.catalog(article, lang)
    catalog = polib.pofile(str(path))
    count = 0
    for entry in catalog:
        if entry.obsolete:
            continue
        target = translate(entry.msgid)
        if target is None:
            continue
        entry.msgstr = target
        if fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        if fuzzy:
            entry.tcomment = f"workflow: {provenance}" if provenance else ""
        if not fuzzy and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        count += 1
    catalog.save(str(path))
    return count


def tmx_pairs() -> dict[str, str]:
    """English -> Chinese from the sample translation memory."""
    need_sample()
    tree = etree.parse(str(TMX))
    pairs: dict[str, str] = {}
    for unit in tree.iter("tu"):
        texts = {tuv.get(XML_LANG): "".join(tuv.find("seg").itertext()) for tuv in unit.iter("tuv")}
        if texts.get("en") and texts.get("zh"):
            pairs[texts["en"]] = texts["zh"]
    return pairs


def pseudo_arabic(text: str) -> str:
    """A stand-in Arabic translation: Latin letters become Arabic ones, placeholders stay."""

    def letters(chunk: str) -> str:
        return "".join(
            _ARABIC[ord(c.lower()) % len(_ARABIC)] if c.isascii() and c.isalpha() else c for c in chunk
        )

    return "".join(
        part if _PLACEHOLDER.fullmatch(part) else letters(part) for part in _PLACEHOLDER.split(text)
    )


def upper(text: str) -> str:
    """A visible stand-in translation that keeps placeholders."""
    return "".join(
        part if _PLACEHOLDER.fullmatch(part) else part.upper() for part in _PLACEHOLDER.split(text)
    )


def localized(article: Article, targets: Mapping[str, str], lang: str, *, source_lang: str = "en") -> str:
    """An article's text as publish localizes it (`choose` -> `localize`), every given target a reviewed
    translation: a unit without one, or whose translation publish refuses, shows its source text marked
    as in the source language (`without_marks` takes those marks off again)."""
    choices = choose(article, {key: (target, State.REVIEWED) for key, target in targets.items()})
    return localize(article, choices, lang, source_lang=source_lang).text


_SPAN = re.compile(r"<span\b[^>]*>|</span>")
_MARKS = ('<span lang="en" dir="ltr">', '<span xml:lang="en">')


def without_marks(text: str) -> str:
    """Localized text less the marks publish puts around units shown in the source language: each
    mark's start tag and the end tag that closes it (the test pages hold no `<span` outside markup)."""
    out: list[str] = []
    stack: list[bool] = []  # for each open span: whether it is a mark
    cursor = 0
    for match in _SPAN.finditer(text):
        if match.group() == "</span>":
            if not (stack and stack.pop()):
                continue
        elif match.group() in _MARKS:
            stack.append(True)
        else:
            stack.append(False)
            continue
        out.append(text[cursor : match.start()])
        cursor = match.end()
    out.append(text[cursor:])
    return "".join(out)
