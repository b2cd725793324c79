"""Every command over the hostile-input corpus in tests/hostile/: no harm, whatever the input.

The corpus holds files, one hostile or careless input each: source articles
(`source/`), catalogs a translator's tool might leave (`catalog/`), memories
(`tm/`), glossaries (`glossary/`), settings files (`settings/`) and article file
names (`names.txt`). Each is put into a workspace that already holds a reviewed
article, then every command runs over it. Whatever each command answers, these
must hold after every one of them:

- it exits with a documented code (0, 1, 2 or 3), with no traceback and no
  `internal error`;
- no file outside the workspace is created, changed or removed;
- no translation is lost: every translated, non-fuzzy entry (obsolete ones too)
  of every catalog is still there, or the catalog is byte for byte unchanged;
- nothing published can run code nobody wrote: no `<script>`, event handler or
  `javascript:` URL carries the corpus's payload (every payload says PWNED).
"""

from __future__ import annotations

import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import extracting
import html5lib
import polib
import pytest
from click.testing import CliRunner, Result

from workflow.cli import cli

CORPUS = Path(__file__).parent / "hostile"
GOOD = "Title of a good article\n\nIt is read, whatever the others hold. Trade grew by 5 percent in 2020.\n"
PAYLOAD = "PWNED"
ABSOLUTE_ELSEWHERE = Path("/tmp/workflow-hostile-absolute")  # named by settings/output-absolute.cfg
ALLOWED_EXIT_CODES = {0, 1, 2, 3}
CASE_SECONDS = 300  # a hang guard only: a case that runs this long is a hang, not a slow run


def corpus(folder: str) -> list[Path]:
    return sorted((CORPUS / folder).iterdir())


