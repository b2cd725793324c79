"""The quality checks: one function per check, each registered with its id by `registry.check`.

Each compares a unit's source and target (and what its `CheckContext` says: language,
state, glossary terms, provenance) and returns a message, or None when the unit passes.
They read nothing else and write nothing.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ..confidence import confidence_of, unknown_words_of
from ..glossary import Glossary, Term, TermMatch, occurring
from ..languages import script_letters, wide_script
from ..model import Severity, State
from ..segment import PLACEHOLDER, forbidden_character, placeholder_problems
from .numbers import FORMULA, find_numbers
from .registry import CheckContext, check

# -- shared text helpers --------------------------------------------------------------

_URL = re.compile(r"""(?:https?://|ftp://|www\.)[^\s<>"“”‘’«»「」『』（）【】，。、；：！？\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+""",
                  re.I)
# Every pattern here runs in linear time on any text (see tests/test_pathological.py): a run
# that may fail after it (the local part before `@`) starts only where the run starts and
# never gives characters back, so a long run is read once, not once per position.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)+")
_HASHTAG = re.compile(r"(?<![\w&/#])#(?=\w*[^\W\d_])\w+")
_URL_TRAILER = ".,;:!?)]}'\"’”»"


def _links(text: str) -> list[tuple[int, int, str]]:
    """URLs, e-mail addresses and hashtags: (start, end, text), in order, not overlapping."""
    found: list[tuple[int, int, str]] = []
    if "@" not in text and "#" not in text and "://" not in text and "www." not in text.lower():
        return found  # most sentences: four scans of the text in C instead of three patterns
    for match in _URL.finditer(text):
        value = match.group().rstrip(_URL_TRAILER)
        found.append((match.start(), match.start() + len(value), value))
    urls = [start for start, _, _ in found]  # in order, not overlapping
    for pattern in (_EMAIL, _HASHTAG):
        for match in pattern.finditer(text):
            before = bisect.bisect_right(urls, match.start()) - 1  # the URL that may hold it
            if before < 0 or found[before][1] <= match.start():
                found.append((match.start(), match.end(), match.group()))
    return sorted(found)


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace spans by spaces, keeping every other offset in place."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _plain(text: str) -> str:
    """The text without placeholders, links, e-mail addresses and hashtags (offsets kept)."""
    text = PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
    return _mask(text, ((s, e) for s, e, _ in _links(text)))


def verbatim_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Where a text holds what the checks compare as written, so that a translation must
    keep it: links, e-mail addresses, hashtags, formulas (`1+8+N`), numbers with their
    scale words (`4.5 million`) and month names; not the optional ones (`eight`, `G20`).
    The text has no placeholders."""
    links = [(start, end) for start, end, _ in _links(text)]
    plain = _mask(text, links)
    return sorted(links + [m.span() for m in FORMULA.finditer(plain)]
                  + [n.span for n in find_numbers(plain, lang, strict=True) if not n.optional])


def _shown(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _differences(missing: Sequence[str], extra: Sequence[str]) -> str | None:
    """`missing or changed: a, b; not in the source: c` (None when both are empty)."""
    parts = [f"missing or changed: {_shown(missing)}"] if missing else []
    parts += [f"not in the source: {_shown(extra)}"] if extra else []
    return "; ".join(parts) or None


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3040-\u30ff"
_ARABIC = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


@check("numbers", Severity.ERROR, "numbers, years, dates and percentages match the source (locale-aware)")
def check_numbers(source: str, target: str, context: CheckContext) -> str | None:
    """Every number of the source is in the target, and the target has no other.

    `22,000` = `2.2万` = `22 000` = `22.000`; `January 10` = `1月10日`; numbers glued
    to letters (`COVID-19`, `5G`) need not appear, and formulas such as `1+8+N` must be
    kept as written.
    """
    formulas = {formula.group(): re.sub(r"\s+", "", formula.group()) for formula in FORMULA.finditer(source)}
    kept = occurring(formulas.values(), re.sub(r"\s+", "", target))
    missing = [formula for formula, squeezed in formulas.items() if squeezed not in kept]
    theirs = find_numbers(_plain(source), context.source_lang, strict=True)
    ours = find_numbers(_plain(target), context.lang, strict=False, source_lang=context.source_lang)
    available = set().union(*(n.values for n in ours)) if ours else set()
    known = set().union(*(n.values for n in theirs)) if theirs else set()
    missing += [n.text for n in theirs if not n.optional and not n.values & available]
    extra = [n.text for n in ours if not n.optional and not n.values & known]
    if not missing and not extra:
        return None
    return _differences(list(dict.fromkeys(missing)), list(dict.fromkeys(extra)))


# -- the other checks ------------------------------------------------------------------


@check("placeholders", Severity.ERROR, "inline-markup placeholders <1>…</1>, <2/> as in the source")
def check_placeholders(source: str, target: str, context: CheckContext) -> str | None:
    """Missing, extra, duplicated or unbalanced placeholders, pairs closed in the wrong order, or a pair
    emptied that holds text in the source (it would publish an empty link)."""
    problems = placeholder_problems(source, target)
    return ", ".join(problems) if problems else None


@check("characters", Severity.ERROR, "no control character a page may not hold (publish refuses the unit)")
def check_characters(source: str, target: str, context: CheckContext) -> str | None:
    """A character XML forbids or HTML calls a parse error (U+000B, U+0000, U+001B…): publish shows the
    source in its place, so `check`, which publish's hint points to, must name the unit."""
    bad = forbidden_character(source, target)
    return f"the control character U+{ord(bad):04X}, which publish refuses" if bad else None


