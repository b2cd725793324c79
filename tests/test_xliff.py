"""`workflow xliff export/import`: XLIFF 1.2 for CAT tools, checked like a PO edit.

Every exported file is validated against the OASIS schema shipped in the package and
read back with Translate Toolkit's XLIFF storage; imports are judged by the PO files on
disk afterwards.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree
from reviewing import BULLETIN, PAGE, Put, put, snapshot, workspace
from translate.storage import xliff as toolkit

from workflow.cli import cli
from workflow.files import workspace_lock
from workflow.model import State
from workflow.settings import Settings
from workflow.store import load_located_units
from workflow.xliff import NS, fill_inline, read_inline, xliff_schema

X = "{%s}" % NS
SCHEMAS = Path(__file__).resolve().parents[1] / "workflow" / "schema" / "xliff"
HOSTILE = "<script>alert('x')</script> & \"quoted\" \x1e\x0b end\r"


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    settings = workspace(tmp_path / "ws", {"fair.txt": BULLETIN, "page.html": PAGE}, languages="zh ar")
    put(settings, "zh", "fair.txt", {
        "Trade Fair": Put("北京贸易展会开幕", State.REVIEWED, comment="checked with the desk"),
        "The fair opened": Put("展会于1月10日开幕。", State.MACHINE, provenance="mt argos en-zh"),
        "It drew": Put("吸引了2.1万名观众。", State.CHANGED, previous="It drew 21,000 visitors."),
        "Details": Put("详情见网站。", State.NEEDS_WORK),
    })
    put(settings, "zh", "page.html", {"The <1>": Put("<1>2020年展会</1>举办了<2>190场论坛</2>。")})
    return settings


def invoke(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(settings.root), *args])


def exported(settings: Settings, article: str, lang: str = "zh") -> Path:
    result = invoke(settings, "xliff", "export", lang)
    assert result.exit_code == 0, result.output
    return settings.root / "xliff" / lang / f"{article}.xlf"


def units_of(path: Path) -> dict[str, etree._Element]:
    """trans-unit elements by their source text."""
    tree = etree.parse(str(path))
    return {read_inline(u.find(X + "source"), path): u for u in tree.iter(X + "trans-unit")}


def po_units(settings: Settings, article: str, lang: str = "zh") -> dict[str, tuple[str, State, str]]:
    """source -> (target, state, provenance) as the catalog on disk has them."""
    return {item.unit.segment.text: (item.unit.target, item.unit.state, item.unit.provenance)
            for item in load_located_units(settings.catalog(article, lang), lang, article)}


def set_target(path: Path, source_start: str, target: str | None, state: str | None = "translated") -> int:
    """Give the trans-unit whose source starts with `source_start` a target (written as export writes one)."""
    tree = etree.parse(str(path))
    for unit in tree.iter(X + "trans-unit"):
        if read_inline(unit.find(X + "source"), path).startswith(source_start):
            element = unit.find(X + "target")
            if element is None:
                element = etree.Element(X + "target")
                unit.find(X + "source").addnext(element)
            element.text = None
            for child in list(element):
                element.remove(child)
            if target is not None:
                fill_inline(element, target)
            if state is None:
                element.attrib.pop("state", None)
            else:
                element.set("state", state)
            tree.write(str(path), xml_declaration=True, encoding="UTF-8")
            return int(unit.sourceline)
    raise AssertionError(f"no unit starts with {source_start!r}")


# -- export ----------------------------------------------------------------------------------------


def test_export_is_valid_xliff_that_translate_toolkit_reads(ws: Settings) -> None:
    result = invoke(ws, "xliff", "export", "zh")
    assert result.exit_code == 0, result.output
    assert "7 unit(s) in 2 XLIFF file(s)" in result.output
    files = sorted((ws.root / "xliff" / "zh").rglob("*.xlf"))
    assert [p.name for p in files] == ["fair.txt.xlf", "page.html.xlf"]
    schema = xliff_schema()
    for path in files:
        assert schema.validate(etree.parse(str(path))), schema.error_log
    store = toolkit.xlifffile.parsefile(str(files[0]))
    by_source = {u.source: u for u in store.units}
    keys = {item.unit.segment.text: item.unit.segment.key
            for item in load_located_units(ws.catalog("fair.txt", "zh"), "zh", "fair.txt")}
    assert set(by_source) == set(keys)
    for source, unit in by_source.items():
        assert unit.getid() == f"source/fair.txt\x04{keys[source]}"
    title = by_source["Trade Fair Opens in Beijing"]
    assert title.target == "北京贸易展会开幕" and title.isapproved() and not title.isfuzzy()
    assert title.getnotes("translator") == "checked with the desk"
    machine = by_source["The fair opened on January 10."]
    assert machine.target == "展会于1月10日开幕。" and machine.isfuzzy() and not machine.isapproved()
    assert "provenance: mt argos en-zh" in machine.getnotes("workflow")
    assert machine.getnotes("developer").startswith("paragraph")
    assert machine.getlocations() == ["source/fair.txt:5"]
    assert not by_source["The Ministry of Commerce hosted the fair."].target  # new: no target at all
    page = toolkit.xlifffile.parsefile(str(files[1]))
    assert [u.source for u in page.units] == ["Fair news", "The 2020 fair had 190 forums."]


@pytest.mark.parametrize(("source", "state", "approved", "note"), [
    pytest.param("The Ministry", None, None, None, id="new"),
    pytest.param("The fair opened", "needs-review-translation", None, "machine translation", id="machine"),
    pytest.param("Details", "needs-review-translation", None, "needs work", id="needs-work"),
    pytest.param("It drew", "needs-review-translation", None, "previous source: It drew 21,000 visitors.",
                 id="changed"),
    pytest.param("Trade Fair", "translated", "yes", None, id="reviewed"),
])
def test_states_map_to_target_states(ws: Settings, source: str, state: str | None, approved: str | None,
                                     note: str | None) -> None:
    path = exported(ws, "fair.txt")
    unit = next(u for s, u in units_of(path).items() if s.startswith(source))
    target = unit.find(X + "target")
    assert (target.get("state") if target is not None else None) == state
    assert unit.get("approved") == approved
    notes = [n.text or "" for n in unit.iter(X + "note") if n.get("from") == "workflow"]
    if note is not None:
        assert any(note in text for text in notes), notes
    else:
        assert not any("machine" in text or "needs work" in text or "previous" in text for text in notes)


def test_placeholders_become_g_and_x(ws: Settings) -> None:
    element = etree.Element(X + "source", nsmap={None: NS})  # type: ignore[dict-item]
    fill_inline(element, "Read <1>the <2>white</2> paper</1><3/> now")
    assert etree.tostring(element, encoding="unicode") == (
        f'<source xmlns="{NS}">Read <g id="1">the <g id="2">white</g> paper</g><x id="3"/> now</source>')
    path = exported(ws, "page.html")
    assert b'<source>The <g id="1">2020 fair</g> had <g id="2">190 forums</g>.</source>' in path.read_bytes()
    assert b'<target state="translated"><g id="1">2020\xe5' in path.read_bytes()


def test_marks_that_pair_with_nothing_stay_text() -> None:
    element = etree.Element(X + "source")
    fill_inline(element, "a <1>b</2> c </3> <4>")
    assert len(element) == 0 and element.text == "a <1>b</2> c </3> <4>"


@given(st.text(alphabet=st.sampled_from(list("ab <>/12&\"'\x01\x1e\r\n\t\ufffe\U0001f600")), max_size=40)
       | st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))  # (what a PO holds)
@example("<1>x</1><2/>&lt;\r\n\x1f")
@example("<1><2></1></2>")
def test_inline_text_round_trips_through_xml(text: str) -> None:
    element = etree.Element(X + "target")
    fill_inline(element, text)
    data = etree.tostring(element, encoding="UTF-8")
    assert read_inline(etree.fromstring(data), Path("t.xlf")) == text


def test_a_nul_in_a_catalog_is_not_exported(ws: Settings) -> None:
    catalog = put(ws, "zh", "fair.txt", {"The Ministry": Put("商务部\x00主办了展会。")})  # a raw NUL byte
    line = next(e.linenum for e in polib.pofile(str(catalog)) if e.msgid.startswith("The Ministry"))
    result = invoke(ws, "xliff", "export", "zh")
    assert result.exit_code == 1, result.output
    assert f"error: {catalog}:{line}: the unit " in result.output and "holds a NUL character" in result.output
    assert not (ws.root / "xliff" / "zh" / "fair.txt.xlf").exists()
    assert (ws.root / "xliff" / "zh" / "page.html.xlf").exists()  # the other articles still go out


def test_hostile_text_is_escaped(ws: Settings) -> None:
    put(ws, "zh", "fair.txt", {"The Ministry": Put(HOSTILE, State.REVIEWED, comment="</note><x/> & \x07")})
    path = exported(ws, "fair.txt")
    data = path.read_bytes()
    assert b"<script>" not in data and b"&lt;script&gt;alert('x')&lt;/script&gt; &amp;" in data
    assert b"&#13;" in data and b'ctype="x-char-001E"' in data and b"U+0007" in data
    assert xliff_schema().validate(etree.parse(str(path)))
    unit = units_of(path)["The Ministry of Commerce hosted the fair."]
    assert read_inline(unit.find(X + "target"), path) == HOSTILE


def test_export_rewrites_only_what_changed_and_obeys_output(ws: Settings, tmp_path: Path) -> None:
    path = exported(ws, "fair.txt")
    before = path.stat().st_mtime_ns
    again = invoke(ws, "xliff", "export", "zh")
    assert again.exit_code == 0 and "0 written" in again.output
    assert path.stat().st_mtime_ns == before
    elsewhere = invoke(ws, "xliff", "export", "zh", "-o", str(tmp_path / "out"))
    assert elsewhere.exit_code == 0, elsewhere.output
    assert (tmp_path / "out" / "fair.txt.xlf").read_bytes() == path.read_bytes()
    inside = invoke(ws, "xliff", "export", "zh", "-o", str(ws.source / "xliff"))
    assert inside.exit_code == 2 and "is inside source/, the folder of the articles" in inside.output
    assert not (ws.source / "xliff").exists()
    unknown = invoke(ws, "xliff", "export", "de")
    assert unknown.exit_code == 2 and "not a configured language: de" in unknown.output


def test_shipped_schema_is_the_oasis_original() -> None:
    # xliff-core-1.2-strict.xsd as OASIS published it, with its CRLF line ends (the copies in
    # atalargo/xliff-ruby, Collaborne/xliff-core-1.2 and Symfony have this text, but for line ends and a
    # blank line); xml.xsd: the W3C's 2009/01 edition, as Symfony ships it beside the XLIFF schema
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SCHEMAS.glob("*.xsd")}
    assert digests == {
        "xliff-core-1.2-strict.xsd": "9f37af564ecd27d5f69154d7cfe7ba8deb1f620c81b94cf0eab1f4205c74d5f8",
        "xml.xsd": "ba3d3aa46ba4c787826474ec96893a4801ad811f460798c212a51a46cefd9f6b",
    }
    text = (SCHEMAS / "xliff-core-1.2-strict.xsd").read_text(encoding="utf-8")
    assert 'schemaLocation="http://www.w3.org/2001/xml.xsd"' in text  # resolved to the local copy, offline


def test_schema_refuses_what_it_should(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    tree = etree.parse(str(path))
    next(tree.iter(X + "target")).set("state", "done")
    assert not xliff_schema().validate(tree)


# -- import ----------------------------------------------------------------------------------------


def test_round_trip_changes_only_the_edited_entries(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    catalog = ws.catalog("fair.txt", "zh")
    before = catalog.read_text(encoding="utf-8")
    set_target(path, "The Ministry", "商务部主办了<展会> & 论坛。")  # new -> reviewed
    set_target(path, "The fair opened", "展会于1月10日开幕了。", state="needs-review-translation")  # machine
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert ("2 target(s) applied, 1 reviewed, 3 unchanged, 0 conflict(s); 1 catalog(s) written"
            in result.output)
    units = po_units(ws, "fair.txt")
    assert units["The Ministry of Commerce hosted the fair."] == (
        "商务部主办了<展会> & 论坛。", State.REVIEWED, "xliff fair.txt.xlf")
    assert units["The fair opened on January 10."] == (
        "展会于1月10日开幕了。", State.NEEDS_WORK, "xliff fair.txt.xlf")
    assert units["Trade Fair Opens in Beijing"][:2] == ("北京贸易展会开幕", State.REVIEWED)
    after = catalog.read_text(encoding="utf-8")
    old_blocks, new_blocks = before.split("\n\n"), after.split("\n\n")
    assert len(old_blocks) == len(new_blocks)
    assert sum(a != b for a, b in zip(old_blocks[1:], new_blocks[1:])) == 2  # only those two entries were
    # rewritten, and in the header at most its PO-Revision-Date (see test_revision_dates)
    assert [a for a, b in zip(old_blocks[0].split("\n"), new_blocks[0].split("\n"), strict=True)
            if a != b and not a.startswith('"PO-Revision-Date: ')] == []
    mtime = catalog.stat().st_mtime_ns
    again = invoke(ws, "xliff", "import", str(path))
    assert again.exit_code == 0 and "0 catalog(s) written" in again.output
    assert catalog.stat().st_mtime_ns == mtime


def test_confirming_the_same_words_approves_them(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    set_target(path, "The fair opened", "展会于1月10日开幕。", state="signed-off")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    # approved as the machine wrote them: the provenance says whose words they are
    assert po_units(ws, "fair.txt")["The fair opened on January 10."] == (
        "展会于1月10日开幕。", State.REVIEWED, "mt argos en-zh")


@pytest.mark.parametrize(("state", "approved", "reviewed"), [
    pytest.param("translated", None, True, id="translated"),
    pytest.param("final", None, True, id="final"),
    pytest.param("needs-review-translation", "yes", False, id="state-wins-over-approved"),
    pytest.param(None, "yes", True, id="approved-without-state"),
    pytest.param(None, None, False, id="no-state"),
])
def test_confirmed_targets_are_reviewed(ws: Settings, state: str | None, approved: str | None,
                                        reviewed: bool) -> None:
    path = exported(ws, "fair.txt")
    set_target(path, "The Ministry", "商务部主办了展会。", state=state)
    tree = etree.parse(str(path))
    unit = next(u for u in tree.iter(X + "trans-unit")
                if u.findtext(X + "source", "").startswith("The Ministry"))
    if approved:
        unit.set("approved", approved)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    assert invoke(ws, "xliff", "import", str(path)).exit_code == 0
    _, got, _ = po_units(ws, "fair.txt")["The Ministry of Commerce hosted the fair."]
    assert got is (State.REVIEWED if reviewed else State.NEEDS_WORK)


def test_an_unconfirmed_change_to_reviewed_work_is_a_conflict(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    catalog = ws.catalog("fair.txt", "zh")
    line = set_target(path, "Trade Fair", "北京展会开幕", state="needs-review-translation")
    set_target(path, "The Ministry", "商务部主办了展会。")
    before = catalog.read_bytes()
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1
    assert re.search(rf"conflict: {re.escape(str(path))}:{line}: {re.escape(str(catalog))}:\d+ has a "
                     "reviewed translation", result.output), result.output
    units = po_units(ws, "fair.txt")
    assert units["Trade Fair Opens in Beijing"][:2] == ("北京贸易展会开幕", State.REVIEWED)  # kept
    assert units["The Ministry of Commerce hosted the fair."][0] == "商务部主办了展会。"  # the rest applied
    assert catalog.read_bytes() != before


def test_a_newer_reviewed_unit_replaces_reviewed_work_and_says_so(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    line = set_target(path, "Trade Fair", "北京展会开幕", state="translated")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert f"notice: {path}:{line}: " in result.output
    assert "was replaced by this newer reviewed one" in result.output
    assert po_units(ws, "fair.txt")["Trade Fair Opens in Beijing"][:2] == ("北京展会开幕", State.REVIEWED)
    comment = next(e for e in polib.pofile(str(ws.catalog("fair.txt", "zh"))) if e.msgid.startswith("Trade"))
    assert comment.tcomment.splitlines()[0] == "checked with the desk"  # translator comments stay


@pytest.mark.parametrize("source", ["Trade Fair", "Details"])
def test_work_changed_after_the_export_is_a_conflict(ws: Settings, source: str) -> None:
    path = exported(ws, "fair.txt")
    put(ws, "zh", "fair.txt", {source: Put("另一位审校的译文", State.REVIEWED)})  # someone else, meanwhile
    catalog = ws.catalog("fair.txt", "zh")
    before = catalog.read_bytes()
    set_target(path, source, "CAT 工具里的译文", state="translated")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1 and "was changed after this XLIFF file was exported" in result.output
    assert catalog.read_bytes() == before


def test_a_needs_work_mark_made_after_the_export_survives_the_untouched_file(ws: Settings) -> None:
    """The unit left as exported in the CAT tool: nothing in the file is newer than the mark. It was a
    conflict (exit 1) for every unit a reviewer changed after the export, and its hint pushed the user
    to confirm the old words over the reviewer's change."""
    path = exported(ws, "fair.txt")  # "Trade Fair" goes out reviewed, as translated and approved
    catalog = put(ws, "zh", "fair.txt", {
        "Trade Fair": Put("北京贸易展会开幕", State.NEEDS_WORK, comment="Wrong tense, redo. -- Ana")})
    before = catalog.read_bytes()
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "0 target(s) applied, 0 reviewed, 5 unchanged, 0 conflict(s); 0 catalog(s) written" in (
        result.output), result.output
    assert catalog.read_bytes() == before  # the mark and Ana's comment stay
    # the same unit confirmed in the CAT tool (state changed): that is the translator's word, newer
    line = set_target(path, "Trade Fair Opens", "北京贸易展会开幕", state="signed-off")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1, result.output
    assert re.search(rf"conflict: {re.escape(str(path))}:{line}: {re.escape(str(catalog))}:\d+ "
                     r"\(needs-work\) was changed after this XLIFF file was exported, and this target, the "
                     "same words confirmed, would approve", result.output), result.output
    assert catalog.read_bytes() == before


