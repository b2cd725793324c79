"""Catalogs other tools saved: no churn, their own style kept, nothing of theirs lost.

The files under tests/data/po/zh/ are one translator's catalog of
tests/data/po/source/fair-bulletin-2021-01.txt as each PO tool saves it (written by GNU
gettext's msgcat, polib and Translate Toolkit; Poedit, Weblate and Lokalize reproduced from
their documented styles: see tests/data/po/make_fixtures.py). Each has unknown header
fields, `Language: zh_CN`, a hand-made plural entry and obsolete entries without msgctxt,
with `#~|` previous lines and comments.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from extracting import gnu_gettext, make_workspace, msgfmt_check

from workflow.cli import cli
from workflow.potext import detect_layout

DATA = Path(__file__).resolve().parent / "data" / "po"
ARTICLE = "fair-bulletin-2021-01.txt"
SOURCE = (DATA / "source" / ARTICLE).read_text(encoding="utf-8")
TOOLS = {  # fixture -> the width it wraps at, as detect_layout reports it (polib's count)
    "workflow": 0, "msgcat-no-wrap": 0, "msgcat-40": 40, "msgcat-60": 60, "msgcat-79": 79, "poedit": 79,
    "weblate": 77, "lokalize": 80, "polib": 78, "translate-toolkit": 79,
}
COMMANDS = (
    ["extract"], ["pretranslate", "--engine", "pseudo"], ["status"], ["status", "--json"], ["check"],
    ["review"], ["publish"], ["run", "--engine", "pseudo"],
)


def invoke(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output
    exception = result.exception
    assert not isinstance(exception, Exception) or isinstance(exception, SystemExit), result.output
    return result


def workspace(root: Path, catalog: bytes) -> Path:
    """A workspace with the article, extracted, whose zh catalog is then replaced by `catalog`."""
    make_workspace(root, {ARTICLE: SOURCE}, languages="zh")
    assert invoke(root, "extract").exit_code == 0
    po(root).write_bytes(catalog)
    return root


def po(root: Path) -> Path:
    return root / "locales" / "zh" / ARTICLE.replace(".txt", ".po")


def fixture(tool: str) -> bytes:
    return (DATA / "zh" / f"{tool}.po").read_bytes()


@pytest.mark.parametrize("tool", list(TOOLS))
def test_no_command_rewrites_a_catalog_a_tool_saved(tmp_path: Path, tool: str) -> None:
    root = workspace(tmp_path / "ws", fixture(tool))
    for command in COMMANDS:
        invoke(root, *command)
        assert po(root).read_bytes() == fixture(tool), f"`workflow {' '.join(command)}` rewrote the catalog"


@pytest.mark.parametrize("tool", list(TOOLS))
def test_the_width_a_tool_wraps_at_is_recognised(tool: str) -> None:
    assert detect_layout(fixture(tool).decode("utf-8")).width == TOOLS[tool]


def blocks(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n\n")


@pytest.mark.parametrize("tool", list(TOOLS))
def test_a_rewrite_keeps_the_style_and_everything_the_translator_has(tmp_path: Path, tool: str) -> None:
    before = fixture(tool)
    root = workspace(tmp_path / "ws", before)
    old = polib.pofile(before.decode("utf-8"))
    (root / "source" / ARTICLE).write_text(SOURCE.replace("More than 190", "More than 200"), encoding="utf-8")
    assert invoke(root, "extract").exit_code == 0
    after = po(root).read_bytes()
    assert after != before
    new = polib.pofile(after.decode("utf-8"))
    # every header field is kept, in its order; only POT-Creation-Date moves
    assert list(new.metadata) == list(old.metadata)
    assert {k: v for k, v in new.metadata.items() if k != "POT-Creation-Date"} == {
        k: v for k, v in old.metadata.items() if k != "POT-Creation-Date"}
    assert new.metadata["Language"] == "zh_CN"
    # each entry the edit did not touch is byte for byte as the tool wrote it (the header too, but its date)
    untouched = [b for b in blocks(before)[1:] if "More than" not in b]
    assert all(b.rstrip("\n") in blocks(after) or b.rstrip("\n") + "\n" in blocks(after) for b in untouched)
    header_before, header_after = blocks(before)[0].split("\n"), blocks(after)[0].split("\n")
    assert len(header_before) == len(header_after)
    assert [re.sub(r"\d", "0", line) for line in header_before] == [
        re.sub(r"\d", "0", line) for line in header_after]
    # every obsolete entry survives, with its translation, previous lines and comments
    obsolete = [b for b in blocks(before) if b.lstrip().startswith(("#~", "# Kept", "#, fuzzy\n#~"))]
    assert len(obsolete) == 4
    assert all(b.rstrip("\n") in after.decode("utf-8") for b in obsolete)
    # the edited unit: its old translation as a fuzzy suggestion, written at the file's width
    changed = next(b for b in blocks(after) if "More than 200" in b)
    assert "#, fuzzy" in changed and "# Checked with the organizers' release." in changed
    assert polib.pofile(after.decode("utf-8")).find("More than 190", by="previous_msgid") is None
    assert [e.previous_msgid for e in new if "More than 200" in e.msgid] == [
        next(e.msgid for e in old if "More than 190" in e.msgid)]
    width = TOOLS[tool]
    lines = [line for line in changed.splitlines() if line.startswith(('"', "msgid", "msgstr"))]
    if width:
        assert all(len(line) <= width for line in lines), changed
        assert 'msgid ""' in lines
    else:
        assert len(lines) == 2, changed  # one line per string
    assert msgfmt_check(po(root)) == ""


@pytest.mark.parametrize("tool", ["msgcat-79", "polib", "translate-toolkit"])
def test_filling_a_unit_rewrites_only_that_entry(tmp_path: Path, tool: str) -> None:
    before = fixture(tool)
    emptied = re.sub(rb'(msgid "Prices rose 2.6 percent in 2020."\nmsgstr )"[^"]*"', rb'\1""', before)
    assert emptied != before
    root = workspace(tmp_path / "ws", emptied)
    assert invoke(root, "pretranslate", "--engine", "pseudo").exit_code == 0
    after = po(root).read_bytes()
    old, new = blocks(emptied), blocks(after)
    assert len(old) == len(new)
    differ = [(a, b) for a, b in zip(old[1:], new[1:]) if a != b]
    assert len(differ) == 1 and "Prices rose" in differ[0][1], differ
    # the header: only its PO-Revision-Date line moved (a translation changed), in its place
    head = [(a, b) for a, b in zip(old[0].split("\n"), new[0].split("\n"), strict=True) if a != b]
    assert [(a[:19], b[:19]) for a, b in head] == [('"PO-Revision-Date: ', '"PO-Revision-Date: ')], head
    assert msgfmt_check(po(root)) == ""


def test_a_hand_made_plural_entry_is_kept_and_counted_by_its_state(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", fixture("msgcat-79"))
    result = invoke(root, "status", "--json")
    assert result.exit_code == 0, result.output
    units = json.loads(result.stdout)["total"]["units"]
    assert units == {"new": 0, "machine": 1, "needs-work": 0, "changed": 0, "reviewed": 5, "total": 6}
    (root / "source" / ARTICLE).write_text(SOURCE.replace("2.6 percent", "2.7 percent"), encoding="utf-8")
    assert invoke(root, "extract").exit_code == 0
    plural = next(e for e in polib.pofile(str(po(root))) if e.msgid_plural)
    assert plural.msgstr_plural == {0: "来自 148 个国家和地区的展商参展, 组委会表示明年的展会规模将更大。"}
    result = invoke(root, "publish", "--draft")
    assert result.exit_code == 0, result.output
    published = "".join(p.read_text(encoding="utf-8") for p in (root / "output" / "zh").rglob("*.html"))
    assert "组委会表示明年的展会规模将更大" in published


@pytest.mark.parametrize("tool", ["msgcat", "polib", "translate-toolkit"])
def test_catalogs_the_installed_tools_write_now_are_not_rewritten(tmp_path: Path, tool: str) -> None:
    """The same as the fixtures, with files written by the tools installed here, today."""
    base = fixture("workflow")
    if tool == "msgcat":
        gnu_gettext("msgcat")
        data = subprocess.run(["msgcat", "--width=72", "-"], input=base, capture_output=True,
                              check=True).stdout
    elif tool == "polib":
        data = (str(polib.pofile(base.decode("utf-8"), wrapwidth=66)).rstrip("\n") + "\n").encode("utf-8")
    else:
        from translate.storage import pypo

        store = pypo.pofile.parsestring(base)
        for unit in store.units:
            if not unit.isheader():
                target = unit.target
                unit.target = ""
                unit.target = target
        data = bytes(store)
    assert data != base
    root = workspace(tmp_path / "ws", data)
    for command in (["extract"], ["pretranslate", "--engine", "pseudo"], ["status"]):
        invoke(root, *command)
        assert po(root).read_bytes() == data, command


def test_workflow_catalogs_are_what_msgcat_no_wrap_writes(tmp_path: Path) -> None:
    """Multi-reference `#:` lines included: gettext breaks them at 79 columns even with --no-wrap."""
    gnu_gettext("msgcat")
    root = workspace(tmp_path / "ws", b"")
    po(root).unlink()
    assert invoke(root, "extract").exit_code == 0
    catalogs = [po(root), root / "locales" / "templates" / ARTICLE.replace(".txt", ".pot")]
    for path in catalogs:
        data = path.read_bytes()
        assert b"#: source/fair-bulletin-2021-01.txt:7 source/fair-bulletin-2021-01.txt:11\n#: " in data
        rewritten = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True, check=True).stdout
        assert rewritten == data


def test_a_catalog_with_crlf_line_ends_keeps_them(tmp_path: Path) -> None:
    """A catalog saved on Windows: left as it is, and when rewritten, still CRLF throughout."""
    crlf = fixture("msgcat-79").replace(b"\n", b"\r\n")
    root = workspace(tmp_path / "ws", crlf)
    for command in (["extract"], ["pretranslate", "--engine", "pseudo"], ["status"]):
        invoke(root, *command)
        assert po(root).read_bytes() == crlf, command
    (root / "source" / ARTICLE).write_text(SOURCE.replace("More than 190", "More than 200"), encoding="utf-8")
    assert invoke(root, "extract").exit_code == 0
    after = po(root).read_bytes()
    assert after != crlf and b"More than 200" in after
    assert after.count(b"\n") == after.count(b"\r\n")
    assert msgfmt_check(po(root)) == ""


def test_a_catalog_a_tool_sorted_is_not_rewritten(tmp_path: Path) -> None:
    """`msgcat --sort-output` (or an editor's sort) changes no entry: order means nothing in a PO file."""
    gnu_gettext("msgcat")
    data = subprocess.run(["msgcat", "--sort-output", "-"], input=fixture("msgcat-79"), capture_output=True,
                          check=True).stdout
    assert blocks(data) != blocks(fixture("msgcat-79"))
    root = workspace(tmp_path / "ws", data)
    for command in (["extract"], ["pretranslate", "--engine", "pseudo"]):
        invoke(root, *command)
        assert po(root).read_bytes() == data, command


@pytest.mark.parametrize("broken", ['"Language: fr\\n\n"', '"Language: fr\\n"\n"', '"a b c"\n"'])
def test_a_lone_quote_never_makes_a_width_polib_cannot_wrap_at(broken: str) -> None:
    """A `"` moved down a line (a file check_syntax refuses) is no wrapped string: no width polib fails at."""
    text = (f'msgid ""\nmsgstr ""\n{broken}\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgctxt "k"\nmsgid "x"\nmsgstr ""\n')
    width = detect_layout(text).width
    assert width == 0 or width >= 3
    if width:
        polib.POEntry(msgid="a long text " * 9, msgstr="x").__unicode__(wrapwidth=width)
