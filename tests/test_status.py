"""`workflow status` and the fast catalog scanner it reads with."""

from __future__ import annotations

import json
from pathlib import Path

import click
import polib
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from reviewing import BULLETIN, PAGE, Put, put, snapshot, workspace

from workflow.catalogs import find_catalogs
from workflow.cli import cli
from workflow.model import State
from workflow.settings import Settings
from workflow.status import Counts, StatusRow, status, table
from workflow.store import EntryBrief, entry_state, load_catalog, scan_catalog

# -- the scanner agrees with polib ---------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=40
)


@st.composite
def entries(draw: st.DrawFn) -> list[polib.POEntry]:
    made: list[polib.POEntry] = []
    for index in range(draw(st.integers(0, 8))):
        entry = polib.POEntry(
            msgctxt=f"k{index}",
            msgid=draw(TEXT.filter(bool)),
            msgstr=draw(st.sampled_from(["", "x", "\\", '"quoted"\n', draw(TEXT)])),
            comment=draw(st.sampled_from(["", "paragraph: 1 of 2"])),
            tcomment=draw(st.sampled_from(["", "workflow: machine argos", "a note\nworkflow-ignore: all",
                                           "workflow: mt argos 1", "a note\nworkflow: pseudo",
                                           "workflow: propagated from a.txt"])),
            occurrences=[("source/a.txt", str(index + 1))],
        )
        if draw(st.booleans()):
            entry.flags.append("fuzzy")
        if draw(st.booleans()):
            entry.flags.append("python-format")
        entry.previous_msgid = draw(st.sampled_from([None, "", "old text", "old\nline"]))
        entry.obsolete = draw(st.integers(0, 5)) == 0
        made.append(entry)
    return made


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(made=entries(), wrap=st.sampled_from([0, 12, 79]))
def test_scanner_agrees_with_polib(tmp_path: Path, made: list[polib.POEntry], wrap: int) -> None:
    catalog = polib.POFile(wrapwidth=wrap)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.extend(made)
    path = tmp_path / "a.po"
    catalog.save(str(path))
    expected = [
        EntryBrief(e.msgctxt or "", e.msgid, entry_state(e)) for e in load_catalog(path) if not e.obsolete
    ]
    assert scan_catalog(path, keys=False) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('  msgid "a"\n  msgstr "b"\n', id="indented-lines"),
        pytest.param('msgid "a"\nmsgstr "b"   # a trailing comment\n', id="trailing-text"),
        pytest.param('msgid "a" "b"\nmsgstr "c"\n', id="two-strings-on-a-line"),
    ],
)
def test_unusual_layouts_are_read_by_polib(tmp_path: Path, text: str) -> None:
    path = tmp_path / "odd.po"
    path.write_text(text, encoding="utf-8")
    try:
        expected = [EntryBrief(e.msgctxt or "", e.msgid, entry_state(e)) for e in load_catalog(path)]
    except Exception as exc:  # polib refuses it: so does the scanner, with the same error
        with pytest.raises(type(exc)):
            scan_catalog(path, keys=False)
    else:
        assert scan_catalog(path, keys=False) == expected


def test_scanner_states(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "a"\nmsgid "new"\nmsgstr ""\n\n'
        '# workflow: mt argos 1\n#, fuzzy\nmsgctxt "b"\nmsgid "machine"\nmsgstr "m"\n\n'
        '# a note\n# workflow: tm 90% a.txt\n#, fuzzy\nmsgctxt "b2"\nmsgid "memory"\nmsgstr "m"\n\n'
        '#, fuzzy\nmsgctxt "b3"\nmsgid "marked by hand"\nmsgstr "m"\n\n'
        '# workflow: propagated from a.txt\n#, fuzzy\nmsgctxt "b4"\nmsgid "a person\'s"\nmsgstr "m"\n\n'
        '#, fuzzy\n#| msgid "old"\nmsgctxt "c"\nmsgid "changed"\nmsgstr "c"\n\n'
        '#, fuzzy\n#| msgid ""\nmsgctxt "c2"\nmsgid "previous empty: needs work"\nmsgstr "c"\n\n'
        'msgctxt "d"\nmsgid "reviewed"\nmsgstr "r"\n\n'
        '#, fuzzy\n#~ msgctxt "e"\n#~ msgid "gone"\n#~ msgstr "g"\n\n'
        'msgctxt "f"\nmsgid ""\n"two "\n"lines"\nmsgstr ""\n"x"\n',
        encoding="utf-8",
    )
    assert [(b.key, b.source, b.state) for b in scan_catalog(path, keys=False)] == [
        ("a", "new", State.NEW),
        ("b", "machine", State.MACHINE),
        ("b2", "memory", State.MACHINE),
        ("b3", "marked by hand", State.NEEDS_WORK),
        ("b4", "a person's", State.NEEDS_WORK),
        ("c", "changed", State.CHANGED),
        ("c2", "previous empty: needs work", State.NEEDS_WORK),
        ("d", "reviewed", State.REVIEWED),
        ("f", "two lines", State.REVIEWED),
    ]
    polib_states = [entry_state(e) for e in load_catalog(path) if not e.obsolete]
    assert polib_states == [b.state for b in scan_catalog(path, keys=False)]


