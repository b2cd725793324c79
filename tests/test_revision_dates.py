"""A catalog's header says when its translations last changed, as PO editors say it on save.

PO-Revision-Date moves (gettext's "YYYY-MM-DD HH:MM+ZZZZ", SOURCE_DATE_EPOCH when set)
whenever our own tools change a translation: an edit in the review app, an XLIFF
import, pretranslate's fills; Last-Translator names the person when they gave their
name (`--translator`, WORKFLOW_TRANSLATOR). Nothing else in the header changes, and a
file whose translations did not change is not written: its date stays. Extract, which
does msgmerge's job, never touches either field.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from publishing import workspace
from reviewing import BULLETIN, Put, put
from reviewing import workspace as xliff_workspace
from starlette.testclient import TestClient
from test_xliff import exported, set_target

from workflow.cli import cli
from workflow.errors import CatalogError
from workflow.model import State
from workflow.serve import ServeOptions, create_app
from workflow.settings import Settings
from workflow.store import check_translator, revised

EPOCH, DATE = "1800000000", "2027-01-15 08:00+0000"  # SOURCE_DATE_EPOCH, and the date it gives
LATER, LATER_DATE = "1800086400", "2027-01-16 08:00+0000"
DATA = Path(__file__).resolve().parent / "data" / "po"
TOOLS = sorted(path.stem for path in (DATA / "zh").glob("*.po"))
TOKEN = "test-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
PAGE = "<!DOCTYPE html><html><body><p>Exports grew.</p><p>Imports fell.</p></body></html>\n"
ANA = 'Ana "Nana" Silva <ana@example.org>'


def header(path: Path) -> dict[str, str]:
    return dict(polib.pofile(str(path)).metadata)


def changed_lines(before: str, after: str) -> list[str]:
    """The lines of `after` that replace or add to lines of `before` ('+'), and those gone ('-')."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def assert_only_revised(before: dict[str, str], after: dict[str, str], translator: str | None = None) -> None:
    """Only PO-Revision-Date moved to DATE (and Last-Translator, if given); every field kept, in its order."""
    assert after["PO-Revision-Date"] == DATE != before["PO-Revision-Date"]
    expected = {**before, "PO-Revision-Date": DATE,
                **({"Last-Translator": translator} if translator is not None else {})}
    assert after == expected and list(after) == list(before)


# -- store.revised, on the headers PO tools write -----------------------------------------------------