# embeddings, overrides and isolates (not the marks U+200E/U+200F, which right-to-left typesetting uses)
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_DIRECTION_NAMES = {"\u202a": "left-to-right embedding", "\u202b": "right-to-left embedding",
                    "\u202c": "pop directional formatting", "\u202d": "left-to-right override",
                    "\u202e": "right-to-left override", "\u2066": "left-to-right isolate",
                    "\u2067": "right-to-left isolate", "\u2068": "first strong isolate",
                    "\u2069": "pop directional isolate"}


@check("direction", Severity.WARNING, "no direction control character (U+202E…) the source does not have")
def check_direction(source: str, target: str, context: CheckContext) -> str | None:
    """An override or embedding published as it is: it reorders what readers see (U+202E shows a
    sentence backwards, a number or a name spoofed), and escaping does not touch it."""
    held = set(_DIRECTION_CONTROLS.findall(source))
    found = [c for c in dict.fromkeys(_DIRECTION_CONTROLS.findall(target)) if c not in held]
    if not found:
        return None
    shown = ", ".join(f"U+{ord(c):04X} ({_DIRECTION_NAMES[c]})" for c in found)
    return f"{shown}: it reorders the text as displayed; remove it unless the layout needs it"


@check("links", Severity.ERROR, "URLs, e-mail addresses and hashtags unchanged")
def check_links(source: str, target: str, context: CheckContext) -> str | None:
    theirs = [text for _, _, text in _links(PLACEHOLDER.sub(" ", source))]
    ours = [text for _, _, text in _links(PLACEHOLDER.sub(" ", target)) if not text.startswith("#")]
    # a hashtag may run into the next word in scripts without spaces: look for it as a substring
    missing = [t for t in dict.fromkeys(theirs) if t not in ours and (t[0] != "#" or t not in target)]
    extra = [t for t in dict.fromkeys(ours) if t not in theirs and not any(t.startswith(s) for s in theirs)]
    return _differences(missing, extra)


_GLOSSARIES: dict[int, tuple[tuple[Term, ...], Glossary]] = {}


def _glossary(terms: tuple[Term, ...]) -> Glossary:
    """The glossary's matcher, built once per set of terms rather than once per unit; found by
    the identity of the tuple, since hashing 100,000 terms for every unit costs more than checking it."""
    cached = _GLOSSARIES.get(id(terms))
    if cached is None or cached[0] is not terms:
        if len(_GLOSSARIES) >= 8:
            _GLOSSARIES.clear()
        cached = _GLOSSARIES[id(terms)] = (terms, Glossary("", terms))
    return cached[1]


_LAST_MISSING: list[tuple[tuple[Term, ...], str, str, list[TermMatch]]] = []


def _missing_matches(source: str, target: str, terms: tuple[Term, ...]) -> list[TermMatch]:
    """Glossary.missing for a unit, kept for the next call: the glossary and do-not-translate
    checks ask it in turn for the same unit."""
    if _LAST_MISSING and _LAST_MISSING[0][0] is terms and _LAST_MISSING[0][1:3] == (source, target):
        return _LAST_MISSING[0][3]
    found = _glossary(terms).missing(PLACEHOLDER.sub(" ", source), target)
    _LAST_MISSING[:] = [(terms, source, target, found)]
    return found


