"""Language facts: one place that asks Babel (CLDR) what a language code means.

Every stage that needs to know something about a language asks here: its base
language (`zh` of `zh-Hant-TW`), its script (CLDR's likely subtags: `zh-TW` is
`Hant`, `az-Arab` is `Arab`), its writing direction, the letters of its script, its
scale words (CLDR's compact decimal formats: `万`, `milliard`, `ترليون`), its
Plural-Forms and its names. Codes may be spelt with `-` or `_` and in any case;
codes CLDR does not know get English's facts (left to right, Latin letters).

A few facts CLDR does not hold are kept here by hand, each with the reason: the
scale words news writes that CLDR's compact formats leave out (`millions`, `bn`,
`十亿`), the scripts whose sentences join without a space, the gettext Plural-Forms
that PO tools use where CLDR's differ.

Babel is imported where a fact is asked, not with the module: the code functions
(`language_key`, `base_language`) and `words` serve the settings, status and the
publishing policy, which need no CLDR. English names come from CLDR's English table alone (see
`english_name`), not from a merged English locale with its dates and numbers. A bare language
code (`fr`, `zh`: what extract's catalog headers mostly ask about) is looked up in Babel's data
files without importing Babel (whose import brings its plural rules and `decimal`), the same
answer as Babel's (see `_plain_language`; tests compare them for every CLDR locale).
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
from typing import TYPE_CHECKING, Any, Literal

from .segment import PLACEHOLDER

if TYPE_CHECKING:
    import regex
    from babel.core import Locale

Direction = Literal["ltr", "rtl"]

# Scripts written right to left (Unicode's bidi class R or AL) that no CLDR locale is
# written in, so there is no character order to ask: Imperial Aramaic (`arc`), Phoenician,
# Samaritan… Every other script's direction comes from CLDR.
_RTL_SCRIPTS_WITHOUT_LOCALE = frozenset(
    "Armi Avst Chrs Cprt Elym Hatr Khar Lydi Mand Mani Mend Narb Nbat Orkh Ougr Palm Phli Phlp Phnx "
    "Prti Samr Sarb Sogd Sogo Yezi".split()
)
# ISO 15924 codes of a script mix (CLDR's likely scripts) -> their Unicode scripts
_SCRIPT_MIXES = {
    "Hans": ("Han",), "Hant": ("Han",), "Hani": ("Han",), "Jpan": ("Han", "Hiragana", "Katakana"),
    "Kore": ("Hangul", "Han"),
}
# One character of these scripts carries about a word (for comparing lengths).
_WIDE_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore"})
# Sentences follow each other without a space: Chinese and Japanese (Korean and Thai
# put a space between sentences). CLDR has no such fact.
_NO_SPACE_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan"})

# Scale words that news writes and CLDR's compact decimal formats leave out, by base
# language: plurals and `bn` in English; in Chinese the traditional characters in a
# simplified text (and the simplified in a traditional one come from CLDR's `zh`), and
# the compound words 十亿, 千万, 百万 and 千 that compact formats never use (they write
# 10亿, 1000万); Japanese 千; Russian `тыс` without its dot; Arabic تريليون (CLDR
# spells it ترليون, news uses both) and the plural مليارات.
_SCALE_WORDS_CLDR_LACKS: dict[str, dict[str, int]] = {
    "en": {"trillions": 12, "billions": 9, "bn": 9, "millions": 6, "thousands": 3},
    "zh": {"萬億": 12, "十亿": 9, "千万": 7, "百万": 6, "億": 8, "萬": 4, "千": 3},
    "ja": {"千": 3},
    "ru": {"тыс": 3},
    "ar": {"تريليون": 12, "مليارات": 9},
}
_SPACES = " \u00a0\u202f"

# The Plural-Forms that GNU gettext (msginit's table, the gettext manual) and the PO
# editors use. CLDR (and so babel) has lately added a third "many" form to French,
# Spanish, Italian, Catalan and Portuguese for millions; gettext tools do not, so we
# keep their rules for these. Keyed by locale, then by base language.
GETTEXT_PLURALS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
          ": n%100>=11 ? 4 : 5);",
    "ca": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 "
          "&& (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh": "nplurals=1; plural=0;",
}


def base_language(lang: str) -> str:
    """The language without script or region: `zh` for `zh-Hant-TW`, `zh_TW` or `ZH`."""
    return lang.replace("_", "-").split("-")[0].lower()


def language_key(lang: str) -> str:
    """One spelling per language code, for comparisons: `zh_TW`, `zh-TW` and `ZH-tw` are one language."""
    return lang.replace("-", "_").lower()


@functools.lru_cache(maxsize=256)
def _subtags(lang: str) -> tuple[str, str | None, str | None, str | None] | None:
    """(language, territory, script, variant) of a code, None when it is no locale code."""
    if _bare(lang):  # what Babel's parse_locale makes of letters alone, without importing Babel
        return lang.lower(), None, None, None
    from babel.core import parse_locale  # babel: only where CLDR is asked (module docstring)

    try:
        language, territory, written, variant = parse_locale(lang.replace("-", "_"))[:4]
    except ValueError:
        return None
    return language, territory, written, variant


@functools.lru_cache(maxsize=256)
def language_tag(lang: str) -> str:
    """A language code as `lang`, `xml:lang` and `hreflang` take it (BCP 47): `-` between subtags, in the
    case BCP 47 recommends (`pt_BR` -> `pt-BR`, `zh_hant_tw` -> `zh-Hant-TW`). Languages are configured
    in either spelling (gettext's `pt_BR` names the catalogs and folders); pages need this one: the
    bulletin schema refused `pt_BR` (xs:language) and no page of the language was published.
    """
    subtags = lang.replace("_", "-").split("-")
    out = [subtags[0].lower()]
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())  # script
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            out.append(subtag.upper())  # region
        else:
            out.append(subtag.lower())
    return "-".join(out)


@functools.lru_cache(maxsize=256)
def locale_id(lang: str) -> str:
    """The code as Babel spells a locale: `zh_Hant_TW` for `zh-hant-tw`."""
    parts = _subtags(lang)
    if parts is None:
        return lang.replace("-", "_")
    language, territory, script, variant = parts
    return "_".join(p for p in (language, script, territory, variant) if p)


def _bare(lang: str) -> bool:
    """Whether a code is ASCII letters alone (`fr`, `ZH`): Babel's parse_locale reads such a code as a
    language without script, territory or variant, in lower case."""
    return lang.isascii() and lang.isalpha()


@functools.cache
def _babel_data() -> str | None:
    """Babel's folder of CLDR data files (`fr.dat`…), found without importing Babel; None when
    there is no Babel to find (its import then says so)."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(next(iter(spec.submodule_search_locations)), "locale-data")


@functools.lru_cache(maxsize=256)
def _plain_language(lang: str) -> str | None:
    """The language of a bare code (`fr`, `ZH`) that CLDR has a locale for, found as Babel's
    `Locale.parse` finds it (its data file exists: it is loaded as it is, no alias or likely
    subtag applied) but without importing Babel; None for any other code (ask Babel)."""
    folder = _babel_data()
    if folder is None or not _bare(lang):
        return None
    language = lang.lower()
    return language if os.path.isfile(os.path.join(folder, f"{language}.dat")) else None


@functools.lru_cache(maxsize=256)
def babel_locale(lang: str) -> Locale | None:
    """The CLDR locale of a code, None when CLDR does not know it."""
    from babel.core import Locale, UnknownLocaleError  # babel: only where CLDR is asked (module docstring)

    try:
        return Locale.parse(locale_id(lang))
    except (UnknownLocaleError, ValueError):
        return None


@functools.lru_cache(maxsize=256)
def script(lang: str) -> str:
    """The ISO 15924 script a language is written in: the code's own (`az-Arab`), else
    CLDR's likely one (`zh-TW` -> `Hant`, `zh` -> `Hans`, `ar-EG` -> `Arab`); "" when unknown."""
    parts = _subtags(lang)
    if parts is None:
        return ""
    language, territory, written, _ = parts
    if written:
        return written.title()
    from babel.core import get_global, parse_locale  # babel: only where CLDR is asked (module docstring)

    likely = get_global("likely_subtags")
    for key in ([f"{language}_{territory}"] if territory else []) + [language]:
        if key in likely:
            return str(parse_locale(likely[key])[2] or "").title()
    return ""


@functools.lru_cache(maxsize=4096)
def serves(found: str, lang: str) -> bool:
    """Whether text tagged `found` (a TMX or TBX language) may stand for `lang`: the same code, or
    the same language in the same script (pt-PT for pt-BR, zh-HK for zh-TW; never zh-CN, written
    in Simplified characters, for zh-TW, written in Traditional ones, nor Cyrillic `sr` for `sr-Latn`)."""
    if language_key(found) == language_key(lang):
        return True
    return base_language(found) == base_language(lang) and script(found) == script(lang)


@functools.lru_cache(maxsize=64)
def _script_direction(written: str) -> Direction:
    """The direction of a script: the character order of CLDR's likely locale for it
    (`und_Arab` is `ar_Arab_EG`), else of any CLDR locale written in it (N'Ko: `bm_Nkoo`)."""
    from babel.core import Locale, UnknownLocaleError, get_global  # babel: only where CLDR is asked
    from babel.localedata import locale_identifiers

    likely = get_global("likely_subtags")
    candidates = itertools.chain(
        [likely.get(f"und_{written}", "")], (i for i in locale_identifiers() if f"_{written}" in i)
    )
    for identifier in filter(None, candidates):
        try:
            order = Locale.parse(identifier).character_order
        except (UnknownLocaleError, ValueError):
            continue
        return "rtl" if order == "right-to-left" else "ltr"  # top-to-bottom (Mongolian) is ltr in HTML
    return "rtl" if written in _RTL_SCRIPTS_WITHOUT_LOCALE else "ltr"


def text_direction(lang: str) -> Direction:
    """`rtl` for a language written right to left (`ar`, `he-IL`, `az-Arab`), else `ltr`.

    Asked by script, so that `az-Arab` is `rtl` and `ar-Latn` (Arabic in Latin letters) `ltr`.
    """
    return _script_direction(script(lang))


def joins_without_space(lang: str) -> bool:
    """Whether the language's sentences follow each other without a space (Chinese, Japanese)."""
    return script(lang) in _NO_SPACE_SCRIPTS


def wide_script(lang: str) -> bool:
    """Whether one character of the language's script carries about a word (Chinese, Japanese, Korean)."""
    return script(lang) in _WIDE_SCRIPTS


@functools.lru_cache(maxsize=64)
def script_letters(lang: str) -> regex.Pattern[str] | None:
    """A pattern for one character of the language's own script; None for languages
    written in Latin letters (or in a script unknown to CLDR and Unicode)."""
    import regex  # imported on first use: the QA check needs it, the CLI's --help does not

    written = script(lang)
    if written in ("", "Latn"):
        return None
    names = _SCRIPT_MIXES.get(written, (written,))
    try:
        return regex.compile("[" + "".join(f"\\p{{sc={name}}}" for name in names) + "]")
    except regex.error:
        return None


def _unquote(affix: str) -> str:
    """A CLDR pattern affix as written: `Mrd'.'` is `Mrd.`, `''` an apostrophe."""
    return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", affix)


def _compact_words(locale: Locale) -> dict[str, set[int]]:
    """The scale words of a locale's compact decimal formats -> powers of ten.

    `0 thousand` at 1000 is 10^3, `00 mil M` at 10^10 (Spanish) is 10^9. Words
    before the number (Swahili `elfu 0`; babel reads a pattern without a number, French
    `mille`, as all prefix) and one-letter abbreviations (`5M`, `5K`: units as often as
    scales) are left out: the numbers check looks for a scale word after a number.
    """
    found: dict[str, set[int]] = {}
    for forms in locale.compact_decimal_formats.values():
        for patterns in forms.values():
            for magnitude, pattern in patterns.items():
                digits = pattern.pattern.count("0")
                word = _unquote(pattern.suffix[0]).strip(_SPACES)
                power = round(math.log10(int(magnitude))) - (digits - 1)
                if not word or power <= 0 or (len(word) == 1 and word.lower() != word.upper()):
                    continue
                found.setdefault(word, set()).add(power)
    return found


@functools.lru_cache(maxsize=64)
def scale_words(lang: str) -> dict[str, frozenset[int]]:
    """The scale words of a language -> the powers of ten they stand for (`milliard` 9,
    French `billion` 12, `万` 4): CLDR's compact decimal formats of the locale and of its
    base language, and the words news writes that CLDR lacks. English's for unknown codes."""
    locale, base = babel_locale(lang), babel_locale(base_language(lang))
    if locale is None or base is None:
        return scale_words("en") if base_language(lang) != "en" else {}
    found = _compact_words(base)
    for word, powers in _compact_words(locale).items():
        found.setdefault(word, set()).update(powers)
    for word, power in _SCALE_WORDS_CLDR_LACKS.get(base_language(lang), {}).items():
        found.setdefault(word, set()).add(power)
    return {word: frozenset(powers) for word, powers in found.items()}


def plural_forms(lang: str) -> str:
    """The Plural-Forms header of a language: gettext's rule, else babel's (CLDR), else English.

    gettext's rules are looked up for the whole code, then its language and territory (a
    script does not change a plural rule: `pt-Latn-BR` is `pt_BR`'s), then the language.
    """
    parts = _subtags(lang)
    regional = f"{parts[0]}_{parts[1]}" if parts is not None and parts[1] else ""
    rule = (GETTEXT_PLURALS.get(locale_id(lang)) or GETTEXT_PLURALS.get(regional)
            or GETTEXT_PLURALS.get(base_language(lang)))
    if rule is not None:
        return rule
    from babel.core import UnknownLocaleError
    from babel.messages.plurals import get_plural  # a fifth of a second to import: only here

    try:
        return str(get_plural(locale_id(lang)).plural_forms)
    except (UnknownLocaleError, ValueError):
        return GETTEXT_PLURALS["en"]


EnglishNames = dict[str, dict[str, str]]  # table (languages, scripts, territories, variants): code -> name
ENGLISH_TABLES = ("languages", "scripts", "territories", "variants")
# The tables of the Babel data this release was made with, read once from its en.dat (by
# scripts/english_names.py), with the digest of that file: json reads them in a twentieth of the
# time pickle takes to read the whole English locale (which, with pickle's import, was 2 % of a
# first extract's instructions on the 4 real pages, issue 10).
SHIPPED_ENGLISH_NAMES = os.path.join(os.path.dirname(__file__), "data", "english_names.json")


@functools.lru_cache(maxsize=1)
def _english_names() -> EnglishNames:
    """CLDR's English display names: language, script, territory and variant tables.

    Read from Babel's `en` data file alone, as `babel.localedata.load` reads it: Babel's
    English locale merges that file into `root`, whose display-name tables are empty, so the
    names are the same, and extract does not pay for root's data and the merge (a test
    compares every CLDR locale's name with Babel's). When that file is the one the shipped
    tables were read from (its digest), they are used instead: the same names, read faster.
    """
    import hashlib
    import json

    folder = _babel_data()
    if folder is None:
        from babel.localedata import resolve_locale_filename  # no Babel found: its import says so

        path = resolve_locale_filename("en")
    else:
        path = os.path.join(folder, "en.dat")
    with open(path, "rb") as file:
        data = file.read()
    try:
        with open(SHIPPED_ENGLISH_NAMES, encoding="utf-8") as file:
            shipped = json.load(file)
    except (OSError, ValueError):  # not installed with the package (or unreadable): read Babel's file
        shipped = None
    if (isinstance(shipped, dict) and shipped.get("en.dat sha1") == hashlib.sha1(data).hexdigest()
            and all(isinstance(shipped.get(table), dict) for table in ENGLISH_TABLES)):
        return {table: shipped[table] for table in ENGLISH_TABLES}
    return english_names_of(data)


def english_names_of(data: bytes) -> EnglishNames:
    """The English name tables in the bytes of Babel's en.dat. The file's date, number and plural
    patterns are read as placeholders (`_Unread`), so that reading it imports neither Babel's dates
    and numbers (with time zones) nor Babel itself."""
    import io
    import pickle

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str, /) -> Any:
            return _Unread if (module, name) in _UNREAD else super().find_class(module, name)

    locale = Unpickler(io.BytesIO(data)).load()
    return {table: dict(locale[table]) for table in ENGLISH_TABLES}


