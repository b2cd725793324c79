"""Translation memory: TMX reading and writing, lookup, import into and export from a workspace."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from extracting import SAMPLE_TMX, make_workspace
from hypothesis import given
from hypothesis import strategies as st

from workflow.cli import cli
from workflow.errors import WorkflowError
from workflow.extract import extract
from workflow.memory import (
    Memory,
    MemoryUnit,
    export_tmx,
    import_tmx,
    load_memory_units,
    memory_path,
    read_tmx,
    render_tmx,
)
from workflow.settings import Settings


def tmx(body: str, header: str = 'srclang="en"', doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<tmx version="1.4">'
            f'<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
            f'{header} datatype="plaintext"/><body>{body}</body></tmx>').encode("utf-8")


def tu(en: str, zh: str, zh_code: str = "zh") -> str:
    return f'<tu><tuv xml:lang="en"><seg>{en}</seg></tuv><tuv xml:lang="{zh_code}"><seg>{zh}</seg></tuv></tu>'


def test_sample_tmx() -> None:
    units = read_tmx(SAMPLE_TMX.read_bytes(), SAMPLE_TMX, "en")
    assert len(units) == 39
    assert units[1].texts["zh"] == "国务院新闻办公室1月10日发布《新时代的中国国际发展合作》白皮书。"


@pytest.mark.parametrize("seg, text", [
    pytest.param("The <bpt i='1'>&lt;b&gt;</bpt>white paper<ept i='1'>&lt;/b&gt;</ept>.",
                 "The <1>white paper</1>.", id="bpt-ept"),
    pytest.param("Read<ph>&lt;br/&gt;</ph> this<x id='9'/>.", "Read<1/> this<2/>.", id="ph-and-x"),
    pytest.param("A <hi type='b'>bold <ph/> word</hi> here", "A <1>bold <2/> word</1> here", id="hi-nested"),
    pytest.param("<bpt i='1'/>Open<bpt i='2'/>both<ept i='2'/><ept i='1'/>", "<1>Open<2>both</2></1>",
                 id="nested-pairs"),
    pytest.param("Lost <bpt i='1'/>start", "Lost <1/>start", id="unmatched-bpt"),
    pytest.param("Lost end<ept i='3'/>.", "Lost end.", id="unmatched-ept"),
    pytest.param("Foot<it pos='begin'/>note<ut>x</ut>", "Foot<1/>note<2/>", id="it-ut"),
    pytest.param("  many \n  spaces  ", "many spaces", id="whitespace"),
    pytest.param("A<sub>kept</sub> word", "Akept word", id="sub-words-kept"),
])
def test_inline_codes(seg: str, text: str) -> None:
    (unit,) = read_tmx(tmx(tu(seg, "x")), Path("/m.tmx"), "en")
    assert unit.texts["en"] == text


def test_dtd_is_not_loaded_nor_entities_expanded(caplog: pytest.LogCaptureFixture) -> None:
    doctype = '<!DOCTYPE tmx [<!ENTITY boom "BOOM BOOM BOOM">]>'
    body = tu("A &boom; here", "好") + "\n" + tu("Kept", "留")
    first, second = read_tmx(tmx(body, doctype=doctype), Path("/m.tmx"), "en")
    # the segment with an entity is left out, never imported without the entity's text
    assert first.texts == {"zh": "好"} and second.texts == {"en": "Kept", "zh": "留"}
    assert [r.getMessage() for r in caplog.records] == [
        "/m.tmx:1: entity &boom; is not expanded (no DTD is read): this en segment is skipped; "
        "write the character itself instead"]


@pytest.mark.parametrize("data, message, line", [
    pytest.param(b"<tmx><body><tu></body></tmx>", "malformed TMX", 1, id="malformed"),
    pytest.param(b"<?xml version='1.0'?>\n<xliff/>", "not a TMX file (root element <xliff>)", 2,
                 id="not-tmx"),
])
def test_bad_tmx(data: bytes, message: str, line: int) -> None:
    with pytest.raises(WorkflowError) as caught:
        read_tmx(data, Path("/m.tmx"), "en")
    assert message in caught.value.message and caught.value.line == line


words = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "Zs"), max_codepoint=0x9FFF),
                min_size=1, max_size=12).filter(lambda w: w.strip() == w and "<" not in w and ">" not in w)


@st.composite
def marked_texts(draw: st.DrawFn) -> str:
    """Words with well-nested placeholders, numbered in order as extraction numbers them."""
    out: list[str] = []
    counter = 0

    def run(depth: int) -> None:
        nonlocal counter
        for _ in range(draw(st.integers(1, 3))):
            kinds = ["word", "word", "empty", "pair"] if depth < 2 else ["word", "empty"]
            choice = draw(st.sampled_from(kinds))
            if choice == "word":
                out.append(draw(words))
            elif choice == "empty":
                counter += 1
                out.append(f"<{counter}/>")
            else:
                counter += 1
                number = counter
                out.append(f"<{number}>")
                run(depth + 1)
                out.append(f"</{number}>")
            out.append(" ")

    run(0)
    return " ".join("".join(out).split())


@given(source=marked_texts(), target=marked_texts())
def test_render_and_read_round_trip(source: str, target: str) -> None:
    data = render_tmx([MemoryUnit(source, target, "a.txt")], "en", "zh", ["k1"])
    (unit,) = read_tmx(data, Path("/m.tmx"), "en")
    assert (unit.texts, unit.origin) == ({"en": source, "zh": target}, "a.txt")


def test_exact_then_fuzzy_lookup() -> None:
    memory = Memory([
        MemoryUnit("Prices rose sharply last month.", "上个月价格大幅上涨。", "a.txt"),
        MemoryUnit("Prices  rose sharply last month. ", "重复", "b.tmx"),  # the same source: the first wins
        MemoryUnit("The minister visited Beijing.", "部长访问了北京。", "b.tmx"),
    ])
    assert len(memory) == 2
    exact = memory.lookup(" Prices rose  sharply last month.", 75)
    assert exact is not None and (exact.unit.origin, exact.score) == ("a.txt", 100)
    fuzzy = memory.lookup("Prices rose sharply last week.", 75)
    assert fuzzy is not None and fuzzy.unit.target == "上个月价格大幅上涨。" and 75 <= fuzzy.score < 100
    assert memory.lookup("Prices rose sharply last week.", 100) is None
    assert memory.lookup("Completely different words here.", 75) is None


def test_fuzzy_never_reads_as_exact() -> None:
    memory = Memory([MemoryUnit("a" * 300, "甲", "x")])
    match = memory.lookup("a" * 299 + "b", 50)
    assert match is not None and match.score == 99


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    sources = {"a.txt": "Prices rose.\n\nThe minister spoke.\n"}
    return make_workspace(tmp_path / "ws", sources, languages="zh fr")


def test_import_into_the_workspace(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "mem.tmx"
    three = ('<tu><tuv xml:lang="en"><seg>Hi.</seg></tuv><tuv xml:lang="de"><seg>Hallo.</seg></tuv>'
             '<tuv xml:lang="fr"><seg>Salut.</seg></tuv></tu>')
    file.write_bytes(tmx(tu("Prices rose.", "价格上涨。", "zh-CN") + tu("Hello.", "你好。") + three))
    report = import_tmx(ws, file)
    assert [(r.lang, r.units, r.added, r.known, r.written) for r in report.languages] == [
        ("zh", 2, 2, 0, True), ("fr", 1, 1, 0, True)]
    assert report.skipped == {"de": 1}
    assert memory_path(ws, "zh") == ws.root / "tm" / "en-zh.tmx"
    assert load_memory_units(ws, "zh") == [MemoryUnit("Prices rose.", "价格上涨。", "mem.tmx"),
                                           MemoryUnit("Hello.", "你好。", "mem.tmx")]
    before = memory_path(ws, "zh").read_bytes()
    again = import_tmx(ws, file)
    assert [(r.added, r.known, r.written) for r in again.languages] == [(0, 2, False), (0, 1, False)]
    assert memory_path(ws, "zh").read_bytes() == before


def test_import_without_a_configured_language(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "de.tmx"
    file.write_bytes(tmx(tu("Hi.", "Hallo.", "de")))
    with pytest.raises(WorkflowError) as caught:
        import_tmx(ws, file)
    assert caught.value.message == "no units for a configured language pair (languages in the file: de)"


def review(path: Path, targets: dict[str, str]) -> None:
    """Translate some units of a catalog as a translator would (not fuzzy)."""
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgid in targets:
            entry.msgstr = targets[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save(str(path))


def test_export_reviewed_units(ws: Settings, tmp_path: Path) -> None:
    extract(ws)
    review(ws.catalog("a.txt", "zh"), {"Prices rose.": "价格上涨。"})
    out = tmp_path / "out" / "zh.tmx"
    report = export_tmx(ws, "zh", out)
    assert (report.units, report.catalogs) == (1, 1)
    (unit,) = read_tmx(out.read_bytes(), out, "en")
    assert (unit.texts, unit.origin) == ({"en": "Prices rose.", "zh": "价格上涨。"}, "a.txt")
    # and what one workspace exports, another imports
    other = make_workspace(tmp_path / "other", {}, languages="zh")
    import_tmx(other, out)
    assert Memory(load_memory_units(other, "zh")).lookup("Prices rose.") is not None


def test_cli_import_and_export(ws: Settings, tmp_path: Path) -> None:
    extract(ws)
    file = tmp_path / "mem.tmx"
    file.write_bytes(tmx(tu("Prices rose.", "价格上涨。")))
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(ws.root), "tm", "import", str(file)])
    assert result.exit_code == 0, result.output
    memory = ws.root / "tm" / "en-zh.tmx"
    assert result.stderr == f"zh: 1 unit(s) in mem.tmx, 1 new, 0 known; memory {memory}\n"
    out = tmp_path / "export.tmx"
    result = runner.invoke(cli, ["--root", str(ws.root), "tm", "export", "zh", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"zh: 0 reviewed unit(s) from 1 catalog(s) written to {out}\n"
    result = runner.invoke(cli, ["--root", str(ws.root), "tm", "import", str(tmp_path / "missing.tmx")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'missing.tmx'}: cannot read:")
