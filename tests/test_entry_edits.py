"""What one reviewer's edit does to an entry (store.edit_entry), stated outright: the flag, the
previous source, the translator comments and the provenance line; and which entries a batch of
edits (an XLIFF import, store.edit_read) changes.

Written against the mutants of `store._edited` and `edit_read` that the rest of the suite let live
(docs/mutation.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polib
import pytest

from workflow.model import State
from workflow.store import (
    EntryEdit,
    PluralEntry,
    catalog_bytes,
    edit_entry,
    edit_read,
    load_located_units,
    read_catalog,
)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
MACHINE = ('# workflow: mt argos 1.9\n# a note\n#, fuzzy, python-format\n#| msgid "Old fair."\n'
           'msgctxt "fde84bf37d65"\nmsgid "The fair."\nmsgstr "展会。"\n')


def edited(tmp_path: Path, entry: str, edit: EntryEdit) -> polib.POEntry:
    path = tmp_path / "a.po"
    path.write_text(HEADER + entry, encoding="utf-8")
    (unit,) = load_located_units(path, "zh", "a.txt")
    edit_entry(path, "zh", "a.txt", "fde84bf37d65", unit.revision, edit)
    (found,) = polib.pofile(str(path))
    return found


def test_approving_the_machine_words_says_whose_they_were(tmp_path: Path) -> None:
    entry = edited(tmp_path, MACHINE, EntryEdit("展会。", reviewed=True))
    assert entry.flags == ["python-format"]  # fuzzy gone, other flags kept
    assert entry.previous_msgid is None  # the comparison with the old source is done
    assert entry.tcomment == "a note\nworkflow: mt argos 1.9"


def test_approving_a_sealed_draft_says_a_person_approved_it(tmp_path: Path) -> None:
    """Pretranslate seals its line with the draft's digest; approved as it is, the line keeps the
    engine's words and says `approved`, so marked fuzzy again in a PO editor the unit needs work:
    a person's, never redone or replaced as machine output."""
    digest = hashlib.sha256("展会。".encode()).hexdigest()[:8]
    sealed = f"# workflow: mt argos 1.9 · confidence 52 · draft {digest}\n"
    draft = MACHINE.replace("# workflow: mt argos 1.9\n", sealed)
    entry = edited(tmp_path, draft, EntryEdit("展会。", reviewed=True))
    assert entry.tcomment == "a note\nworkflow: mt argos 1.9 · confidence 52 · approved"
    path = tmp_path / "a.po"
    catalog = polib.pofile(str(path))
    catalog[0].flags.append("fuzzy")  # marked needs work again, in a PO editor
    catalog.save(str(path))
    (unit,) = load_located_units(path, "zh", "a.txt")
    # (read without the engine's confidence: the words are a person's now; the file keeps it)
    assert (unit.unit.state, unit.unit.provenance) == (State.NEEDS_WORK, "reviewed; mt argos 1.9")


def test_a_new_text_is_a_persons_and_drops_the_engines_line(tmp_path: Path) -> None:
    entry = edited(tmp_path, MACHINE, EntryEdit("博览会。", reviewed=True))
    assert (entry.msgstr, entry.flags, entry.tcomment) == ("博览会。", ["python-format"], "a note")


def test_marked_needs_work_the_unit_keeps_its_previous_source_and_no_engine(tmp_path: Path) -> None:
    entry = edited(tmp_path, MACHINE, EntryEdit("展会。", reviewed=False))
    assert entry.flags == ["python-format", "fuzzy"]
    assert entry.previous_msgid == "Old fair."
    assert entry.tcomment == "a note"


@pytest.mark.parametrize(("comment", "provenance", "expected"), [
    ("checked by Ana", "", "checked by Ana"),
    ("", "xliff a.xlf", "workflow: xliff a.xlf"),
    (None, "xliff a.xlf", "a note\nworkflow: xliff a.xlf"),
])
def test_a_comment_replaces_the_translators_lines_and_a_provenance_is_recorded(
        tmp_path: Path, comment: str | None, provenance: str, expected: str) -> None:
    edit = EntryEdit("博览会。", reviewed=True, comment=comment, provenance=provenance)
    entry = edited(tmp_path, MACHINE, edit)
    assert entry.tcomment == expected


def test_edits_in_one_pass_change_only_the_live_entries_named(tmp_path: Path) -> None:
    """An XLIFF import applies its edits in one pass (store.edit_read): each live entry named gets its
    edit, the others and every obsolete entry keep their bytes, and the keys edited are returned."""
    kept = '# a note\nmsgctxt "kept"\nmsgid "A."\nmsgstr "Un."\n'
    retired = '#~ msgctxt "gone"\n#~ msgid "Gone."\n#~ msgstr "Parti."\n'
    path = tmp_path / "a.po"
    path.write_text(HEADER + "\n".join([kept, MACHINE, 'msgctxt "blank"\nmsgid "B."\nmsgstr ""\n', retired]),
                    encoding="utf-8")
    read = read_catalog(path)
    edits = {key: EntryEdit("Nouveau.", reviewed=True) for key in ("blank", "fde84bf37d65", "gone")}
    assert edit_read(read, edits) == ["fde84bf37d65", "blank"]
    data = catalog_bytes(read)
    assert data is not None
    text = data.decode("utf-8")
    assert kept in text and retired in text
    entries = {e.msgctxt: e for e in polib.pofile(text)}
    assert [(e.msgstr, e.flags) for e in entries.values()] == [
        ("Un.", []), ("Nouveau.", ["python-format"]), ("Nouveau.", []), ("Parti.", [])]


PLURAL = ('#, fuzzy\nmsgctxt "558a0343870f"\nmsgid "One day."\nmsgid_plural "%d days."\n'
          'msgstr[0] "Un jour."\nmsgstr[1] "%d jours."\n')


def test_a_plural_entry_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """A hand-made plural entry has a form for each number; an edit gives one target, which polib would
    never write (msgstr of a plural entry): the review app and XLIFF import marked the old forms
    reviewed and said the edit was saved. Refused now, naming the file and line, nothing written."""
    path = tmp_path / "a.po"
    path.write_text(HEADER + PLURAL, encoding="utf-8")
    before = path.read_bytes()
    (unit,) = load_located_units(path, "fr", "a.txt")
    with pytest.raises(PluralEntry) as refused:
        edit_entry(path, "fr", "a.txt", "558a0343870f", unit.revision, EntryEdit("Des jours.", reviewed=True))
    assert (refused.value.path, refused.value.line) == (path, 5)
    assert "PO editor" in (refused.value.hint or "")
    assert path.read_bytes() == before
    read = read_catalog(path)
    with pytest.raises(PluralEntry):
        edit_read(read, {"558a0343870f": EntryEdit("Des jours.", reviewed=True)})


def test_approving_a_translators_edit_of_a_draft_names_no_engine(tmp_path: Path) -> None:
    """A draft a translator edited (its seal no longer matches) is their words: approved as it is in the
    review app, the engine's line went on to the reviewed unit; it is dropped now."""
    digest = hashlib.sha256("展会。".encode()).hexdigest()[:8]
    sealed = f"# workflow: mt argos 1.9 · draft {digest}\n"
    edited_draft = MACHINE.replace("# workflow: mt argos 1.9\n", sealed)
    edited_draft = edited_draft.replace('msgstr "展会。"', 'msgstr "博览会。"')
    entry = edited(tmp_path, edited_draft, EntryEdit("博览会。", reviewed=True))
    assert (entry.msgstr, entry.flags, entry.tcomment) == ("博览会。", ["python-format"], "a note")