# Three versions meet at import: the unit as exported (its digest in extradata), as the catalog holds it
# now, and the XLIFF target. (exported, now, target) -> what the catalog holds afterwards: "conflict"
# (exit 1) and "unchanged" (exit 0) leave its bytes as they were.
_A, _B, _C = "详情见网站。", "详情请见网站。", "详情另见网站。"
_NEW, _MT, _NW, _CH, _RV = State.NEW, State.MACHINE, State.NEEDS_WORK, State.CHANGED, State.REVIEWED
_DONE, _REDO = "translated", "needs-review-translation"


@pytest.mark.parametrize(("base", "now", "target", "expected"), [
    # the same words as the catalog's
    # (the file as exported, untouched in the CAT tool: nothing in it is newer; it was a conflict, exit 1)
    pytest.param((_RV, _A), (_NW, _A), (_A, _DONE), "unchanged", id="reviewed-marked-needs-work-after"),
    pytest.param((_RV, _A), (_CH, _A), (_A, _DONE), "unchanged", id="reviewed-changed-after"),
    pytest.param((_MT, _A), (_RV, _B), (_A, _REDO), "unchanged", id="untouched-machine-reviewed-after"),
    pytest.param((_MT, _A), (_NEW, ""), (_A, _REDO), "unchanged", id="untouched-machine-deleted-after"),
    pytest.param((_MT, _A), (_NW, _A), (_A, _DONE), "conflict", id="machine-marked-needs-work-after"),
    pytest.param((_NEW, ""), (_NW, _A), (_A, _DONE), "conflict", id="new-typed-in-po-needs-work"),
    pytest.param((_NW, _B), (_NW, _A), (_A, _DONE), "conflict", id="needs-work-edited-after"),
    pytest.param((_RV, _A), (_NW, _A), (_A, _REDO), "unchanged", id="unconfirmed-keeps-needs-work"),
    pytest.param((_NW, _A), (_NW, _A), (_A, _DONE), (_RV, _A), id="needs-work-confirmed"),
    pytest.param((_CH, _A), (_CH, _A), (_A, _DONE), (_RV, _A), id="changed-confirmed"),
    pytest.param((_MT, _A), (_MT, _A), (_A, _DONE), (_RV, _A), id="machine-confirmed"),
    pytest.param((_NEW, ""), (_MT, _A), (_A, _DONE), (_RV, _A), id="machine-filled-after-confirmed"),
    pytest.param((_NW, _A), (_RV, _A), (_A, _REDO), "unchanged", id="reviewed-after-untouched"),
    pytest.param((_NW, _A), (_RV, _A), (_A, _DONE), "unchanged", id="reviewed-after-confirmed"),
    pytest.param((_RV, _A), (_RV, _A), (_A, _REDO), "unchanged", id="reviewed-never-unapproved"),
    # other words
    pytest.param((_RV, _A), (_NW, _A), (_B, _DONE), "conflict", id="other-reviewed-marked-after"),
    pytest.param((_NW, _A), (_NW, _C), (_B, _DONE), "conflict", id="other-needs-work-edited-after"),
    pytest.param((_NW, _A), (_RV, _A), (_B, _DONE), "conflict", id="other-reviewed-after"),
    pytest.param((_RV, _A), (_RV, _A), (_B, _REDO), "conflict", id="other-unconfirmed-over-reviewed"),
    pytest.param((_RV, _A), (_RV, _A), (_B, _DONE), (_RV, _B), id="other-newer-reviewed"),
    pytest.param((_NW, _A), (_NW, _A), (_B, _DONE), (_RV, _B), id="other-needs-work-confirmed"),
    pytest.param((_NW, _A), (_NW, _A), (_B, _REDO), (_NW, _B), id="other-needs-work-unconfirmed"),
    pytest.param((_CH, _A), (_CH, _A), (_B, _REDO), (_CH, _B), id="other-changed-unconfirmed"),
    pytest.param((_NW, _A), (_MT, _C), (_B, _DONE), (_RV, _B), id="other-over-machine-always"),
    pytest.param((_NEW, ""), (_NEW, ""), (_B, _REDO), (_NW, _B), id="other-into-new"),
])
def test_import_merges_export_catalog_and_target(ws: Settings, base: tuple[State, str],
                                                 now: tuple[State, str], target: tuple[str, str],
                                                 expected: object) -> None:
    def unit(state: State, text: str) -> dict[str, Put]:
        return {"Details": Put(text, state, previous="Details are at the site." if state is _CH else "")}

    put(ws, "zh", "fair.txt", unit(*base))
    path = exported(ws, "fair.txt")
    put(ws, "zh", "fair.txt", unit(*now))  # meanwhile, in the PO file
    set_target(path, "Details", *target)
    catalog = ws.catalog("fair.txt", "zh")
    before = catalog.read_bytes()
    result = invoke(ws, "xliff", "import", str(path))
    if expected in ("conflict", "unchanged"):
        assert result.exit_code == (1 if expected == "conflict" else 0), result.output
        assert ("conflict: " in result.output) == (expected == "conflict"), result.output
        assert catalog.read_bytes() == before
    else:
        assert result.exit_code == 0, result.output
        got = po_units(ws, "fair.txt")["Details are at https://example.org/fair and from press@example.org."]
        assert got[:2] == expected[::-1]
    after = catalog.read_bytes()
    again = invoke(ws, "xliff", "import", str(path))  # the same file again changes nothing
    assert catalog.read_bytes() == after, again.output


