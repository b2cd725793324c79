"""languages.py: language facts asked of Babel (CLDR), for any spelling of a code."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from babel import Locale
from babel.core import parse_locale
from babel.localedata import locale_identifiers, resolve_locale_filename
from extracting import gnu_gettext

from workflow import languages
from workflow.assemble import Choice, Mark, joins
from workflow.languages import (
    _babel_data,
    _subtags,
    _unquote,
    base_language,
    english_name,
    english_names_of,
    joins_without_space,
    locale_id,
    native_name,
    plural_forms,
    scale_words,
    script,
    script_letters,
    text_direction,
    wide_script,
    words,
)
from workflow.model import State
from workflow.qa import CHECKS, CheckContext
from workflow.qa.numbers import find_numbers


@pytest.mark.parametrize(
    ("lang", "base"),
    [("zh_TW", "zh"), ("zh-Hant-TW", "zh"), ("pt_BR", "pt"), ("ZH-tw", "zh"), ("ar", "ar"),
     ("yue-Hant-HK", "yue")],
)
def test_base_language_drops_script_and_region(lang: str, base: str) -> None:
    assert base_language(lang) == base


@pytest.mark.parametrize(
    ("lang", "identifier"),
    [("zh-hant-tw", "zh_Hant_TW"), ("pt-BR", "pt_BR"), ("ZH_tw", "zh_TW"), ("az-Arab", "az_Arab"),
     ("xx", "xx")],
)
def test_locale_id_spells_codes_as_babel_does(lang: str, identifier: str) -> None:
    assert locale_id(lang) == identifier


@pytest.mark.parametrize(
    "lang", ["ar", "ar-EG", "ar_EG", "he", "he-IL", "iw", "fa", "fa-AF", "ur", "ur-IN", "az-Arab", "pa-PK",
             "ckb", "dv", "ps", "sd", "ug", "yi", "nqo", "arc"],
)
def test_right_to_left_languages(lang: str) -> None:
    assert text_direction(lang) == "rtl"


@pytest.mark.parametrize(
    "lang", ["en", "zh", "zh-TW", "ja", "ru", "az", "az-Latn", "ar-Latn", "sd-Deva", "mn-Mong", "xx", ""],
)
def test_left_to_right_languages(lang: str) -> None:
    """Arabic in Latin letters is left to right; vertical Mongolian is `ltr` for HTML; unknown codes too."""
    assert text_direction(lang) == "ltr"


def test_direction_agrees_with_cldr_for_every_language() -> None:
    """Asking by script gives each CLDR language (and language with script) its own character order."""
    cldr = {identifier: Locale.parse(identifier).character_order
            for identifier in locale_identifiers() if parse_locale(identifier)[1] is None}
    differ = [identifier for identifier, order in cldr.items()
              if text_direction(identifier) != ("rtl" if order == "right-to-left" else "ltr")]
    assert differ == []


@pytest.mark.parametrize(
    ("lang", "written"),
    [("zh", "Hans"), ("zh-CN", "Hans"), ("zh-TW", "Hant"), ("zh_TW", "Hant"), ("zh-Hant", "Hant"),
     ("zh-HK", "Hant"), ("zh-Hant-TW", "Hant"), ("ja", "Jpan"), ("ko", "Kore"), ("ar-EG", "Arab"),
     ("az-Arab", "Arab"), ("az", "Latn"), ("sr", "Cyrl"), ("sr-Latn", "Latn"), ("ru", "Cyrl"), ("he", "Hebr"),
     ("hi", "Deva"), ("xx", ""), ("", "")],
)
def test_script_from_the_code_or_cldr_likely_subtags(lang: str, written: str) -> None:
    assert script(lang) == written


@pytest.mark.parametrize(
    ("lang", "native", "latin"),
    [("zh", "中文", "ABC"), ("zh-TW", "繁體", "ABC"), ("ja", "ひらがなカタカナ漢字", "ABC"),
     ("ko", "한국어", "ABC"), ("ar", "العربية", "ABC"), ("az-Arab", "آذربایجان", "ABC"),
     ("ru", "русский", "ABC"), ("el", "ελληνικά", "ABC"), ("hi", "हिन्दी", "ABC")],
)
def test_script_letters_are_the_languages_own(lang: str, native: str, latin: str) -> None:
    letters = script_letters(lang)
    assert letters is not None
    assert len(letters.findall(native)) == len(native) and not letters.findall(latin)


@pytest.mark.parametrize("lang", ["en", "fr", "sr-Latn", "az", "xx"])
def test_latin_languages_have_no_script_letters(lang: str) -> None:
    assert script_letters(lang) is None


def test_wide_and_unspaced_scripts() -> None:
    langs = ("zh", "zh-TW", "zh-Hant", "ja", "ko", "th", "en")
    assert [lang for lang in langs if wide_script(lang)] == ["zh", "zh-TW", "zh-Hant", "ja", "ko"]
    assert [lang for lang in langs if joins_without_space(lang)] == ["zh", "zh-TW", "zh-Hant", "ja"]


@pytest.mark.parametrize("lang", ["zh", "zh-TW", "zh_Hant", "ja"])
def test_sentences_of_chinese_in_any_spelling_join_without_a_space(lang: str) -> None:
    shown = Choice("句子。", Mark.TRANSLATED)
    assert joins(lang, shown, shown, " ") == ""
    assert joins("ko", shown, shown, " ") == " "


@pytest.mark.parametrize(
    ("lang", "target", "expected"),
    [
        pytest.param("sr-Latn", "Sajam je otvoren u Pekingu danas.", None, id="serbian-in-latin-letters"),
        pytest.param("sr", "Sajam je otvoren u Pekingu danas.", "source's script", id="serbian-cyrillic"),
        pytest.param("az-Arab", "The fair opened in Beijing.", "source's script", id="azerbaijani-arabic"),
        pytest.param("mk", "The fair opened in Beijing.", "source's script", id="macedonian"),
        pytest.param("zh-TW", "The fair opened in Beijing.", "source's script", id="chinese-taiwan"),
        pytest.param("zh-TW", "展覽會在北京開幕。", None, id="chinese-taiwan-translated"),
    ],
)
def test_reviewed_check_knows_each_languages_script(lang: str, target: str, expected: str | None) -> None:
    issue = CHECKS["reviewed"]("The fair opened in Beijing today.", target,
                               CheckContext(lang, state=State.REVIEWED))
    assert (issue and expected and expected in issue.message) or (issue is None and expected is None)


@pytest.mark.parametrize(
    ("lang", "word", "power"),
    [
        ("en", "million", 6), ("en", "billion", 9), ("en", "trillion", 12),
        ("fr", "milliard", 9), ("fr", "billion", 12), ("fr", "millions", 6),
        ("es", "mil millones", 9), ("es", "billones", 12), ("pt-BR", "bilhões", 9),
        ("de", "Mrd.", 9), ("de", "Mio.", 6), ("ru", "млрд", 9), ("ru", "тыс.", 3),
        ("ar", "ترليون", 12), ("ar", "مليار", 9), ("ar", "ألف", 3),
        ("zh", "万", 4), ("zh", "亿", 8), ("zh", "万亿", 12), ("zh-TW", "萬", 4), ("zh-TW", "億", 8),
        ("zh-TW", "兆", 12), ("ja", "兆", 12), ("ja", "京", 16), ("ko", "만", 4), ("hi", "करोड़", 7),
        ("it", "miliardi", 9), ("xx", "million", 6),
    ],
)
def test_scale_words_from_cldr_compact_formats(lang: str, word: str, power: int) -> None:
    assert scale_words(lang)[word] == {power}


@pytest.mark.parametrize(
    ("lang", "word", "power"),
    [("en", "bn", 9), ("en", "millions", 6), ("ar", "تريليون", 12), ("ar", "مليارات", 9), ("zh", "十亿", 9),
     ("zh", "千万", 7), ("zh", "萬", 4), ("zh-TW", "万", 4), ("ja", "千", 3), ("ru", "тыс", 3)],
)
def test_scale_words_cldr_lacks_are_kept(lang: str, word: str, power: int) -> None:
    assert scale_words(lang)[word] == {power}


def test_no_one_letter_abbreviations_or_words_before_numbers() -> None:
    """`5M`, `5K` are units as often as scales; French `mille` alone is no pattern with a number."""
    assert not {"K", "M", "B", "T"} & set(scale_words("en"))
    assert scale_words("fr")["mille"] == {3} and "k" not in scale_words("fr")
    assert "兆" not in scale_words("zh")  # only traditional Chinese writes 兆 for 10^12


def test_cldr_quotes_are_read() -> None:
    assert [_unquote(a) for a in ("\u00a0Mrd'.'", "o''clock", "mil")] == ["\u00a0Mrd.", "o'clock", "mil"]


def test_arabic_trillion_as_cldr_spells_it_is_a_number() -> None:
    [number] = find_numbers("بلغت 5 ترليون", "ar", strict=True)
    assert number.values == {Decimal(5).scaleb(12)}


def test_numbers_read_by_the_conventions_of_a_hyphenated_code() -> None:
    """`pt-BR` groups with `.` and writes decimals with `,` (it was read as English)."""
    [number] = find_numbers("1.234,5", "pt-BR", strict=True)
    assert number.values == {Decimal("1234.5")}


@pytest.mark.parametrize(
    ("lang", "english", "native"),
    [("zh", "Chinese", "中文"), ("zh-TW", "Chinese (Traditional, Taiwan)", "中文 (繁體, 台灣)"),
     ("zh-Hant", "Chinese (Traditional)", "中文 (繁體)"), ("ar", "Arabic", "العربية"),
     ("pt_BR", "Portuguese (Brazil)", "português (Brasil)"), ("xx", "xx", "xx")],
)
def test_english_and_native_names(lang: str, english: str, native: str) -> None:
    assert english_name(lang) == english
    assert native_name(lang) == native


@pytest.mark.parametrize(
    ("lang", "rule"),
    [
        pytest.param("zh", "nplurals=1; plural=0;", id="zh"),
        pytest.param("fr", "nplurals=2; plural=(n > 1);", id="fr"),
        pytest.param("es", "nplurals=2; plural=(n != 1);", id="es"),
        pytest.param(
            "ar",
            "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
            ": n%100>=11 ? 4 : 5);",
            id="ar",
        ),
        pytest.param(
            "ru",
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 "
            "&& (n%100<10 || n%100>=20) ? 1 : 2);",
            id="ru",
        ),
        pytest.param("zh_TW", "nplurals=1; plural=0;", id="zh_TW"),
        pytest.param("pt", "nplurals=2; plural=(n != 1);", id="pt"),
        pytest.param("pt-BR", "nplurals=2; plural=(n > 1);", id="pt-BR"),
        pytest.param("pt_BR", "nplurals=2; plural=(n > 1);", id="pt_BR"),
        pytest.param("pt-Latn-BR", "nplurals=2; plural=(n > 1);", id="script-does-not-hide-the-territory"),
        pytest.param("de", "nplurals=2; plural=(n != 1);", id="other-language-from-babel"),
        pytest.param("pl-PL", "nplurals=3; plural=n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 "
                     "&& (n % 100 < 12 || n % 100 > 14) ? 1 : 2;", id="hyphenated-from-babel"),
        pytest.param("xx", "nplurals=2; plural=(n != 1);", id="unknown-as-english"),
    ],
)
def test_plural_forms(lang: str, rule: str) -> None:
    assert plural_forms(lang) == rule


@pytest.mark.parametrize("lang", ["fr", "es", "ru", "pt", "pt_BR", "it"])
def test_plural_forms_match_msginit(tmp_path: Path, lang: str) -> None:
    """For the languages GNU msginit knows, its Plural-Forms and ours are the same."""
    gnu_gettext("msginit")
    template = tmp_path / "t.pot"
    template.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8"
    )
    created = tmp_path / f"{lang}.po"
    subprocess.run(
        ["msginit", "--no-translator", "-l", lang, "-i", str(template), "-o", str(created)],
        check=True,
        capture_output=True,
    )
    assert polib.pofile(str(created)).metadata["Plural-Forms"] == plural_forms(lang)


def test_words_leave_placeholders_out() -> None:
    assert words("The <1>fair</1> opened <2/> in 2024.") == 5


def test_status_does_not_import_publishing() -> None:
    """`workflow status` counts words without loading assembly, publishing or babel's plural tables."""
    code = ("import sys, workflow.status, workflow.cli; "
            "print(sorted(m for m in sys.modules if m in ('workflow.assemble', 'workflow.publish', "
            "'babel.messages.plurals')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_english_names_are_babels_for_every_cldr_locale() -> None:
    """english_name reads CLDR's English tables without Babel's English locale (merged into root):
    the names are Babel's own for every CLDR locale, and for codes spelled as users spell them
    (the code itself where CLDR has no English name: `apc`, `hrx_BR`)."""
    codes = [*locale_identifiers(), "zh-tw", "ZH_hant", "sr-latn-rs", "en-US-POSIX", "pt-BR", "es-419",
             # bare codes, read without Babel when CLDR has a locale of that name: any case, and
             # aliases and likely subtags (iw is he_IL, und en_US), which are Babel's to resolve
             "FR", "Zh", "iw", "tl", "no", "mo", "in", "und", "C", "posix"]
    differ = {code: english_name(code) for code in codes
              if english_name(code) != (Locale.parse(locale_id(code)).english_name or code)}
    assert differ == {}
    assert english_name("apc") == "apc" and english_name("zh-tw") == "Chinese (Traditional, Taiwan)"


def test_the_shipped_english_names_are_used_only_for_the_en_dat_they_were_read_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The English name tables shipped in workflow/data (scripts/english_names.py) stand in for Babel's
    en.dat only while en.dat is the file they were read from; another file (Babel upgraded) is read."""
    folder = _babel_data()
    assert folder is not None
    data = Path(folder, "en.dat").read_bytes()
    own = english_names_of(data)
    assert own["languages"]["fr"] == "French" and own["territories"]["TW"] == "Taiwan"
    shipped = json.loads(Path(languages.SHIPPED_ENGLISH_NAMES).read_text(encoding="utf-8"))
    if shipped["en.dat sha1"] == hashlib.sha1(data).hexdigest():  # the Babel this release was made with
        assert {table: shipped[table] for table in languages.ENGLISH_TABLES} == own
    table = tmp_path / "english_names.json"
    monkeypatch.setattr(languages, "SHIPPED_ENGLISH_NAMES", str(table))
    for digest, expected in ((hashlib.sha1(data).hexdigest(), "Shipped French"), ("0" * 40, "French")):
        names = {name: dict(own[name]) for name in languages.ENGLISH_TABLES}
        names["languages"]["fr"] = "Shipped French"
        table.write_text(json.dumps({"en.dat sha1": digest, **names}), encoding="utf-8")
        languages._english_names.cache_clear()
        try:
            assert english_name("fr") == expected
        finally:
            languages._english_names.cache_clear()
    digest = hashlib.sha1(data).hexdigest()
    shapes = ["null", "[1, 2]", '"text"', json.dumps({"en.dat sha1": digest, "languages": {"fr": "Shipped"}}),
              json.dumps({"en.dat sha1": digest, **{name: [] for name in languages.ENGLISH_TABLES}}), "{"]
    for text in shapes:  # a table of another shape (a damaged install): en.dat, never a crash
        table.write_text(text, encoding="utf-8")
        languages._english_names.cache_clear()
        try:
            assert english_name("fr") == "French" and english_name("zh-tw") == "Chinese (Traditional, Taiwan)"
        finally:
            languages._english_names.cache_clear()
    table.unlink()  # no table: en.dat
    assert english_name("zh-tw") == "Chinese (Traditional, Taiwan)"
    languages._english_names.cache_clear()


def test_bare_codes_are_read_as_babel_reads_them() -> None:
    """A code of letters alone is parsed, and its locale's data file found, without importing Babel:
    the same subtags as Babel's parse_locale, the same file as Babel's."""
    codes = [code for code in locale_identifiers() if code.isalpha()] + ["FR", "Zh", "english", "x", "und"]
    assert {code: _subtags(code) for code in codes} == {code: parse_locale(code) for code in codes}
    folder = _babel_data()
    assert folder is not None
    assert os.path.join(folder, "en.dat") == resolve_locale_filename("en")
