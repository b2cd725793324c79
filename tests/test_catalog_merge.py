"""What extract does to a translator's PO file when the source changes (store.plan_catalog, the way
`msgmerge --previous` merges): which entries keep their work, which get a fuzzy suggestion and with
what flags and comments, which come back from `#~`, which are retired, and what the update counts.

Each test starts from a PO file written out here and states the entries of the updated file.
Written against the mutants of `store._merge`, `_reviewed` and `_has_work` that the rest of the
suite let live (docs/mutation.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import polib

from workflow.model import CatalogChange, Segment
from workflow.segment import unit_key
from workflow.store import TargetUpdate, apply_targets, plan_catalog

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n')
FAIR = "The fair is a comprehensive, state-level fair for trade in services with a global reach."
SUMMIT = "The summit was a success."
PAPER = "The white paper contains about 26,000 words."
GONE = "This paragraph will be removed."


def entry(msgid: str, msgstr: str = "", comments: str = "", *, obsolete: bool = False) -> str:
    """A PO entry for the unit `msgid` (keyed as extract keys it), after its `comments` lines."""
    lines = [f'msgctxt "{unit_key(msgid)}"', f'msgid "{msgid}"', f'msgstr "{msgstr}"']
    return comments + "".join(("#~ " if obsolete else "") + line + "\n" for line in lines)


def segment(text: str, line: int = 1, note: str = "") -> Segment:
    return Segment(key=unit_key(text), article="a.txt", text=text, line=line, note=note)


def merged(tmp_path: Path, entries: list[str], segments: list[Segment]) -> tuple[list[polib.POEntry],
                                                                                  CatalogChange]:
    """The entries of the French catalog holding `entries` once updated to `segments`, and the counts."""
    path = tmp_path / "fr" / "a.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "\n".join(entries), encoding="utf-8")
    plan = plan_catalog(path, segments, "fr", "a.txt", "source")
    assert plan.data is not None
    path.write_bytes(plan.data)
    return list(polib.pofile(str(path))), plan.change


def by_source(entries: list[polib.POEntry], *, retired: bool = False) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in entries if bool(e.obsolete) == retired}


def test_a_unit_back_in_the_source_gets_its_retired_entry_back_as_it_was(tmp_path: Path) -> None:
    retired = entry(GONE, "Ce paragraphe.", "# checked with the desk\n#, no-wrap\n", obsolete=True)
    entries, change = merged(tmp_path, [entry(SUMMIT, "Un succès."), retired],
                             [segment(SUMMIT), segment(GONE, 3)])
    back = by_source(entries)[GONE]
    assert (back.msgstr, back.flags, back.tcomment, back.previous_msgid) == (
        "Ce paragraphe.", ["no-wrap"], "checked with the desk", None)  # reviewed, not a fuzzy suggestion
    assert back.occurrences == [("source/a.txt", "3")]
    assert by_source(entries, retired=True) == {}
    assert (change.added, change.kept, change.fuzzy, change.obsolete) == (0, 2, 0, 0)


def test_an_unchanged_unit_follows_its_source_line_and_note(tmp_path: Path) -> None:
    old = entry(SUMMIT, "Un succès.", "# checked with the desk\n#. paragraph\n#: source/a.txt:1\n")
    entries, change = merged(tmp_path, [old], [segment(SUMMIT, 5, "heading")])
    (kept,) = entries
    assert (kept.msgstr, kept.tcomment, kept.flags) == ("Un succès.", "checked with the desk", [])
    assert (kept.occurrences, kept.comment) == ([("source/a.txt", "5")], "heading")
    assert (change.added, change.kept, change.fuzzy, change.obsolete) == (0, 1, 0, 0)


def test_the_update_counts_new_kept_suggested_and_retired_units(tmp_path: Path) -> None:
    old = [entry(SUMMIT, "Un succès."), entry(PAPER, "Le livre blanc."), entry(GONE, "Ce paragraphe.")]
    new = ["Beijing hosted 148 nations.", PAPER.replace("26,000", "27,000"), "Nobody saw it coming."]
    entries, change = merged(tmp_path, old, [segment(SUMMIT), *map(segment, new)])
    live = by_source(entries)
    # the first new sentence has no suggestion; the edited one after it still gets one
    assert (live[new[0]].msgstr, live[new[1]].msgstr, live[new[2]].msgstr) == ("", "Le livre blanc.", "")
    assert list(by_source(entries, retired=True)) == [GONE]
    assert (change.added, change.kept, change.fuzzy, change.obsolete) == (2, 1, 1, 1)


def test_a_suggestion_needs_the_whole_sentence_to_be_alike(tmp_path: Path) -> None:
    """A new sentence made of a part of an old one gets none (nor does `msgmerge --previous` give
    one): it needs translating anew, and the longer sentence's translation would only mislead."""
    part = "A fair for trade in services."
    entries, change = merged(tmp_path, [entry(FAIR, "La foire.")], [segment(part)])
    assert (by_source(entries)[part].msgstr, change.fuzzy) == ("", 0)


