"""Helpers for the status, check and review tests: a small workspace, units put in a state with polib."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib
from click.testing import CliRunner
from extracting import make_workspace

from workflow.cli import cli
from workflow.model import State
from workflow.settings import Settings, load_settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"  # the sample's memory and glossary

# A plain-text bulletin: title, metadata line, paragraphs (two sentences in the first).
BULLETIN = """\
Trade Fair Opens in Beijing

Source:Organizing Committee | Date:2021-01-11

  The fair opened on January 10. It drew 22,000 visitors from 148 countries.

  Details are at https://example.org/fair and from press@example.org.

  The Ministry of Commerce hosted the fair.
"""
# An HTML page, for units with placeholders.
PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fair news</title></head>
<body><h1>Fair news</h1>
<p>The <b>2020 fair</b> had <a href="https://example.org">190 forums</a>.</p>
</body></html>
"""


def workspace(root: Path, sources: dict[str, str], languages: str = "zh fr ar") -> Settings:
    """A workspace with `sources` under source/, then `workflow extract`: as a user does it."""
    make_workspace(root, sources, languages)
    result = CliRunner().invoke(cli, ["--root", str(root), "extract"])
    assert result.exit_code == 0, result.output
    return load_settings(root)


@dataclass(frozen=True)
class Put:
    """A translation to put into a catalog, in a state."""

    target: str
    state: State = State.REVIEWED
    previous: str = ""  # for CHANGED: the old source text (`#| msgid`)
    comment: str = ""  # translator comment lines
    provenance: str = ""  # for MACHINE, "mt test 1" unless given: machine output carries its engine


def put(settings: Settings, lang: str, article: str, units: dict[str, Put]) -> Path:
    """Set the units whose source text starts with a key of `units`; returns the PO path."""
    path = settings.catalog(article, lang)
    catalog = polib.pofile(str(path), wrapwidth=0)
    used: set[str] = set()
    for entry in catalog:
        if entry.obsolete:
            continue
        for start, change in units.items():
            if not entry.msgid.startswith(start):
                continue
            used.add(start)
            entry.msgstr = change.target
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            if change.state in (State.MACHINE, State.NEEDS_WORK, State.CHANGED):
                entry.flags.append("fuzzy")
            entry.previous_msgid = change.previous or None
            provenance = change.provenance or ("mt test 1" if change.state is State.MACHINE else "")
            lines = [
                *change.comment.splitlines(),
                *([f"workflow: {provenance}"] if provenance else []),
            ]
            entry.tcomment = "\n".join(lines)
    assert used == set(units), f"no unit starts with {set(units) - used}"
    catalog.save(str(path))
    return path


def snapshot(folder: Path) -> dict[Path, tuple[bytes, int]]:
    """Bytes and modification time of every file under a folder: to show a command wrote nothing."""
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}
