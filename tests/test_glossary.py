"""Glossaries: the TSV format, term matching, import, and what QA reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from extracting import SAMPLE_GLOSSARY, make_workspace

from workflow.cli import cli
from workflow.errors import WorkflowError
from workflow.glossary import Glossary, Term, glossary_path, import_glossary, load_glossary, parse_glossary
from workflow.settings import Settings


def parse(text: str) -> Glossary:
    return parse_glossary(text.encode("utf-8"), Path("/g/en-zh.tsv"), "zh")


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    return make_workspace(tmp_path / "ws", {}, languages="zh fr")


def test_sample_glossary() -> None:
    glossary = parse_glossary(SAMPLE_GLOSSARY.read_bytes(), SAMPLE_GLOSSARY, "zh")
    assert len(glossary.terms) == 15
    first = glossary.terms[0]
    assert (first.source, first.target, first.do_not_translate) == ("Belt and Road", "一带一路", False)
    assert first.line == 2
    assert first.note.startswith("always in quotation marks")


@pytest.mark.parametrize("row, target, keep", [
    pytest.param("white paper\t白皮书", "白皮书", False, id="approved"),
    pytest.param("CIFTIS\t\tacronym", "CIFTIS", True, id="empty-target"),
    pytest.param("CIFTIS\t=", "CIFTIS", True, id="equals-sign"),
    pytest.param("CIFTIS\tCIFTIS", "CIFTIS", True, id="same-as-source"),
    pytest.param("Xinhua\t新华社\t\tdnt", "Xinhua", True, id="type-dnt"),
    pytest.param("Xinhua\t新华社\t\tdo-not-translate", "Xinhua", True, id="type-long"),
    pytest.param("Xinhua\t新华社\tnote\tapproved", "新华社", False, id="type-approved"),
    pytest.param("  white   paper \t 白皮书 ", "白皮书", False, id="spaces-trimmed"),
])
def test_term_kinds(row: str, target: str, keep: bool) -> None:
    (term,) = parse(f"source\ttarget\tnote\ttype\n{row}\n").terms
    assert (term.target, term.do_not_translate) == (target, keep)


@pytest.mark.parametrize("text, line, message", [
    pytest.param("white paper\n", 1, "needs a source and a target", id="no-tab"),
    pytest.param("source\ttarget\n\t白皮书\n", 2, "empty source term", id="empty-source"),
    pytest.param("a\tb\t\tmaybe\n", 1, "unknown term type", id="bad-type"),
    pytest.param("# comment\nwhite paper\t白皮书\nWhite Paper\t白皮书\n", 3, "listed twice (first on line 2)",
                 id="duplicate"),
    # a note holding a line separator (or \f, \x85, \x1c) is one line, as TSV tools read it: the bad row
    # was reported one line too early
    pytest.param("white paper\t白皮书\ta note\u2028and more\fstill\nfair\t展会\nno tab\n", 3,
                 "needs a source and a target", id="line-separators-in-a-note"),
])
def test_bad_rows(text: str, line: int, message: str) -> None:
    with pytest.raises(WorkflowError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.line == line and caught.value.path == Path("/g/en-zh.tsv")


def test_not_utf8() -> None:
    with pytest.raises(WorkflowError, match="not UTF-8") as caught:
        parse_glossary("a\tb\nwhite\tblanc\u00e9\n".encode("latin-1"), Path("/g.tsv"), "fr")
    assert caught.value.line == 2


GLOSSARY = parse(
    "Belt and Road\t一带一路\n"
    "Belt and Road Initiative\t“一带一路”倡议\n"
    "white paper\t白皮书\n"
    "CIFTIS\t\t\tdnt\n"
)


@pytest.mark.parametrize("text, found", [
    pytest.param("The Belt and Road Initiative and the Belt and Road.",
                 [("Belt and Road Initiative", 4, 28), ("Belt and Road", 37, 50)], id="longest-first"),
    pytest.param("Two White Papers", [("white paper", 4, 16)], id="any-case-and-plural"),
    pytest.param("the white\npaper", [("white paper", 4, 15)], id="any-whitespace"),
    pytest.param("whitepaper, white papery", [], id="whole-words-only"),
    pytest.param("CIFTIS and Ciftis", [("CIFTIS", 0, 6)], id="dnt-exact-case"),
    pytest.param("The <1>white paper</1>", [("white paper", 7, 18)], id="between-placeholders"),
])
def test_find(text: str, found: list[tuple[str, int, int]]) -> None:
    assert [(m.term.source, m.start, m.end) for m in GLOSSARY.find(text)] == found


def test_missing_terms() -> None:
    source = "CIFTIS published a white paper."
    assert GLOSSARY.missing(source, "CIFTIS发布了白皮书。") == []
    missing = GLOSSARY.missing(source, "服贸会发布了报告。")
    assert [m.term.source for m in missing] == ["CIFTIS", "white paper"]


def test_no_glossary_is_empty(ws: Settings) -> None:
    glossary = load_glossary(ws, "zh")
    assert glossary.terms == () and glossary.find("white paper") == []


def test_import_names_the_language(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "en-zh.tsv"
    file.write_text("source\ttarget\tnote\nwhite paper\t白皮书\nCIFTIS\t\tkeep as is\n", encoding="utf-8")
    report = import_glossary(ws, file)
    assert (report.lang, report.terms, report.added, report.replaced, report.written) == ("zh", 2, 2, 0, True)
    assert report.path == glossary_path(ws, "zh") == ws.root / "glossary" / "en-zh.tsv"
    assert report.path.read_text(encoding="utf-8") == (
        "source\ttarget\tnote\ttype\nwhite paper\t白皮书\nCIFTIS\t\tkeep as is\tdnt\n"
    )
    assert load_glossary(ws, "zh").terms == (
        Term("white paper", "白皮书", "", False, 2), Term("CIFTIS", "CIFTIS", "keep as is", True, 3),
    )
    again = import_glossary(ws, file)
    assert (again.added, again.replaced, again.written) == (0, 2, False)


def test_import_merges(ws: Settings, tmp_path: Path) -> None:
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text("white paper\t白皮书\nMinistry of Commerce\t商务部\n", encoding="utf-8")
    second.write_text("white paper\t白皮书（新）\ntrade in services\t服务贸易\n", encoding="utf-8")
    import_glossary(ws, first, "zh")
    report = import_glossary(ws, second, "zh")
    assert (report.terms, report.added, report.replaced) == (3, 1, 1)
    assert {t.source: t.target for t in load_glossary(ws, "zh").terms} == {
        "white paper": "白皮书（新）", "Ministry of Commerce": "商务部", "trade in services": "服务贸易",
    }


def test_import_needs_a_language(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "terms.tsv"
    file.write_text("white paper\t白皮书\n", encoding="utf-8")
    with pytest.raises(WorkflowError, match="target language") as caught:
        import_glossary(ws, file)
    assert caught.value.hint == "name it en-LANG.tsv or give --lang LANG"


def test_qa_reads_the_glossary(ws: Settings, tmp_path: Path) -> None:
    from workflow.qa import load_terms

    file = tmp_path / "en-zh.tsv"
    file.write_text("white paper\t白皮书\nCIFTIS\t\n", encoding="utf-8")
    import_glossary(ws, file)
    assert [(t.source, t.target, t.do_not_translate) for t in load_terms(ws, "zh")] == [
        ("white paper", "白皮书", False), ("CIFTIS", "CIFTIS", True),
    ]


def test_cli_import(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "en-zh.tsv"
    file.write_text("white paper\t白皮书\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "glossary", "import", str(file)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"zh: 1 term(s) in {ws.root / 'glossary' / 'en-zh.tsv'} (1 new, 0 replaced)\n"


def test_cli_import_unknown_language(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "en-de.tsv"
    file.write_text("white paper\tWeißbuch\n", encoding="utf-8")
    args = ["--root", str(ws.root), "glossary", "import", str(file), "--lang", "de"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "not a configured language: de" in result.stderr


def test_import_takes_a_configured_language_as_configured(ws: Settings, tmp_path: Path) -> None:
    """A language from the file name or --lang is a configured one, in any case, and is written under its
    configured spelling: en-ZH.tsv was written as glossary/en-ZH.tsv, which no command read (exit 0),
    and en-de.tsv was taken for an unconfigured de while --lang de was refused."""
    upper = tmp_path / "en-ZH.tsv"
    upper.write_text("white paper\t白皮书\n", encoding="utf-8")
    report = import_glossary(ws, upper)
    assert (report.lang, report.path) == ("zh", ws.root / "glossary" / "en-zh.tsv")
    assert [t.target for t in load_glossary(ws, "zh").terms] == ["白皮书"]
    named = CliRunner().invoke(cli, ["--root", str(ws.root), "glossary", "import", str(upper),
                                     "--lang", "ZH"])
    assert named.exit_code == 0, named.output
    unconfigured = tmp_path / "en-de.tsv"
    unconfigured.write_text("white paper\tWeißbuch\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "glossary", "import", str(unconfigured)])
    assert result.exit_code == 2 and "not a configured language: de" in result.stderr
    assert not (ws.root / "glossary" / "en-de.tsv").exists()
    assert sorted(p.name for p in (ws.root / "glossary").iterdir()) == ["en-zh.tsv"]


TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en"><text><body>
  <termEntry id="t1"><descrip type="definition">a government report</descrip>
    <langSet xml:lang="en-US"><tig><term>white paper</term></tig></langSet>
    <langSet xml:lang="zh-CN"><tig><term>白皮书</term></tig></langSet></termEntry>
  <termEntry id="t2">
    <langSet xml:lang="en"><tig><term>CIFTIS</term></tig></langSet>
    <langSet xml:lang="zh"><tig><term>CIFTIS</term></tig></langSet></termEntry>
  <termEntry id="t3"><langSet xml:lang="en"><tig><term>French only</term></tig></langSet>
    <langSet xml:lang="fr"><tig><term>seulement</term></tig></langSet></termEntry>
</body></text></martif>"""

TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Core" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
  <conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>trade in services</term></termSec></langSec>
    <langSec xml:lang="zh"><termSec><term>服务贸易</term></termSec></langSec></conceptEntry>
</body></text></tbx>"""


@pytest.mark.parametrize("name, content, terms", [
    pytest.param("terms.tbx", TBX_BASIC, [("white paper", "白皮书", "a government report", False),
                                          ("CIFTIS", "CIFTIS", "", True)], id="tbx-basic"),
    pytest.param("en-zh.tbx", TBX_V3, [("trade in services", "服务贸易", "", False)], id="tbx-v3"),
])
def test_import_tbx(ws: Settings, tmp_path: Path, name: str, content: str,
                    terms: list[tuple[str, str, str, bool]]) -> None:
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    report = import_glossary(ws, file, "zh" if name == "terms.tbx" else None)
    assert report.lang == "zh"
    assert [(t.source, t.target, t.note, t.do_not_translate) for t in load_glossary(ws, "zh").terms] == terms


def test_tbx_language_from_its_content(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", {}, languages="zh")
    file = tmp_path / "terms.tbx"
    file.write_text(TBX_BASIC, encoding="utf-8")
    assert import_glossary(ws, file).lang == "zh"  # fr is in the file, but not configured


def test_tbx_terms_of_another_script_are_not_taken(tmp_path: Path) -> None:
    """For zh-TW (Traditional characters), zh-CN's Simplified term is no translation; zh-HK's is."""
    ws = make_workspace(tmp_path / "ws", {}, languages="zh-TW")
    file = tmp_path / "terms.tbx"
    file.write_text(TBX_BASIC.replace(
        '<langSet xml:lang="fr"><tig><term>seulement</term></tig></langSet>',
        '<langSet xml:lang="zh-HK"><tig><term>只有</term></tig></langSet>'), encoding="utf-8")
    import_glossary(ws, file, "zh-TW")
    assert [(t.source, t.target) for t in load_glossary(ws, "zh-TW").terms] == [("French only", "只有")]
