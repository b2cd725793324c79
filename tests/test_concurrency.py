"""Two commands on one workspace: one waits for the other, or fails with a clear message; writes never mix.

Every command that writes in the workspace holds its lock (`.workflow.lock`). The
test holds that lock itself to make the commands meet it for certain: a command
then says (with -v) that it is waiting, writes nothing until the lock is free, or
gives up after --lock-timeout with a message saying what to do. Child processes
log each `os.replace` (the end of every atomic write) with their pid, so that
interleaved writes would show.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from extracting import SAMPLE_GLOSSARY, SAMPLE_TMX, make_workspace, msgfmt_check
from test_xliff import set_target

from workflow.catalogs import find_catalogs
from workflow.cli import cli
from workflow.errors import WorkflowError
from workflow.files import LOCK_NAME, workspace_lock
from workflow.serve import save_edit
from workflow.settings import load_settings
from workflow.store import EntryEdit, load_located_units

# Runs the CLI; each os.replace appends "pid target" to WRITE_LOG.
WRAPPER = '''\
import os
import sys
import threading

guard = threading.Lock()
real_replace = os.replace


def replace(source, target, *args, **kwargs):
    with guard:
        real_replace(source, target, *args, **kwargs)
        with open(os.environ["WRITE_LOG"], "a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()} {target}\\n")


os.replace = replace
from workflow.cli import cli  # noqa: E402

cli.main(args=sys.argv[1:], prog_name="workflow")
'''
ARTICLES = 12
WAITING = "waiting up to"


def workspace(root: Path) -> Path:
    """Twelve articles in zh and fr, extracted; half their units reviewed, half empty."""
    make_workspace(root, {}, languages="zh fr")
    for number in range(ARTICLES):
        (root / "source" / f"a{number:02}.txt").write_text(
            f"Bulletin {number}\n\nThe fair opened in part {number}. It closed in part {number}.\n\n"
            f"Trade grew in part {number}.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "extract"])
    assert result.exit_code == 0, result.output
    for path in (root / "locales").rglob("*.po"):
        catalog = polib.pofile(str(path))
        for entry in catalog[::2]:
            entry.msgstr = f"«{entry.msgid}»"
        catalog.save(str(path))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def start(tmp_path: Path, root: Path, name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    """A child running `workflow -v --root ROOT ARGS`, its stderr going to a file."""
    script = tmp_path / "run_workflow.py"
    script.write_text(WRAPPER, encoding="utf-8")
    stderr = tmp_path / f"{name}.stderr"
    env = {**os.environ, "WRITE_LOG": str(tmp_path / "writes.log")}
    with stderr.open("wb") as stream:
        process = subprocess.Popen([sys.executable, str(script), "-v", "--root", str(root), "--lock-timeout",
                                    "300", *args], env=env, stdout=subprocess.DEVNULL, stderr=stream)
    return process, stderr


def wait_for(stderr: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    """Until the child has written `text` to stderr (it fails the test if the child ends first)."""
    deadline = time.monotonic() + 300
    while text not in stderr.read_text(encoding="utf-8", errors="replace"):
        assert process.poll() is None, f"the command ended without {text!r}:\n{stderr.read_text()}"
        assert time.monotonic() < deadline, f"no {text!r} from the command"
        time.sleep(0.05)


def test_a_command_waits_while_another_holds_the_workspace(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    (root / "source" / "a00.txt").write_text("Bulletin zero\n\nA new text.\n", encoding="utf-8")
    before = snapshot(root)
    with workspace_lock(root, 1):  # another command, as far as the child can tell
        process, stderr = start(tmp_path, root, "extract", "extract")
        wait_for(stderr, WAITING, process)
        assert snapshot(root) == before  # it waits: nothing written yet
        assert process.poll() is None
    assert process.wait(timeout=300) == 0, stderr.read_text()
    assert "A new text." in (root / "locales" / "zh" / "a00.po").read_text(encoding="utf-8")
    assert f"INFO: another workflow command is using this workspace: {WAITING} 300 s" in stderr.read_text()


Attempt = Callable[[Path, Path], list[str]]  # (workspace, a folder outside it) -> the error it ended with


def command(*args: str) -> Attempt:
    """`workflow ARGS` with a 0.2 s lock timeout (`{outside}` in ARGS: the folder outside the workspace)."""

    def attempt(root: Path, outside: Path) -> list[str]:
        result = CliRunner().invoke(cli, ["--root", str(root), "--lock-timeout", "0.2",
                                          *(arg.format(outside=outside) for arg in args)])
        assert "Traceback" not in result.output
        assert (result.exit_code == 1) == (LOCKED[0].format(root=root) in result.stderr), result.output
        return result.stderr.splitlines()[-2:]

    return attempt


def serve_save(root: Path, outside: Path) -> list[str]:
    """What the review app does when a reviewer saves a unit (the HTTP handler calls `save_edit`)."""
    settings = replace(load_settings(root, environ={}), lock_timeout=0.2)
    catalog = find_catalogs(settings, "zh")[1]
    located = load_located_units(catalog.path, catalog.lang, catalog.article)[1]  # "The fair opened…": empty
    try:
        save_edit(settings, catalog, located.unit.segment.key, located.revision, EntryEdit("展会。", True))
    except WorkflowError as exc:
        return [f"error: {exc}", f"hint: {exc.hint}"]
    return []


def edit_source(root: Path, outside: Path) -> None:
    (root / "source" / "a00.txt").write_text("Bulletin zero\n\nA new text.\n", encoding="utf-8")


def run_first(root: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert result.exit_code == 0, result.output


def publish_first(root: Path, outside: Path) -> None:
    run_first(root, "pretranslate", "--engine", "pseudo")
    run_first(root, "publish", "--draft")


def export_with_a_target(root: Path, outside: Path) -> None:
    """An XLIFF file of a01 outside the workspace, with a translator's target for an empty unit."""
    run_first(root, "xliff", "export", "zh", "-o", str(outside / "xliff"))
    set_target(outside / "xliff" / "a01.txt.xlf", "The fair opened", "展会开幕了。")