def test_a_suggestion_has_the_old_flags_and_fuzzy_in_the_same_order_every_time(tmp_path: Path) -> None:
    flags = "#, python-format, no-wrap, sh-format, c-format, qt-format\n"
    edited = PAPER.replace("26,000", "27,000")
    entries, _ = merged(tmp_path, [entry(PAPER, "Le livre blanc.", flags)], [segment(edited)])
    suggestion = by_source(entries)[edited]
    assert suggestion.flags == ["c-format", "fuzzy", "no-wrap", "python-format", "qt-format", "sh-format"]
    assert suggestion.previous_msgid == PAPER


def test_a_suggestion_from_reviewed_words_is_a_persons_and_from_engine_output_an_engines(
        tmp_path: Path) -> None:
    """An engine's line on a reviewed entry becomes `reviewed; …`: the suggestion made from it is a
    person's work, never redone by --redo-machine. Other comment lines and a person's provenance
    are carried as they are; a still-fuzzy engine output stays an engine's."""
    approved = entry(PAPER, "Le livre blanc.",
                     "# Reviewer: mt output fixed by hand\n# workflow: mt argos 1.9\n")
    imported = entry(SUMMIT, "Un succès.", "# workflow: xliff fr.xlf\n")
    machine = entry(FAIR, "La foire.", "# a note\n# workflow: tm 85% a.tmx\n#, fuzzy\n")
    new = [PAPER.replace("26,000", "27,000"), SUMMIT.replace("a success", "a great success"),
           FAIR.replace("global", "worldwide")]
    entries, change = merged(tmp_path, [approved, imported, machine], list(map(segment, new)))
    live = by_source(entries)
    assert [live[text].tcomment for text in new] == [
        "Reviewer: mt output fixed by hand\nworkflow: reviewed; mt argos 1.9",
        "workflow: xliff fr.xlf",
        "a note\nworkflow: tm 85% a.tmx",
    ]
    assert all(live[text].flags == ["fuzzy"] for text in new)
    assert change.fuzzy == 3
    path = tmp_path / "fr" / "a.po"
    redo = {unit_key(text): TargetUpdate("NOUVEAU", "mt argos 2.0") for text in new}
    assert apply_targets(path, redo, replace_machine=True) == 1
    assert [e.msgstr for e in polib.pofile(str(path))] == ["Le livre blanc.", "Un succès.", "NOUVEAU"]


def test_a_removed_unit_is_retired_when_it_holds_any_work(tmp_path: Path) -> None:
    plural = "%d fair"
    forms = (f'msgctxt "{unit_key(plural)}"\nmsgid "{plural}"\nmsgid_plural "%d fairs"\n'
             'msgstr[0] "%d foire"\nmsgstr[1] "%d foires"\n')
    blank = (f'msgctxt "{unit_key("%d summit")}"\nmsgid "%d summit"\nmsgid_plural "%d summits"\n'
             'msgstr[0] ""\nmsgstr[1] ""\n')
    noted = entry(GONE, "", "# ask the desk about this one\n")
    entries, change = merged(tmp_path, [entry(SUMMIT, "Un succès."), forms, blank, noted], [segment(SUMMIT)])
    retired = by_source(entries, retired=True)
    assert list(retired) == [plural, GONE]  # translated plural forms, a translator's note; not blank forms
    assert retired[plural].msgstr_plural == {0: "%d foire", 1: "%d foires"}
    assert retired[GONE].tcomment == "ask the desk about this one"
    assert change.obsolete == 2


def test_an_update_with_nothing_to_match_does_not_load_the_fuzzy_matcher(tmp_path: Path) -> None:
    """rapidfuzz costs start-up time: a fresh catalog (nothing to match against) and an update
    in which every unit kept its text (nothing to match) do without it."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from workflow.model import Segment
        from workflow.segment import unit_key
        from workflow.store import TargetUpdate, apply_targets, plan_catalog
        path = Path({str(tmp_path / "a.po")!r})
        segments = [Segment(unit_key(t), "a.txt", t, 1) for t in ({SUMMIT!r}, {PAPER!r})]
        path.write_bytes(plan_catalog(path, segments, "fr", "a.txt", "source").data)
        apply_targets(path, {{segments[0].key: TargetUpdate("Un succès.", "test")}})
        plan = plan_catalog(path, segments, "fr", "a.txt", "source")
        print(plan.data is None, "rapidfuzz" in sys.modules)
    """)
    root = str(Path(__file__).resolve().parents[1])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": root})
    assert done.stdout.split() == ["True", "False"]
