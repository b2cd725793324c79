"""Boundaries and small planted bugs: each test here failed with one realistic one-line bug planted.

Written against the command line and the package's entry points (not module internals), so
that they outlive the moves of issue 16. The bug each test catches is named in its docstring.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import html5lib
import polib
import pytest
from click.testing import CliRunner, Result
from conftest import NewWorkspace

from workflow.cli import cli
from workflow.model import State
from workflow.qa import CHECKS, CheckContext
from workflow.settings import Settings

# 5 + 4 + 1 words: the title alone is exactly half of the words, the first paragraph one word less
HALVES = "Alpha beta gamma delta epsilon\n\n  Zeta eta theta iota.\n\n  Kappa.\n"
# a title and five paragraphs, one unit each
SIX = ("Trade fair opens\n\n  The fair opened on Friday.\n\n  It runs for six days.\n\n"
       "  Visitors came early.\n\n  Trade grew fast.\n\n  Talks went well.\n")
MACHINE_PROVENANCE = "workflow: mt test 1"
TMX = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="test" creationtoolversion="1" o-tmf="test"/><body>
<tu><tuv xml:lang="en"><seg>The fair opened on Friday.</seg></tuv>
 <tuv xml:lang="zh"><seg>展会周五开幕。</seg></tuv></tu>
</body></tmx>
"""


