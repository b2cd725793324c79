"""Confinement and truthful errors: folder settings stay in the workspace, setup.cfg errors are
located, the workspace is found like git finds a repository, the lock holds, failed writes
name the real file and the batch goes on, imports read only regular files of bounded size."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from extracting import make_workspace, write_source

import workflow.glossary
import workflow.memory
from workflow import files
from workflow.cli import cli
from workflow.files import LOCK_NAME, workspace_lock, write_atomic

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("source_dir", "locales_dir", "output_dir", "tm_dir", "glossary_dir", "cache_dir")
VARIABLES = ("WORKFLOW_ROOT", "WORKFLOW_LANGUAGES", "WORKFLOW_SEGMENTATION", "WORKFLOW_LOCK_TIMEOUT",
             *(f"WORKFLOW_{key.upper()}" for key in FOLDERS))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.exists() else set()


def set_option(root: Path, line: str) -> int:
    """Put `line` in [workflow] (replacing the option's line there); its line number."""
    config = root / "setup.cfg"
    key = line.split("=")[0].strip()
    lines = [x for x in config.read_text(encoding="utf-8").splitlines() if not x.startswith(f"{key} ")]
    lines.insert(1, line)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 2


# -- 9.5 folder settings stay inside the workspace --------------------------------------------------


@pytest.mark.parametrize("key", FOLDERS)
@pytest.mark.parametrize("how", ["parent", "absolute", "symlink"])
def test_a_folder_setting_leading_out_is_refused_at_its_line(tmp_path: Path, key: str, how: str) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    value = {"parent": "../elsewhere", "absolute": str(outside), "symlink": "link/x"}[how]
    if how == "symlink":
        (root / "link").symlink_to(outside)
    line = set_option(root, f"{key} = {value}")
    for command in (["extract"], ["status"], ["publish", "--draft"], ["review", "zh"]):
        result = invoke("--root", str(root), *command)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"error: {root / 'setup.cfg'}:{line}: {key} = {value} leads out of "
                                        f"the workspace, to {outside}"), result.stderr
        assert "hint: name a folder inside" in result.stderr
    assert files_under(outside) == set()


@pytest.mark.parametrize("key", [key for key in FOLDERS if key != "source_dir"])
@pytest.mark.parametrize("value", ["source/site", "source", "./source/./x"])
def test_a_folder_setting_inside_the_source_folder_is_refused_at_its_line(tmp_path: Path, key: str,
                                                                          value: str) -> None:
    """`output_dir = source/site` was accepted: the next extract took the published pages for articles
    (3 articles of 1), and publish failed on names it had made itself."""
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    before = files_under(root / "source")
    line = set_option(root, f"{key} = {value}")
    for command in (["extract"], ["publish", "--draft"], ["status"]):
        result = invoke("--root", str(root), *command)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"error: {root / 'setup.cfg'}:{line}: {key} = {value} is inside the "
                                        "source folder (source)"), result.stderr
        assert "hint: keep it beside the source folder" in result.stderr
    assert files_under(root / "source") == before


@pytest.mark.parametrize("key", FOLDERS)
def test_a_folder_variable_leading_out_is_refused_by_name(tmp_path: Path, key: str) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    variable = f"WORKFLOW_{key.upper()}"
    result = invoke("--root", str(root), "extract", env={variable: "../"})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {key} = ../ leads out of the workspace, to {tmp_path} "
                                    f"(from {variable})\n"), result.stderr
    assert "hint: " in result.stderr


@pytest.mark.parametrize("folder", ["locales/zh", "locales/templates", "output/zh"])
def test_a_language_folder_linked_out_of_the_workspace_is_refused(tmp_path: Path, folder: str) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(root / folder, ignore_errors=True)
    (root / folder).symlink_to(outside)
    for command in (["extract"], ["pretranslate", "--engine", "pseudo"], ["publish", "--draft"]):
        result = invoke("--root", str(root), *command)
        assert result.exit_code == 1
        assert result.stderr.startswith(
            f"error: {root / folder}: a symbolic link leading out of the workspace, to {outside}\n")
    assert files_under(outside) == set()