def test_machine_output_changed_after_the_export_is_replaced(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    put(ws, "zh", "fair.txt", {"The fair opened": Put("新的机器译文", State.MACHINE)})
    set_target(path, "The fair opened", "译员的译文", state="translated")
    assert invoke(ws, "xliff", "import", str(path)).exit_code == 0
    assert po_units(ws, "fair.txt")["The fair opened on January 10."][:2] == ("译员的译文", State.REVIEWED)


@pytest.mark.parametrize(("source", "target", "state"), [
    pytest.param("Trade Fair", None, "translated", id="empty"),
    pytest.param("The fair opened", "The fair opened on January 10.", "needs-translation", id="needs-tr"),
    pytest.param("The Ministry", "The Ministry of Commerce hosted the fair.", "new", id="new"),
])
def test_a_target_that_is_no_translation_changes_nothing(ws: Settings, source: str, target: str | None,
                                                         state: str) -> None:
    path = exported(ws, "fair.txt")
    set_target(path, source, target, state=state)
    before = ws.catalog("fair.txt", "zh").read_bytes()
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert ws.catalog("fair.txt", "zh").read_bytes() == before


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def _add_entity(path: Path) -> None:
    """A DOCTYPE that declares an entity, and the entity used in a target."""
    declaration = "<?xml version='1.0' encoding='UTF-8'?>"
    _edit(path, declaration, declaration + '\n<!DOCTYPE x [<!ENTITY e "boom">]>')
    _edit(path, "举办了", "举办了&e;")


@pytest.mark.parametrize(("change", "needle", "message"), [
    pytest.param(lambda p: _edit(p, 'id="3ea6c3636812"', 'id="000000000000"'), 'id="000000000000"',
                 "trans-unit id '000000000000' is not a unit of page.html in zh", id="unknown-id"),
    pytest.param(lambda p: _edit(p, "had <g id=\"2\">190 forums", "had <g id=\"2\">191 forums"),
                 "191 forums", "the source of trans-unit '3ea6c3636812' is not the text of that unit",
                 id="edited-source"),
    pytest.param(lambda p: _edit(p, '举办了<g id="2">190场论坛</g>', "举办了190场论坛"), "举办了190场论坛",
                 "does not keep the source's inline codes: missing </2>; missing <2>", id="missing-g"),
    pytest.param(lambda p: _edit(p, "举办了", '举办了<x id="7"/>'), '<x id="7"/>',
                 "does not keep the source's inline codes: extra <7/>", id="extra-x"),
    pytest.param(lambda p: _edit(p, "举办了", '举办了<x id="²"/>'), '<x id="²"/>',
                 "<x id='²'> is not an inline code workflow wrote", id="not-ascii-digit"),  # int() refuses it
    pytest.param(lambda p: _edit(p, '<g id="2">190场论坛</g>', '<g id="٢">190场论坛</g>'), '<g id="٢">',
                 "<g id='٢'> is not an inline code workflow wrote", id="arabic-indic-digit"),
    pytest.param(lambda p: _edit(p, '<g id="1">2020年展会</g>', '<g id="1">2020年展会<g id="2">'),
                 '2020年展会<g id="2">', "malformed XLIFF", id="not-well-formed"),
    pytest.param(lambda p: _edit(p, '举办了', '举办了<bpt id="9">&lt;b&gt;</bpt>'), '<bpt id="9">',
                 "<bpt id='9'> is not an inline code workflow wrote", id="bpt"),
    pytest.param(lambda p: _edit(p, 'original="source/page.html"', 'original="source/../../etc/passwd"'),
                 "etc/passwd", "is not an article with a zh catalog", id="unknown-original"),
    pytest.param(lambda p: _edit(p, 'target-language="zh"', 'target-language="de"'), 'target-language="de"',
                 "target-language 'de' is not a configured language", id="unknown-language"),
    pytest.param(_add_entity, "&e;", "an entity reference (&e;) would be read as nothing", id="entity"),
])
def test_a_file_with_an_error_changes_nothing(ws: Settings, change: object, needle: str,
                                              message: str) -> None:
    path = exported(ws, "page.html")
    set_target(path, "Fair news", "展会新闻")  # a good unit: not applied either
    assert callable(change)
    change(path)
    before = snapshot(ws.locales)
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1
    assert f"error: {path}:{_line_of(path, needle)}: " in result.output, result.output
    assert message in result.output, result.output
    assert "hint: " in result.output and "nothing written" in result.output
    assert snapshot(ws.locales) == before


def test_a_file_with_an_error_replaces_no_reviewed_work(ws: Settings) -> None:
    put(ws, "zh", "page.html", {"Fair news": Put("展会新闻", State.REVIEWED)})
    path = exported(ws, "page.html")
    set_target(path, "Fair news", "新闻", state="translated")  # would replace reviewed work, alone
    _edit(path, 'id="3ea6c3636812"', 'id="000000000000"')
    before = snapshot(ws.locales)
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1 and "notice:" not in result.output and "nothing written" in result.output
    assert snapshot(ws.locales) == before


def test_each_file_stands_alone(ws: Settings) -> None:
    fair, page = exported(ws, "fair.txt"), exported(ws, "page.html")
    set_target(fair, "The Ministry", "商务部主办了展会。")
    set_target(page, "Fair news", "展会新闻")
    _edit(page, 'id="3ea6c3636812"', 'id="000000000000"')
    result = invoke(ws, "xliff", "import", str(page), str(fair))
    assert result.exit_code == 1
    assert po_units(ws, "fair.txt")["The Ministry of Commerce hosted the fair."][0] == "商务部主办了展会。"
    assert po_units(ws, "page.html")["Fair news"][0] == ""
    assert "error: " in result.output and "1 target(s) applied" in result.output


def test_not_xliff_is_refused(ws: Settings, tmp_path: Path) -> None:
    other = tmp_path / "other.xlf"
    other.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"/>', encoding="utf-8")
    result = invoke(ws, "xliff", "import", str(other))
    assert result.exit_code == 1 and f"error: {other}:1: not an XLIFF 1.2 document" in result.output


def test_a_second_trans_unit_for_one_key_is_refused(ws: Settings) -> None:
    path = exported(ws, "page.html")
    tree = etree.parse(str(path))
    body = next(tree.iter(X + "body"))
    body.append(etree.fromstring(etree.tostring(body[0])))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1 and "a second trans-unit" in result.output


def _both(ws: Settings) -> Path:
    """One XLIFF file with two <file> elements, fair.txt's then page.html's (as a CAT tool may merge them)."""
    fair, page = exported(ws, "fair.txt"), exported(ws, "page.html")
    tree = etree.parse(str(fair))
    tree.getroot().append(next(etree.parse(str(page)).iter(X + "file")))
    both = fair.with_name("both.xlf")
    tree.write(str(both), xml_declaration=True, encoding="UTF-8")
    return both


@pytest.mark.parametrize("code", ["0000", "D800", "DFFF", "110000", "FFFFFF", "0041", "00E9", "000A"])
def test_a_character_code_export_never_writes_is_refused(ws: Settings, code: str) -> None:
    path = _both(ws)
    set_target(path, "The Ministry", "商务部主办了展会。")  # a good unit in the first <file>: not applied
    _edit(path, "举办了", f'举办了<x id="char-9" ctype="x-char-{code}"/>')  # in the second
    before = snapshot(ws.locales)
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1, result.output
    assert (f"error: {path}:{_line_of(path, 'x-char-' + code)}: <x ctype='x-char-{code}'> is not a character "
            "code workflow wrote") in result.output, result.output
    assert "internal error" not in result.output and "nothing written" in result.output
    assert snapshot(ws.locales) == before


@pytest.mark.parametrize("code", ["0001", "001E", "000B", "FFFE", "FFFF"])
def test_the_characters_export_codes_come_back(ws: Settings, code: str) -> None:
    path = exported(ws, "fair.txt")
    set_target(path, "The Ministry", "商务部")
    _edit(path, "商务部", f'商务部<x id="char-1" ctype="x-char-{code}"/>')
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    got = po_units(ws, "fair.txt")["The Ministry of Commerce hosted the fair."][0]
    assert got == "商务部" + chr(int(code, 16))


def test_a_failure_in_a_later_file_element_changes_no_catalog(ws: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # whatever goes wrong with the second catalog, even a bug, is found before the first is written
    import workflow.xliff

    path = _both(ws)
    set_target(path, "The Ministry", "商务部主办了展会。")
    set_target(path, "Fair news", "展会新闻")
    composed: list[Path] = []
    real = workflow.xliff.catalog_bytes

    def failing(read: object) -> bytes | None:
        composed.append(read)  # type: ignore[arg-type]
        if len(composed) == 2:
            raise RuntimeError("a bug in the second catalog")
        return real(read)  # type: ignore[arg-type]

    monkeypatch.setattr(workflow.xliff, "catalog_bytes", failing)
    before = snapshot(ws.locales)
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code != 0 and len(composed) == 2, result.output
    assert snapshot(ws.locales) == before

def test_hostile_targets_arrive_as_written(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    set_target(path, "The Ministry", HOSTILE)
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert po_units(ws, "fair.txt")["The Ministry of Commerce hosted the fair."][0] == HOSTILE


def test_a_file_saved_by_translate_toolkit_is_imported(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    store = toolkit.xlifffile.parsefile(str(path))  # a CAT tool's edit, by another XLIFF library
    unit = next(u for u in store.units if u.source.startswith("The Ministry"))
    unit.target = "商务部主办了展会。"
    unit.markfuzzy(False)
    unit.markapproved(True)
    path.write_bytes(bytes(store))
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert po_units(ws, "fair.txt")["The Ministry of Commerce hosted the fair."][:2] == (
        "商务部主办了展会。", State.REVIEWED)


def test_import_waits_for_the_workspace_lock(ws: Settings) -> None:
    path = exported(ws, "fair.txt")
    set_target(path, "The Ministry", "商务部主办了展会。")
    before = snapshot(ws.locales)
    with workspace_lock(ws.root, 1):
        result = invoke(ws, "--lock-timeout", "0", "xliff", "import", str(path))
    assert result.exit_code == 1 and "another workflow command" in result.output
    assert snapshot(ws.locales) == before


def test_a_plural_entry_is_exported_locked_and_its_edit_is_a_conflict(ws: Settings) -> None:
    """A hand-made plural entry has a form for each number; one XLIFF target cannot give them. It was
    exported as an ordinary unit, and its edit cleared the entry's fuzzy flag while its forms stayed as
    they were ('1 target(s) applied, 1 reviewed'). It is exported with translate="no" and a note, and an
    edit of it is a conflict naming the catalog's line: the entry is left alone, the file's other edits
    are applied."""
    catalog = ws.catalog("fair.txt", "zh")
    po = polib.pofile(str(catalog), wrapwidth=0)
    (entry,) = [e for e in po if e.msgid.startswith("Details")]
    entry.msgid_plural, entry.msgstr, entry.msgstr_plural = entry.msgid + " (all)", "", {0: "详情见网站。"}
    po.save(str(catalog))
    path = exported(ws, "fair.txt")
    plural = next(u for source, u in units_of(path).items() if source.startswith("Details"))
    assert plural.get("translate") == "no"
    assert any("a plural entry" in (note.text or "") for note in plural.iter(X + "note"))
    set_target(path, "Details", "新的详情。")
    set_target(path, "The fair opened", "展会开幕了。")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 1, result.output
    assert f"{catalog}:" in result.output and "is a plural entry (msgid_plural)" in result.output
    after = {e.msgid: e for e in polib.pofile(str(catalog))}
    assert after[entry.msgid].msgstr_plural == {0: "详情见网站。"} and "fuzzy" in after[entry.msgid].flags
    opened = next(k for k in after if k.startswith("The fair opened"))
    assert po_units(ws, "fair.txt")[opened][0] == "展会开幕了。"  # the file's other edit applied


@pytest.mark.parametrize("blank", ["   ", "\n", "\u3000"])
def test_a_blank_target_never_empties_a_translation(ws: Settings, blank: str) -> None:
    """A target of spaces, confirmed in the CAT tool, was applied as a reviewed translation of spaces:
    the machine draft was gone and `check` called the unit empty. It is taken as no target."""
    path = exported(ws, "fair.txt")
    catalog = ws.catalog("fair.txt", "zh")
    before = catalog.read_bytes()
    set_target(path, "Trade Fair", blank, state="translated")
    result = invoke(ws, "xliff", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "0 target(s) applied" in result.output and catalog.read_bytes() == before
