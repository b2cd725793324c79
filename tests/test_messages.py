"""Messages a person understands: no traceback unless -v; every error names the file, the line, what to do.

Each scenario below breaks a workspace the way people do (settings, sources,
catalogs, memories, glossaries, a second command, the environment) and runs the
command that meets it. Every `error:` line must name where (`path`, `path:line`,
or the variable or option at fault) and be followed by a `hint:` line; nothing
may print a Python traceback. With -v an unexpected error shows its traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from extracting import make_workspace

import workflow.status
from workflow.cli import cli
from workflow.files import workspace_lock

ERROR = re.compile(r"^error: (?P<where>/[^:]+?(?::(?P<line>\d+))?): (?P<message>.+)$")
VARIABLE = re.compile(r"^error: (?P<message>.*\b(?:WORKFLOW_[A-Z_]+|SOURCE_DATE_EPOCH|--[a-z-]+)\b.*)$")
TEXT = "A title\n\nThe first sentence. The second one.\n"


def workspace(root: Path) -> Path:
    make_workspace(root, {"good.txt": TEXT}, languages="zh")
    result = invoke(root, "extract")
    assert result.exit_code == 0, result.output
    return root


def invoke(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(cli, ["--root", str(root), *args])


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8", errors="replace")
    return content[: content.index(text)].count("\n") + 1


def source(root: Path, name: str, data: bytes | str) -> Path:
    path = root / "source" / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# Each scenario breaks the workspace and says: the command to run, and where the error must point
# (a path, with the line when known; None when it names a variable instead).
Scenario = Callable[[Path], tuple[list[str], Path | None, int | None, dict[str, str]]]


def unknown_setting(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    config = root / "setup.cfg"
    config.write_text(config.read_text(encoding="utf-8") + "colour = blue\n", encoding="utf-8")
    return ["status"], config, line_of(config, "colour"), {}


def bad_setting_value(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    config = root / "setup.cfg"
    text = config.read_text(encoding="utf-8").replace("publish_threshold = 100", "publish_threshold = most")
    config.write_text(text, encoding="utf-8")
    return ["publish"], config, line_of(config, "publish_threshold = most"), {}


def bad_variable(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["extract"], None, None, {"WORKFLOW_LANGUAGES": "zh fr!"}


def no_workspace(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["--root", str(root / "nowhere"), "status"], root / "nowhere", None, {}


def missing_path(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["extract", str(root / "source" / "nope.txt")], root / "source" / "nope.txt", None, {}


def not_utf8(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["extract"], source(root, "latin.txt", "Title\n\nCaf\xe9 au lait.\n".encode("latin-1")), 3, {}


def nul_byte(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["publish"], source(root, "binary.html", b"<p>One</p>\n<p>T\x00wo</p>\n"), 2, {}


def unknown_format(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["extract"], source(root, "notes.doc", "Some notes."), None, {}


def malformed_xml(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    data = ('<?xml version="1.0"?>\n<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1">\n'
            "<head><title>T</title></head>\n<body><p>Open <em>never closed</p></body></bulletin>\n")
    return ["extract"], source(root, "broken.xml", data), 4, {}


def not_a_bulletin(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    data = ('<?xml version="1.0"?>\n<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1">\n'
            "<head><title>T</title></head>\n<body><table>Not here.</table></body></bulletin>\n")
    return ["extract"], source(root, "odd.xml", data), 4, {}


def same_catalog_name(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    source(root, "good.html", "<p>Another good article.</p>")
    return ["extract"], root / "source" / "good.html", None, {}


def catalog_syntax(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    catalog = root / "locales" / "zh" / "good.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgid "The first', 'msgid The first'),
                       encoding="utf-8")
    return ["status"], catalog, line_of(catalog, "msgid The first"), {}


def catalog_duplicate(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    catalog = root / "locales" / "zh" / "good.po"
    entry = next(e for e in polib.pofile(str(catalog)) if e.msgid == "The second one.")
    before = catalog.read_text(encoding="utf-8")
    catalog.write_text(before + "\n" + str(entry) + "\n", encoding="utf-8")
    return ["check"], catalog, before.count("\n") + 2, {}  # the second copy starts after a blank line


def orphan_catalog(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    (root / "source" / "good.txt").rename(root / "source" / "renamed.txt")
    return ["review"], root / "locales" / "zh" / "good.po", None, {}


def locked(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["--lock-timeout", "0.1", "publish"], root, None, {}


def bad_epoch(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    source(root, "good.txt", TEXT + "\nA change.\n")
    return ["extract"], None, None, {"SOURCE_DATE_EPOCH": "yesterday"}


def malformed_memory(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    memory = root / "memory.tmx"
    memory.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<body><tu>\n', encoding="utf-8")
    return ["tm", "import", str(memory)], memory, 4, {}


def missing_glossary(root: Path) -> tuple[list[str], Path | None, int | None, dict[str, str]]:
    return ["glossary", "import", str(root / "terms.tsv"), "--lang", "zh"], root / "terms.tsv", None, {}


SCENARIOS = {
    "unknown-setting": unknown_setting,
    "bad-setting-value": bad_setting_value,
    "bad-variable": bad_variable,
    "no-workspace": no_workspace,
    "missing-path": missing_path,
    "source-not-utf8": not_utf8,
    "source-nul-byte": nul_byte,
    "source-unknown-format": unknown_format,
    "xml-malformed": malformed_xml,
    "xml-not-a-bulletin": not_a_bulletin,
    "sources-sharing-a-catalog": same_catalog_name,
    "catalog-syntax": catalog_syntax,
    "catalog-duplicate": catalog_duplicate,
    "catalog-without-source": orphan_catalog,
    "workspace-locked": locked,
    "bad-source-date-epoch": bad_epoch,
    "memory-malformed": malformed_memory,
    "glossary-missing": missing_glossary,
}


def assert_clear(result: Result) -> list[tuple[str, str]]:
    """No traceback, exit 1; every error line locates itself and has a hint. Returns (error, hint) pairs."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    pairs: list[tuple[str, str]] = []
    for number, text in enumerate(lines):
        if not text.startswith("error: "):
            continue
        assert ERROR.match(text) or VARIABLE.match(text), f"the error names no file nor variable: {text}"
        hint = lines[number + 1] if number + 1 < len(lines) else ""
        assert hint.startswith("hint: ") and len(hint) > len("hint: ") + 10, f"no hint after: {text}"
        pairs.append((text, hint))
    assert pairs, f"no error line:\n{result.stderr}"
    return pairs


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_error_names_the_file_the_line_and_what_to_do(tmp_path: Path, name: str) -> None:
    root = workspace(tmp_path / "ws")
    args, where, line, env = SCENARIOS[name](root)
    if args[:1] == ["--root"]:
        result = CliRunner(env=env).invoke(cli, args)
    elif name == "workspace-locked":
        with workspace_lock(root, 1):
            result = invoke(root, *args, env=env)
    else:
        result = invoke(root, *args, env=env)
    pairs = assert_clear(result)
    if where is None:
        assert any(VARIABLE.match(error) for error, _ in pairs), pairs
        return
    located = [ERROR.match(error) for error, _ in pairs]
    expected = f"{where}:{line}" if line else str(where)
    assert expected in [m.group("where") for m in located if m], (expected, pairs)