def _missing_terms(source: str, target: str, terms: tuple[Term, ...], do_not_translate: bool) -> list[Term]:
    """Terms of the source (approved or do-not-translate ones) whose form the target lacks, once each."""
    found: list[Term] = []
    for match in _missing_matches(source, target, terms):
        term = match.term
        if term.do_not_translate == do_not_translate and term.target and term not in found:
            found.append(term)
    return found


@check("glossary", Severity.WARNING, "the approved glossary term is used where the source has its term")
def check_glossary(source: str, target: str, context: CheckContext) -> str | None:
    wrong = _missing_terms(source, target, context.terms, do_not_translate=False)
    if not wrong:
        return None
    return "; ".join(f"“{t.source}” should be “{t.target}”" for t in wrong)


@check("do-not-translate", Severity.ERROR, "do-not-translate glossary terms kept exactly as in the source")
def check_do_not_translate(source: str, target: str, context: CheckContext) -> str | None:
    changed = [t.source for t in _missing_terms(source, target, context.terms, do_not_translate=True)]
    return f"{_shown(changed)} must stay as written" if changed else None


_CJK = f"[{_HAN}{_KANA}]"
_CJK_ASCII_PUNCT = re.compile(rf"{_CJK}[,.:;?!]|{_CJK}\(|\){_CJK}|\({_CJK}|{_CJK}\)|\"{_CJK}|{_CJK}\"")
_CJK_FULL = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）",
             '"': "“”"}
