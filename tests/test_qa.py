"""QA checks (`workflow.qa`) and `workflow check`: every check has cases that fire and cases that must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reviewing import BULLETIN, PAGE, SAMPLES, Put, put, snapshot, workspace

from workflow.cli import EXIT_QA, cli
from workflow.glossary import Term
from workflow.model import Issue, Severity, State
from workflow.qa import (
    CHECKS,
    CheckContext,
    check_unit,
    ignored,
    run_checks,
    select_checks,
)
from workflow.qa.numbers import find_numbers
from workflow.settings import load_settings

GLOSSARY = (
    Term("white paper", "白皮书"),
    Term("Belt and Road", "一带一路"),
    Term("Belt and Road Initiative", "“一带一路”倡议"),
    Term("CIFTIS", "服贸会"),
    Term("Xinhua", "Xinhua", do_not_translate=True),
    Term("WeChat", "WeChat", do_not_translate=True),
)

# (check id, source, target, lang, a fragment of the message, or None where the check must not fire)
CASES = [
    # -- numbers: locale-aware
    pytest.param(
        "numbers", "It drew 22,000 visitors.", "吸引了2.2万名观众。", "zh", None, id="numbers-zh-wan"
    ),
    pytest.param(
        "numbers", "It drew 22,000 visitors.", "吸引了22000名观众。", "zh", None, id="numbers-zh-plain"
    ),
    pytest.param(
        "numbers",
        "It drew 22,000 visitors.",
        "Il a attiré 22\u202f000 visiteurs.",
        "fr",
        None,
        id="numbers-fr-narrow-nbsp",
    ),
    pytest.param(
        "numbers",
        "It drew 22,000 visitors.",
        "Il a attiré 22 000 visiteurs.",
        "fr",
        None,
        id="numbers-fr-space",
    ),
    pytest.param(
        "numbers", "It drew 22,000 visitors.", "Atrajo a 22.000 visitantes.", "es", None, id="numbers-es-dot"
    ),
    pytest.param(
        "numbers",
        "It drew 22,000 visitors.",
        "Привлекла 22\u00a0000 посетителей.",
        "ru",
        None,
        id="numbers-ru-nbsp",
    ),
    pytest.param(
        "numbers", "It drew 22,000 visitors.", "جذب ٢٢٬٠٠٠ زائر.", "ar", None, id="numbers-ar-digits"
    ),
    pytest.param(
        "numbers",
        "It drew 22,000 visitors.",
        "吸引了2.3万名观众。",
        "zh",
        "missing or changed: 22,000",
        id="numbers-zh-changed",
    ),
    pytest.param(
        "numbers",
        "It drew 22,000 visitors.",
        "Atrajo a 23.000 visitantes.",
        "es",
        "not in the source: 23.000",
        id="numbers-es-changed",
    ),
    pytest.param(
        "numbers", "It grew 3.5% in 2020.", "2020年增长3.5%。", "zh", None, id="numbers-percent-year"
    ),
    pytest.param(
        "numbers",
        "It grew 3.5% in 2020.",
        "Elle a crû de 3,5\u00a0% en 2020.",
        "fr",
        None,
        id="numbers-fr-decimal-comma",
    ),
    pytest.param(
        "numbers", "It grew 3.5% in 2020.", "2021年增长3.5%。", "zh", "2020", id="numbers-year-changed"
    ),
    pytest.param(
        "numbers", "It grew 3.5% in 2020.", "2020年增长35%。", "zh", "3.5", id="numbers-decimal-lost"
    ),
    pytest.param("numbers", "Released on January 10.", "1月10日发布。", "zh", None, id="numbers-date-zh"),
    pytest.param(
        "numbers", "Released on January 10.", "Publié le 10 janvier.", "fr", None, id="numbers-date-fr"
    ),
    pytest.param(
        "numbers", "Released on January 10.", "Publicado el 10 de enero.", "es", None, id="numbers-date-es"
    ),
    pytest.param(
        "numbers", "Released on January 10.", "Опубликовано 10 января.", "ru", None, id="numbers-date-ru"
    ),
    pytest.param("numbers", "Released on January 10.", "صدر في 10 يناير.", "ar", None, id="numbers-date-ar"),
    pytest.param(
        "numbers", "Released on January 10.", "2月10日发布。", "zh", "January", id="numbers-month-changed"
    ),
    pytest.param(
        "numbers",
        "From September 4 to 9, the fair was held.",
        "9月4日至9日举办了展会。",
        "zh",
        None,
        id="numbers-date-range",
    ),
    pytest.param("numbers", "Date: 2021-01-11", "日期：2021年1月11日", "zh", None, id="numbers-iso-date"),
    pytest.param(
        "numbers",
        "The mode of “1+8+N” was set up.",
        "建立了“1+8+N”模式。",
        "zh",
        None,
        id="numbers-formula-kept",
    ),
    pytest.param(
        "numbers",
        "The mode of “1+8+N” was set up.",
        "建立了“1+8”模式。",
        "zh",
        "1+8+N",
        id="numbers-formula-changed",
    ),
    pytest.param(
        "numbers",
        "Since the outbreak of COVID-19.",
        "新冠肺炎疫情暴发以来。",
        "zh",
        None,
        id="numbers-code-not-required",
    ),
    pytest.param("numbers", "It covered 5G communications.", "涵盖5G通信。", "zh", None, id="numbers-5g"),
    pytest.param("numbers", "It has eight parts.", "共分为8个部分。", "zh", None, id="numbers-word-as-digit"),
    pytest.param(
        "numbers",
        "It has eight parts.",
        "共分为9个部分。",
        "zh",
        "not in the source: 9",
        id="numbers-word-changed",
    ),
    pytest.param(
        "numbers", "The 4th expo opened.", "第四届进博会开幕。", "zh", None, id="numbers-ordinal-as-word"
    ),
    pytest.param(
        "numbers", "Sales were $2.2 million.", "销售额为220万美元。", "zh", None, id="numbers-scale-zh"
    ),
    pytest.param(
        "numbers",
        "Sales were $2.2 billion.",
        "Les ventes ont atteint 2,2 milliards.",
        "fr",
        None,
        id="numbers-scale-fr",
    ),
    pytest.param(
        "numbers", "Sales were $2.2 billion.", "Ventas de 2.200 millones.", "es", None, id="numbers-scale-es"
    ),
    pytest.param(
        "numbers",
        "Sales were $2.2 billion.",
        "Les ventes ont atteint 2,2 millions.",
        "fr",
        "2.2 billion",
        id="numbers-scale-wrong",
    ),
    pytest.param(
        "numbers",
        "In 2020 220 firms came.",
        "En 2020, 220 entreprises sont venues.",
        "fr",
        None,
        id="numbers-adjacent-not-grouped",
    ),
    pytest.param(
        "numbers", "They met at sea.", "Se reunieron en el mar.", "es", None, id="numbers-mar-is-not-march"
    ),
    # -- placeholders
    pytest.param(
        "placeholders", "The <1>fair</1> opened.", "<1>展会</1>开幕。", "zh", None, id="placeholders-ok"
    ),
    pytest.param(
        "placeholders",
        "The <1>fair</1> opened.",
        "展会开幕。",
        "zh",
        "missing <1>",
        id="placeholders-missing",
    ),
    pytest.param(
        "placeholders",
        "The fair<1/> opened.",
        "展会<1/>开幕<2/>。",
        "zh",
        "extra <2/>",
        id="placeholders-extra",
    ),
    pytest.param(
        "placeholders",
        "The fair<1/> opened.",
        "展会<1/>开幕<1/>。",
        "zh",
        "duplicated <1/>",
        id="placeholders-duplicated",
    ),
    pytest.param(
        "placeholders",
        "The <1>fair</1> opened.",
        "<1>展会开幕。",
        "zh",
        "missing </1>",
        id="placeholders-unbalanced",
    ),
    pytest.param(
        "placeholders",
        "Read the <1>white paper</1>.",
        "阅读白皮书<1></1>。",
        "zh",
        "<1></1> is empty: the source has text in it",
        id="placeholders-emptied-pair",
    ),
    pytest.param(
        "placeholders",
        "See <1>the <2>annex</2></1>.",
        "见<1><2>附件</2></1>。",
        "zh",
        None,
        id="placeholders-pair-with-text-in-a-pair-inside",
    ),
    pytest.param(
        "placeholders",
        "The <1>fair</1> opened.",
        "</1>展会<1>开幕。",
        "zh",
        "wrong order",
        id="placeholders-close-before-open",
    ),
    pytest.param(
        "placeholders",
        "<1>The <2>fair</2></1> opened.",
        "<1>展会<2>开幕</1></2>。",
        "zh",
        "wrong order",
        id="placeholders-crossed",
    ),
    pytest.param(
        "placeholders",
        "<1>A</1> and <2>B</2>.",
        "<2>乙</2>和<1>甲</1>。",
        "zh",
        None,
        id="placeholders-reordered-ok",
    ),
    # -- links
    pytest.param(
        "links",
        "See https://example.org/fair.",
        "见https://example.org/fair。",
        "zh",
        None,
        id="links-url-ok",
    ),
    pytest.param(
        "links",
        "See https://example.org/fair.",
        "Voir https://example.org/fair.",
        "fr",
        None,
        id="links-url-trailing-dot",
    ),
    pytest.param(
        "links",
        "See https://example.org/fair.",
        "见https://example.org/foire。",
        "zh",
        "https://example.org/fair",
        id="links-url-changed",
    ),
    pytest.param(
        "links",
        "Write to press@example.org.",
        "Écrivez à presse@example.org.",
        "fr",
        "press@example.org",
        id="links-email-changed",
    ),
    pytest.param(
        "links", "Write to press@example.org.", "请致信press@example.org。", "zh", None, id="links-email-ok"
    ),
    pytest.param(
        "links", "Follow #CIFTIS2020 today.", "今天关注#CIFTIS2020。", "zh", None, id="links-hashtag-ok"
    ),
    pytest.param(
        "links",
        "Follow #CIFTIS2020 today.",
        "Suivez #SIFTIC2020 aujourd’hui.",
        "fr",
        "#CIFTIS2020",
        id="links-hashtag-translated",
    ),
    pytest.param(
        "links", "It is number #1.", "C’est le numéro 1.", "fr", None, id="links-number-sign-not-hashtag"
    ),
    # -- glossary
    pytest.param(
        "glossary", "The white paper was released.", "白皮书发布了。", "zh", None, id="glossary-used"
    ),
    pytest.param(
        "glossary",
        "The white paper was released.",
        "白色文件发布了。",
        "zh",
        "“white paper” should be “白皮书”",
        id="glossary-not-used",
    ),
    pytest.param(
        "glossary",
        "Two white papers were released.",
        "两份文件发布了。",
        "zh",
        "白皮书",
        id="glossary-plural-source",
    ),
    pytest.param(
        "glossary",
        "The Belt and Road Initiative was proposed.",
        "提出了“一带一路”倡议。",
        "zh",
        None,
        id="glossary-longest-term",
    ),
    pytest.param(
        "glossary",
        "Cooperation on the Belt and Road.",
        "“一带一路”合作。",
        "zh",
        None,
        id="glossary-quotes-ignored",
    ),
    pytest.param("glossary", "The fair was held.", "展会举办了。", "zh", None, id="glossary-no-term"),
    # -- do-not-translate
    pytest.param(
        "do-not-translate", "Xinhua reported it.", "Xinhua l’a rapporté.", "fr", None, id="dnt-kept"
    ),
    pytest.param(
        "do-not-translate", "Xinhua reported it.", "新华社报道了此事。", "zh", "Xinhua", id="dnt-translated"
    ),
    pytest.param(
        "do-not-translate", "Use WeChat.", "Utilisez Wechat.", "fr", "WeChat", id="dnt-case-changed"
    ),
    # -- punctuation
    pytest.param(
        "punctuation", "The fair opened, and it grew.", "展会开幕，规模扩大。", "zh", None, id="punct-zh-ok"
    ),
    pytest.param(
        "punctuation",
        "The fair opened, and it grew.",
        "展会开幕,规模扩大.",
        "zh",
        "ASCII ','",
        id="punct-zh-ascii-comma",
    ),
    pytest.param(
        "punctuation",
        "The fair (CIFTIS) opened.",
        "服贸会(展会)开幕。",
        "zh",
        "ASCII '('",
        id="punct-zh-ascii-parens",
    ),
    pytest.param(
        "punctuation", "It drew 2.2 million people.", "吸引了2.2万人。", "zh", None, id="punct-zh-decimal-ok"
    ),
    pytest.param(
        "punctuation", "He said: yes!", "Il a dit\u00a0: oui\u202f!", "fr", None, id="punct-fr-nbsp-ok"
    ),
    pytest.param(
        "punctuation", "He said: yes!", "Il a dit : oui!", "fr", "a space before :", id="punct-fr-space"
    ),
    pytest.param(
        "punctuation",
        "He said: yes!",
        "Il a dit\u00a0: oui!",
        "fr",
        "no space before !",
        id="punct-fr-missing",
    ),
    pytest.param("punctuation", "It opens at 10:30.", "Il ouvre à 10:30.", "fr", None, id="punct-fr-time-ok"),
    pytest.param(
        "punctuation",
        "See https://example.org.",
        "Voir https://example.org.",
        "fr",
        None,
        id="punct-fr-url-ok",
    ),
    pytest.param("punctuation", "Is it open?", "هل هو مفتوح؟", "ar", None, id="punct-ar-ok"),
    pytest.param(
        "punctuation", "Is it open?", "هل هو مفتوح?", "ar", "ASCII '?'", id="punct-ar-ascii-question"
    ),
    pytest.param("punctuation", "Yes, it is.", "نعم, هو كذلك.", "ar", "ASCII ','", id="punct-ar-ascii-comma"),
    pytest.param(
        "punctuation", "It drew 22,000 people.", "جذب 22,000 شخص.", "ar", None, id="punct-ar-number-ok"
    ),
    pytest.param(
        "punctuation",
        "The fair (in Beijing) opened.",
        "La foire (à Pékin ouvre.",
        "fr",
        "( not closed",
        id="punct-bracket-unclosed",
    ),
    pytest.param("punctuation", "The “fair” opened.", "“展会”开幕。", "zh", None, id="punct-quotes-ok"),
    pytest.param(
        "punctuation", "The “fair” opened.", "“展会开幕。", "zh", "“ not closed", id="punct-quote-unclosed"
    ),
    pytest.param(
        "punctuation",
        "He said “the fair opened.",
        "他说“展会开幕。",
        "zh",
        None,
        id="punct-source-quote-spans-sentences",
    ),
    # -- whitespace
    pytest.param("whitespace", "The fair opened.", "La foire a ouvert.", "fr", None, id="space-ok"),
    pytest.param(
        "whitespace", "The fair opened.", " La foire a ouvert.", "fr", "leading space", id="space-leading"
    ),
    pytest.param(
        "whitespace", "The fair opened.", "La foire a ouvert. ", "fr", "trailing space", id="space-trailing"
    ),
    pytest.param(
        "whitespace", "The fair opened.", "La foire  a ouvert.", "fr", "doubled space", id="space-doubled"
    ),
    # -- identical
    pytest.param(
        "identical",
        "The fair opened in Beijing.",
        "The fair opened in Beijing.",
        "fr",
        "is the source",
        id="identical-sentence",
    ),
    pytest.param("identical", "Xinhua News Agency", "Xinhua News Agency", "fr", None, id="identical-name"),
    pytest.param("identical", "2020", "2020", "zh", None, id="identical-number"),
    pytest.param("identical", "WeChat", "WeChat", "zh", None, id="identical-dnt-term"),
    pytest.param(
        "identical", "The fair opened.", "La foire a ouvert.", "fr", None, id="identical-translated"
    ),
    # -- length
    pytest.param(
        "length",
        "The fair opened in Beijing with many visitors.",
        "展会在北京开幕，观众众多。",
        "zh",
        None,
        id="length-zh-normal",
    ),
    pytest.param(
        "length",
        "The fair opened in Beijing with many visitors.",
        "The fair opened in Beijing with many visitors. 展会在北京开幕，观众众多。",
        "zh",
        "long",
        id="length-zh-too-long",
    ),
    pytest.param(
        "length",
        "The fair opened in Beijing with many visitors.",
        "Foire.",
        "fr",
        "short",
        id="length-fr-too-short",
    ),
    pytest.param(
        "length",
        "Fair opens.",
        "Ouverture de la foire internationale.",
        "fr",
        None,
        id="length-short-source-not-judged",
    ),
    # -- characters: what publish refuses, check names (it passed, and publish's hint pointed to check)
    *(pytest.param("characters", "Goats are back in town.", f"山羊{char}回城了。", "zh",
                   f"U+{ord(char):04X}", id=f"characters-U+{ord(char):04X}")
      for char in "\v\x00\x01\x1b\x1c\x7f\x85\ufffe"),
    pytest.param("characters", "A\x0cB page break.", "A\x0cB 分页。", "zh", None,
                 id="characters-held-by-source"),
    pytest.param("characters", "Tab\there.", "制表\t符\n换行。", "zh", None,
                 id="characters-tab-and-line-end"),
    # -- direction: overrides and embeddings reorder what readers see
    pytest.param("direction", "Price: 100 dollars.", "السعر: \u202e100\u202c دولار.", "ar",
                 "U+202E (right-to-left override)", id="direction-override"),
    pytest.param("direction", "See \u2067this\u2069.", "انظر \u2067هذا\u2069.", "ar", None,
                 id="direction-isolates-held-by-source"),
    pytest.param("direction", "Price: 100 dollars.", "السعر: 100\u200f دولار.", "ar", None,
                 id="direction-marks-are-fine"),
]
REVIEWED_CASES = [
    pytest.param("The fair opened.", " ", "zh", State.REVIEWED, "empty", id="reviewed-blank"),
    pytest.param("The fair opened.", "<1/>", "zh", State.REVIEWED, "empty", id="reviewed-only-placeholder"),
    pytest.param(
        "The fair opened in Beijing.",
        "The fair opened in Beijing.",
        "zh",
        State.REVIEWED,
        "source's script",
        id="reviewed-still-english-zh",
    ),
    pytest.param(
        "The fair opened in Beijing.",
        "The fair opened in Beijing.",
        "ar",
        State.REVIEWED,
        "source's script",
        id="reviewed-still-english-ar",
    ),
    pytest.param(
        "The fair opened in Beijing.",
        "The fair opened in Beijing.",
        "zh",
        State.MACHINE,
        None,
        id="reviewed-not-for-machine-units",
    ),
    pytest.param(
        "The CIFTIS opened in Beijing.",
        "CIFTIS在北京开幕。",
        "zh",
        State.REVIEWED,
        None,
        id="reviewed-latin-name-in-zh",
    ),
    pytest.param(
        "The fair opened in Beijing.",
        "La foire a ouvert à Pékin.",
        "fr",
        State.REVIEWED,
        None,
        id="reviewed-latin-target-language",
    ),
    pytest.param("2020", "2020", "zh", State.REVIEWED, None, id="reviewed-number-only"),
]


# checks that read the unit's provenance: (check, provenance, state, min_confidence, expected)
PROVENANCE_CASES = [
    pytest.param("unknown-words", "mt apertium eng-spa · confidence 80; unknown words: Xinhua, uphill",
                 State.MACHINE, 0, "did not know Xinhua, uphill", id="unknown-words"),
    pytest.param("unknown-words", "mt apertium eng-spa · confidence 100", State.MACHINE, 0, None,
                 id="unknown-words-none"),
    pytest.param("unknown-words", "mt apertium eng-spa · confidence 80; unknown words: Xinhua",
                 State.REVIEWED, 0, None, id="unknown-words-reviewed"),
    pytest.param("confidence", "mt argos translate-en_zh 1.9 · confidence 42; glossary: CIFTIS",
                 State.MACHINE, 60, "confidence 42 is below min_confidence 60", id="confidence-low"),
    pytest.param("confidence", "mt argos translate-en_zh 1.9 · confidence 60", State.MACHINE, 60, None,
                 id="confidence-at-minimum"),
    pytest.param("confidence", "mt argos translate-en_zh 1.9 · confidence 42", State.MACHINE, 0, None,
                 id="confidence-no-minimum"),
    pytest.param("confidence", "tm 80% a.tmx · confidence 42", State.REVIEWED, 60, None,
                 id="confidence-reviewed"),
    pytest.param("confidence", "mt argos translate-en_zh 1.9", State.MACHINE, 60, None,
                 id="confidence-not-recorded"),
]


@pytest.mark.parametrize(("check_id", "provenance", "state", "minimum", "expected"), PROVENANCE_CASES)
def test_provenance_checks(check_id: str, provenance: str, state: State, minimum: int,
                           expected: str | None) -> None:
    context = CheckContext("es", key="k1", state=state, provenance=provenance, min_confidence=minimum)
    issue = CHECKS[check_id]("The fair opened.", "La feria abrió.", context)
    if expected is None:
        assert issue is None
    else:
        assert issue is not None and issue.severity is Severity.WARNING
        assert expected in issue.message


@pytest.mark.parametrize(("check_id", "source", "target", "lang", "expected"), CASES)
def test_check(check_id: str, source: str, target: str, lang: str, expected: str | None) -> None:
    context = CheckContext(lang, key="k1", terms=GLOSSARY)
    issue = CHECKS[check_id](source, target, context)
    if expected is None:
        assert issue is None
    else:
        assert issue is not None
        assert issue == Issue("k1", check_id, CHECKS[check_id].severity, issue.message)
        assert expected in issue.message


@pytest.mark.parametrize(("source", "target", "lang", "state", "expected"), REVIEWED_CASES)
def test_reviewed_check(source: str, target: str, lang: str, state: State, expected: str | None) -> None:
    issue = CHECKS["reviewed"](source, target, CheckContext(lang, state=state, terms=GLOSSARY))
    if expected is None:
        assert issue is None
    else:
        assert issue is not None and expected in issue.message and issue.severity is Severity.ERROR


def test_every_check_has_cases_that_fire_and_cases_that_must_not() -> None:
    table = [(p.values[0], p.values[4]) for p in [*CASES, *PROVENANCE_CASES]]
    table += [("reviewed", p.values[4]) for p in REVIEWED_CASES]
    fires = {check for check, expected in table if expected is not None}
    quiet = {check for check, expected in table if expected is None}
    assert fires == set(CHECKS) == quiet


def test_registry_severities() -> None:
    errors = {c.id for c in CHECKS.values() if c.severity is Severity.ERROR}
    assert errors == {"numbers", "placeholders", "characters", "links", "do-not-translate", "reviewed"}
    assert all(c.summary for c in CHECKS.values())


def test_number_values() -> None:
    [number] = find_numbers("about 2.2万 people", "zh", strict=False)
    assert number.text == "2.2万" and {int(v) for v in number.values} == {22000}
    [date] = [n for n in find_numbers("le 10 janvier", "fr", strict=False) if n.text == "janvier"]
    assert {int(v) for v in date.values} == {1}
    # a source number is read the source's way only: 26,000 is never 26
    [source] = find_numbers("26,000 words", "en", strict=True)
    assert {int(v) for v in source.values} == {26000}


def test_select_checks() -> None:
    assert [c.id for c in select_checks(["numbers", "links"])] == ["numbers", "links"]
    assert "numbers" not in [c.id for c in select_checks(skip=["numbers"])]
    with pytest.raises(ValueError, match="unknown check nope"):
        select_checks(["nope"])


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        pytest.param("workflow-ignore: numbers", {"numbers"}, id="one"),
        pytest.param(
            "a note\nworkflow-ignore: numbers, glossary\n", {"numbers", "glossary"}, id="two-after-a-note"
        ),
        pytest.param("Workflow-Ignore: all", {"all"}, id="all"),
        pytest.param("please ignore numbers", set(), id="prose-is-not-a-directive"),
    ],
)
def test_ignored(comment: str, expected: set[str]) -> None:
    assert ignored(comment) == expected


# -- the command --------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    settings = workspace(tmp_path / "ws", {"fair.txt": BULLETIN, "page.html": PAGE}, languages="zh fr")
    put(
        settings,
        "zh",
        "fair.txt",
        {
            "Trade Fair": Put("北京贸易展会开幕", State.REVIEWED),
            "The fair opened": Put("展会于1月10日开幕。", State.MACHINE, provenance="machine argos"),
            "It drew": Put("吸引了来自148个国家的2.3万名观众。", State.MACHINE),  # 22,000 became 23,000
            "Details": Put("详情见https://example.org/fair或致信press@example.org。", State.REVIEWED),
        },
    )
    return settings.root


def test_check_command_reports_path_line_and_exits_3(ws: Path) -> None:
    before = snapshot(ws / "locales")
    result = CliRunner().invoke(cli, ["--root", str(ws), "check", "zh"])
    assert result.exit_code == EXIT_QA, result.output
    po = ws / "locales" / "zh" / "fair.po"
    [line] = [x for x in result.stdout.splitlines() if "[numbers]" in x]
    where, _, rest = line.partition(": ")
    path, number = where.rsplit(":", 1)
    assert Path(path) == po
    assert 'msgid "It drew 22,000' in "\n".join(
        po.read_text(encoding="utf-8").splitlines()[int(number) - 1 :][:6]
    )
    assert rest.startswith("error: [numbers] missing or changed: 22,000; not in the source: 2.3万")
    assert "1 error(s), 0 warning(s), 0 silenced" in result.stderr
    assert snapshot(ws / "locales") == before  # checks never write


def test_check_skip_and_silence(ws: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(ws), "check", "zh", "--skip", "numbers"]).exit_code == 0
    assert (
        runner.invoke(cli, ["--root", str(ws), "check", "zh", "--checks", "links,punctuation"]).exit_code == 0
    )
    put(
        load_settings(ws),
        "zh",
        "fair.txt",
        {
            "It drew": Put(
                "吸引了来自148个国家的2.3万名观众。", State.MACHINE, comment="workflow-ignore: numbers"
            ),
        },
    )
    result = runner.invoke(cli, ["--root", str(ws), "check", "zh"])
    assert result.exit_code == 0, result.output
    assert ": silenced error: [numbers]" in result.stdout
    assert "0 error(s), 0 warning(s), 1 silenced" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--checks", "numbers", "--skip", "links"], id="both-flags"),
        pytest.param(["--checks", "nope"], id="unknown-check"),
        pytest.param(["xx"], id="unknown-language"),
    ],
)
def test_check_bad_usage(ws: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ws), "check", *args])
    assert result.exit_code == 2
    assert "error:" in result.stderr.lower()  # click's own usage errors, and the library's (UsageError)


def test_check_json(ws: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ws), "check", "--json"])
    assert result.exit_code == EXIT_QA
    data = json.loads(result.stdout)
    assert data["languages"] == ["zh", "fr"] and data["errors"] == 1 and data["units"] == 4
    [finding] = data["findings"]
    assert finding | {"line": 0} == {
        "lang": "zh",
        "article": "fair.txt",
        "path": "locales/zh/fair.po",
        "line": 0,
        "source_line": 5,
        "key": finding["key"],
        "state": "machine",
        "check": "numbers",
        "severity": "error",
        "message": "missing or changed: 22,000; not in the source: 2.3万",
        "silenced": False,
    }


def test_check_list() -> None:
    result = CliRunner().invoke(cli, ["check", "--list"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(CHECKS)


def test_unreadable_catalog_is_a_failure(ws: Path) -> None:
    (ws / "locales" / "fr" / "fair.po").write_text(
        'msgid "x"\nmsgstr "y"\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--root", str(ws), "check"])
    assert result.exit_code == 1
    assert "fair.po" in result.stderr and "1 file(s) failed" in result.stderr


def test_glossary_from_the_workspace(ws: Path) -> None:
    (ws / "glossary").mkdir(exist_ok=True)
    (ws / "glossary" / "en-zh.tsv").write_text("source\ttarget\tnote\nfair\t博览会\t\n", encoding="utf-8")
    report = run_checks(load_settings(ws), ["zh"], select_checks(["glossary"]))
    assert {f.issue.message for f in report.findings} == {"“fair” should be “博览会”"}


def test_sample_translation_memory_gives_no_false_errors() -> None:
    """The reviewed en->zh memory of the sample bulletin: no error, and only real omissions warned."""
    tmx, tsv = SAMPLES / "tm" / "ciftis-en-zh.tmx", SAMPLES / "glossary" / "en-zh.tsv"
    from lxml import etree

    from workflow.model import Segment, Unit

    rows = [line.split("\t") for line in tsv.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    terms = tuple(Term(row[0], row[1]) for row in rows)
    tree = etree.parse(str(tmx))
    found: list[Issue] = []
    for index, tu in enumerate(tree.iter("tu")):
        english, chinese = ("".join(seg.itertext()) for seg in tu.iter("seg"))
        unit = Unit(Segment(str(index), "a.txt", english, 1), "zh", chinese, State.REVIEWED)
        found += check_unit(unit, tuple(CHECKS.values()), terms=terms)
    assert index > 30
    assert [(i.check, i.message) for i in found] == [("glossary", "“CIFTIS” should be “服贸会”")]


@pytest.mark.parametrize("target", ["山羊\v回城了。", "山羊\x00回城了。", "<1>山羊</1>回城了。",
                                    "山羊回城了。", "山羊<1>回城了。", "A\x0cB 分页。"])
def test_check_reports_an_error_for_every_unit_publish_refuses(target: str) -> None:
    """publish refused units that check passed ("…the control character U+000B"; its hint: `workflow check`
    gives its line): every refusal is an error-severity finding of check."""
    from workflow.assemble import refusal

    source = "A\x0cB <1>Goats</1> are back in town." if "\x0c" in target else "<1>Goats</1> are back in town."
    context = CheckContext("zh", "en", "k", State.REVIEWED, (), "", 0)
    errors = [c.id for c in CHECKS.values()
              if c.severity is Severity.ERROR and c.function(source, target, context)]
    assert bool(refusal(source, target)) == bool({"characters", "placeholders"} & set(errors)), errors
