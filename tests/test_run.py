"""`workflow run`: extract -> pretranslate -> check -> publish, as `make demo` runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
from click.testing import CliRunner
from extracting import SAMPLE_GLOSSARY
from publishing import SAMPLE, TMX, need_sample, workspace

from workflow.cli import cli

GLOSSARY = SAMPLE_GLOSSARY


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_publishes_a_marked_chinese_draft_from_memory_with_no_model(tmp_path: Path) -> None:
    need_sample()
    root = tmp_path / "ws"
    workspace(root, {}, languages="zh")
    shutil.copy(SAMPLE, root / "source" / SAMPLE.name)
    assert invoke(root, "tm", "import", str(TMX))[0] == 0
    assert invoke(root, "glossary", "import", str(GLOSSARY))[0] == 0

    code, stdout, stderr = invoke(root, "run", "zh", "--draft")

    assert code == 0, stderr
    output = root / "output"
    assert stdout.splitlines() == [str(output / "zh" / "index.html"), str(output / "index.html")]
    page = (root / "output" / "zh" / "ciftis-bulletin-2021-01.html").read_text(encoding="utf-8")
    assert 'lang="zh"' in page and "国务院新闻办公室1月10日发布" in page
    assert 'data-state="machine"' in page  # memory output is not reviewed: marked as a draft
    catalog = polib.pofile(str(root / "locales" / "zh" / "ciftis-bulletin-2021-01.po"))
    assert all(entry.msgstr and "fuzzy" in entry.flags for entry in catalog if not entry.obsolete)
    assert "0 error(s)" in stderr


def test_without_draft_nothing_unreviewed_is_published_and_the_reason_is_given(tmp_path: Path) -> None:
    need_sample()
    root = tmp_path / "ws"
    workspace(root, {}, languages="zh")
    shutil.copy(SAMPLE, root / "source" / SAMPLE.name)
    invoke(root, "tm", "import", str(TMX))

    code, _, stderr = invoke(root, "run", "zh")

    assert code == 0, stderr
    assert not (root / "output" / "zh" / "ciftis-bulletin-2021-01.html").exists()
    assert "held back: ciftis-bulletin-2021-01.txt" in stderr


def test_qa_errors_exit_3_after_publishing(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"a.txt": "Title\n\n  Prices rose 2.6 percent in 2020.\n"},
                         languages="zh")
    path = settings.catalog("a.txt", "zh")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = "标题" if entry.msgid == "Title" else "价格在2021年上涨了3.6%。"
    catalog.save(str(path))

    code, stdout, stderr = invoke(settings.root, "run", "zh", "--engine", "pseudo")

    assert code == 3
    assert "[numbers]" in stdout
    assert (settings.root / "output" / "zh" / "a.html").is_file()


def test_a_bad_source_fails_the_run_but_the_others_are_published(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"a.txt": "Title\n\n  One sentence here.\n"}, languages="zh")
    (settings.source / "b.html").write_bytes(b"<p>bad \xff byte</p>")

    code, stdout, stderr = invoke(settings.root, "run", "zh", "--engine", "pseudo", "--draft")

    assert code == 1
    assert "b.html:1: byte 0xff is not valid utf-8" in stderr
    assert (settings.root / "output" / "zh" / "a.html").is_file()
