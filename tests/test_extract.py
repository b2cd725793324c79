"""extract.py: batches, errors, stable keys, references, no-change runs, the cache, golden catalogs."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import polib
import pytest
from extracting import CASES, make_workspace, write_source

from workflow import extract as extract_module
from workflow.extract import CACHE_FILE, extract
from workflow.files import BatchWriter
from workflow.settings import Settings, load_settings

EPOCH = "1700000000"  # 2023-11-14 22:13 UTC
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def entries(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


# -- golden catalogs -------------------------------------------------------------------

GOLDEN = sorted(p.parent.name for p in CASES.glob("*/input.*"))


def normalise(text: str) -> str:
    """Header fields that change with the date or the version, made fixed."""
    text = re.sub(r'(?m)^"(POT-Creation-Date|PO-Revision-Date): [^"\\]*\\n"$', r'"\1: DATE\\n"', text)
    return re.sub(r'(?m)^"X-Generator: workflow [^"\\]*\\n"$', r'"X-Generator: workflow VERSION\\n"', text)


@pytest.mark.parametrize("case", GOLDEN)
def test_golden_template(tmp_path: Path, case: str) -> None:
    """Each tests/cases/<name>/input.* gives tests/cases/<name>/expected.pot (UPDATE_GOLDEN=1 rewrites it)."""
    source = next((CASES / case).glob("input.*"))
    settings = make_workspace(tmp_path / "ws", {source.name: source.read_bytes()}, languages="fr")
    report = extract(settings)
    assert report.failures == []
    produced = normalise(settings.catalog(source.name, None).read_text(encoding="utf-8"))
    expected_path = CASES / case / "expected.pot"
    if UPDATE_GOLDEN:
        expected_path.write_text(produced, encoding="utf-8")
    assert expected_path.is_file(), f"no {expected_path}: run UPDATE_GOLDEN=1 pytest tests/test_extract.py"
    assert produced == expected_path.read_text(encoding="utf-8")


def test_golden_cases_exist() -> None:
    assert {"hard-html", "bulletin-xml", "bulletin-text", "fragment-html"} <= set(GOLDEN)


# -- errors: every file processed, each failure located ----------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message", "line", "hint"),
    [
        pytest.param(
            "notes.docx",
            b"PK\x03\x04",
            "unknown source format '.docx'",
            None,
            "source files must end in .htm, .html, .txt, .xml",
            id="unknown-extension",
        ),
        pytest.param(
            "README",
            b"hello",
            "unknown source format '(no extension)'",
            None,
            "source files must end in .htm, .html, .txt, .xml",
            id="no-extension",
        ),
        pytest.param(
            "latin1.txt",
            "Title\n\nCaf\u00e9 opens.\n".encode("latin-1"),
            "byte 0xe9 is not valid utf-8",
            3,
            "re-save the file as UTF-8 (a plain-text bulletin cannot declare a charset; "
            "`iconv -f windows-1252 -t utf-8` converts a Windows file)",
            id="invalid-utf8",
        ),
        pytest.param(
            "latin1.html",
            "<p>Caf\u00e9 opens.</p>\n".encode("latin-1"),
            "byte 0xe9 is not valid utf-8",
            1,
            "re-save the file as UTF-8 (or declare its real charset)",  # a page can: <meta charset>
            id="invalid-utf8-page",
        ),
        pytest.param(
            "broken.xml",
            b'<?xml version="1.0"?>\n<bulletin xmlns="urn:x-workflow:bulletin:1">\n'
            b"<head><title>x</title></head>\n<body><p>a</b></body></bulletin>\n",
            "malformed XML: Opening and ending tag mismatch: p line 4 and b",
            4,
            "fix the markup; the file must be well-formed XML",
            id="malformed-xml",
        ),
        pytest.param(
            "invalid.xml",
            b'<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en">\n<head>'
            b"<title>x</title></head>\n<body><para>a</para></body></bulletin>\n",
            "not a valid bulletin: Element 'para': This element is not expected. Expected is one "
            "of ( h, p, list, figure ).",
            3,
            "see workflow/schema/bulletin.xsd for the format",
            id="schema-violation",
        ),
        pytest.param(
            "dtd.xml",
            b'<?xml version="1.0"?>\n<!DOCTYPE b [<!ENTITY e "x">]>\n<b>&e;</b>\n',
            "a DOCTYPE is not allowed in bulletin XML",
            2,
            "remove the <!DOCTYPE …> declaration and any entities",
            id="doctype",
        ),
        pytest.param(
            "nul.html",
            b"<p>a\x00b</p>",
            "the file contains a NUL character",
            1,
            "it may be a binary file, or UTF-16 without a byte-order mark: re-save it as UTF-8",
            id="nul-byte",
        ),
    ],
)
def test_a_bad_file_is_reported_and_the_others_are_extracted(
    tmp_path: Path, name: str, content: bytes, message: str, line: int | None, hint: str
) -> None:
    settings = make_workspace(
        tmp_path,
        {
            "a-good.txt": "Title\n\nA good article.\n",
            name: content,
            "z-good.html": "<p>Another good one.</p>",
        },
        languages="fr",
    )
    report = extract(settings)
    assert [(f.path, f.message, f.line, f.hint) for f in report.failures] == [
        (settings.source / name, message, line, hint)
    ]
    assert report.articles == 2
    assert settings.catalog("a-good.txt", "fr").is_file()
    assert settings.catalog("z-good.html", "fr").is_file()
    assert not settings.catalog(name, "fr").exists()


def test_sources_sharing_a_catalog_name_are_both_refused(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "T\n\nText.\n", "a.html": "<p>Text.</p>"}, languages="fr")
    report = extract(settings)
    assert sorted(f.message for f in report.failures) == [
        "a.html and another source share the catalog name a",
        "a.txt and another source share the catalog name a",
    ]
    assert report.articles == 0


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_SOURCE_BYTES", 1024)
    settings = make_workspace(tmp_path, {"big.html": "<p>" + "Words. " * 400 + "</p>"}, languages="fr")
    [failure] = extract(settings).failures
    assert failure.message == "too large to be an article (0.0 MiB; the limit is 0 MiB)"


def test_a_broken_catalog_fails_its_article_only(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "T\n\nOne.\n", "b.txt": "T\n\nTwo.\n"}, languages="fr")
    extract(settings)
    broken = settings.catalog("a.txt", "fr")
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "y" "z\n', encoding="utf-8")
    write_source(tmp_path, "b.txt", "T\n\nTwo, edited.\n")
    report = extract(settings, force=True)
    [failure] = report.failures
    assert failure.path == broken and failure.message.startswith("cannot read catalog:")
    assert [e.msgid for e in entries(settings.catalog("b.txt", "fr"))] == ["T", "Two, edited."]


def test_a_catalog_that_cannot_be_written_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "T\n\nOne.\n", "b.txt": "T\n\nTwo.\n"}, languages="fr")
    unwritable = settings.catalog("a.txt", "fr")
    real_replace = os.replace

    def replace(source: str, target: Path) -> None:  # the last step of every write, as on a full disk
        if target == unwritable:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    report = extract(settings)
    assert [(f.path, f.message) for f in report.failures] == [
        (unwritable, "cannot write this file: No space left on device")
    ]
    assert settings.catalog("b.txt", "fr").is_file() and settings.catalog("a.txt", None).is_file()
    assert not [p.name for p in settings.locales.rglob("*.tmp")]  # the failed write left no temporary
    monkeypatch.setattr(os, "replace", real_replace)
    assert extract(settings).failures == []  # the failed article is not cached as done
    assert unwritable.is_file()


# -- entries ----------------------------------------------------------------------------


def test_inserting_a_paragraph_changes_no_other_key(tmp_path: Path) -> None:
    before = "Title\n\nFirst paragraph. It has two sentences.\n\nLast paragraph.\n"
    after = "Title\n\nFirst paragraph. It has two sentences.\n\nA new paragraph.\n\nLast paragraph.\n"
    settings = make_workspace(tmp_path, {"a.txt": before}, languages="fr")
    extract(settings)
    old = {e.msgid: e.msgctxt for e in entries(settings.catalog("a.txt", None))}
    write_source(tmp_path, "a.txt", after)
    extract(settings)
    new = {e.msgid: e.msgctxt for e in entries(settings.catalog("a.txt", None))}
    assert {k: v for k, v in new.items() if k in old} == old
    assert set(new) - set(old) == {"A new paragraph."}


def test_references_and_context_comments(tmp_path: Path) -> None:
    html = (
        "<html><head><title>The title</title>\n"
        '<meta name="description" content="What it is about.">\n</head><body>\n'
        "<h2>A heading</h2>\n<p>A paragraph.</p>\n<ul>\n<li>An item</li>\n</ul>\n"
        '<figure><img src="a.png" alt="A photo"><figcaption>A caption</figcaption></figure>\n'
        "<table><tr><td>A cell</td></tr></table>\n</body></html>\n"
    )
    settings = make_workspace(tmp_path, {"news/page.html": html}, languages="fr")
    extract(settings)
    found = [(e.msgid, e.occurrences, e.comment) for e in entries(settings.catalog("news/page.html", None))]
    reference = "source/news/page.html"
    assert found == [
        ("The title", [(reference, "1")], "title: <title>"),
        ("What it is about.", [(reference, "2")], "meta: content of <meta>"),
        ("A heading", [(reference, "4")], "heading 1 of 1: <h2>"),
        ("A paragraph.", [(reference, "5")], "paragraph 1 of 1: <p>"),
        ("An item", [(reference, "7")], "list item 1 of 1: <li>"),
        ("A photo", [(reference, "9")], "attribute: alt of <img>"),
        ("A caption", [(reference, "9")], "caption 1 of 1: <figcaption>"),
        ("A cell", [(reference, "10")], "table cell 1 of 1: <td>"),
    ]
    assert settings.catalog("news/page.html", "fr") == tmp_path / "locales" / "fr" / "news" / "page.po"


PAGE_REGIONS = """<!DOCTYPE html><html><head><title>Page</title></head><body>
<header><p>Site slogan.</p>
<nav><ul><li>Home</li>
<li>World</li></ul></nav></header>
<div role="navigation"><a href="/">Skip to content</a></div>
<main><article><h1>The story</h1>
<p>First paragraph.</p>
<p>Second paragraph.</p></article>
<aside><p>Related story.</p></aside></main>
<div role="contentinfo"><p>Copyright notice.</p></div>
<footer><ul><li>Contact</li></ul></footer>
</body></html>
"""


@pytest.mark.parametrize("minified", [False, True], ids=["lines", "minified"])
def test_html_units_say_their_page_region_and_position(tmp_path: Path, minified: bool) -> None:
    page = PAGE_REGIONS.replace("\n", "") if minified else PAGE_REGIONS
    settings = make_workspace(tmp_path, {"page.html": page}, languages="fr")
    extract(settings)
    found = {e.msgid: e.comment for e in entries(settings.catalog("page.html", None))}
    if minified:  # one line: the column tells where each block starts
        assert all(e.occurrences == [("source/page.html", "1")]
                   for e in entries(settings.catalog("page.html", None)))
        column = {msgid: page.index(msgid) + 1 for msgid in found}
        first = column["First paragraph."]
        assert found["First paragraph."] == f"paragraph 3 of 6 in article at column {first} of line 1: <p>"
        assert found["Home"] == f"list item 1 of 3 in navigation at column {column['Home']} of line 1: <li>"
        return
    assert found == {
        "Page": "title: <title>",
        "Site slogan.": "paragraph 1 of 6 in header: <p>",
        "Home": "list item 1 of 3 in navigation: <li>",
        "World": "list item 2 of 3 in navigation: <li>",
        "Skip to content": "paragraph 2 of 6 in navigation: <div>",
        "The story": "heading 1 of 1 in article: <h1>",
        "First paragraph.": "paragraph 3 of 6 in article: <p>",
        "Second paragraph.": "paragraph 4 of 6 in article: <p>",
        "Related story.": "paragraph 5 of 6 in aside: <p>",
        "Copyright notice.": "paragraph 6 of 6 in footer: <p>",
        "Contact": "list item 3 of 3 in footer: <li>",
    }


def test_a_sentence_twice_in_an_article_is_one_unit(tmp_path: Path) -> None:
    settings = make_workspace(
        tmp_path,
        {"a.html": "<h1>Same words.</h1><p>Other words. Same words.</p><p>Same words.</p>"},
        languages="fr",
    )
    report = extract(settings)
    assert [e.msgid for e in entries(settings.catalog("a.html", "fr"))] == ["Same words.", "Other words."]
    assert report.units == 2


def test_a_repeated_sentence_lists_every_place_it_occurs(tmp_path: Path) -> None:
    settings = make_workspace(
        tmp_path, {"a.txt": "Title\n\n  Prices rose. Markets fell.\n\n  Prices rose. Then calm.\n"},
        languages="fr",
    )
    extract(settings)
    unit = next(e for e in entries(settings.catalog("a.txt", "fr")) if e.msgid == "Prices rose.")
    assert unit.occurrences == [("source/a.txt", "3"), ("source/a.txt", "5")]


# -- no-change runs and the cache ---------------------------------------------------------


def catalog_times(settings_root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (settings_root / "locales").rglob("*.po*")}


def age_catalogs(root: Path) -> None:
    """Back-date every catalog, so that a rewrite would show in its mtime whatever the clock's grain."""
    for path in (root / "locales").rglob("*.po*"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))