# The classes of the patterns in Babel's locale data that english_name does not read.
_UNREAD = frozenset({("babel.dates", "DateTimePattern"), ("babel.numbers", "NumberPattern"),
                     ("babel.plural", "PluralRule")})


class _Unread:
    """A pattern of Babel's locale data left unread (its state is dropped)."""

    def __setstate__(self, state: object) -> None:
        pass


def english_name(lang: str) -> str:
    """A language's name in English (`Chinese (Traditional, Taiwan)`: PO headers, the review
    app), or its code. As Babel's `Locale.english_name`: the language's name, then its
    script's, territory's and variant's in brackets."""
    language = _plain_language(lang)
    if language is not None:  # `fr`: no script, territory nor variant (and no Babel to import)
        return _english_names()["languages"].get(language) or lang
    locale = babel_locale(lang)
    if locale is None:
        return lang
    names = _english_names()
    name: str | None = names["languages"].get(locale.language)
    if not name:
        return lang
    subtags = (("scripts", locale.script), ("territories", locale.territory), ("variants", locale.variant))
    details = [names[table].get(subtag) for table, subtag in subtags if subtag]
    shown = ", ".join(detail for detail in details if detail)
    return f"{name} ({shown})" if shown else name


def native_name(lang: str) -> str:
    """A language's name in that language (`中文`, `العربية`: the language switcher), or its code."""
    locale = babel_locale(lang)
    return (locale.get_display_name(locale) if locale is not None else None) or lang


_WORD = re.compile(r"\w+")


def words(text: str) -> int:
    """Words of a unit's source text, placeholders left out (status and the publishing threshold)."""
    return len(_WORD.findall(PLACEHOLDER.sub(" ", text) if "<" in text else text))