def test_the_workspace_folder_itself_is_not_a_folder_setting(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", {}, languages="zh").root
    result = invoke("--root", str(root), "status", env={"WORKFLOW_OUTPUT_DIR": "."})
    assert result.exit_code == 1
    assert "output_dir = . is the workspace folder itself" in result.stderr


def test_folders_inside_the_workspace_are_accepted_symlinks_too(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    (root / "site").mkdir()
    (root / "published").symlink_to(root / "site")
    set_option(root, "output_dir = published/out")
    assert invoke("--root", str(root), "extract").exit_code == 0
    assert invoke("--root", str(root), "pretranslate", "--engine", "pseudo").exit_code == 0
    result = invoke("--root", str(root), "publish", "--draft")
    assert result.exit_code == 0, result.output
    assert (root / "site" / "out" / "zh" / "index.html").is_file()


NEWS = {"news/a.txt": "Title\n\nThe fair opened.\n", "b.txt": "B\n\nThe show closed.\n"}


def linked_out(root: Path, folder: str, outside: Path) -> str:
    """`folder` (a subfolder of a language's folder) made a link to `outside`, its files moved there; the
    error line of a file written or removed through it, `outside`'s files before."""
    (root / folder).parent.mkdir(parents=True, exist_ok=True)
    if (root / folder).is_dir():
        shutil.copytree(root / folder, outside, dirs_exist_ok=True)
        shutil.rmtree(root / folder)
    outside.mkdir(exist_ok=True)
    (root / folder).symlink_to(outside)
    return f"{folder} is a symbolic link leading out of the workspace (to {outside})"


def contents(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in files_under(folder) if p.is_file()}


@pytest.mark.parametrize(("command", "folder", "ready"), [
    (["extract"], "locales/zh/news", []),
    (["extract"], "locales/templates/news", []),
    (["pretranslate", "--engine", "pseudo"], "locales/zh/news", [["extract"]]),
    (["publish", "--draft"], "output/zh/news", [["extract"], ["pretranslate", "--engine", "pseudo"]]),
])
def test_a_subfolder_linked_out_of_the_workspace_is_never_written(
        tmp_path: Path, command: list[str], folder: str, ready: list[list[str]]) -> None:
    """A link below a language's folder was followed: publish wrote output/zh/news/a.html into the
    folder it led to, extract and pretranslate its catalogs, exit 0. Decision: each file there fails
    alone, named with the link, and the batch goes on (as for any folder that cannot be written)."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    for step in ready:
        assert invoke("--root", str(root), *step).exit_code == 0
    outside = tmp_path / "outside"
    why = linked_out(root, folder, outside)
    before = contents(outside)
    result = invoke("--root", str(root), *command)
    assert result.exit_code == 1, result.output
    assert f"error: {root / folder}/a." in result.stderr
    assert f": cannot write this file: {why}\n" in result.stderr, result.stderr
    assert f"hint: workflow writes only inside the workspace {root}: make {folder} a folder" in result.stderr
    assert "file(s) failed" in result.stderr.splitlines()[-1]
    assert contents(outside) == before  # nothing written there, not even a temporary
    written = {"locales": root / folder.replace("news", "b.po").replace("templates/b.po", "templates/b.pot"),
               "output": root / "output" / "zh" / "b.html"}
    assert written[folder.split("/")[0]].is_file()  # the rest of the batch
    if command == ["extract"]:  # and the catalog that failed is not counted as written (it was)
        assert "; 3 catalog(s) written," in result.stderr, result.stderr


def test_unpublish_never_removes_a_file_through_a_link_leading_out(tmp_path: Path) -> None:
    """The edition published in output/zh/news, that folder then moved out and linked: unpublish
    deleted its page and bulletin there, exit 0."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    for step in (["extract"], ["pretranslate", "--engine", "pseudo"], ["publish", "--draft"]):
        assert invoke("--root", str(root), *step).exit_code == 0
    outside = tmp_path / "outside"
    why = linked_out(root, "output/zh/news", outside)
    before = contents(outside)
    assert {p.name for p in before} == {"a.html", "a.xml"}
    result = invoke("--root", str(root), "unpublish", "zh", "news/a.txt")
    assert result.exit_code == 1, result.output
    for name in ("a.html", "a.xml"):
        assert f"error: {root / 'output/zh/news' / name}: cannot remove this file: {why}\n" in result.stderr
    assert contents(outside) == before


def test_a_draft_that_cannot_be_withdrawn_is_not_said_to_stay_as_a_reviewed_one(tmp_path: Path) -> None:
    """A plain publish withdraws a draft edition; through a link leading out it cannot, and said 'the
    earlier edition … stays online', the words for a reviewed edition kept on purpose."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    for step in (["extract"], ["pretranslate", "--engine", "pseudo"], ["publish", "--draft"]):
        assert invoke("--root", str(root), *step).exit_code == 0
    outside = tmp_path / "outside"
    linked_out(root, "output/zh/news", outside)
    result = invoke("--root", str(root), "publish")
    assert result.exit_code == 1, result.output
    assert ("held back: news/a.txt: nothing is translated and reviewed; its draft edition "
            "output/zh/news/a.html could not be withdrawn (the error below says why) and is still online"
            ) in result.stderr, result.stderr
    assert "stays online" not in result.stderr
    assert {p.name for p in contents(outside)} == {"a.html", "a.xml"}


def test_a_workflow_folder_linked_out_keeps_its_caches_in(tmp_path: Path) -> None:
    """.workflow/ is no folder setting: a link there leading out took extract's caches (JSON and SQLite)."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    set_option(root, "cache_dir = cache")
    outside = tmp_path / "outside"
    why = linked_out(root, ".workflow", outside)
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 1, result.output
    assert f"cannot write this file: {why}" in result.stderr
    assert contents(outside) == {}
    assert (root / "locales" / "zh" / "news" / "a.po").is_file()


def test_a_memory_index_folder_linked_out_is_not_written(tmp_path: Path) -> None:
    """The memory's SQLite index is written by SQLite, not files.py: its folder is checked as well."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    tmx = tmp_path / "m.tmx"
    tmx.write_text('<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" '
                   'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body><tu>'
                   '<tuv xml:lang="en"><seg>Hi.</seg></tuv><tuv xml:lang="zh"><seg>你好。</seg></tuv></tu>'
                   '</body></tmx>', encoding="utf-8")
    outside = tmp_path / "outside"
    why = linked_out(root, ".workflow/cache/tm", outside)
    result = invoke("--root", str(root), "tm", "import", str(tmx))
    assert result.exit_code == 1, result.output
    assert f"cannot use the memory index: {why}" in result.stderr
    assert contents(outside) == {}


def test_subfolders_linked_inside_the_workspace_are_written_and_removed(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    (root / "kept" / "catalogs").mkdir(parents=True)
    (root / "kept" / "pages").mkdir()
    (root / "locales" / "zh").mkdir(parents=True, exist_ok=True)
    (root / "locales" / "zh" / "news").symlink_to(root / "kept" / "catalogs")
    (root / "output" / "zh").mkdir(parents=True, exist_ok=True)
    (root / "output" / "zh" / "news").symlink_to("../../kept/pages")  # relative links too
    for step in (["extract"], ["pretranslate", "--engine", "pseudo"], ["publish", "--draft"]):
        result = invoke("--root", str(root), *step)
        assert result.exit_code == 0, result.output
    assert "[Ţĥé" in (root / "kept" / "catalogs" / "a.po").read_text(encoding="utf-8")
    assert (root / "kept" / "pages" / "a.html").is_file()
    # every command reads the linked catalog, not only those that go by the articles (status, check,
    # review and xliff export left it out, so check passed with its units unchecked)
    status = invoke("--root", str(root), "status", "zh")
    assert status.exit_code == 0 and "news/a.txt" in status.output, status.output
    check = invoke("--root", str(root), "check", "zh")
    assert "in 2 catalog(s)" in check.output, check.output
    result = invoke("--root", str(root), "unpublish", "zh", "news/a.txt")
    assert result.exit_code == 0, result.output
    assert not (root / "kept" / "pages" / "a.html").exists()


@pytest.mark.parametrize("command", [["extract"], ["pretranslate", "--engine", "pseudo"]])
def test_a_catalog_linked_inside_the_workspace_is_written_through_its_link(tmp_path: Path,
                                                                          command: list[str]) -> None:
    """locales/zh/b.po, a link to a catalog kept elsewhere in the workspace, was read through but
    replaced by a regular file at the next write: the kept catalog stopped getting the new units and
    drafts, silently. Decision: a link is written through (as polib and msgmerge do) and stays a link."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    assert invoke("--root", str(root), "extract").exit_code == 0
    kept = root / "kept" / "b.po"
    kept.parent.mkdir()
    (root / "locales" / "zh" / "b.po").rename(kept)
    (root / "locales" / "zh" / "b.po").symlink_to("../../kept/b.po")  # relative, as people link
    write_source(root, "b.txt", "B\n\nThe show closed. A new sentence came.\n")
    if command != ["extract"]:
        assert invoke("--root", str(root), "extract").exit_code == 0
    result = invoke("--root", str(root), *command)
    assert result.exit_code == 0, result.output
    link = root / "locales" / "zh" / "b.po"
    assert link.is_symlink() and os.readlink(link) == "../../kept/b.po"
    text = kept.read_text(encoding="utf-8")
    assert 'msgid "A new sentence came."' in text
    if command != ["extract"]:
        assert 'msgstr "[Á ñéŵ šéñţéñçé çáɱé.' in text, text
    assert [p.name for p in kept.parent.iterdir()] == ["b.po"]  # no temporary left beside it


def test_a_catalog_linked_out_of_the_workspace_fails_alone_and_stays_linked(tmp_path: Path) -> None:
    """The same link to a catalog outside the workspace was replaced by a regular file (the catalog
    outside no longer updated, nothing said). Decision: as for a folder leading out, that file fails
    alone, named, with a hint; the link and the file outside stay as they were; the rest is written."""
    root = make_workspace(tmp_path / "ws", NEWS, languages="zh").root
    assert invoke("--root", str(root), "extract").exit_code == 0
    outside = tmp_path / "translator" / "b.po"
    outside.parent.mkdir()
    (root / "locales" / "zh" / "b.po").rename(outside)
    link = root / "locales" / "zh" / "b.po"
    link.symlink_to(outside)
    before = outside.read_bytes()
    write_source(root, "b.txt", "B\n\nThe show closed. A new sentence came.\n")
    write_source(root, "news/a.txt", "Title\n\nThe fair opened. It rained.\n")
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 1, result.output
    assert (f"error: {link}: cannot write this file: locales/zh/b.po is a symbolic link leading out of "
            f"the workspace (to {outside})\n") in result.stderr, result.stderr
    assert f"hint: workflow writes only inside the workspace {root}: replace the link locales/zh/b.po" in (
        result.stderr)
    assert link.is_symlink() and outside.read_bytes() == before
    assert [p.name for p in outside.parent.iterdir()] == ["b.po"]
    assert "It rained." in (root / "locales" / "zh" / "news" / "a.po").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["locales/zh/a.po", "source/a.txt", "setup.cfg", "tm/en-zh.tmx",
                                    "glossary/en-zh.tsv", ".workflow/x", "linked.po"])
@pytest.mark.parametrize("command", [["review", "zh", "-o"], ["tm", "export", "zh"]])
def test_an_export_is_never_written_over_the_workspaces_data(tmp_path: Path, target: str,
                                                             command: list[str]) -> None:
    """`review -o FILE` and `tm export LANG FILE` refuse a path among the articles, catalogs, memories,
    glossaries, workflow's state or the settings file (a link to one too), and leave it as it was:
    they overwrote a translated catalog, a source or setup.cfg with HTML or TMX, exit 0."""
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    assert invoke("--root", str(root), "extract").exit_code == 0
    (root / "linked.po").symlink_to(root / "locales" / "zh" / "a.po")
    made_here = (("tm/en-zh.tmx", "kept\n"), ("glossary/en-zh.tsv", "fair\t展会\n"), (".workflow/x", ""))
    for made, text in made_here:
        (root / made).parent.mkdir(exist_ok=True)
        (root / made).write_text(text, encoding="utf-8")
    path = root / target
    before = path.read_bytes()
    result = invoke("--root", str(root), *command, str(path))
    assert result.exit_code == 2, result.output
    assert "would be written among them" in result.stderr or "settings file" in result.stderr
    assert path.read_bytes() == before
    outside = invoke("--root", str(root), *command, str(tmp_path / "elsewhere.out"))
    assert outside.exit_code == 0, outside.output
    assert (tmp_path / "elsewhere.out").stat().st_size > 0


def test_a_symlinked_alias_of_an_article_is_skipped_and_the_article_extracted(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Decision: the alias is skipped with a warning; the article it points to is extracted as usual."""
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    (root / "source" / "b.txt").symlink_to("a.txt")
    (root / "source" / "z.txt").symlink_to(root / "source" / "a.txt")
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 0, result.output
    source = root / "source"
    assert f"{source / 'b.txt'}: skipped, a symbolic link to the article {source / 'a.txt'}" in caplog.text
    assert "z.txt: skipped" in caplog.text
    assert (root / "locales" / "zh" / "a.po").is_file()
    assert not (root / "locales" / "zh" / "b.po").exists()
    assert invoke("--root", str(root), "status").exit_code == 0


# -- 9.9 a malformed setup.cfg is a located error ---------------------------------------------------

MALFORMED = {
    "unclosed-first": (b"[workflow\nlanguages = zh\n", 1, "not a [section] header nor inside one"),
    "unclosed-later": (b"[metadata]\nname = x\n[workflow\nlanguages = zh\n", 3,
                       "cannot read this line: [workflow"),
    "duplicate": (b"[workflow]\nlanguages = zh\nsource_lang = en\nlanguages = fr\n", 4,
                  "languages is set twice in [workflow]"),
    "duplicate-section": (b"[workflow]\nlanguages = zh\n\n[workflow]\n", 4,
                          "the section [workflow] appears twice"),
    "not-utf8": (b"[workflow]\n# caf\xe9\nlanguages = zh\n", 2, "not UTF-8 text: byte 0xe9"),
}


@pytest.mark.parametrize("name", MALFORMED)
@pytest.mark.parametrize("command", ["status", "init"])
def test_a_malformed_setup_cfg_is_an_error_at_its_line(tmp_path: Path, name: str, command: str) -> None:
    content, line, message = MALFORMED[name]
    root = tmp_path / "ws"
    root.mkdir()
    (root / "setup.cfg").write_bytes(content)
    args = ["init", str(root)] if command == "init" else ["--root", str(root), "status"]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    first, hint = result.stderr.splitlines()[:2]
    assert first.startswith(f"error: {root / 'setup.cfg'}:{line}: {message}"), result.stderr
    assert hint.startswith("hint: ")
    assert "internal error" not in result.stderr
    assert (root / "setup.cfg").read_bytes() == content
    assert sorted(p.name for p in root.iterdir()) == ["setup.cfg"]


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "-inf", "1e9", "soon"])
def test_a_lock_timeout_that_is_no_wait_is_bad_usage(tmp_path: Path, value: str) -> None:
    root = make_workspace(tmp_path / "ws", {}, languages="zh").root
    option = invoke("--root", str(root), "--lock-timeout", value, "status")
    variable = invoke("--root", str(root), "status", env={"WORKFLOW_LOCK_TIMEOUT": value})
    for result in (option, variable):
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--lock-timeout'" in result.stderr
    line = set_option(root, f"lock_timeout = {value}")
    configured = invoke("--root", str(root), "status")
    assert configured.exit_code == 1
    assert configured.stderr.startswith(f"error: {root / 'setup.cfg'}:{line}: ")


# -- 9.10 the lock, -q, language spellings ------------------------------------------------------------


def test_the_lock_holds_when_the_lock_file_is_deleted(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    with workspace_lock(root, 1):
        (root / LOCK_NAME).unlink(missing_ok=True)  # a careless `rm` or `git clean -fX`
        result = invoke("--root", str(root), "--lock-timeout", "0.2", "extract")
        assert result.exit_code == 1, result.output
        assert "another workflow command has been using this workspace for over 0.2 s" in result.stderr
        assert not (root / "locales" / "zh" / "a.po").exists()
    assert invoke("--root", str(root), "--lock-timeout", "0", "extract").exit_code == 0


def test_quiet_prints_nothing_but_errors(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    tmx = tmp_path / "m.tmx"
    tmx.write_text('<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" '
                   'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body><tu>'
                   '<tuv xml:lang="en"><seg>Hi.</seg></tuv><tuv xml:lang="de"><seg>Hallo.</seg></tuv>'
                   '<tuv xml:lang="zh"><seg>你好。</seg></tuv></tu></body></tmx>', encoding="utf-8")
    for args in (["extract"], ["pretranslate", "--engine", "pseudo"], ["tm", "import", str(tmx)],
                 ["publish", "--draft"], ["check"], ["review"]):
        result = invoke("--root", str(root), "-q", *args)
        assert result.exit_code == 0, result.output
        assert result.stderr == "", args
    write_source(root, "bad.xml", "<bulletin>")
    result = invoke("--root", str(root), "-q", "extract")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["error", "hint", "1 file(s) failed"]


@pytest.mark.parametrize(("languages", "message"), [
    ("EN zh", "EN is the source language (en), not a target language"),
    ("zh En", "En is the source language (en), not a target language"),
    ("zh_TW fr zh-TW", "zh-TW and zh_TW are one language"),
    ("zh ZH", "ZH and zh are one language"),
])
def test_the_source_language_and_a_second_spelling_are_refused(tmp_path: Path, languages: str,
                                                                message: str) -> None:
    """Decision: refused, not merged: the folder under locales/ already names the spelling in use."""
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    before = files_under(root)
    result = invoke("--root", str(root), "--languages", languages, "extract")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {message} (from --languages or WORKFLOW_LANGUAGES)\n")
    assert files_under(root) == before
    line = set_option(root, f"languages = {languages}")
    result = invoke("--root", str(root), "extract")
    assert result.stderr.startswith(f"error: {root / 'setup.cfg'}:{line}: {message}\n")


@pytest.mark.parametrize("respelled", ["zh-CN", "ZH-cn", "zh_cn"])
def test_a_language_respelled_in_the_settings_keeps_its_folder(tmp_path: Path, respelled: str) -> None:
    """The folder on disk decides the spelling: `zh_CN` translated, then `languages = zh-CN`, goes on in
    locales/zh_CN and output/zh_CN (it started empty catalogs beside the translated ones, unlinked the
    published pages and said nothing)."""
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh_CN").root
    assert invoke("--root", str(root), "-q", "extract").exit_code == 0
    catalog = root / "locales" / "zh_CN" / "a.po"
    text = catalog.read_text(encoding="utf-8")
    for source, target in (("Title", "标题"), ("The fair opened.", "开幕了。")):
        text = text.replace(f'msgid "{source}"\nmsgstr ""', f'msgid "{source}"\nmsgstr "{target}"')
    catalog.write_text(text, encoding="utf-8")
    set_option(root, f"languages = {respelled}")
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (root / "locales").iterdir() if p.name.lower().startswith("zh_") or
            p.name.lower().startswith("zh-")] == ["zh_CN"]
    status = invoke("--root", str(root), "status", "--json")
    assert json.loads(status.stdout)["languages"] == ["zh_CN"]
    result = invoke("--root", str(root), "publish", respelled)
    assert result.exit_code == 0, result.output
    assert (root / "output" / "zh_CN" / "a.html").is_file()
    assert [p.name for p in (root / "output").iterdir() if p.is_dir()] == ["zh_CN"]


@pytest.mark.parametrize("configured", ["zh-CN", "zh_CN"])  # (the second: one folder spelled as configured)
def test_a_language_with_two_folders_is_refused(tmp_path: Path, configured: str) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh_CN").root
    (root / "locales" / "zh_CN").mkdir(parents=True, exist_ok=True)
    (root / "locales" / "zh-cn").mkdir()
    result = invoke("--root", str(root), "--languages", configured, "extract")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {configured}: locales/ has a folder for it in 2 spellings: "
                                    "zh-cn, zh_CN")


# -- 9.8 a failed write names the real file; the batch goes on -------------------------------------


def test_a_long_article_name_does_not_fail_for_its_temporary_file(tmp_path: Path) -> None:
    long = "n" * 246 + ".txt"  # its catalog's name fits; `.NAME.XXXXXXXX.tmp` would not
    root = make_workspace(tmp_path / "ws", {long: "Title\n\nThe fair opened.\n", "b.txt": "B\n\nText.\n"},
                          languages="zh").root
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 0, result.output
    assert (root / "locales" / "zh" / ("n" * 246 + ".po")).is_file()


def test_an_unwritable_language_folder_fails_each_file_and_the_rest_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "A\n\nOne.\n", "b.txt": "B\n\nTwo.\n"},
                          languages="zh fr").root
    readonly = root / "locales" / "zh"
    make_temporary = files.new_temporary

    def new_temporary(folder: Path, prefix: str) -> tuple[int, str]:
        """As in a read-only or immutable folder (chmod is no test when the tests run as root)."""
        if Path(folder) == readonly:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return make_temporary(folder, prefix)

    monkeypatch.setattr(files, "new_temporary", new_temporary)
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 1, result.output
    for name in ("a", "b"):
        assert f"error: {readonly / name}.po: cannot write this file: Permission denied\n" in result.stderr
        assert f"hint: {readonly} cannot be written to" in result.stderr
        assert (root / "locales" / "fr" / f"{name}.po").is_file()
    assert ".tmp" not in result.stderr
    assert result.stderr.splitlines()[-1] == "2 file(s) failed"
    assert (root / ".workflow" / "extract-cache.json").is_file()
    monkeypatch.undo()
    assert invoke("--root", str(root), "extract").exit_code == 0  # the failed articles were not cached
    assert (readonly / "a.po").is_file() and (readonly / "b.po").is_file()


def test_a_full_disk_shows_the_catalogs_errors_not_only_the_caches(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "A\n\nOne.\n"}, languages="zh").root

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = invoke("--root", str(root), "extract")
    assert result.exit_code == 1
    template = root / "locales" / "templates" / "a.pot"
    assert f"error: {template}: cannot write this file: No space left on device" in result.stderr
    assert "hint: the disk (or your quota) is full" in result.stderr
    assert "file(s) failed" in result.stderr
    assert not (root / "locales" / "zh" / "a.po").exists()


def test_write_atomic_names_the_file_not_its_temporary(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(Exception) as caught:
        write_atomic(tmp_path / "file" / "inside.po", b"data")
    assert str(caught.value).startswith(f"{tmp_path / 'file' / 'inside.po'}: cannot write this file")


def test_publish_into_an_unwritable_folder_reports_and_goes_on(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh fr").root
    assert invoke("--root", str(root), "extract").exit_code == 0
    assert invoke("--root", str(root), "pretranslate", "--engine", "pseudo").exit_code == 0
    (root / "output" / "zh").write_text("not a folder\n")
    result = invoke("--root", str(root), "publish", "--draft")
    assert result.exit_code == 1, result.output
    assert f"error: {root / 'output' / 'zh' / 'a.xml'}: cannot write this file" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 file(s) failed"
    assert (root / "output" / "fr" / "a.html").is_file()
    assert (root / "output" / "index.html").is_file()


# -- 9.6 imports read regular files of bounded size; extract never waits on a pipe ----------------


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process: an old build that waits on a pipe fails by time-out."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "workflow", "--root", str(root), *args], capture_output=True,
                          text=True, timeout=60, env=environment)


@pytest.mark.parametrize("command", [["tm", "import"], ["glossary", "import", "--lang", "zh"], ["extract"]])
def test_a_named_pipe_is_refused_never_waited_on(tmp_path: Path, command: list[str]) -> None:
    root = make_workspace(tmp_path / "ws", {}, languages="zh").root
    pipe = root / "source" / "pipe.txt"
    os.mkfifo(pipe)
    result = run_cli(root, *command, str(pipe))
    assert result.returncode == 1, result.stderr
    assert f"{pipe}: cannot read " in result.stderr and "this is a named pipe, not a file" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("command", [["tm", "import"], ["glossary", "import", "--lang", "zh"]])
def test_a_device_is_refused_unread(tmp_path: Path, command: list[str]) -> None:
    root = make_workspace(tmp_path / "ws", {}, languages="zh").root
    result = invoke("--root", str(root), *command, "/dev/zero")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: /dev/zero: cannot read ")
    assert "this is a device, not a file" in result.stderr


@pytest.mark.parametrize(("command", "limit"), [
    (["tm", "import"], "MAX_TMX_BYTES"), (["glossary", "import", "--lang", "zh"], "MAX_GLOSSARY_BYTES")])
def test_an_import_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  command: list[str], limit: str) -> None:
    module = workflow.memory if limit == "MAX_TMX_BYTES" else workflow.glossary
    assert getattr(module, limit) >= 20 * 1024 * 1024  # the documented limits: 200 MiB and 20 MiB
    monkeypatch.setattr(module, limit, 2 * 1024 * 1024)
    root = make_workspace(tmp_path / "ws", {}, languages="zh").root
    big = tmp_path / "en-zh.tsv"
    big.write_bytes(b"a\tb\n" * (2 * 1024 * 1024 // 4 + 1))
    result = invoke("--root", str(root), *command, str(big))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {big}: too large to be ")
    assert "(2.0 MiB; the limit is 2 MiB)" in result.stderr


# -- 12.4 the workspace is found like git finds a repository -----------------------------------------


def test_the_workspace_is_found_from_a_folder_inside_it(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    project = root / "tools" / "python-project"
    project.mkdir(parents=True)
    (project / "setup.cfg").write_text("[metadata]\nname = other\n")  # no [workflow]: not a workspace
    monkeypatch.chdir(project)
    result = invoke("extract")
    assert result.exit_code == 0, result.output
    assert (root / "locales" / "zh" / "a.po").is_file()


def test_outside_a_workspace_is_an_error_and_nothing_is_written(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["status"], ["review"], ["extract"], ["publish"]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == (
            f"error: not inside a workflow workspace: no setup.cfg with a [workflow] section in {tmp_path} "
            "or any folder above it")
        assert "workflow init DIR" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_root_overrides_the_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = make_workspace(tmp_path / "here", {"a.txt": "A\n\nOne.\n"}, languages="zh").root
    there = make_workspace(tmp_path / "there", {"b.txt": "B\n\nTwo.\n"}, languages="zh").root
    monkeypatch.chdir(here)
    assert invoke("--root", str(there), "extract").exit_code == 0
    assert (there / "locales" / "zh" / "b.po").is_file() and not (here / "locales" / "zh" / "a.po").exists()


def test_a_language_without_catalogs_is_not_reported_complete(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", {"a.txt": "Title\n\nThe fair opened.\n"}, languages="zh").root
    assert invoke("--root", str(root), "extract").exit_code == 0
    result = invoke("--root", str(root), "--languages", "zh de", "status")
    assert result.exit_code == 1
    assert f"error: {root / 'locales' / 'de'}: 1 of 1 article(s) have no de catalog yet" in result.stderr
    assert "run `workflow extract`" in result.stderr
    checked = invoke("--root", str(root), "--languages", "zh de", "check")  # a gate (`check && publish`)
    assert checked.exit_code == 1  # passed: 0 catalogs of de, nothing to check, exit 0
    assert f"error: {root / 'locales' / 'de'}: 1 of 1 article(s) have no de catalog yet" in checked.stderr
    assert invoke("--root", str(root), "--languages", "zh de", "extract").exit_code == 0
    assert invoke("--root", str(root), "--languages", "zh de", "status").exit_code == 0
    assert invoke("--root", str(root), "--languages", "zh de", "check").exit_code == 0