@pytest.mark.parametrize("cache", [pytest.param(True, id="with-cache"), pytest.param(False, id="no-cache")])
def test_an_extract_with_no_source_change_rewrites_no_file(tmp_path: Path, cache: bool) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "Title\n\nOne. Two.\n", "b.html": "<p>Three.</p>"})
    extract(settings)
    age_catalogs(tmp_path)
    before = catalog_times(tmp_path)
    if not cache:
        (tmp_path / CACHE_FILE).unlink()
    report = extract(settings)
    assert catalog_times(tmp_path) == before
    assert (report.articles, report.units, report.written, report.fuzzy, report.obsolete) == (2, 4, 0, 0, 0)
    assert report.changes == []


def test_without_source_date_epoch_an_unchanged_catalog_keeps_its_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    settings = make_workspace(tmp_path, {"a.txt": "Title\n\nOne.\n"}, languages="fr")
    extract(settings)
    for path in (settings.catalog("a.txt", None), settings.catalog("a.txt", "fr")):
        path.write_bytes(re.sub(rb"(Date: )20\d\d", rb"\g<1>1999", path.read_bytes()))
    stamped = {path: path.read_bytes() for path in tmp_path.joinpath("locales").rglob("*.po*")}
    extract(settings, force=True)
    assert {path: path.read_bytes() for path in stamped} == stamped
    assert b"POT-Creation-Date: 1999" in settings.catalog("a.txt", None).read_bytes()
    write_source(tmp_path, "a.txt", "Title\n\nOne.\n\nTwo.\n")
    extract(settings)
    assert b"POT-Creation-Date: 1999" not in settings.catalog("a.txt", None).read_bytes()


