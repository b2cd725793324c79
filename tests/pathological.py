"""Pathological texts and every function that scans source or translation text.

Shared by tests/test_pathological.py (each scanner completes on 1 MB of each input)
and bench/bench_pathological.py (time per scanner and size, to show linear growth).
Each input is a long run of one shape that a backtracking pattern could stumble on:
digits, separators, dots, letters without a space, brackets, quotes, placeholder
look-alikes, e-mail-like `a.a.a.`, URL-like and number-word runs.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from workflow.assemble import choose
from workflow.bulletin import assemble_bulletin
from workflow.formats import html as html_format
from workflow.formats import text as text_format
from workflow.formats import xml as xml_format
from workflow.glossary import Glossary, Term
from workflow.model import MTResult
from workflow.pretranslate.engines import pseudolocalize
from workflow.pretranslate.protect import protect, restore
from workflow.qa import CHECKS, CheckContext
from workflow.qa.numbers import find_numbers
from workflow.segment import PARAGRAPH, SENTENCE, parse_target, placeholder_problems, split_block, unit_key


def _run(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# name -> text of (about) `size` characters
INPUTS: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "1" * n,
    "commas": lambda n: _run("1,", n),
    "dots": lambda n: _run("1.", n),
    "only-dots": lambda n: "." * n,
    "spaced-digits": lambda n: _run("1 ", n),
    "grouped": lambda n: _run("1 000", n),
    "letters": lambda n: "a" * n,
    "a-dot": lambda n: _run("a.", n),
    "email-like": lambda n: _run("a@a.", n),
    "url-like": lambda n: "http://" + "a" * n,
    "hashes": lambda n: _run("#a", n),
    "brackets": lambda n: "(" * (n // 2) + "]" * (n // 2),
    "quotes": lambda n: _run("\"“«'", n),
    "placeholders": lambda n: _run("<1<1", n),
    "tags": lambda n: _run("<1>", n),
    "formula": lambda n: _run("1+", n),
    "spaces": lambda n: "a" + " " * n + "b",
    "words": lambda n: _run("one million ", n),
    "sentences": lambda n: _run("Prices rose. ", n),  # a paragraph of 77,000 sentences
    "han": lambda n: _run("二〇二〇年三千", n),
    "months": lambda n: _run("Jan 1 ", n),
    "ampersands": lambda n: _run("&a", n),
    "markup": lambda n: _run("<a b='", n),
}

_TERMS = (
    Term("white paper", "白皮书"), Term("Belt and Road Initiative", "一带一路倡议"),
    Term("a a", "甲"), Term("CIFTIS", "CIFTIS", do_not_translate=True), Term("1", "一"),
)
GLOSSARY = Glossary("zh", _TERMS)


def _check(check_id: str, lang: str) -> Callable[[str], object]:
    check = CHECKS[check_id]

    def run(text: str) -> object:  # the text as source and as translation: both sides scanned
        return check(text, text, CheckContext(lang, "en", "k", terms=_TERMS))

    return run


def _restore(text: str) -> object:
    protected = protect(text, GLOSSARY)
    return restore(text, protected, MTResult(text, protected.request.spans))


def _bulletin(text: str) -> bytes:
    body = html.escape(text, quote=False)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1">'
            f'<head><title>T</title></head><body><p>{body}</p></body></bulletin>\n').encode("utf-8")


def _bulletin_of_text(text: str) -> object:
    article = text_format.read(("Title\n\n" + text).encode("utf-8"), "a.txt", SENTENCE)
    return assemble_bulletin(article, choose(article, {}), "fr")


# name -> function of one text
SCANNERS: dict[str, Callable[[str], object]] = {
    **{f"check {check_id} {lang}": _check(check_id, lang)
       for check_id in ("numbers", "links", "placeholders", "glossary", "do-not-translate", "punctuation",
                        "whitespace", "identical", "length", "reviewed")
       for lang in {"numbers": ("zh",), "punctuation": ("zh", "fr", "ar")}.get(check_id, ("zh",))},
    # the numbers check reads English (strict) and zh / ar (not strict): German adds `Mio.`-style scales
    "find_numbers de": lambda text: find_numbers(text, "de", strict=False),
    "glossary find": GLOSSARY.find,
    "glossary missing": lambda text: GLOSSARY.missing(text, text),
    "protect+restore": _restore,
    "parse_target": parse_target,
    "placeholder_problems": lambda text: placeholder_problems(text, text),
    "split_block sentence": lambda text: split_block([text], SENTENCE),
    "split_block paragraph": lambda text: split_block([text], PARAGRAPH),
    "unit_key": unit_key,
    "pseudolocalize": pseudolocalize,
    "read text": lambda text: text_format.read(("Title\n\n" + text).encode("utf-8"), "a.txt", SENTENCE),
    "read html": lambda text: html_format.read(f"<p>{text}</p>".encode("utf-8"), "a.html", SENTENCE),
    "read xml": lambda text: xml_format.read(_bulletin(text), "a.xml", SENTENCE),
    # the text read as a plain-text article and published as a bulletin (every unit in English): one
    # paragraph of many sentences was quadratic (each sentence appended to the paragraph's text anew)
    "bulletin of text": _bulletin_of_text,
}
