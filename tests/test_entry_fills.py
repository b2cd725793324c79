"""What pretranslate may write into a catalog (store.apply_targets): which entries it fills, which
engine output it may redo (--redo-machine, or a reviewed unit's translation carried over machine
output), and what each filled entry then holds: flag, comments, provenance, previous source.

Written against the mutants of `store.fill_targets` and `redoable` that the rest of the suite let
live (docs/mutation.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polib
import pytest

from workflow.store import TargetUpdate, apply_targets, fill_targets

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
# one entry in each state, each keyed by its name; a translator's note on most
ENTRIES = {
    "reviewed": '# checked by Ana\nmsgctxt "reviewed"\nmsgid "A."\nmsgstr "Un."\n',
    "new": '# ask the desk\nmsgctxt "new"\nmsgid "B."\nmsgstr ""\n',
    "machine": '# a note\n# workflow: mt argos 1.9\n#, fuzzy\nmsgctxt "machine"\nmsgid "C."\nmsgstr "Cé."\n',
    "changed": ('# workflow: tm 80% a.tmx\n#, fuzzy\n#| msgid "Old D."\nmsgctxt "changed"\nmsgid "D."\n'
                'msgstr "Dé."\n'),
    "approved": '# workflow: mt argos 1.9\nmsgctxt "approved"\nmsgid "E."\nmsgstr "Eu."\n',
    "needs-work": '#, fuzzy\nmsgctxt "needs-work"\nmsgid "F."\nmsgstr "Fé."\n',
    "reviewed-then-edited": ('# workflow: reviewed; mt argos 1.9\n#, fuzzy\n#| msgid "Old G."\n'
                             'msgctxt "reviewed-then-edited"\nmsgid "G."\nmsgstr "Gé."\n'),
}


def draft(provenance: str, target: str) -> str:
    """An engine's provenance line as pretranslate writes it: sealed with its target's digest."""
    return f"{provenance} · draft {hashlib.sha256(target.encode()).hexdigest()[:8]}"


def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "a.po"
    path.write_text(HEADER + "\n".join(ENTRIES.values()), encoding="utf-8")
    return path


def entries(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgctxt: e for e in polib.pofile(str(path))}


def fill_all(path: Path, update: TargetUpdate, *, replace_machine: bool = False) -> dict[str, polib.POEntry]:
    """Offer `update` for every unit; the entries that changed, by key, as the file holds them afterwards."""
    before = entries(path)
    apply_targets(path, {key: update for key in ENTRIES}, replace_machine=replace_machine)
    after = entries(path)
    return {key: entry for key, entry in after.items() if str(entry) != str(before[key])}


def test_an_empty_target_is_filled_fuzzy_with_its_provenance_and_nothing_else_is(tmp_path: Path) -> None:
    changed = fill_all(catalog(tmp_path), TargetUpdate("Bé.", "mt argos 2.0"))
    assert list(changed) == ["new"]  # the reviewed entry before it does not stop the others
    new = changed["new"]
    assert (new.msgstr, new.flags, new.tcomment) == (
        "Bé.", ["fuzzy"], "ask the desk\nworkflow: " + draft("mt argos 2.0", "Bé."))


def test_redo_machine_replaces_only_the_engines_still_fuzzy_output(tmp_path: Path) -> None:
    changed = fill_all(catalog(tmp_path), TargetUpdate("Neuf.", "mt argos 2.0"), replace_machine=True)
    # a reviewer's approval of engine words, a translator's fuzzy, a suggestion from reviewed words: kept
    assert list(changed) == ["new", "machine", "changed"]
    machine, edited = changed["machine"], changed["changed"]
    assert (machine.msgstr, machine.flags, machine.tcomment) == (
        "Neuf.", ["fuzzy"], "a note\nworkflow: " + draft("mt argos 2.0", "Neuf."))
    assert (edited.msgstr, edited.flags, edited.tcomment) == (
        "Neuf.", ["fuzzy"], "workflow: " + draft("mt argos 2.0", "Neuf."))
    assert edited.previous_msgid is None  # the new target is for the new source: no `#|` any more


def test_a_reviewed_translation_carried_over_engine_output_is_reviewed(tmp_path: Path) -> None:
    """pretranslate propagates a reviewed unit's translation to a unit with the same source, over an
    engine's output even without --redo-machine, and not fuzzy: a person's words, already checked."""
    update = TargetUpdate("Pareil.", "tm 100% reviewed", fuzzy=False, over_machine=True)
    changed = fill_all(catalog(tmp_path), update)
    assert list(changed) == ["new", "machine", "changed"]
    assert all(entry.msgstr == "Pareil." and entry.flags == [] for entry in changed.values())
    assert changed["machine"].tcomment == "a note\nworkflow: tm 100% reviewed"


def test_without_being_asked_engine_output_is_kept(tmp_path: Path) -> None:
    path = catalog(tmp_path)
    read = polib.pofile(str(path))
    changed = fill_targets(read, {key: TargetUpdate("Neuf.", "mt argos 2.0") for key in ENTRIES})
    assert [entry.msgctxt for entry in changed] == ["new"]
    with pytest.raises(TypeError):  # replace_machine is only ever named: a bare True says nothing
        fill_targets(read, {}, True)  # type: ignore[call-arg]