def test_the_cache_sees_source_edits_and_catalog_edits(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "Title\n\nOne.\n"}, languages="fr")
    extract(settings)
    write_source(tmp_path, "a.txt", "Title\n\nOne.\n\nTwo.\n")
    extract(settings)
    assert [e.msgid for e in entries(settings.catalog("a.txt", "fr"))] == ["Title", "One.", "Two."]
    po = settings.catalog("a.txt", "fr")
    po.unlink()
    extract(settings)
    assert po.is_file()  # a deleted catalog is recreated although the source did not change


def test_every_source_is_read_once_per_extract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """New, edited and unchanged articles alike: one read each (the hash check keeps the bytes it read)."""
    settings = make_workspace(tmp_path, {"a.txt": "A\n\nOne.\n", "b.html": "<p>Two.</p>", "c.txt": "C\n"},
                              languages="fr")
    reads: list[str] = []
    real = extract_module.read_source

    def counting(path: Path) -> bytes:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(extract_module, "read_source", counting)
    extract(settings)
    assert sorted(reads) == ["a.txt", "b.html", "c.txt"]
    reads.clear()
    write_source(tmp_path, "a.txt", "A\n\nOne. Three.\n")
    report = extract(settings)
    assert sorted(reads) == ["a.txt", "b.html", "c.txt"]
    assert [e.msgid for e in entries(settings.catalog("a.txt", "fr"))] == ["A", "One.", "Three."]
    assert report.written == 2
    reads.clear()
    extract(settings, force=True)
    assert sorted(reads) == ["a.txt", "b.html", "c.txt"]


