"""SIGKILL at every file write: extract and publish leave every file whole, and recover.

The CLI runs in a child process through a small wrapper (written by the test) that
replaces `os.replace`, the last step of every atomic write, with one that counts the
writes and SIGKILLs its own process just before or just after the Nth. After each
kill: every catalog passes `msgfmt --check`, every file is either its old or its new
content (never a part), no reviewed translation is lost, and the next run completes
and ends exactly where an uninterrupted run ends. (pretranslate's SIGKILL test is in
test_pretranslate.py.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from extracting import make_workspace, msgfmt_check

from workflow.cli import cli
from workflow.markup import parse_xml

EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: catalogs' dates are the same in every run
# Runs the CLI with os.replace counting writes; CRASH_AT="before:N" or "after:N" kills at the Nth.
WRAPPER = '''\
"""Run the workflow CLI; SIGKILL this process just before or after the Nth os.replace."""
import os
import signal
import sys
import threading

crash_at = os.environ.get("CRASH_AT", "")
log = os.environ.get("CRASH_LOG", "")
count = 0
guard = threading.Lock()
real_replace = os.replace


def replace(source, target, *args, **kwargs):
    global count
    with guard:  # extract writes on several threads
        count += 1
        number = count
        if log:
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(f"{os.getpid()} {number} {target}\\n")
    if crash_at == f"before:{number}":
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, target, *args, **kwargs)
    if crash_at == f"after:{number}":
        os.kill(os.getpid(), signal.SIGKILL)


os.replace = replace
from workflow.cli import cli  # noqa: E402

cli.main(args=sys.argv[1:], prog_name="workflow")
'''

TEXT = ("A fair in Beijing\n\nThe fair opened on Friday. Firms came from 148 countries.\n\n"
        "It closed on Wednesday.\n")
PAGE = ("<html><head><title>Trade in services</title></head><body>\n<p>Trade in <b>services</b> grew. "
        "It grew fast.</p>\n<p>The report is online.</p>\n</body></html>\n")
XML = ('<?xml version="1.0" encoding="utf-8"?>\n<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" '
       'version="1"><head><title>Digital trade</title></head>\n<body><p>Digital trade is new. '
       "It is <em>growing</em>.</p>\n<p>More will follow.</p></body></bulletin>\n")
SOURCES = {"fair.txt": TEXT, "report.html": PAGE, "digital.xml": XML}
LANGUAGES = ("zh", "fr")


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def wrapper(tmp_path: Path) -> Path:
    path = tmp_path / "run_workflow.py"
    path.write_text(WRAPPER, encoding="utf-8")
    return path


def invoke(root: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert result.exit_code == 0, result.output


def workspace(root: Path) -> Path:
    """Three articles, extracted, every unit reviewed in zh and fr."""
    make_workspace(root, SOURCES, languages=" ".join(LANGUAGES))
    invoke(root, "extract")
    for lang in LANGUAGES:
        for path in (root / "locales" / lang).glob("*.po"):
            catalog = polib.pofile(str(path))
            for entry in catalog:
                entry.msgstr = f"[{lang}] {entry.msgid}"
            catalog.save(str(path))
    return root


def files(root: Path) -> dict[str, bytes]:
    """Every file under locales/ and output/ (temporary files of a killed write left out)."""
    found: dict[str, bytes] = {}
    for folder in ("locales", "output"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.name.endswith(".tmp"):
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def reviewed(root: Path) -> dict[str, set[str]]:
    """For each PO catalog: the translations of its reviewed units."""
    return {
        path.relative_to(root).as_posix(): {e.msgstr for e in polib.pofile(str(path))
                                            if e.msgstr and "fuzzy" not in e.flags and not e.obsolete}
        for path in sorted((root / "locales").rglob("*.po"))
    }


def run_child(script: Path, root: Path, args: list[str], crash_at: str = "", log: Path | None = None) -> int:
    env = {**os.environ, "CRASH_AT": crash_at, "CRASH_LOG": str(log or "")}
    process = subprocess.run([sys.executable, str(script), "--root", str(root), *args], env=env,
                             capture_output=True, text=True, timeout=300)
    assert "Traceback" not in process.stderr, process.stderr
    return process.returncode


def kill_points(script: Path, before: Path, tmp_path: Path, args: list[str]) -> list[str]:
    """Every `after:N` write of an uninterrupted run, and `before:N` for the first, middle and last."""
    probe = tmp_path / "probe"
    shutil.copytree(before, probe, symlinks=True)
    log = tmp_path / "probe.log"
    assert run_child(script, probe, args, log=log) == 0
    writes = len(log.read_text(encoding="utf-8").splitlines())
    assert writes >= 8, "too few writes to test"
    return [f"after:{n}" for n in range(1, writes + 1)] + [f"before:{n}" for n in sorted({1, writes // 2,
                                                                                        writes})]


def crash_all(script: Path, before: Path, tmp_path: Path, args: list[str]) -> Iterator[tuple[str, Path]]:
    """A copy of `before` for each kill point, killed there (two children at a time)."""
    points = kill_points(script, before, tmp_path, args)
    copies = {point: tmp_path / point.replace(":", "-") for point in points}
    for copy in copies.values():
        shutil.copytree(before, copy, symlinks=True)
    with ThreadPoolExecutor(2) as pool:
        codes = dict(zip(points, pool.map(lambda p: run_child(script, copies[p], args, p), points)))
    for point in points:
        assert codes[point] == -signal.SIGKILL, f"{point}: the run was not killed ({codes[point]})"
        yield point, copies[point]


def assert_leftovers(root: Path, point: str, most: int) -> None:
    """A kill leaves the temporary files of the writes in flight (hidden, never read by a command)."""
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert len(leftovers) <= most, (point, leftovers)
    assert all(p.name.startswith(".") for p in leftovers), leftovers


@pytest.mark.slow
def test_extract_killed_at_any_write(tmp_path: Path) -> None:
    before = workspace(tmp_path / "before")
    # edits that make the next extract rewrite every catalog: a changed, a new and a removed unit each
    for name, text in SOURCES.items():
        edited = (text.replace("Friday", "Saturday").replace("grew fast", "grew very fast")
                  .replace("is new", "is quite new").replace("It closed on Wednesday.", "It closed early.")
                  .replace("The report is online.", "The report is online now.")
                  .replace("More will follow.", "More will follow soon."))
        (before / "source" / name).write_text(edited, encoding="utf-8")
    kept = reviewed(before)
    old = files(before)
    reference = tmp_path / "reference"
    shutil.copytree(before, reference, symlinks=True)
    invoke(reference, "extract")
    new = files(reference)
    assert new != old

    for point, root in crash_all(wrapper(tmp_path), before, tmp_path, ["extract"]):
        now = files(root)
        assert set(now) == set(old), point  # no catalog lost, none half-created
        for name, data in now.items():
            assert data in (old[name], new[name]), f"{point}: {name} is neither its old nor its new content"
        for path in sorted((root / "locales").rglob("*.po")):
            assert msgfmt_check(path) == "", f"{point}: {path}"
            translations = {e.msgstr for e in polib.pofile(str(path)) if e.msgstr}
            obsolete = {e.msgstr for e in polib.pofile(str(path)).obsolete_entries() if e.msgstr}
            assert kept[path.relative_to(root).as_posix()] <= translations | obsolete, point
        assert_leftovers(root, point, most=16)  # BatchWriter: two batches of 8 between write and rename
        invoke(root, "extract")  # the next run completes...
        assert files(root) == new, point  # ...and ends where an uninterrupted run ends
        invoke(root, "status")


@pytest.mark.slow
def test_publish_killed_at_any_write(tmp_path: Path) -> None:
    before = workspace(tmp_path / "before")
    invoke(before, "publish")  # an earlier edition of everything
    for lang in LANGUAGES:  # then the translators revise every unit
        for path in (before / "locales" / lang).glob("*.po"):
            catalog = polib.pofile(str(path))
            for entry in catalog:
                entry.msgstr = entry.msgstr + " (revised)"
            catalog.save(str(path))
    old = files(before)
    reference = tmp_path / "reference"
    shutil.copytree(before, reference, symlinks=True)
    invoke(reference, "publish")
    new = files(reference)
    assert new != old

    for point, root in crash_all(wrapper(tmp_path), before, tmp_path, ["publish"]):
        now = files(root)
        assert set(now) == set(old), point
        for name, data in now.items():
            assert data in (old[name], new[name]), f"{point}: {name} is neither its old nor its new content"
            if name.endswith(".xml"):
                parse_xml(data, name)  # whole, well-formed
        for path in sorted((root / "locales").rglob("*.po")):
            assert path.read_bytes() == old[path.relative_to(root).as_posix()], point  # never written
        assert_leftovers(root, point, most=1 if point.startswith("before:") else 0)  # one write at a time
        invoke(root, "publish")
        assert files(root) == new, point