# -- status --------------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    settings = workspace(tmp_path / "ws", {"fair.txt": BULLETIN, "page.html": PAGE}, languages="zh fr")
    put(
        settings,
        "zh",
        "fair.txt",
        {
            "Trade Fair": Put("北京贸易展会开幕", State.REVIEWED),  # 5 words
            "The fair opened": Put("展会于1月10日开幕。", State.MACHINE),  # 6 words
            "It drew": Put("吸引了2.2万名观众。", State.CHANGED, previous="It drew 21,000 visitors."),  # 8
        },
    )
    return settings


def test_counts_per_state(ws: Settings) -> None:
    report = status(ws, ["zh", "fr"])
    rows = {(r.lang, r.article): r for r in report.rows}
    fair = rows["zh", "fair.txt"]
    assert fair.units == Counts(new=2, machine=1, changed=1, reviewed=1)
    # words as publish counts them (\w+ runs): `22,000` is two, `https://example.org/fair` four
    assert fair.words == Counts(new=19, machine=6, changed=8, reviewed=5)
    assert fair.reviewed_percent == 13.1  # 5 of 38 words, rounded down
    assert rows["zh", "page.html"].units == Counts(new=2)
    assert [(t.lang, t.units.total, t.units.reviewed) for t in report.totals] == [("zh", 7, 1), ("fr", 7, 0)]
    assert report.total.units.total == 14 and report.total.lang is None


@pytest.mark.parametrize(
    ("reviewed", "total", "percent"),
    [
        pytest.param(0, 10, 0.0, id="none"),
        pytest.param(9999, 10000, 99.9, id="never-rounded-up-to-100"),
        pytest.param(10, 10, 100.0, id="all"),
        pytest.param(0, 0, 100.0, id="no-words"),
    ],
)
def test_reviewed_percent(reviewed: int, total: int, percent: float) -> None:
    row = StatusRow("zh", "a", Counts(reviewed=1), Counts(new=total - reviewed, reviewed=reviewed))
    assert row.reviewed_percent == percent


def test_catalogs_are_named_by_their_source(ws: Settings) -> None:
    (ws.locales / "zh" / "gone.po").write_bytes((ws.locales / "zh" / "page.po").read_bytes())
    assert [c.article for c in find_catalogs(ws, "zh")] == ["fair.txt", "gone", "page.html"]


def test_status_table(ws: Settings) -> None:
    before = snapshot(ws.root)
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "status", "zh"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "lang  article     new  machine  needs-work  changed  reviewed  total  reviewed\n"
        "zh    fair.txt   2/19      1/6         0/0      1/8       1/5   5/38     13.1%\n"
        "zh    page.html   2/8      0/0         0/0      0/0       0/0    2/8      0.0%\n"
        "zh    total      4/27      1/6         0/0      1/8       1/5   7/46     10.8%\n"
    )
    assert snapshot(ws.root) == before  # status reads, never writes


def test_status_colour_only_on_a_terminal(ws: Settings) -> None:
    plain = CliRunner().invoke(cli, ["--root", str(ws.root), "status"])
    coloured = CliRunner().invoke(cli, ["--root", str(ws.root), "status"], color=True)
    assert "\x1b[" not in plain.stdout
    assert "\x1b[32m" not in coloured.stdout and "\x1b[31m" in coloured.stdout  # nothing done: red
    assert click.unstyle(coloured.stdout) == plain.stdout