def test_an_article_skipped_as_unchanged_keeps_its_cache_entry(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache entry of an article skipped is kept as it was (not worked out again: a stat of each
    catalog less), and the next run skips it again."""
    settings = make_workspace(tmp_path, {"a.txt": "A\n\nOne.\n", "b.txt": "B\n\nTwo.\n"}, languages="fr")
    extract(settings)
    entries_before = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))["articles"]
    parsed: list[str] = []
    real = extract_module.parse_article

    def counting(settings: object, path: Path, data: bytes, name: str | None = None) -> object:
        parsed.append(path.name)
        return real(settings, path, data, name)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_module, "parse_article", counting)
    write_source(tmp_path, "a.txt", "A\n\nOne. Three.\n")
    assert extract(settings).articles == 2 and parsed == ["a.txt"]
    entries_after = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))["articles"]
    assert entries_after["b.txt"] == entries_before["b.txt"]
    assert entries_after["a.txt"] != entries_before["a.txt"]
    parsed.clear()
    assert extract(settings).units == 5 and parsed == []


def test_an_unchanged_article_has_its_catalogs_checked_once(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An extract with nothing changed looks at each article's catalogs once (the cache compares
    their stats, then the source's digest): not twice, as it did."""
    settings = make_workspace(tmp_path, {"a.txt": "A\n\nOne.\n", "b.txt": "B\n\nTwo.\n"}, languages="fr")
    extract(settings)
    looked: list[str] = []
    real = extract_module._stats

    def counting(catalogs: list[Path]) -> str:
        looked.append(catalogs[0].name)
        return real(catalogs)

    monkeypatch.setattr(extract_module, "_stats", counting)
    report = extract(settings)
    assert (report.articles, report.written) == (2, 0)
    assert sorted(looked) == ["a.pot", "b.pot"]


def test_changed_settings_invalidate_the_cache(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "Title\n\nOne. Two.\n"}, languages="fr")
    extract(settings)
    config = tmp_path / "setup.cfg"
    config.write_text(config.read_text(encoding="utf-8").replace("sentence", "paragraph"), encoding="utf-8")
    extract(load_settings(tmp_path, environ={}))
    assert [e.msgid for e in entries(settings.catalog("a.txt", None))] == ["Title", "One. Two."]