def nothing(root: Path, outside: Path) -> None:
    pass


# every command that writes in the workspace (init makes one; `models` writes argostranslate's package
# folder, no workspace's; `tm export` and `check`/`status` write nothing in the workspace)
WRITERS: dict[str, tuple[Callable[[Path, Path], None], Attempt]] = {
    "extract": (edit_source, command("extract")),
    "pretranslate": (nothing, command("pretranslate", "--engine", "pseudo")),
    "publish": (nothing, command("publish", "--draft")),
    "unpublish": (publish_first, command("unpublish", "zh")),
    "run": (edit_source, command("run", "zh", "--engine", "pseudo", "--draft")),
    "review": (nothing, command("review", "zh")),
    "tm import": (nothing, command("tm", "import", str(SAMPLE_TMX))),
    "glossary import": (nothing, command("glossary", "import", str(SAMPLE_GLOSSARY))),
    "xliff export": (nothing, command("xliff", "export", "zh")),
    "xliff import": (export_with_a_target, command("xliff", "import", "{outside}/xliff/a01.txt.xlf")),
    "serve save": (nothing, serve_save),
}
LOCKED = ["error: {root}: another workflow command has been using this workspace for over 0.2 s",
          "hint: wait for it to finish, or raise the wait with --lock-timeout"]


@pytest.mark.parametrize("name", WRITERS)
def test_every_writing_command_takes_the_workspace_lock(tmp_path: Path, name: str) -> None:
    """Blocked by the lock, a writer fails with its message and writes nothing; unblocked, it writes."""
    prepare, attempt = WRITERS[name]
    root = workspace(tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    prepare(root, outside)
    before = snapshot(root)
    with workspace_lock(root, 1):
        assert attempt(root, outside) == [line.format(root=root) for line in LOCKED]
    assert snapshot(root) == before
    attempt(root, outside)
    assert snapshot(root) != before, f"{name} wrote nothing with the lock free: the test proves nothing"


def test_commands_started_together_take_turns(tmp_path: Path) -> None:
    """extract, pretranslate and publish meet at the lock; each writes all its files in one turn."""
    root = workspace(tmp_path / "ws")
    for number in range(0, ARTICLES, 3):  # work for extract too
        path = root / "source" / f"a{number:02}.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence here.\n", encoding="utf-8")
    commands = {"extract": ["extract"], "pretranslate": ["pretranslate", "--engine", "pseudo"],
                "publish": ["publish", "--draft"]}
    with workspace_lock(root, 1):
        children = {name: start(tmp_path, root, name, *args) for name, args in commands.items()}
        for process, stderr in children.values():
            wait_for(stderr, WAITING, process)  # all three are waiting for the lock now
    for name, (process, stderr) in children.items():
        assert process.wait(timeout=300) == 0, f"{name}:\n{stderr.read_text()}"
        assert "Traceback" not in stderr.read_text()
    log = (tmp_path / "writes.log").read_text(encoding="utf-8")
    order = [line.split(" ", 1)[0] for line in log.splitlines()]
    turns = [pid for number, pid in enumerate(order) if number == 0 or order[number - 1] != pid]
    assert len(set(order)) == 3, "each command wrote something"
    assert len(turns) == 3, f"writes of different commands interleaved: {turns}"
    for path in sorted((root / "locales").rglob("*.po")):
        assert msgfmt_check(path) == ""
