"""The record of what publish wrote (workflow/manifest.py): keys, what a file holds now (read once a
run), and which files it may remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import workflow.manifest
from workflow.manifest import MANIFEST, Manifest, digest


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    (tmp_path / "output").mkdir()
    return Manifest.load(tmp_path, tmp_path / "output")


def test_a_key_is_the_posix_path_under_output_and_a_path_elsewhere_has_none(manifest: Manifest) -> None:
    assert manifest.key(manifest.output / "zh" / "news" / "a b.html") == "zh/news/a b.html"
    beside = manifest.output.parent / f"{manifest.output.name}2" / "zh" / "a.html"  # the same prefix
    with pytest.raises(ValueError):
        manifest.key(beside)


def test_what_a_file_holds_is_read_once_a_run_and_known_again_once_written(manifest: Manifest) -> None:
    page = manifest.output / "zh" / "a.html"
    assert manifest.holds(page) is None  # not there
    page.parent.mkdir()
    page.write_bytes(b"one")
    assert manifest.holds(page) is None  # what the run found stays what it found
    assert manifest.read(page) == b"one" and manifest.holds(page) == digest(b"one")  # read again: known
    page.write_bytes(b"two")
    manifest.wrote(page, b"two")
    assert manifest.holds(page) == digest(b"two") and manifest.owns(page)
    assert manifest.remove(page) and not page.exists()
    assert manifest.holds(page) is None  # removed: read again, and not there


def test_a_file_changed_by_hand_since_an_earlier_run_is_not_owned_nor_removed(
    tmp_path: Path, manifest: Manifest
) -> None:
    page = manifest.output / "a.html"
    page.write_bytes(b"published")
    manifest.wrote(page, b"published")
    manifest.made["a.html"] = ["shown", digest(b"published")]
    manifest.made["gone.html"] = ["shown", "digest"]  # no longer recorded: not kept
    manifest.save()
    saved = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert saved["made"] == {"a.html": ["shown", digest(b"published")]} and "held" not in saved
    page.write_bytes(b"edited by hand")
    later = Manifest.load(tmp_path, manifest.output)  # the next run
    assert later.made == {"a.html": ["shown", digest(b"published")]} and later.held == {}
    assert not later.owns(page) and not later.remove(page) and page.read_bytes() == b"edited by hand"


def test_a_record_that_would_be_saved_the_same_is_not_written_again(
    tmp_path: Path, manifest: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest.wrote(manifest.output / "a.html", b"page")
    manifest.save()
    written: list[Path] = []
    monkeypatch.setattr(workflow.manifest, "write_if_changed", lambda path, data: written.append(path))
    again = Manifest.load(tmp_path, manifest.output)
    assert again.owns(manifest.output / "a.html") is False  # not there: read, and nothing else changed
    again.save()
    assert written == []
    again.first["zh/a"] = "2021-03-02"
    again.save()
    assert written == [tmp_path / MANIFEST]