def test_extracting_one_file_leaves_the_others_alone(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "A\n\nOne.\n", "b.txt": "B\n\nTwo.\n"}, languages="fr")
    report = extract(settings, [settings.source / "b.txt"])
    assert report.articles == 1
    assert not settings.catalog("a.txt", "fr").exists()
    assert settings.catalog("b.txt", "fr").is_file()


def test_hidden_files_are_not_sources(tmp_path: Path) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "A\n\nOne.\n", ".a.txt.swp": "x", ".git/x.txt": "y"})
    report = extract(settings)
    assert (report.articles, report.failures) == (1, [])


def test_parallel_reading_writes_the_same_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past PARALLEL_FROM articles, worker processes read them: the catalogs must not change."""
    sources = {
        f"a{n:02d}.html": f"<h1>Article {n}</h1><p>Mr. Li spoke on Jan. {n}. It rained.</p>"
        for n in range(extract_module.PARALLEL_FROM + 2)
    }
    sources["broken.xml"] = "<bulletin>"
    serial = make_workspace(tmp_path / "serial", sources, languages="fr")
    parallel = make_workspace(tmp_path / "parallel", sources, languages="fr")
    monkeypatch.setattr(extract_module, "_workers", lambda count, size=0: 1)
    serial_report = extract(serial)
    monkeypatch.setattr(extract_module, "_workers", lambda count, size=0: 2)
    parallel_report = extract(parallel)
    assert [(f.message, f.line) for f in parallel_report.failures] == [
        (f.message, f.line) for f in serial_report.failures
    ]
    assert parallel_report.units == serial_report.units
    for path in sorted((tmp_path / "serial" / "locales").rglob("*.po*")):
        twin = tmp_path / "parallel" / path.relative_to(tmp_path / "serial")
        assert twin.read_bytes() == path.read_bytes()


def worker_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, list[str]]:
    """A workspace of 20 articles read by two worker processes, three articles a task: a05's French
    catalog is damaged (its catalogs cannot be planned), a11 is broken XML. Also its sources' names."""
    names = [f"a{n:02d}.html" for n in range(20)]
    sources = {name: f"<h1>Article {name}</h1><p>Mr. Li spoke. It rained.</p>" for name in names}
    names[11] = "a11.xml"
    sources["a11.xml"] = "<bulletin>"
    del sources["a11.html"]
    settings = make_workspace(tmp_path, sources, languages="fr zh")
    damaged = settings.catalog("a05.html", "fr")
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_text('msgid "x"\nmsgstr "y"\nmsgid \n', encoding="utf-8")
    monkeypatch.setattr(extract_module, "_workers", lambda count, size=0: 2)
    monkeypatch.setattr(extract_module, "TASK_ARTICLES", 3)
    return settings, names


