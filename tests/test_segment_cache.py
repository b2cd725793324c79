"""segment_cache.py: syntok's sentence boundaries kept per paragraph text, in the workspace, bounded."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from extracting import make_workspace, write_source

from workflow import extract as extract_module
from workflow import segment, segment_cache
from workflow.extract import extract

TREE = Path(__file__).resolve().parents[1]
NEWS = (
    "Mr. Zhang met the U.S. delegation on Jan. 10 in Beijing. Talks went well. "
    "The No. 5 item was deferred.",
    "Prices rose 2.3 percent. Dr. Chen said: \u201cWe expect more.\u201d Ms. Li disagreed.",
    "I. Overview. The forum opened at 9 a.m. on Monday. It closed on Friday.",
)


def page(*paragraphs: str) -> str:
    return "<title>A page</title>" + "".join(f"<p>{p}</p>" for p in paragraphs)


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def syntok_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts syntok is asked to split (the splitter is wrapped to count)."""
    calls: list[str] = []
    split = segment._split

    def counting_split(text: str) -> Any:
        calls.append(text)
        return split(text)

    monkeypatch.setattr(segment, "_split", counting_split)
    monkeypatch.setattr(segment, "_cache", segment.MemoryCache())
    yield calls


def catalogs(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


def test_syntok_answers_depend_on_the_paragraph_alone() -> None:
    """The premise of the cache: a paragraph's boundaries do not depend on what was split before."""
    fresh = segment.MemoryCache()
    alone = {}
    for text in NEWS:
        segment.use_cache(segment.MemoryCache())
        alone[text] = segment._syntok_starts(text)
    previous = segment.use_cache(fresh)
    try:
        for text in reversed(NEWS * 2):
            fresh.answers.clear()
            assert segment._syntok_starts(text) == alone[text]
    finally:
        segment.use_cache(previous)
    assert all(alone.values())  # every sample has several sentences


def test_a_second_extract_asks_syntok_nothing_and_writes_the_same_catalogs(
    tmp_path: Path, syntok_calls: list[str]
) -> None:
    settings = make_workspace(tmp_path, {"a.html": page(*NEWS), "b.html": page(NEWS[0])}, languages="fr")
    extract(settings)
    assert len(syntok_calls) == 3  # b.html's paragraph is a.html's first: answered from memory
    first = catalogs(tmp_path)
    segment._cache = segment.MemoryCache()  # a new process: only the file remembers
    for path in (tmp_path / "locales").rglob("*.po*"):
        path.unlink()
    extract(settings, force=True)
    assert len(syntok_calls) == 3
    assert catalogs(tmp_path) == first
    write_source(tmp_path, "a.html", page(*NEWS, "One more. And another."))
    extract(settings)
    assert syntok_calls[3:] == ["One more. And another."]  # only the new paragraph


def test_deleting_or_damaging_the_cache_changes_nothing_but_time(
    tmp_path: Path, syntok_calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_workspace(tmp_path, {"a.html": page(*NEWS)}, languages="fr")
    extract(settings)
    first = catalogs(tmp_path)
    cache_file = tmp_path / segment_cache.CACHE_FILE
    cache_file.write_bytes(b"not a database" * 100)
    segment._cache = segment.MemoryCache()
    assert extract(settings, force=True).failures == []
    assert catalogs(tmp_path) == first
    assert "segmentation cache not used" in caplog.text
    cache_file.unlink()
    (tmp_path / extract_module.CACHE_FILE).unlink()
    segment._cache = segment.MemoryCache()
    assert extract(settings, force=True).failures == []
    assert catalogs(tmp_path) == first
    assert cache_file.is_file()


def test_the_cache_is_bounded_and_keeps_the_answers_last_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syntok_calls: list[str]
) -> None:
    monkeypatch.setattr(segment_cache, "MAX_ROWS", 4)
    paragraphs = [f"Item {n} opened. It closed at {n} p.m. sharp." for n in range(6)]
    settings = make_workspace(tmp_path, {"a.html": page(*paragraphs[:3])}, languages="fr")
    extract(settings)
    write_source(tmp_path, "b.html", page(*paragraphs[3:]))
    extract(settings)
    db = sqlite3.connect(tmp_path / segment_cache.CACHE_FILE)
    assert db.execute("SELECT count(*) FROM sentences").fetchone()[0] == 4
    db.close()
    syntok_calls.clear()
    segment._cache = segment.MemoryCache()
    extract(settings, [settings.source / "b.html"], force=True)
    assert syntok_calls == []  # the newest rows were kept
    extract(settings, [settings.source / "a.html"], force=True)
    assert len(syntok_calls) == 2  # the oldest two had gone; the third is used, so kept over b.html's
    syntok_calls.clear()
    extract(settings, [settings.source / "a.html"], force=True)
    assert syntok_calls == []


def test_another_syntok_version_starts_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syntok_calls: list[str]
) -> None:
    settings = make_workspace(tmp_path, {"a.html": page(*NEWS)}, languages="fr")
    extract(settings)
    monkeypatch.setattr(segment_cache, "fingerprint", lambda: "1 syntok 9.9")
    segment._cache = segment.MemoryCache()
    extract(settings, force=True)
    assert len(syntok_calls) == 6  # every paragraph asked again
    db = sqlite3.connect(tmp_path / segment_cache.CACHE_FILE)
    assert db.execute("SELECT value FROM meta").fetchone()[0] == "1 syntok 9.9"
    db.close()