_ARABIC_ASCII_PUNCT = re.compile(rf"[{_ARABIC}] ?[,;?]")
_ARABIC_FULL = {",": "،", ";": "؛", "?": "؟"}
_NBSP = "\u00a0\u202f"
_PAIRS = {"(": ")", "[": "]", "{": "}", "（": "）", "【": "】", "“": "”", "«": "»", "《": "》", "「": "」",
          "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}


def _unbalanced(text: str) -> list[str]:
    """Brackets and quotes that are not closed, or closed without being opened."""
    stack: list[str] = []
    open_count: Counter[str] = Counter()  # what the stack holds: `in stack` would read it all
    problems: list[str] = []
    for char in text:
        if char in _PAIRS:
            stack.append(char)
            open_count[char] += 1
        elif char in _CLOSERS:
            if stack and stack[-1] == _CLOSERS[char]:
                open_count[stack.pop()] -= 1
            elif open_count[_CLOSERS[char]]:
                opener = stack.pop()
                open_count[opener] -= 1
                problems.append(f"{opener} closed by {char}")
            else:
                problems.append(f"{char} without {_CLOSERS[char]}")
    problems += [f"{char} not closed" for char in stack]
    if text.count('"') % 2:
        problems.append('" not closed')
    return problems


def _french_spacing(text: str) -> list[str]:
    problems: list[str] = []
    for match in re.finditer(r"[;:!?»]", text):
        index = match.start()
        before = text[index - 1] if index else ""
        if not before or before in _NBSP or before in ";:!?" or (before.isdigit() and match.group() == ":"):
            continue
        if match.group() == "»" and before == "«":
            continue
        what = "a space" if before == " " else "no space"
        problems.append(f"{what} before {match.group()} (use a no-break space)")
    for match in re.finditer(r"«(.)", text):
        if match.group(1) not in _NBSP:
            problems.append("« without a no-break space after it")
    return problems


@check("punctuation", Severity.WARNING, "the language's punctuation conventions; quotes, brackets in pairs")
def check_punctuation(source: str, target: str, context: CheckContext) -> str | None:
    """Chinese/Japanese full-width `，。：；？！“”（）`; French no-break space before `; : ! ?`
    and inside « »; Arabic `، ؛ ؟`; every language: quotes and brackets in pairs."""
    plain = _plain(target)
    problems: list[str] = []
    if context.base in ("zh", "ja"):
        for match in _CJK_ASCII_PUNCT.finditer(plain):
            ascii_mark = next(c for c in match.group() if c in _CJK_FULL)
            problems.append(f"ASCII {ascii_mark!r} after or around CJK text (use {_CJK_FULL[ascii_mark]})")
    elif context.base == "fr":
        problems += _french_spacing(plain)
    elif context.base in ("ar", "fa", "ur"):
        for match in _ARABIC_ASCII_PUNCT.finditer(plain):
            mark = match.group()[-1]
            problems.append(f"ASCII {mark!r} after Arabic text (use {_ARABIC_FULL[mark]})")
    if not _unbalanced(_plain(source)):
        problems += _unbalanced(plain)
    return _shown(list(dict.fromkeys(problems))) if problems else None


@check("whitespace", Severity.WARNING, "no leading, trailing or doubled spaces the source does not have")
def check_whitespace(source: str, target: str, context: CheckContext) -> str | None:
    problems = []
    if target[:1].isspace() != source[:1].isspace():
        problems.append("leading space" if target[:1].isspace() else "leading space of the source missing")
    if target[-1:].isspace() != source[-1:].isspace():
        problems.append("trailing space" if target[-1:].isspace() else "trailing space of the source missing")
    if "  " in target.strip() and "  " not in source.strip():
        problems.append("doubled space")
    return ", ".join(problems) or None


def _words_left(text: str, context: CheckContext) -> list[str]:
    """The words of a text once links, numbers and do-not-translate terms are taken out."""
    plain = _plain(text)
    kept = [(m.start, m.end) for m in _glossary(context.terms).find(plain)
            if m.term.do_not_translate or m.term.source == m.term.target]
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", _mask(plain, kept))


def _only_names(words: list[str]) -> bool:
    """Nothing to translate, or a short run of capitalised words (a name such as `Xinhua News Agency`)."""
    return not words or (len(words) <= 4 and all(w[0].isupper() for w in words))


@check("identical", Severity.WARNING, "target identical to the source (names, numbers, kept terms aside)")
def check_identical(source: str, target: str, context: CheckContext) -> str | None:
    if target.strip() != source.strip() or _only_names(_words_left(source, context)):
        return None
    return "the translation is the source text"


LENGTH_RATIOS: dict[str, float] = {  # typical target/source length in characters, from English
    "zh": 0.27, "ja": 0.35, "ko": 0.45, "ar": 1.0, "he": 0.9, "ru": 1.1, "fr": 1.2, "es": 1.2, "pt": 1.2,
    "it": 1.15, "de": 1.25,
}
LENGTH_SPREAD = 2.5  # a ratio this many times above or below the typical one is flagged
LENGTH_MINIMUM = 30  # shorter sources vary too much to judge


@check("length", Severity.WARNING, "length far from what is normal for the language pair")
def check_length(source: str, target: str, context: CheckContext) -> str | None:
    # links and placeholders are the same in any language: only the words count
    source_length = len(" ".join(_plain(source).split()))
    target_length = len(" ".join(_plain(target).split()))
    if source_length < LENGTH_MINIMUM or context.source_lang != "en":
        return None
    typical = LENGTH_RATIOS.get(context.base, 1.0)
    ratio = target_length / source_length
    if typical / LENGTH_SPREAD <= ratio <= typical * LENGTH_SPREAD:
        return None
    size = "short" if ratio < typical else "long"
    return f"{size}: {ratio:.2f} times the source's length (typical: {typical:.2f})"


@check("reviewed", Severity.ERROR, "a reviewed unit is not empty and not still in the source script")
def check_reviewed(source: str, target: str, context: CheckContext) -> str | None:
    if context.state is not State.REVIEWED:
        return None
    plain = _plain(target)
    if not re.search(r"\w", plain) and re.search(r"\w", _plain(source)):
        return "reviewed, but the translation is empty"
    letters = script_letters(context.lang)  # None: written in Latin letters, as the source
    if letters is None:
        return None
    left = " ".join(_words_left(target, context))
    native = len(letters.findall(left)) * (3 if wide_script(context.lang) else 1)
    latin = len(_LATIN_LETTER.findall(left))
    if latin >= 4 and native < 0.25 * (native + latin):
        return "reviewed, but the translation is still in the source's script"
    return None


@check("unknown-words", Severity.WARNING, "words the machine translation did not know (Apertium's marks)")
def check_unknown_words(source: str, target: str, context: CheckContext) -> str | None:
    if context.state is State.REVIEWED:
        return None
    words = unknown_words_of(context.provenance)
    return f"the engine did not know {_shown(list(words))}: check how they were rendered" if words else None


@check("confidence", Severity.WARNING, "machine output below the min_confidence setting")
def check_confidence(source: str, target: str, context: CheckContext) -> str | None:
    if context.state is State.REVIEWED or not context.min_confidence:
        return None
    confidence = confidence_of(context.provenance)
    if confidence is None or confidence >= context.min_confidence:
        return None
    return f"confidence {confidence} is below min_confidence {context.min_confidence}: review it first"