def test_worker_processes_report_articles_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress, and the catalogs written, follow the sources' order whichever worker finishes first."""
    settings, names = worker_workspace(tmp_path, monkeypatch)
    submitted: list[str] = []
    submit = extract_module.BatchWriter.submit

    def recording(writer: BatchWriter, label: str, path: Path, data: bytes) -> None:
        submitted.append(label)
        submit(writer, label, path, data)

    monkeypatch.setattr(extract_module.BatchWriter, "submit", recording)
    seen: list[str] = []
    extract(settings, progress=lambda path: seen.append(Path(path).name))
    assert seen == names
    written = [name for name in names if name not in ("a05.html", "a11.xml")]
    assert list(dict.fromkeys(submitted)) == written
    assert submitted == [name for name in written for _ in range(3)]  # template, fr, zh


def test_worker_processes_fail_an_article_whole_and_alone(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """An article whose catalogs cannot all be planned in a worker gets a failure naming the file and
    nothing written (not even its template); the others, before and after it in the same task, are."""
    settings, names = worker_workspace(tmp_path, monkeypatch)
    damaged = settings.catalog("a05.html", "fr")
    before = damaged.read_bytes()
    report = extract(settings)
    assert [(f.path, f.line) for f in report.failures] == [(damaged, 3), (settings.source / "a11.xml", 1)]
    assert damaged.read_bytes() == before
    assert not settings.catalog("a05.html", None).exists()
    assert not settings.catalog("a05.html", "zh").exists()
    for name in names:
        if name not in ("a05.html", "a11.xml"):
            assert all(settings.catalog(name, lang).is_file() for lang in (None, "fr", "zh")), name
    assert (report.articles, report.written) == (18, 18 * 3)
    damaged.unlink()  # repaired: the next run extracts the article, and only that one
    again = extract(settings)
    assert again.written == 3 and [f.path for f in again.failures] == [settings.source / "a11.xml"]


def test_tasks_keep_the_order_and_bound_their_size() -> None:
    """Articles go to workers in order, up to TASK_ARTICLES of them or TASK_BYTES of source a task; a
    larger article goes alone."""
    big = extract_module.TASK_BYTES
    jobs = [(Path(f"{n}.html"), f"{n}.html", None) for n in range(40)]
    sizes = [1] * 20 + [big // 2, big // 2, big // 2, big * 3] + [1] * 16
    tasks = list(extract_module._tasks(jobs, sizes))
    assert [job for task in tasks for job in task] == jobs
    assert [len(task) for task in tasks] == [16, 5, 2, 1, 16]
    assert all(sum(sizes[jobs.index(job)] for job in task) <= big or len(task) == 1 for task in tasks)


def test_sources_found_in_folders_are_the_files_rglob_finds_named_by_their_real_paths(tmp_path: Path) -> None:
    """The search lists each folder once (no stat per file): it finds what `rglob` and `is_file` find, less
    hidden files and links into folders already searched; the names it works out without resolving each
    path are the ones article_name gives, also through a folder named by a symbolic link."""
    settings = make_workspace(tmp_path / "ws", {"a.html": "<p>A.</p>", "sub/deeper/b.txt": "B\n",
                                                ".hidden.txt": "H\n", ".git/c.txt": "C\n",
                                                "sub/.cache/d.txt": "D\n"})
    source = settings.source
    (source / "linked-folder").symlink_to(source / "sub")  # not entered: its files are found under sub/
    (source / "sub" / "link.txt").symlink_to(source / "a.html")  # an alias: skipped
    (source / "dangling.txt").symlink_to(source / "gone.txt")
    (tmp_path / "elsewhere").symlink_to(source / "sub")
    expected = [source / "a.html", source / "sub" / "deeper" / "b.txt"]
    assert extract_module.find_sources(settings) == expected
    for roots in ([], [tmp_path / "elsewhere"], [source / "sub", source / "a.html"]):
        found = extract_module._find_sources(settings, roots)
        names = extract_module._article_names(settings, found)
        assert names == {path: extract_module.article_name(settings, path) for path in found}
        assert set(names.values()) <= {"a.html", "sub/deeper/b.txt"}
    assert any(real is not None for real in extract_module._find_sources(settings).values())


def test_worker_processes_only_for_batches_that_earn_their_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker for each full BYTES_PER_WORKER of sources, up to 4 and the CPUs, none for fewer than two:
    its start-up costs more than it saves on less (and on fewer than PARALLEL_FROM articles)."""
    megabyte = extract_module.BYTES_PER_WORKER
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    assert extract_module._workers(1000, 2 * megabyte - 1) == 1
    assert extract_module._workers(extract_module.PARALLEL_FROM - 1, 100 * megabyte) == 1
    assert extract_module._workers(extract_module.PARALLEL_FROM, 2 * megabyte) == 2
    assert extract_module._workers(1000, 3 * megabyte + 1) == 3
    assert extract_module._workers(1000, 100 * megabyte) == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert extract_module._workers(1000, 100 * megabyte) == 2


def test_workers_where_the_system_does_not_say_which_cpus_a_process_may_use(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS and Windows have no os.sched_getaffinity: the number of CPUs counts."""
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert extract_module._workers(1000, 10 * extract_module.BYTES_PER_WORKER) == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert extract_module._workers(1000, 10 * extract_module.BYTES_PER_WORKER) == 1


@pytest.mark.parametrize("cache", ["[]", '"text"', "null", "{not json", '{"fingerprint": 1, "articles": []}'])
def test_a_cache_file_that_is_not_an_extract_cache_is_ignored(tmp_path: Path, cache: str) -> None:
    settings = make_workspace(tmp_path, {"a.txt": "Title\n\nOne. Two.\n"})
    first = extract(settings)
    (tmp_path / CACHE_FILE).write_text(cache, encoding="utf-8")
    again = extract(settings)
    assert (again.articles, again.units, again.written) == (first.articles, first.units, 0)
    assert again.failures == []
    assert json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))["articles"]  # written afresh


def test_extract_imports_at_start_up_only_what_every_run_needs() -> None:
    """lxml (XML sources, skip_selectors), rapidfuzz (fuzzy matches), worker processes, filelock
    (Windows) and package metadata cost start-up time that a small extract never earns back."""
    import subprocess
    import sys

    heavy = ("lxml", "cssselect", "rapidfuzz", "filelock", "multiprocessing", "concurrent.futures.process",
             "importlib.metadata")
    code = ("import sys, workflow.cli, workflow.extract, workflow.segment_cache; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.stdout.strip() == "[]"