@pytest.mark.parametrize("tool", TOOLS)
def test_only_the_revision_fields_change_in_every_tools_header(tool: str, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = (DATA / "zh" / f"{tool}.po").read_bytes()
    new = revised(data, ANA)
    before, after = polib.pofile(data.decode()), polib.pofile(new.decode())
    assert_only_revised(before.metadata, after.metadata, ANA)
    assert before.header == after.header and before.metadata_is_fuzzy == after.metadata_is_fuzzy
    assert [str(e) for e in before] == [str(e) for e in after]
    text = data.decode()
    rest = text.index("\n\n")  # the entries keep their bytes
    assert new.decode()[new.decode().index("\n\n"):] == text[rest:]
    # the two fields' lines (wrapped in msgcat-40) became one line each; no other line changed
    assert [line for line in changed_lines(text, new.decode()) if line[0] == "+"] == [
        f'+"PO-Revision-Date: {DATE}\\n"', '+"Last-Translator: Ana \\"Nana\\" Silva <ana@example.org>\\n"']


def test_without_a_name_last_translator_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = (DATA / "zh" / "poedit.po").read_bytes()
    new = revised(data)
    assert_only_revised(polib.pofile(data.decode()).metadata, polib.pofile(new.decode()).metadata)
    assert changed_lines(data.decode(), new.decode()) == [
        '-"PO-Revision-Date: 2024-03-02 17:45+0800\\n"', f'+"PO-Revision-Date: {DATE}\\n"']


def test_a_date_wrapped_over_two_lines_moves_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file wrapped narrow (msgcat --width=40) splits PO-Revision-Date over two lines: the new date's
    characters take the old one's places, as extract moves POT-Creation-Date, and the layout stays."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = (DATA / "zh" / "msgcat-40.po").read_bytes()
    new = revised(data)
    assert_only_revised(polib.pofile(data.decode()).metadata, polib.pofile(new.decode()).metadata)
    assert [len(line) for line in new.split(b"\n")] == [len(line) for line in data.split(b"\n")]
    assert changed_lines(data.decode(), new.decode()) == [
        '-"PO-Revision-Date: 2024-03-02 "', '-"17:45+0800\\n"', f'+"PO-Revision-Date: {DATE[:11]}"',
        f'+"{DATE[11:]}\\n"']


def test_a_missing_field_is_added_last_and_crlf_line_ends_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = (b'# notes\r\n#, fuzzy\r\nmsgid ""\r\nmsgstr ""\r\n"Language: fr\\n"\r\n'
            b'"Content-Type: text/plain; charset=UTF-8\\n"\r\n\r\nmsgid "A."\r\nmsgstr "Un."\r\n')
    new = revised(data, "Ana <ana@example.org>")
    assert new == data.replace(b'charset=UTF-8\\n"\r\n', b'charset=UTF-8\\n"\r\n"PO-Revision-Date: '
                               + DATE.encode() + b'\\n"\r\n"Last-Translator: Ana <ana@example.org>\\n"\r\n')


@pytest.mark.parametrize("strings", [
    pytest.param(b'msgstr "Language: fr\\nPO-Revision-Date: 2020-01-01 10:00+0100\\nX-A: 1"\n"2\\n"',
                 id="on-the-msgstr-line"),
    pytest.param(b'msgstr ""\n"Language: fr\\nX-A: 12\\n"\n"PO-Revision-Date: 2020-01-01 10:00+0100\\n"',
                 id="two-on-one-line"),
])
def test_a_header_with_fields_sharing_lines_is_written_one_field_a_line(
        strings: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = b'msgid ""\n' + strings + b'\n\nmsgid "A."\nmsgstr "Un."\n'
    new = revised(data)
    fields = [b'"Language: fr\\n"', b'"X-A: 12\\n"', b'"PO-Revision-Date: ' + DATE.encode() + b'\\n"']
    in_order = sorted(fields, key=lambda field: data.index(field[1:field.index(b":")]))  # the header's order
    assert new.split(b"\n")[2:5] == in_order
    assert new.startswith(b'msgid ""\nmsgstr ""\n') and new.endswith(b'\n\nmsgid "A."\nmsgstr "Un."\n')
    already = data.replace(b"2020-01-01 10:00+0100", DATE.encode())  # dated already: the layout is kept too
    assert revised(already) == already


def test_no_header_or_the_same_date_leaves_the_bytes_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    headless = b'msgctxt "k"\nmsgid "A."\nmsgstr "Un."\n'
    assert revised(headless, "Ana") == headless
    dated = revised((DATA / "zh" / "weblate.po").read_bytes(), "Ana")
    assert revised(dated, "Ana") == dated


def test_a_header_found_past_the_first_lines_read_is_still_revised(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header is looked for in the file's first 1,000 lines (a save in a large catalog stays quick),
    and in the whole file when it is not over by then: a long comment block above it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = (DATA / "zh" / "poedit.po").read_bytes()
    for prefix in (b"# a line of notes\n" * 998, b"# a line of notes\n" * 1500):
        new = revised(prefix + data)
        assert new.startswith(prefix) and new[len(prefix):] == revised(data) != data
    entries = b"".join(b'\nmsgctxt "k%d"\nmsgid "Unit %d."\nmsgstr "%d."\n' % (n, n, n) for n in range(600))
    assert revised(data + entries) == revised(data) + entries  # a long file: all of it kept


@pytest.mark.parametrize("name", ["Ana\nLanguage: xx", "Ana\r", "Ana\x00", "Ana\u2028", "Ana\x85"])
def test_a_name_that_is_not_one_line_is_refused(name: str) -> None:
    with pytest.raises(CatalogError, match="line break or control character"):
        check_translator(name)
    with pytest.raises(CatalogError):
        revised((DATA / "zh" / "poedit.po").read_bytes(), name)


@pytest.mark.parametrize("name", ["Ana\udc85nel", "\udcc3\udca9"])
def test_a_name_that_is_not_utf8_text_is_refused(name: str) -> None:
    """Bytes of another encoding in an argument or the environment reach Python as lone surrogates:
    refused with a clear message, like a line break, not an internal error when the file is written."""
    with pytest.raises(CatalogError, match="not UTF-8 text"):
        check_translator(name)
    with pytest.raises(CatalogError, match="not UTF-8 text"):
        revised((DATA / "zh" / "poedit.po").read_bytes(), name)
    assert check_translator(" Zoë Qiú <z@example.org> ") == "Zoë Qiú <z@example.org>"


@pytest.mark.parametrize("epoch", ["-5", "+5", "1_700_000_000", "1.5", "１７００"])
def test_source_date_epoch_is_written_as_date_prints_it(monkeypatch: pytest.MonkeyPatch, epoch: str) -> None:
    """SOURCE_DATE_EPOCH is an ASCII whole number (reproducible-builds.org): a sign, underscores,
    fractions or other digits are refused, not read as a date in 1969 or as int() reads them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(CatalogError, match="SOURCE_DATE_EPOCH must be a whole number"):
        revised((DATA / "zh" / "poedit.po").read_bytes())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert f"PO-Revision-Date: {DATE}".encode() in revised((DATA / "zh" / "poedit.po").read_bytes())


# -- the review app -----------------------------------------------------------------------------------


@pytest.fixture
def review(tmp_path: Path) -> Settings:
    return workspace(tmp_path / "ws", {"news.html": PAGE}, languages="zh")


def save(settings: Settings, target: str, translator: str = "", state: str = "reviewed") -> dict[str, object]:
    client = TestClient(create_app(settings, ServeOptions(TOKEN, translator=translator)),
                        base_url="http://127.0.0.1:8765")
    found = client.get("/api/zh/units", params={"article": "news.html"}, headers=BEARER).json()
    unit = next(u for u in found if u["source"] == "Imports fell.")
    response = client.post(f"/api/zh/units/news.html/{unit['key']}", headers=BEARER,
                           json={"target": target, "state": state, "revision": unit["revision"]})
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def test_a_save_in_the_review_app_moves_the_date_and_names_the_reviewer(
        review: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = review.catalog("news.html", "zh")
    before, text = header(path), path.read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    save(review, "进口下降了。", translator=ANA)
    assert_only_revised(before, header(path), ANA)
    assert [line for line in changed_lines(text, path.read_text(encoding="utf-8")) if line[0] == "+"] == [
        f'+"PO-Revision-Date: {DATE}\\n"', '+"Last-Translator: Ana \\"Nana\\" Silva <ana@example.org>\\n"',
        '+msgstr "进口下降了。"']


def test_a_save_without_a_name_moves_the_date_only(review: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = review.catalog("news.html", "zh")
    before = header(path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    save(review, "进口下降了。")
    assert_only_revised(before, header(path))


def test_a_save_that_changes_nothing_writes_nothing(review: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = review.catalog("news.html", "zh")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    save(review, "进口下降了。", state="needs-work")
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    save(review, "进口下降了。", translator=ANA, state="needs-work")  # the same target, the same state
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    save(review, "进口下降了。", state="reviewed")  # approved now: a change
    assert header(path)["PO-Revision-Date"] == LATER_DATE


def test_the_line_a_save_returns_counts_the_field_the_header_gained(review: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = review.catalog("news.html", "zh")
    text = path.read_text(encoding="utf-8")
    dropped = ('"PO-Revision-Date', '"Last-Translator')
    path.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith(dropped)),
                    encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    answer = save(review, "进口下降了。", translator="Ana")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[int(str(answer["line"])) - 1:][:4][-1] == 'msgid "Imports fell."'  # #:, msgctxt, msgid
    assert list(header(path))[-2:] == ["PO-Revision-Date", "Last-Translator"]


def test_the_review_app_refuses_a_name_that_is_not_one_line(review: Settings) -> None:
    with pytest.raises(CatalogError):
        create_app(review, ServeOptions(TOKEN, translator="Ana\nLanguage: xx"))


# -- XLIFF import -------------------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    settings = xliff_workspace(tmp_path / "ws", {"fair.txt": BULLETIN}, languages="zh")
    put(settings, "zh", "fair.txt", {"The fair opened": Put("展会于1月10日开幕。", State.MACHINE)})
    return settings


def invoke(settings: Settings, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--root", str(settings.root), *args], env=env)


def test_an_import_moves_the_date_and_names_the_translator_given(ws: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = ws.catalog("fair.txt", "zh")
    path = exported(ws, "fair.txt")
    set_target(path, "The fair opened", "展会于1月10日开幕了。")
    before, text = header(catalog), catalog.read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = invoke(ws, "xliff", "import", "--translator", ANA, str(path))
    assert result.exit_code == 0, result.output
    assert_only_revised(before, header(catalog), ANA)
    added = [line for line in changed_lines(text, catalog.read_text(encoding="utf-8")) if line[0] == "+"]
    assert added[:2] == [
        f'+"PO-Revision-Date: {DATE}\\n"', '+"Last-Translator: Ana \\"Nana\\" Silva <ana@example.org>\\n"']
    # the same file again changes nothing: nothing written, the date kept
    data, mtime = catalog.read_bytes(), catalog.stat().st_mtime_ns
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    again = invoke(ws, "xliff", "import", "--translator", "Someone Else", str(path))
    assert again.exit_code == 0 and "0 catalog(s) written" in again.output, again.output
    assert catalog.read_bytes() == data and catalog.stat().st_mtime_ns == mtime


def test_an_import_takes_the_name_from_the_environment_or_leaves_the_field(
        ws: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = ws.catalog("fair.txt", "zh")
    path = exported(ws, "fair.txt")
    set_target(path, "The fair opened", "展会于1月10日开幕了。")
    before = header(catalog)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert invoke(ws, "xliff", "import", str(path)).exit_code == 0
    assert_only_revised(before, header(catalog))  # no name given: Last-Translator as it was
    set_target(path, "The Ministry", "商务部主办了展会。")  # a new unit, in the same file
    result = invoke(ws, "xliff", "import", str(path), env={"WORKFLOW_TRANSLATOR": "Ana <ana@example.org>"})
    assert result.exit_code == 0, result.output
    assert header(catalog)["Last-Translator"] == "Ana <ana@example.org>"


def test_an_import_refuses_a_name_that_is_not_one_line_and_writes_nothing(ws: Settings) -> None:
    catalog = ws.catalog("fair.txt", "zh")
    path = exported(ws, "fair.txt")
    set_target(path, "The fair opened", "展会于1月10日开幕了。")
    data = catalog.read_bytes()
    result = invoke(ws, "xliff", "import", "--translator", "Ana\nLanguage: xx", str(path))
    assert result.exit_code != 0 and "line break or control character" in result.output, result.output
    assert catalog.read_bytes() == data


# -- pretranslate and extract -------------------------------------------------------------------------


def test_pretranslate_moves_the_date_of_what_it_fills_and_names_nobody(
        review: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = review.catalog("news.html", "zh")
    before = header(path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert invoke(review, "pretranslate", "--engine", "pseudo").exit_code == 0
    assert_only_revised(before, header(path))  # Last-Translator: no person translated
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    assert invoke(review, "pretranslate", "--engine", "pseudo").exit_code == 0  # nothing left to fill
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime


def test_extract_never_moves_the_revision_date(review: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = review.catalog("news.html", "zh")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    save(review, "进口下降了。", translator="Ana")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    (review.source / "news.html").write_text(PAGE.replace("Imports fell.", "Imports fell a lot."),
                                             encoding="utf-8")
    assert invoke(review, "extract").exit_code == 0
    after = header(path)
    assert after["POT-Creation-Date"] == LATER_DATE  # the catalog changed ...
    assert (after["PO-Revision-Date"], after["Last-Translator"]) == (DATE, "Ana")  # ... no translation did