def names() -> list[str]:
    lines = (CORPUS / "names.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# -- the workspace and what must not change ------------------------------------------------------

def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def make_workspace(tmp_path: Path) -> Path:
    """A zh workspace whose one article is extracted and reviewed, beside a folder `outside/`."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the workspace's\n", encoding="utf-8")
    root = tmp_path / "deeper" / "ws"  # so that ../../outside is tmp_path/outside, watched too
    root.parent.mkdir()
    extracting.make_workspace(root, {"good.txt": GOOD}, languages="zh")
    assert invoke(root, "extract").exit_code == 0
    catalog = polib.pofile(str(root / "locales" / "zh" / "good.po"))
    for entry in catalog:
        entry.msgstr = f"【{entry.msgid}】"
    catalog.save()
    return root


def snapshot_outside(tmp_path: Path, root: Path) -> dict[str, bytes | None]:
    """Every path under tmp_path but the workspace, with its bytes (None for a folder)."""
    found: dict[str, bytes | None] = {}
    for path in sorted(tmp_path.rglob("*")):
        if path == root or root in path.parents:
            continue
        found[str(path.relative_to(tmp_path))] = None if path.is_dir() else path.read_bytes()
    return found


Work = set[tuple[str, str, str, str]]


def translated_work(path: Path) -> Work | None:
    """The translated, non-fuzzy entries of a catalog (obsolete ones too), or None if it cannot be read."""
    try:
        catalog = polib.pofile(str(path))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    work: Work = set()
    for entry in catalog:
        if entry.msgid == "" or "fuzzy" in entry.flags:
            continue
        targets = [entry.msgstr] if not entry.msgid_plural else [entry.msgstr_plural[n]
                                                                  for n in sorted(entry.msgstr_plural)]
        if any(targets):
            work.add((entry.msgctxt or "", entry.msgid, entry.msgid_plural, "\x00".join(targets)))
    return work


def snapshot_catalogs(root: Path) -> dict[Path, tuple[bytes, Work | None]]:
    return {path: (path.read_bytes(), translated_work(path)) for path in (root / "locales").rglob("*.po")}


def assert_no_work_lost(before: dict[Path, tuple[bytes, Work | None]], step: str) -> None:
    for path, (data, work) in before.items():
        assert path.exists(), f"{step}: {path.name} was removed"
        if path.read_bytes() == data:
            continue
        assert work is not None, f"{step}: {path.name} could not be read, yet it was rewritten"
        after = translated_work(path)
        assert after is not None, f"{step}: {path.name} was rewritten into a file polib cannot read"
        lost = work - after
        assert not lost, f"{step}: {path.name} lost translations: {sorted(lost)[:3]}"


def assert_nothing_runs(root: Path, step: str) -> None:
    """No published page, index or feed carries the payload into code or a javascript: URL."""
    output = root / "output"
    for path in output.rglob("*") if output.is_dir() else []:
        if path.suffix not in {".html", ".xml", ".atom"} or not path.is_file():
            continue
        document = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
        for element in document.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag.split("}")[-1] == "script":
                assert PAYLOAD not in "".join(element.itertext()), f"{step}: live script in {path}"
            for name, value in element.attrib.items():
                name = name.split("}")[-1].lower()
                if name.startswith("on"):
                    assert PAYLOAD not in value, f"{step}: event handler {name}= in {path}"
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not cleaned.startswith(("javascript:", "vbscript:", "data:text/html")), \
                    f"{step}: {name}={value!r} in {path}"


@pytest.fixture
def hang_guard() -> Iterator[None]:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"a command ran past {CASE_SECONDS} s: a hang")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(CASE_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_everything(tmp_path: Path, root: Path, extra: list[tuple[str, ...]] = ()) -> None:  # type: ignore[assignment]
    """Run every command in turn; check the guarantees after each."""
    outside = snapshot_outside(tmp_path, root)
    catalogs = snapshot_catalogs(root)
    steps: list[tuple[str, ...]] = [
        *extra,
        ("extract",),
        ("extract", "--force"),
        ("status",),
        ("status", "--json"),
        ("check", "zh"),
        ("check", "zh", "--json"),
        ("review", "zh"),
        ("pretranslate", "zh", "--engine", "tm"),
        ("publish", "zh"),
        ("pretranslate", "zh", "--engine", "pseudo"),
        ("publish", "zh", "--draft"),
        ("run", "zh", "--engine", "pseudo", "--draft"),
        ("tm", "export", "zh", str(root / "exported.tmx")),
    ]
    try:
        for args in steps:
            step = " ".join(args)
            result = invoke(root, *args)
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                unhandled = result.exception
                raise AssertionError(f"{step}: unhandled {unhandled!r}\n{result.output}") from unhandled
            assert result.exit_code in ALLOWED_EXIT_CODES, f"{step}: exit {result.exit_code}\n{result.output}"
            assert "Traceback" not in result.output, f"{step}:\n{result.output}"
            assert "internal error" not in result.output, f"{step}:\n{result.output}"
            assert snapshot_outside(tmp_path, root) == outside, f"{step}: touched outside the workspace"
            assert not ABSOLUTE_ELSEWHERE.exists(), f"{step}: wrote to {ABSOLUTE_ELSEWHERE}"
            assert_no_work_lost(catalogs, step)
            assert_nothing_runs(root, step)
    finally:
        if ABSOLUTE_ELSEWHERE.exists():
            shutil.rmtree(ABSOLUTE_ELSEWHERE)


# -- the corpus, one case per file -------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("path", corpus("source"), ids=lambda path: path.name)
def test_hostile_source(tmp_path: Path, hang_guard: None, path: Path) -> None:
    root = make_workspace(tmp_path)
    shutil.copyfile(path, root / "source" / path.name)
    run_everything(tmp_path, root)


@pytest.mark.slow
@pytest.mark.parametrize("name", names())
def test_hostile_article_name(tmp_path: Path, hang_guard: None, name: str) -> None:
    root = make_workspace(tmp_path)
    (root / "source" / name).write_text("A headline\n\nA sentence of the article.\n", encoding="utf-8")
    run_everything(tmp_path, root)


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus("catalog"), ids=lambda path: path.name)
def test_hostile_catalog(tmp_path: Path, hang_guard: None, path: Path) -> None:
    """The hostile catalog's entries (and header) come before the reviewed article's own entries."""
    root = make_workspace(tmp_path)
    catalog = root / "locales" / "zh" / "good.po"
    own = catalog.read_bytes()
    entries = own[own.index(b"\n\n") + 2:]  # the article's entries, after its header
    catalog.write_bytes(path.read_bytes().rstrip(b"\n") + b"\n\n" + entries)
    run_everything(tmp_path, root)


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus("tm"), ids=lambda path: path.name)
def test_hostile_memory(tmp_path: Path, hang_guard: None, path: Path) -> None:
    root = make_workspace(tmp_path)
    run_everything(tmp_path, root, [("tm", "import", str(path))])


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus("glossary"), ids=lambda path: path.name)
def test_hostile_glossary(tmp_path: Path, hang_guard: None, path: Path) -> None:
    root = make_workspace(tmp_path)
    run_everything(tmp_path, root, [("glossary", "import", str(path), "--lang", "zh")])


@pytest.mark.slow
@pytest.mark.parametrize("path", corpus("settings"), ids=lambda path: path.name)
def test_hostile_settings(tmp_path: Path, hang_guard: None, path: Path) -> None:
    root = make_workspace(tmp_path)
    shutil.copyfile(path, root / "setup.cfg")
    run_everything(tmp_path, root)