def test_status_json(ws: Settings) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "status", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["languages"] == ["zh", "fr"]
    assert data["articles"][0] == {
        "lang": "zh",
        "article": "fair.txt",
        "units": {"new": 2, "machine": 1, "needs-work": 0, "changed": 1, "reviewed": 1, "total": 5},
        "words": {"new": 19, "machine": 6, "needs-work": 0, "changed": 8, "reviewed": 5, "total": 38},
        "reviewed_percent": 13.1,
        "confidence": {"low": 0, "medium": 0, "high": 0, "unrated": 1},
    }
    assert [t["lang"] for t in data["totals"]] == ["zh", "fr"]
    assert data["total"]["units"]["total"] == 14 and data["failures"] == []


def test_a_unit_marked_fuzzy_by_hand_needs_work(ws: Settings) -> None:
    """A translator's own fuzzy (no engine provenance) is counted apart from machine output."""
    marked = Put("<1>2020年展会</1>举办了<2>190场论坛</2>。", State.NEEDS_WORK)
    put(ws, "zh", "page.html", {"The <1>": marked})
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "status", "zh", "--json"])
    rows = {r["article"]: r for r in json.loads(result.stdout)["articles"]}
    assert rows["page.html"]["units"] == {"new": 1, "machine": 0, "needs-work": 1, "changed": 0,
                                          "reviewed": 0, "total": 2}
    assert rows["fair.txt"]["units"]["machine"] == 1 and rows["fair.txt"]["units"]["needs-work"] == 0
    table = CliRunner().invoke(cli, ["--root", str(ws.root), "status", "zh"]).stdout.splitlines()
    assert table[0].split()[3:6] == ["machine", "needs-work", "changed"]
    assert table[2].split()[3:6] == ["0/0", "1/6", "0/0"]


def test_status_unknown_language(ws: Settings) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "status", "de"])
    assert result.exit_code == 2
    assert "not a configured language: de" in result.stderr


def test_status_broken_catalog(ws: Settings) -> None:
    (ws.locales / "fr" / "fair.po").write_text(
        'msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "status"])
    assert result.exit_code == 1
    assert "fair.po" in result.stderr and "1 file(s) failed" in result.stderr
    assert "zh    total" in result.stdout  # the other catalogs are still counted


def test_table_lines_are_aligned(ws: Settings) -> None:
    lines = table(status(ws, ["zh", "fr"]))
    assert [line.tone for line in lines][:1] == ["header"] and lines[-1].tone == "total"
    ends = {len(line.text) for line in lines}
    assert len(ends) == 1  # every line ends at the same column: the percent is right-aligned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("It drew 22,000 visitors from 148 countries.", 8, id="numbers"),
        pytest.param("The <1>2020 fair</1> had <2>190 forums</2>.<3/>", 6, id="placeholders"),
        pytest.param("a<b and c>d, x < 1", 7, id="angle-brackets-that-are-not-placeholders"),
        pytest.param("“1+8+N” — people-to-people, China’s", 8, id="punctuation"),
        pytest.param("", 0, id="empty"),
    ],
)
def test_words_are_counted_as_publish_counts_them(text: str, expected: int) -> None:
    from workflow import policy
    from workflow.status import words

    assert words is policy.words  # one count for status and the publishing threshold
    assert words(text) == expected


def test_entries_deleted_in_an_editor_are_reported_not_counted_as_done(ws: Settings) -> None:
    """`msgattrib --translated -o x.po x.po` drops the untranslated entries: status said 100 % reviewed and
    exited 0, while publish held the article back. The units extract last counted for the article that
    have no entry are reported (exit 1), with the fix."""
    path = ws.catalog("fair.txt", "zh")
    catalog = polib.pofile(str(path))
    dropped = [e for e in catalog if not e.msgstr and not e.obsolete]
    assert dropped
    for entry in dropped:
        catalog.remove(entry)
    catalog.save(str(path))
    report = status(ws, ["zh"])
    [failure] = [f for f in report.failures if f.path == path]
    assert failure.message == (f"{len(dropped)} of the article's 5 unit(s) have no entry in this catalog "
                               "(deleted in an editor?): counted as new")
    # and counted as new, words too: the percent is the one publish goes by (it said 100 %)
    [row] = [r for r in report.rows if r.article == "fair.txt"]
    assert row.units.total == 5 and row.units.new == len(dropped) and row.reviewed_percent < 100
    assert failure.hint == "run `workflow extract` to put them back"
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "status", "zh"])
    assert result.exit_code == 1 and "have no entry in this catalog" in result.stderr
    assert not [f for f in status(ws, ["fr"]).failures if "no entry" in f.message]  # fr is whole
