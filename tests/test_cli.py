"""The `init` and `extract` commands: workspace layout, settings precedence, messages and exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from extracting import write_source

from workflow.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "source" / "ciftis-bulletin-2021-01.txt"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "WORKFLOW_ROOT",
        "WORKFLOW_LANGUAGES",
        "WORKFLOW_SEGMENTATION",
        "WORKFLOW_SOURCE_LANG",
        "WORKFLOW_LOCK_TIMEOUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def init(root: Path) -> Path:
    result = run("init", str(root))
    assert result.exit_code == 0, result.output
    return root


# -- init -----------------------------------------------------------------------------------


def test_init_creates_an_empty_workspace(tmp_path: Path) -> None:
    root = tmp_path / "bulletins"
    result = run("init", str(root))
    assert result.exit_code == 0
    assert result.stdout == f"workspace ready: {root} (put articles in {root / 'source'})\n"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == [
        ".gitignore",
        "locales",
        "locales/ar",
        "locales/es",
        "locales/fr",
        "locales/ru",
        "locales/templates",
        "locales/zh",
        "output",
        "setup.cfg",
        "source",
    ]
    config = (root / "setup.cfg").read_text(encoding="utf-8")
    assert (
        "[workflow]\n" in config
        and "languages = zh fr es ar ru\n" in config
        and "source_lang = en\n" in config
    )
    assert (root / ".gitignore").read_text(encoding="utf-8") == ".workflow.lock\n.workflow/\n"


def test_init_twice_is_an_error(tmp_path: Path) -> None:
    init(tmp_path)
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path / 'setup.cfg'}: this directory is already a workflow workspace\n"
        "hint: use it as it is, or choose another directory\n"
    )


def test_init_keeps_an_existing_setup_cfg(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = news-site\n", encoding="utf-8")
    init(tmp_path)
    config = (tmp_path / "setup.cfg").read_text(encoding="utf-8")
    assert config.startswith("[metadata]\nname = news-site\n")
    assert "[workflow]" in config


# -- extract ----------------------------------------------------------------------------------


def test_extract_the_sample(tmp_path: Path) -> None:
    root = init(tmp_path / "ws")
    shutil.copy(SAMPLE, root / "source")
    result = run("--root", str(root), "extract")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "1 article(s), 39 unit(s); 6 catalog(s) written, 0 fuzzy suggestion(s), 0 obsolete unit(s)\n"
    )
    names = sorted(str(p.relative_to(root / "locales")) for p in (root / "locales").rglob("*.po*"))
    assert names == sorted(
        [f"{lang}/ciftis-bulletin-2021-01.po" for lang in ("ar", "es", "fr", "ru", "zh")]
        + ["templates/ciftis-bulletin-2021-01.pot"]
    )
    again = run("--root", str(root), "extract")
    assert again.stderr == (
        "1 article(s), 39 unit(s); 0 catalog(s) written, 0 fuzzy suggestion(s), 0 obsolete unit(s)\n"
    )


def test_extract_reports_each_bad_file_and_exits_1(tmp_path: Path) -> None:
    root = init(tmp_path)
    write_source(root, "good.html", "<p>Fine.</p>")
    bad_utf8 = write_source(root, "bad.txt", b"Title\n\nCaf\xe9\n")
    malformed = write_source(root, "broken.xml", b"<bulletin>\n<head>\n</bulletin>\n")
    unknown = write_source(root, "notes.md", "# Notes\n")
    result = run("--root", str(root), "--languages", "fr", "extract")
    assert result.exit_code == 1
    assert result.stderr == (
        "1 article(s), 1 unit(s); 2 catalog(s) written, 0 fuzzy suggestion(s), 0 obsolete unit(s)\n"
        f"error: {bad_utf8}:3: byte 0xe9 is not valid utf-8\n"
        "hint: re-save the file as UTF-8 (a plain-text bulletin cannot declare a charset; "
        "`iconv -f windows-1252 -t utf-8` converts a Windows file)\n"
        f"error: {malformed}:3: malformed XML: Opening and ending tag mismatch: head line 2 and bulletin\n"
        "hint: fix the markup; the file must be well-formed XML\n"
        f"error: {unknown}: unknown source format '.md'\n"
        "hint: source files must end in .htm, .html, .txt, .xml\n"
        "3 file(s) failed\n"
    )
    assert (root / "locales" / "fr" / "good.po").is_file()


def test_extract_given_paths(tmp_path: Path) -> None:
    root = init(tmp_path)
    write_source(root, "a/one.txt", "One\n\nText one.\n")
    write_source(root, "b/two.txt", "Two\n\nText two.\n")
    result = run("--root", str(root), "--languages", "fr", "extract", str(root / "source" / "b"))
    assert result.exit_code == 0, result.output
    assert [p.name for p in (root / "locales" / "fr").rglob("*.po")] == ["two.po"]
    missing = run("--root", str(root), "extract", str(root / "source" / "nope.txt"))
    assert missing.exit_code == 1
    assert missing.stderr == (f"error: {root / 'source' / 'nope.txt'}: no such file or folder\n"
                              f"hint: check the path; articles go in {root / 'source'}\n")


def test_extract_outside_a_workspace(tmp_path: Path) -> None:
    result = run("--root", str(tmp_path), "extract")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path}: not a workflow workspace: no setup.cfg with a "
                                    "[workflow] section here\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    result = run("--root", str(tmp_path), "extract", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.stderr


# -- settings: setup.cfg, then WORKFLOW_* variables, then options ------------------------------


def languages_written(root: Path) -> list[str]:
    return sorted(p.parent.name for p in (root / "locales").rglob("a.po"))


@pytest.mark.parametrize(
    ("env", "options", "expected"),
    [
        pytest.param({}, [], ["es", "fr"], id="setup.cfg"),
        pytest.param({"WORKFLOW_LANGUAGES": "ru"}, [], ["ru"], id="variable-over-file"),
        pytest.param(
            {"WORKFLOW_LANGUAGES": "ru"}, ["--languages", "zh,ar"], ["ar", "zh"], id="option-over-variable"
        ),
    ],
)
def test_settings_precedence(
    tmp_path: Path, env: dict[str, str], options: list[str], expected: list[str]
) -> None:
    root = init(tmp_path)
    config = root / "setup.cfg"
    config.write_text(
        config.read_text(encoding="utf-8").replace("languages = zh fr es ar ru", "languages = fr es"),
        encoding="utf-8",
    )
    write_source(root, "a.txt", "Title\n\nOne. Two.\n")
    result = run("--root", str(root), *options, "extract", env=env)
    assert result.exit_code == 0, result.output
    assert languages_written(root) == expected


def test_segmentation_from_a_variable(tmp_path: Path) -> None:
    root = init(tmp_path)
    write_source(root, "a.txt", "Title\n\nOne. Two.\n")
    result = run(
        "--root", str(root), "--languages", "fr", "extract", env={"WORKFLOW_SEGMENTATION": "paragraph"}
    )
    assert result.stderr.startswith("1 article(s), 2 unit(s);")


def test_root_from_a_variable(tmp_path: Path) -> None:
    root = init(tmp_path)
    write_source(root, "a.txt", "Title\n\nOne.\n")
    result = run("--languages", "fr", "extract", env={"WORKFLOW_ROOT": str(root)})
    assert result.exit_code == 0, result.output
    assert (root / "locales" / "fr" / "a.po").is_file()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(
            "segmentation = words",
            ":10: segmentation must be one of sentence, paragraph, not 'words'",
            id="bad-mode",
        ),
        pytest.param("colour = blue", ":14: unknown setting 'colour' in [workflow]", id="unknown-setting"),
        pytest.param(
            "languages = en fr", ":5: en is the source language (en), not a target language",
            id="source-as-target",
        ),
    ],
)
def test_bad_settings_point_at_their_line(tmp_path: Path, line: str, message: str) -> None:
    root = init(tmp_path)
    config = root / "setup.cfg"
    text = config.read_text(encoding="utf-8")
    key = line.split(" =")[0]
    text = "\n".join(line if entry.startswith(key + " =") else entry for entry in text.splitlines())
    if key not in config.read_text(encoding="utf-8"):
        text += "\n" + line
    config.write_text(text + "\n", encoding="utf-8")
    result = run("--root", str(root), "extract")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {config}{message}"


def test_a_bad_variable_is_named(tmp_path: Path) -> None:
    root = init(tmp_path)
    result = run("--root", str(root), "extract", env={"WORKFLOW_SOURCE_LANG": "english!"})
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 'english!' is not a language code (from WORKFLOW_SOURCE_LANG)\n"
        "hint: use codes such as en, zh, fr, es, ar, ru, pt_BR\n"
    )


@pytest.mark.parametrize("command", ["init", "extract"])
def test_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"workflow {command}" in result.stdout


def test_output_read_by_a_reader_that_went_away_stops_quietly(tmp_path: Path) -> None:
    """`workflow check --list | head -1`: the write to a closed pipe ends the command as click ends its
    own (exit 1, nothing on stderr), not with `error: Broken pipe` and a hint about files and disks."""
    import os

    root = init(tmp_path / "ws")
    read, write = os.pipe()
    os.close(read)  # every write to the pipe fails with EPIPE, whatever the timing
    try:
        done = subprocess.run([sys.executable, "-m", "workflow", "check", "--list"], cwd=root,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")


def test_an_interrupted_command_says_what_is_kept_and_exits_130(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C printed only click's "Aborted!" and exited 1, the code of a failed file."""
    import workflow.extract

    root = init(tmp_path)
    write_source(root, "a.txt", "Title\n\nThe fair opened.\n")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(workflow.extract, "extract", interrupted)
    result = run("--root", str(root), "extract")
    assert result.exit_code == 130, result.output
    assert result.stderr.startswith("interrupted: what was written before is whole and kept"), result.stderr
    assert "Aborted!" not in result.output


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_sigterm_stops_an_extract_and_its_worker_processes(tmp_path: Path) -> None:
    """`kill PID` (SIGTERM to the command alone) ended the command at once and left the worker
    processes of a large extract running, orphaned; now it stops as Ctrl-C stops it, workers too."""
    import signal
    import time

    import workflow.extract

    root = init(tmp_path)
    paragraph = "The trade fair opened in Beijing on Friday, and officials said it would run all week. " * 20
    for number in range(workflow.extract.PARALLEL_FROM + 4):  # more than a megabyte per worker for 2 workers
        write_source(root, f"a{number}.txt", f"Title {number}\n\n" + f"{paragraph}\n\n" * 90)
    process = subprocess.Popen([sys.executable, "-m", "workflow", "--root", str(root), "--languages", "fr",
                                "extract"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.02)
    assert process.poll() is None and workers, "no worker processes were started"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert "interrupted: what was written before is whole and kept" in stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.05)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "worker processes still running"
    again = subprocess.run([sys.executable, "-m", "workflow", "-q", "--root", str(root), "--languages", "fr",
                            "--lock-timeout", "0", "extract"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr  # the lock released, what was written whole: the run goes on


def test_a_renamed_article_keeps_its_translations_as_the_hint_says(tmp_path: Path) -> None:
    """Renaming a source started empty catalogs and the hint offered only to restore or delete the old
    ones; following the hint for a rename carries the translations over."""
    root = init(tmp_path)
    write_source(root, "old.txt", "Title\n\nThe fair opened.\n")
    assert run("--root", str(root), "-q", "extract").exit_code == 0
    catalog = root / "locales" / "zh" / "old.po"
    translated = catalog.read_text(encoding="utf-8").replace(
        'msgid "The fair opened."\nmsgstr ""', 'msgid "The fair opened."\nmsgstr "开幕了。"')
    catalog.write_text(translated, encoding="utf-8")
    (root / "source" / "old.txt").rename(root / "source" / "new.txt")
    result = run("--root", str(root), "extract")
    assert result.exit_code == 1
    assert ("if it was renamed, give locales/*/old.po its new name (over the new, empty catalogs) and run "
            "`workflow extract`: its translations go with it") in result.stderr.replace("\n", " ")
    for folder in (root / "locales").iterdir():  # as the hint says
        if (folder / "old.po").exists():
            (folder / "old.po").replace(folder / "new.po")
    result = run("--root", str(root), "extract")
    assert result.exit_code == 0, result.stderr
    assert 'msgstr "开幕了。"' in (root / "locales" / "zh" / "new.po").read_text(encoding="utf-8")
