"""store.py: valid, stable catalogs, and updates that keep every translation (like msgmerge --previous)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from extracting import ALL_LANGUAGES, gnu_gettext, make_workspace, msgfmt_check, write_catalog, write_source
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from workflow import store
from workflow.errors import CatalogError
from workflow.extract import extract
from workflow.languages import GETTEXT_PLURALS
from workflow.model import Segment, State
from workflow.segment import unit_key
from workflow.store import (
    TargetUpdate,
    apply_targets,
    load_catalog,
    load_units,
)

EPOCH = "1700000000"
SOURCE = (
    "Trade Fair Opens\n\n"
    "The white paper contains about 26,000 words and consists of eight parts in addition to the preface "
    "and conclusion.\n\n"
    "The fair is a comprehensive, state-level fair for trade in services with a global reach.\n\n"
    "Prices rose 2.6 percent in 2020.\n\n"
    "The summit was a success.\n\n"
    "This paragraph will be removed.\n"
)


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def live(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}


def obsolete(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(path)) if e.obsolete}


# -- headers and validity -----------------------------------------------------------------


def test_headers_are_complete(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE})
    extract(settings)
    for lang in (None, *ALL_LANGUAGES):
        header = load_catalog(settings.catalog("a.txt", lang)).metadata
        language = lang or "en"
        assert header == {
            "Project-Id-Version": "workflow a.txt",
            "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": "2023-11-14 22:13+0000",
            "PO-Revision-Date": "2023-11-14 22:13+0000",
            "Last-Translator": "",
            "Language-Team": "" if lang is None else header["Language-Team"],
            "Language": language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": GETTEXT_PLURALS[language],
            "X-Generator": header["X-Generator"],
        }
        assert header["X-Generator"].startswith("workflow ")
    teams = [
        load_catalog(settings.catalog("a.txt", lang)).metadata["Language-Team"] for lang in ALL_LANGUAGES
    ]
    assert teams == ["Chinese", "French", "Spanish", "Arabic", "Russian"]


def test_every_catalog_passes_msgfmt_check_and_msgcat_changes_nothing(tmp_path: Path) -> None:
    """Fresh, translated, fuzzy, previous and obsolete entries: all valid for GNU gettext."""
    settings = make_workspace(
        tmp_path, {"a.txt": SOURCE, "b.html": "<p>Read the <a href='/x'>paper</a>.</p>"}
    )
    extract(settings)
    translate_all(settings.catalog("a.txt", "fr"), lambda msgid: f"« {msgid} »", fuzzy=False)
    write_source(
        tmp_path, "a.txt", SOURCE.replace("26,000", "27,000").replace("This paragraph will be removed.\n", "")
    )
    extract(settings)
    catalogs = sorted((tmp_path / "locales").rglob("*.po*"))
    assert len(catalogs) == 12
    assert b"#~ msgid" in settings.catalog("a.txt", "fr").read_bytes()
    assert b"#| msgid" in settings.catalog("a.txt", "fr").read_bytes()
    for catalog in catalogs:
        assert msgfmt_check(catalog) == "", catalog
        load_catalog(catalog)  # polib reads it back
        rewritten = subprocess.run([gnu_gettext("msgcat"), "--no-wrap", str(catalog)], capture_output=True,
                                   check=True)
        assert rewritten.stdout == catalog.read_bytes(), f"msgcat --no-wrap reformats {catalog}"


def test_the_same_input_gives_byte_identical_files(tmp_path: Path) -> None:
    sources = {"a.txt": SOURCE, "nested/b.html": "<title>T</title><p>One. Two.</p>"}
    first = make_workspace(tmp_path / "one", sources)
    second = make_workspace(tmp_path / "two", sources)
    extract(first)
    extract(second)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / "locales").rglob("*.po*"))
    assert len(files) == 12
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_source_date_epoch_sets_the_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    assert (
        load_catalog(settings.catalog("a.txt", None)).metadata["POT-Creation-Date"] == "1970-01-02 00:00+0000"
    )


def test_catalogs_as_extract_wrote_them_are_compared_as_bytes_and_left_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-extracting over a template or catalog still as extract wrote it does not parse it; bytes stay."""
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    template, catalog = settings.catalog("a.txt", None), settings.catalog("a.txt", "fr")
    before = {path: path.read_bytes() for path in (template, catalog)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # a rewrite would show a new date
    parsed: list[Path] = []
    reading = store.read_catalog
    monkeypatch.setattr(store, "read_catalog", lambda path, **kw: parsed.append(path) or reading(path, **kw))
    report = extract(settings, force=True)
    assert {path: path.read_bytes() for path in before} == before
    assert report.written == 0 and report.units == 6
    assert parsed == []
    translate_all(catalog, lambda text: text.upper(), fuzzy=False)  # the translator's work: read, and kept
    translated = catalog.read_bytes()
    assert extract(settings, force=True).written == 0
    assert parsed == [catalog] and catalog.read_bytes() == translated


@pytest.mark.parametrize("variant", ["crlf", "sorted", "edited"])
def test_a_template_in_another_layout_is_read_as_before(tmp_path: Path, variant: str) -> None:
    """A template not as workflow writes it for these units: read, rewritten only if its units differ."""
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    template = settings.catalog("a.txt", None)
    text = template.read_bytes()
    head, *entries = text.split(b"\n\n")
    saved = {"crlf": text.replace(b"\n", b"\r\n"), "sorted": b"\n\n".join([head, *reversed(entries)]),
             "edited": text.replace(b"msgid \"The summit", b"msgid \"A summit")}[variant]
    assert saved != text
    template.write_bytes(saved)
    extract(settings, force=True)
    if variant == "edited":  # a unit the source does not have: written anew, as extract writes it
        assert template.read_bytes() == text
    else:
        assert template.read_bytes() == saved


# -- updates ------------------------------------------------------------------------------


def translate_all(path: Path, translate: object, fuzzy: bool) -> None:
    catalog = polib.pofile(str(path), wrapwidth=0)  # a translator whose editor keeps workflow's style
    for entry in catalog:
        if not entry.obsolete:
            entry.msgstr = translate(entry.msgid)  # type: ignore[operator]
            if fuzzy:
                entry.flags.append("fuzzy")
    catalog.save()


EDITS = [
    pytest.param("26,000 words", "27,000 words", "number", id="changed-number"),
    pytest.param("The summit was a success.", "The summit was not a success.", "not", id="added-not"),
    pytest.param("with a global reach", "with a truly global reach", "word", id="small-edit-long-sentence"),
]


@pytest.mark.parametrize(("old", "new", "label"), EDITS)
def test_an_edited_unit_keeps_its_translation_as_a_fuzzy_suggestion(
    tmp_path: Path, old: str, new: str, label: str
) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    translate_all(po, lambda msgid: "FR " + msgid, fuzzy=False)
    before = live(po)
    write_source(tmp_path, "a.txt", SOURCE.replace(old, new))
    report = extract(settings)
    after = live(po)
    [edited] = [e for msgid, e in after.items() if msgid not in before]
    [previous] = [e for msgid, e in before.items() if msgid not in after]
    assert edited.msgstr == previous.msgstr  # the old translation, offered
    assert "fuzzy" in edited.flags  # never accepted silently
    assert edited.previous_msgid == previous.msgid  # `#| msgid`: what the translator translated
    assert edited.previous_msgctxt == previous.msgctxt
    assert edited.msgctxt == unit_key(edited.msgid)
    assert all(e.msgstr == "FR " + e.msgid and not e.flags for m, e in after.items() if m in before)
    assert report.fuzzy == 1
    assert [c.path for c in report.changes] == [po]
    assert obsolete(po) == {}  # the old entry lives on as the suggestion, not also as obsolete


def test_an_unchanged_unit_keeps_its_translation_state_and_comments(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    catalog = polib.pofile(str(po))
    entries = [e for e in catalog if not e.obsolete]
    entries[0].msgstr, entries[0].tcomment = "Ouverture", "checked with the desk"
    entries[1].msgstr, entries[1].flags = "Brouillon", ["fuzzy"]
    entries[2].msgstr, entries[2].flags = "Avec drapeau", ["no-wrap"]
    catalog.header = "Translators' notes: keep the titles short."
    catalog.metadata["Last-Translator"] = "Jeanne <jeanne@example.org>"
    catalog.save()
    write_source(tmp_path, "a.txt", "A new first paragraph.\n\n" + SOURCE)
    extract(settings)
    after = live(po)
    assert after["Trade Fair Opens"].msgstr == "Ouverture"
    assert after["Trade Fair Opens"].tcomment == "checked with the desk"
    assert after["Trade Fair Opens"].flags == []
    assert after[entries[1].msgid].flags == ["fuzzy"]
    assert after[entries[2].msgid].flags == ["no-wrap"]
    reread = polib.pofile(str(po))
    assert reread.header == "Translators' notes: keep the titles short."
    assert reread.metadata["Last-Translator"] == "Jeanne <jeanne@example.org>"
    states = {u.segment.text: u.state for u in load_units(po, "fr", "a.txt")}
    assert states["Trade Fair Opens"] is State.REVIEWED
    assert states[entries[1].msgid] is State.NEEDS_WORK  # a translator's own fuzzy, kept
    assert states["A new first paragraph."] is State.NEW


def test_a_removed_unit_becomes_obsolete_and_comes_back(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    translate_all(po, lambda msgid: "FR " + msgid, fuzzy=False)
    removed = "This paragraph will be removed."
    write_source(tmp_path, "a.txt", SOURCE.replace(removed + "\n", ""))
    report = extract(settings)
    assert list(obsolete(po)) == [removed]
    assert obsolete(po)[removed].msgstr == "FR " + removed
    assert removed not in live(po)
    assert report.obsolete == 1
    assert "#~ msgid" in po.read_text(encoding="utf-8")
    assert extract(settings, force=True).obsolete == 0  # already obsolete: not counted again
    write_source(tmp_path, "a.txt", SOURCE)
    extract(settings)
    assert live(po)[removed].msgstr == "FR " + removed  # the same text again: its translation back
    assert obsolete(po) == {}


MSGMERGE_OBSOLETE = """
# a note on the first
#~| msgid "Old one."
#~ msgid "One."
#~ msgstr "Un."

#, fuzzy
#~ msgid "Two."
#~ msgstr "Deux."

#~ msgid "Three."
#~ msgstr "Trois."

#~ msgid "%d file"
#~ msgid_plural "%d files"
#~ msgstr[0] "%d fichier"
#~ msgstr[1] "%d fichiers"
"""


@pytest.mark.parametrize("edit", [False, True], ids=["no-source-change", "source-change"])
def test_obsolete_entries_without_msgctxt_all_survive(tmp_path: Path, edit: bool) -> None:
    """msgmerge and older tools write obsolete entries with no msgctxt: each one stays, whole."""
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    po.write_text(po.read_text(encoding="utf-8") + MSGMERGE_OBSOLETE, encoding="utf-8")
    assert msgfmt_check(po) == ""
    if edit:
        write_source(tmp_path, "a.txt", SOURCE.replace("The summit was a success.", "The summit ended."))
    extract(settings)
    text = po.read_text(encoding="utf-8")
    for block in MSGMERGE_OBSOLETE.strip().split("\n\n"):
        assert block in text
    assert {e.msgid: e.msgstr or e.msgstr_plural for e in polib.pofile(str(po)) if e.obsolete} == {
        "One.": "Un.", "Two.": "Deux.", "Three.": "Trois.", "%d file": {0: "%d fichier", 1: "%d fichiers"}}


def test_header_fields_survive_every_rewrite(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    catalog = polib.pofile(str(po), wrapwidth=0)
    hand = {"PO-Revision-Date": "2024-03-02 17:45+0100", "Last-Translator": "Anne <anne@example.org>",
            "Language-Team": "French <fr@example.org>", "Language": "fr_CA",
            "Plural-Forms": "nplurals=2; plural=(n > 1);", "X-Poedit-Bookmarks": "-1,-1",
            "X-Crowdin-Project": "fair", "X-Custom": "kept"}
    catalog.metadata.update(hand)
    for entry in catalog:
        entry.msgstr = "FR " + entry.msgid
    catalog.save()
    order = list(load_catalog(po).metadata)
    write_source(tmp_path, "a.txt", SOURCE.replace("26,000", "27,000") + "\nNobody translated this yet.\n")
    extract(settings)  # a rewrite by extract
    assert apply_targets(po, {unit_key("Nobody translated this yet."): TargetUpdate("FR", "test")}) == 1
    metadata = load_catalog(po).metadata  # and after one by pretranslate
    assert {name: metadata[name] for name in hand} == hand
    assert list(metadata) == order


def test_an_untranslated_removed_unit_leaves_no_trace(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    write_source(tmp_path, "a.txt", SOURCE.replace("This paragraph will be removed.\n", ""))
    extract(settings)
    assert obsolete(settings.catalog("a.txt", "fr")) == {}


def test_an_unrelated_new_sentence_gets_no_suggestion(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    translate_all(po, lambda msgid: "FR " + msgid, fuzzy=False)
    write_source(
        tmp_path, "a.txt", SOURCE.replace("The summit was a success.", "Beijing hosted 148 nations.")
    )
    extract(settings)
    entry = live(po)["Beijing hosted 148 nations."]
    assert (entry.msgstr, entry.flags, entry.previous_msgid) == ("", [], None)


def test_updates_agree_with_gnu_msgmerge_previous(tmp_path: Path) -> None:
    """The same edits merged by `msgmerge --previous` and by extract give the same entries."""
    gnu_gettext("msgmerge")
    settings = make_workspace(tmp_path, {"a.txt": SOURCE}, languages="fr")
    extract(settings)
    po = settings.catalog("a.txt", "fr")
    translate_all(po, lambda msgid: "FR " + msgid, fuzzy=False)
    old = tmp_path / "old.po"
    shutil.copy(po, old)
    edited = SOURCE
    for param in EDITS:
        edited = edited.replace(param.values[0], param.values[1])  # type: ignore[index]
    edited = edited.replace("This paragraph will be removed.\n", "A brand new closing paragraph.\n")
    write_source(tmp_path, "a.txt", edited)
    extract(settings)
    merged = tmp_path / "msgmerge.po"
    subprocess.run(
        [
            "msgmerge",
            "--previous",
            "--quiet",
            "-o",
            str(merged),
            str(old),
            str(settings.catalog("a.txt", None)),
        ],
        check=True,
    )

    def summary(path: Path) -> tuple[list[tuple[str, str, bool, str | None]], list[str]]:
        catalog = polib.pofile(str(path))
        entries = [
            (e.msgid, e.msgstr, "fuzzy" in e.flags, e.previous_msgid) for e in catalog if not e.obsolete
        ]
        return entries, sorted(e.msgid for e in catalog if e.obsolete and e.msgstr)

    assert summary(po) == summary(merged)


# -- Segment -> PO file -> Segment ----------------------------------------------------------

# Any text a reader can produce: no NUL (readers refuse it), not empty, and, like every
# unit, without surrounding ASCII whitespace; \x1e, U+2028 and other line separators of
# str.splitlines included, which is why catalogs are always read from a file.
unit_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=80
).filter(lambda t: t.strip(" \t\n\r\f\v") == t and t != "")


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(unit_text, min_size=1, max_size=4, unique=True), line=st.integers(1, 10_000))
def test_segments_round_trip_through_a_po_file(tmp_path: Path, texts: list[str], line: int) -> None:
    segments = [
        Segment(
            key=unit_key(text),
            article="dir/a.html",
            text=text,
            line=line + n,
            note=f"paragraph: <p>\n<1/> = x{n}",
        )
        for n, text in enumerate(texts)
    ]
    path = tmp_path / "fr" / "a.po"
    if path.exists():
        path.unlink()
    write_catalog(path, segments, "fr", "dir/a.html")
    assert msgfmt_check(path) == "" or any(ord(c) < 32 or c == "\x7f" for t in texts for c in t)
    units = load_units(path, "fr", "dir/a.html")
    assert [u.segment for u in units] == segments
    assert all(u.state is State.NEW and u.target == "" for u in units)


def test_catalog_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nmsgstr "c"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert raised.value.path == path
    assert raised.value.line == 6
    assert raised.value.hint
    with pytest.raises(CatalogError, match="catalog not found"):
        load_catalog(tmp_path / "missing.po")