def invoke(settings: Settings, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--root", str(settings.root), *args])
    assert "Traceback" not in result.output, result.output
    return result


def extracted(new_workspace: NewWorkspace, text: str) -> Settings:
    settings = new_workspace({"story.txt": text})
    result = invoke(settings, "extract")
    assert result.exit_code == 0, result.output
    return settings


def set_states(settings: Settings, states: Callable[[str], State]) -> None:
    """Give each unit of story.txt's zh catalog the state `states(its source)` says, as an editor would."""
    path = settings.catalog("story.txt", "zh")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        state = states(entry.msgid)
        entry.msgstr = "" if state is State.NEW else entry.msgid.upper()
        entry.flags = [] if state in (State.NEW, State.REVIEWED) else ["fuzzy"]
        entry.tcomment = MACHINE_PROVENANCE if state in (State.MACHINE, State.CHANGED) else ""
        entry.previous_msgid = "An older source text." if state is State.CHANGED else None
    catalog.save(str(path))


def page_text(settings: Settings, name: str = "story.html") -> str:
    root = html5lib.parse((settings.output / "zh" / name).read_bytes(), namespaceHTMLElements=False)
    return "".join(root.find("body").itertext())


# -- publishing policies at their boundaries ---------------------------------------------------------


SIX_STATES = {"Trade fair": State.REVIEWED, "The fair": State.REVIEWED, "It runs": State.MACHINE,
              "Visitors": State.NEEDS_WORK, "Trade grew": State.CHANGED, "Talks": State.NEW}


def six_states(source: str) -> State:
    return next(state for start, state in SIX_STATES.items() if source.startswith(start))


def test_complete_holds_back_every_state_short_of_reviewed(new_workspace: NewWorkspace) -> None:
    """Planted bug: `complete` counting only untranslated units as missing (machine units published)."""
    settings = extracted(new_workspace, SIX)
    set_states(settings, six_states)
    result = invoke(settings, "publish", "zh")
    assert result.exit_code == 0, result.output
    assert ("held back: story.txt: 4 of 6 units not reviewed (1 source changed, "
            "1 machine-translated, 1 marked as needing work, 1 not translated)") in result.stderr
    assert not (settings.output / "zh" / "story.html").exists()
    # only machine output left: still held back, the new unit reviewed does not tip it over
    set_states(settings, lambda s: State.REVIEWED if s.startswith("Talks") else six_states(s))
    result = invoke(settings, "publish", "zh")
    assert "story.txt: 3 of 6 units not reviewed" in result.stderr
    assert not (settings.output / "zh" / "story.html").exists()
    # drafts: every translated state counts, shown marked; the page appears
    result = invoke(settings, "publish", "zh", "--draft")
    assert result.exit_code == 0, result.output
    assert "held back:" not in result.stderr
    assert "IT RUNS FOR SIX DAYS." in page_text(settings)


def test_lead_without_drafts_never_shows_machine_output(new_workspace: NewWorkspace) -> None:
    """Under `lead`, the units not reviewed appear in English: no machine text reaches the page."""
    settings = extracted(new_workspace, SIX)
    set_states(settings, six_states)
    result = invoke(settings, "publish", "zh", "--policy", "lead")
    assert result.exit_code == 0, result.output
    text = page_text(settings)
    assert "THE FAIR OPENED ON FRIDAY." in text and "TRADE FAIR OPENS" in text
    for english in ("It runs for six days.", "Visitors came early.", "Trade grew fast.", "Talks went well."):
        assert english in text and english.upper() not in text


@pytest.mark.parametrize(
    ("threshold", "reviewed", "reason"),
    [
        pytest.param("50", "Alpha", "", id="exactly-at"),
        pytest.param("50", "Zeta", "40% of words reviewed, below the threshold of 50%", id="one-word-under"),
        pytest.param("51", "Alpha", "50% of words reviewed, below the threshold of 51%",
                     id="one-point-under"),
        pytest.param("100", "", "", id="all-at-100"),
        pytest.param("100", "Alpha Zeta", "90% of words reviewed, below the threshold of 100%",
                     id="one-word-under-100"),
    ],
)
def test_threshold_at_the_limit_publishes_and_one_word_under_does_not(
        new_workspace: NewWorkspace, threshold: str, reviewed: str, reason: str) -> None:
    """Planted bug: `share < threshold` turned `<=` (an article exactly at the threshold held back)."""
    settings = extracted(new_workspace, HALVES)
    starts = tuple(reviewed.split())
    set_states(settings, lambda s: State.REVIEWED if not starts or s.startswith(starts) else State.NEW)
    result = invoke(settings, "publish", "zh", "--threshold", threshold)
    assert result.exit_code == 0, result.output
    published = settings.output / "zh" / "story.html"
    if reason:
        assert f"held back: story.txt: {reason}" in result.stderr
        assert not published.exists()
    else:
        assert "held back:" not in result.stderr
        assert published.is_file()


def test_lead_needs_the_title_and_the_first_paragraph(new_workspace: NewWorkspace) -> None:
    settings = extracted(new_workspace, SIX)
    set_states(settings, lambda s: State.REVIEWED if s.startswith("Trade fair") else State.MACHINE)
    result = invoke(settings, "publish", "zh", "--policy", "lead")
    assert "held back: story.txt: the first paragraph is not reviewed" in result.stderr
    set_states(settings, lambda s: State.REVIEWED if s.startswith(("Trade fair", "The fair")) else State.NEW)
    result = invoke(settings, "publish", "zh", "--policy", "lead")
    assert result.exit_code == 0 and "held back:" not in result.stderr, result.output
    assert (settings.output / "zh" / "story.html").is_file()


# -- untrusted text after an inline element ----------------------------------------------------------

BULLETIN = """<?xml version="1.0" encoding="utf-8"?>
<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1">
  <head><title>Fair opens</title><source>Committee</source><date>2021-02-01</date></head>
  <body><p>The fair opened in <em>Beijing</em> on Friday.</p></body>
</bulletin>
"""


@pytest.mark.parametrize("injected", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">'])
def test_markup_in_the_text_after_an_inline_element_is_shown_as_text(new_workspace: NewWorkspace,
                                                                       injected: str) -> None:
    """Planted bug: the text after an inline element (its tail) written unescaped: stored XSS."""
    settings = new_workspace({"fair.xml": BULLETIN})
    assert invoke(settings, "extract").exit_code == 0
    path = settings.catalog("fair.xml", "zh")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = (f"展会在<1>北京</1>{injected}开幕。" if "<1>" in entry.msgid else entry.msgid.upper())
    catalog.save(str(path))
    result = invoke(settings, "publish", "zh")
    assert result.exit_code == 0, result.output
    page = html5lib.parse((settings.output / "zh" / "fair.html").read_bytes(), namespaceHTMLElements=False)
    assert [e.tag for e in page.iter() if e.tag in ("script", "img")] == []
    assert [name for e in page.iter() for name in e.attrib if name.startswith("on")] == []
    assert f"展会在北京{injected}开幕。" in "".join(page.find("body").itertext())


# -- written files: where their temporary file lies, which mode they get -----------------------------


@pytest.fixture
def umask_077() -> Iterator[None]:
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _pipeline(settings: Settings, tmx: Path) -> None:
    """Extract, import a memory, pretranslate from it, review, publish: every kind of file written."""
    for args in (("extract",), ("tm", "import", str(tmx)), ("pretranslate", "zh", "--engine", "tm")):
        result = invoke(settings, *args)
        assert result.exit_code == 0, (args, result.output)
    set_states(settings, lambda s: State.REVIEWED)
    result = invoke(settings, "publish", "zh")
    assert result.exit_code == 0, result.output


def test_files_written_are_readable_by_all_whatever_the_umask(new_workspace: NewWorkspace, tmp_path: Path,
                                                             umask_077: None) -> None:
    """Planted bug: the chmod 0o644 of a new file dropped (mkstemp's 0o600 stays: unreadable to a server).

    Decision: catalogs, pages, bulletins, feeds, indexes and caches are created 0o644 under
    any umask (they are meant to be served and shared); a file that exists keeps its mode.
    """
    settings = extracted(new_workspace, SIX)
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    _pipeline(settings, tmx)
    catalog = settings.catalog("story.txt", "zh")
    outputs = sorted(p for p in settings.output.rglob("*") if p.is_file())
    caches = sorted(p for p in (settings.root / settings.cache_dir / "tm").glob("*.sqlite"))
    assert {p.suffix for p in outputs} >= {".html", ".xml", ".atom"} and caches
    modes = {str(p.relative_to(settings.root)): oct(stat.S_IMODE(p.stat().st_mode))
             for p in (catalog, *outputs, *caches)}
    assert set(modes.values()) == {"0o644"}, modes
    # a mode the user chose is kept when the file is written again
    catalog.chmod(0o600)
    before = catalog.read_bytes()
    (settings.source / "story.txt").write_text(SIX + "\n  A new paragraph.\n", encoding="utf-8")
    result = invoke(settings, "extract")
    assert result.exit_code == 0, result.output
    assert catalog.read_bytes() != before
    page = settings.output / "zh" / "story.html"
    page.chmod(0o664)
    page.write_bytes(b"edited by hand\n")
    set_states(settings, lambda s: State.REVIEWED)
    result = invoke(settings, "publish", "zh")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(catalog.stat().st_mode) == 0o600
    assert page.read_bytes() != b"edited by hand\n" and stat.S_IMODE(page.stat().st_mode) == 0o664


def test_temporary_files_lie_beside_their_target(new_workspace: NewWorkspace, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted bug: mkstemp without dir= (the system temp folder: os.replace fails across file systems).

    The system temporary folder is made unusable, and every replace must stay in one folder.
    """
    settings = extracted(new_workspace, SIX)
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    replace = os.replace
    moves: list[tuple[Path, Path]] = []

    def same_folder(source: Any, target: Any, **kwargs: Any) -> None:
        moves.append((Path(source), Path(target)))
        assert Path(source).parent == Path(target).parent, (source, target)
        replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", same_folder)
    (settings.root / ".workflow" / "extract-cache.json").unlink(missing_ok=True)
    settings.catalog("story.txt", "zh").unlink()
    _pipeline(settings, tmx)
    targets = {target for _, target in moves}
    assert settings.catalog("story.txt", "zh") in targets
    assert settings.output / "zh" / "story.html" in targets
    assert any(t.suffix == ".sqlite" for t in targets), targets


# -- the numbers check reads grouped digits strictly -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        pytest.param("It drew 220,000.", "Atrajo a 22.0000.", "es", id="four-digit-group"),
        pytest.param("It drew 2,200,000.", "Atrajo a 2200.000.", "es", id="four-digit-lead"),
        pytest.param("It drew 220,000.", "It drew 22,0000.", "en", id="en-four-digit-group"),
        pytest.param("It drew 2,200,000.", "Il a attiré 2200 000.", "fr", id="fr-four-digit-lead"),
    ],
)
def test_a_malformed_thousands_group_is_a_changed_number(source: str, target: str, lang: str) -> None:
    """Planted bug: the group-length check loosened (22.0000 read as 220,000, the typo not reported)."""
    issue = CHECKS["numbers"](source, target, CheckContext(lang, key="k1"))
    assert issue is not None and "missing or changed" in issue.message


def test_well_formed_groups_pass_the_numbers_check() -> None:
    for target, lang in (("Atrajo a 220.000 visitantes.", "es"), ("Il a attiré 220 000 visiteurs.", "fr"),
                         ("吸引了22万名观众。", "zh")):
        assert CHECKS["numbers"]("It drew 220,000 visitors.", target, CheckContext(lang, key="k1")) is None