def test_qa_findings_name_the_line_and_what_to_do(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    catalog = root / "locales" / "zh" / "good.po"
    entries = polib.pofile(str(catalog))
    for entry in entries:
        entry.msgstr = "第一句。" if entry.msgid == "The first sentence." else ""
    entries.save(str(catalog))
    entries = polib.pofile(str(catalog))
    entries[1].msgstr = "<1>第二句。"
    entries.save(str(catalog))
    result = invoke(root, "check", "--checks", "placeholders")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    line = polib.pofile(str(catalog))[1].linenum  # where the entry starts: its first comment line
    assert re.search(rf"^{re.escape(str(catalog))}:{line}: error: \[placeholders\] extra <1>", result.stdout,
                     re.M), result.stdout
    assert "hint: fix the msgstr at each path:line above" in result.stderr


def test_an_unexpected_error_is_one_line_and_a_hint_or_with_v_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace(tmp_path / "ws")

    def broken(path: Path) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(workflow.status, "scan_catalog", broken)
    quiet = invoke(root, "status")
    assert quiet.exit_code == 1 and "Traceback" not in quiet.output
    assert quiet.stderr.splitlines() == [
        "error: internal error: RecursionError: maximum recursion depth exceeded",
        "hint: this is a bug in workflow: run the command again with -v to see the traceback, and report it "
        "with the input that caused it",
    ]
    verbose = invoke(root, "-v", "status")
    assert verbose.exit_code == 1 and isinstance(verbose.exception, RecursionError)  # click shows it


def test_a_file_error_from_deep_inside_names_the_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path / "ws")
    denied = root / "locales" / "zh" / "good.po"

    def unreadable(path: Path) -> object:
        raise PermissionError(13, "Permission denied", str(denied))

    monkeypatch.setattr(workflow.status, "scan_catalog", unreadable)
    result = invoke(root, "status")
    assert result.stderr.splitlines() == [
        f"error: {denied}: Permission denied",
        "hint: check that the file exists, that you may read and write it, and the disk space",
    ]


# In a real process: what a person sees on the terminal.
BREAK = '''\
import sys
import workflow.status


def broken(path):
    raise KeyError("surprise")


workflow.status.scan_catalog = broken
from workflow.cli import cli  # noqa: E402

cli.main(args=sys.argv[1:], prog_name="workflow")
'''


def test_in_a_real_process_a_traceback_only_with_v(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    source(root, "broken.xml", "<bulletin>\n<p>never closed\n")
    script = tmp_path / "break.py"
    script.write_text(BREAK, encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "COLUMNS": "200"})

    bad_input = run("-m", "workflow", "--root", str(root), "extract")
    assert bad_input.returncode == 1 and "Traceback" not in bad_input.stderr
    assert f"error: {root / 'source' / 'broken.xml'}:3: malformed XML:" in bad_input.stderr
    bug = run(str(script), "--root", str(root), "status")
    assert bug.returncode == 1 and "Traceback" not in bug.stderr
    assert bug.stderr.startswith("error: internal error: KeyError: 'surprise'\nhint: ")
    shown = run(str(script), "--root", str(root), "-v", "status")
    assert shown.returncode == 1
    assert "Traceback (most recent call last)" in shown.stderr and "KeyError: 'surprise'" in shown.stderr