def test_worker_processes_use_the_cache_and_send_back_what_they_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_module, "_workers", lambda count, size=0: 2)
    sources = {f"a{n}.html": page(NEWS[n]) for n in range(3)}
    settings = make_workspace(tmp_path, sources, languages="fr")
    assert extract(settings).failures == []
    db = sqlite3.connect(tmp_path / segment_cache.CACHE_FILE)
    assert db.execute("SELECT count(*) FROM sentences").fetchone()[0] == 3
    db.close()
    first = catalogs(tmp_path)
    for path in (tmp_path / "locales").rglob("*.po*"):
        path.unlink()
    assert extract(settings, force=True).failures == []
    assert catalogs(tmp_path) == first


def test_a_first_extract_asks_syntok_once_for_a_paragraph_on_every_page(
    tmp_path: Path, syntok_calls: list[str]
) -> None:
    """A footer or a byline repeated on every page is split once even by a cold run (no cache file yet)."""
    footer = "Copyright Example News. All rights reserved."
    sources = {f"a{n}.html": page(NEWS[n], footer) for n in range(3)}
    settings = make_workspace(tmp_path, sources, languages="fr")
    assert not (tmp_path / segment_cache.CACHE_FILE).exists()
    assert extract(settings).failures == []
    assert syntok_calls.count(footer) == 1
    assert len(syntok_calls) == 4  # the three paragraphs, and the footer once


def test_the_fingerprint_follows_syntoks_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another syntok (a release, a patched install) has another fingerprint: its answers are not reused."""
    installed = segment_cache.syntok_folder()
    copy = tmp_path / "syntok"
    copy.mkdir()
    for module in installed.glob("*.py"):
        (copy / module.name).write_bytes(module.read_bytes())
    segment_cache.fingerprint.cache_clear()
    installed_code = segment_cache.fingerprint()
    segment_cache.fingerprint.cache_clear()
    monkeypatch.setattr(segment_cache, "syntok_folder", lambda: copy)
    try:
        same = segment_cache.fingerprint()
        segment_cache.fingerprint.cache_clear()
        with (copy / "segmenter.py").open("a") as module:
            module.write("\n# patched\n")
        patched = segment_cache.fingerprint()
    finally:
        segment_cache.fingerprint.cache_clear()
    assert same == installed_code  # the copy holds the installed code
    assert patched != same


def test_the_fingerprint_follows_our_port_of_syntoks_rules(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed sentence_starts.py or sentence_tokens.py may split otherwise: old answers are not reused."""
    from workflow import sentence_starts, sentence_tokens

    segment_cache.fingerprint.cache_clear()
    monkeypatch.setattr(segment_cache, "PORT_FOLDER", tmp_path)
    try:
        for module in (sentence_starts, sentence_tokens):
            (tmp_path / Path(module.__file__).name).write_bytes(Path(module.__file__).read_bytes())
        installed = segment_cache.fingerprint()
        for module in (sentence_starts, sentence_tokens):
            copy = tmp_path / Path(module.__file__).name
            code = copy.read_bytes()
            copy.write_bytes(code + b"\n# changed\n")
            segment_cache.fingerprint.cache_clear()
            assert segment_cache.fingerprint() != installed, module.__name__
            copy.write_bytes(code)
    finally:
        segment_cache.fingerprint.cache_clear()


def test_a_run_that_splits_nothing_anew_imports_no_segmenter(tmp_path: Path) -> None:
    """Opening the cache (its fingerprint) imports neither syntok nor its `regex`: paragraph mode and a
    re-extract with every answer cached do not pay for them; a first extract in sentence mode does."""
    make_workspace(tmp_path, {"a.html": page(*NEWS)}, languages="fr")
    segmenter = ("syntok", "regex", "workflow.sentence_starts", "workflow.sentence_tokens")

    def imported(*options: str) -> list[str]:
        code = ("import json, sys\nfrom workflow.cli import cli\n"
                f"cli.main(['-q', '--root', {str(tmp_path)!r}, *{options!r}, 'extract', '--force'],"
                " standalone_mode=False)\n"
                f"print(json.dumps(sorted(m for m in {segmenter!r} if m in sys.modules)))\n")
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(TREE)},
                              capture_output=True, text=True, timeout=120, check=True)
        found: list[str] = json.loads(done.stdout.splitlines()[-1])
        return found

    assert imported("--segmentation", "paragraph") == []
    # the first run in sentence mode: the port of syntok splits (its words are Latin: no regex module)
    assert imported() == ["workflow.sentence_starts", "workflow.sentence_tokens"]
    assert imported() == []  # every paragraph's answer is in the cache
