"""Publishing with nothing changed works nothing out again: no article is read or segmented, no
catalog, bulletin or page parsed, nothing written, and the report is the one a full run gives.
One changed input works out that edition alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from publishing import fill, pseudo_arabic, upper, workspace

import workflow
import workflow.publish
from workflow.publish import Policy, PublishReport, _package_digest, publish
from workflow.settings import Settings

STORY = """Trade fair opens in Beijing

Source: Committee | Date: 2021-03-02

  The fair opened on Friday. It runs for six days.

  Visitors came from 148 countries.
"""
OLDER = STORY.replace("Trade fair opens in Beijing", "Summit ends").replace("2021-03-02", "2020-09-09")
PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Fair opens</title></head>
<body><h1>Fair opens</h1><p>The fair opened in Beijing on Friday.</p></body></html>
"""
POLICY = Policy("threshold", 30, draft=True)  # drafts, fallbacks and held editions all occur
LANGS = ["zh", "ar"]


@pytest.fixture
def news(tmp_path: Path) -> Settings:
    settings = workspace(tmp_path / "ws", {"story.txt": STORY, "older.txt": OLDER, "fair.html": PAGE})
    fill(settings, "zh", "story.txt", upper)
    fill(settings, "zh", "older.txt", upper, fuzzy=True)  # machine drafts, marked
    fill(settings, "zh", "fair.html", upper)
    # in part: the other units are shown in English (fallbacks); older and fair are held back in Arabic
    fill(settings, "ar", "story.txt", lambda s: pseudo_arabic(s) if "fair" in s.lower() else None)
    return settings


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often publish reads an article, a catalog, a bulletin, or a page to relink it, and renders an
    index, a feed or the page of languages."""
    counts: Counter[str] = Counter()
    named = {"read_article": 1, "catalog_targets": 0, "parse_xml": 1, "relink": None,  # the file's argument
             "index_page": 0, "feed": 0, "languages_page": 0}  # the language

    def counted(name: str, original: Callable[..., Any], at: int | None) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            if at is not None:
                counts[f"{name} {Path(str(args[at])).name}"] += 1
            return original(*args, **kwargs)

        return call

    for name, at in named.items():
        monkeypatch.setattr(workflow.publish, name, counted(name, getattr(workflow.publish, name), at))
    return counts


def files(settings: Settings) -> dict[str, bytes]:
    return {p.relative_to(settings.output).as_posix(): p.read_bytes()
            for p in sorted(settings.output.rglob("*")) if p.is_file()}


def told(report: PublishReport) -> tuple[object, ...]:
    """What a report says of the editions (not of the files written)."""
    return (report.published, report.held, report.orphans, report.indexes, report.removed, report.kept,
            report.failures)


def test_publishing_with_nothing_changed_reads_nothing_and_writes_nothing(
    news: Settings, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = publish(news, LANGS, POLICY)
    assert first.ok, first.failures
    assert {(e.article, e.lang) for e in first.published} == {
        ("story.txt", "zh"), ("older.txt", "zh"), ("fair.html", "zh"), ("story.txt", "ar")
    }
    assert any(e.machine for e in first.published) and any(e.fallbacks for e in first.published)
    assert len(first.held) == 2
    before = files(news)
    calls.clear()

    again = publish(news, LANGS, POLICY)
    assert calls == Counter()  # no article read, no catalog, bulletin or page parsed
    assert files(news) == before
    assert (again.written, again.unchanged) == ([], len(before))
    assert told(again) == told(first)

    # another version of workflow takes nothing from the record: the full run gives the same
    monkeypatch.setattr(workflow.publish, "_product", lambda: "another version")
    worked = publish(news, LANGS, POLICY)
    assert calls["read_article"] == 3 and calls["catalog_targets"] == 6 and calls["relink"] == 0
    assert (calls["index_page"], calls["feed"], calls["languages_page"]) == (2, 2, 1)
    assert files(news) == before
    assert (worked.written, worked.unchanged) == ([], len(before))
    assert told(worked) == told(again)


def test_a_changed_catalog_works_out_that_edition_alone(news: Settings, calls: Counter[str]) -> None:
    publish(news, LANGS, POLICY)
    before = files(news)
    calls.clear()
    fill(news, "zh", "story.txt", lambda s: "来自148个国家" if s.startswith("Visitors") else upper(s))
    report = publish(news, LANGS, POLICY)
    assert calls["read_article"] == calls["read_article story.txt"] == 1
    assert calls["catalog_targets"] == calls["catalog_targets story.po"] == 1
    zh = news.output / "zh"
    # and its feed entry, whose <updated> is now the day it changed (news to a feed reader)
    assert sorted(report.written) == [zh / "feed.atom", zh / "story.html", zh / "story.xml"]
    after = files(news)
    assert {k for k in before if before[k] != after[k]} == {"zh/feed.atom", "zh/story.html", "zh/story.xml"}
    assert "来自148个国家" in (zh / "story.html").read_text(encoding="utf-8")

    fill(news, "zh", "story.txt", lambda s: "贸易展" if s.startswith("Trade fair") else None)  # the title
    report = publish(news, LANGS, POLICY)
    names = ("feed.atom", "index.html", "story.html", "story.xml")  # the index and feed show the title
    assert sorted(report.written) == [zh / name for name in names]


def test_the_same_bytes_are_the_same_inputs_and_a_touched_source_reads_nothing(
    news: Settings, calls: Counter[str]
) -> None:
    publish(news, LANGS, POLICY)
    source = news.source / "story.txt"
    source.write_bytes(source.read_bytes())  # a new modification time, the same bytes
    calls.clear()
    assert publish(news, LANGS, POLICY).written == []
    assert calls == Counter()


def test_a_file_edited_by_hand_is_not_taken_for_unchanged(news: Settings, calls: Counter[str]) -> None:
    publish(news, LANGS, POLICY)
    before = files(news)
    page, bulletin = news.output / "zh" / "story.html", news.output / "ar" / "story.xml"
    index, feed = news.output / "zh" / "index.html", news.output / "ar" / "feed.atom"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>added by hand</p></body>"))
    bulletin.write_bytes(bulletin.read_bytes() + b"\n")
    index.write_bytes(index.read_bytes().replace(b"</body>", b"<p>added by hand</p></body>"))
    feed.unlink()
    calls.clear()
    report = publish(news, LANGS, POLICY)  # as without the record: each edition, index and feed made again
    assert sorted(report.written) == [feed, bulletin, index, page]
    assert (calls["index_page"], calls["feed"], calls["languages_page"]) == (1, 1, 0)
    assert calls["read_article"] == calls["read_article story.txt"] == 1
    assert files(news) == before


def test_a_new_edition_relinks_the_pages_of_its_article_only(news: Settings, calls: Counter[str]) -> None:
    publish(news, ["zh"], POLICY)
    calls.clear()
    report = publish(news, ["ar"], POLICY)
    zh = news.output / "zh"
    assert calls["relink"] == 1  # the only zh page whose article has a new edition: story
    assert zh / "story.html" in report.written and zh / "older.html" not in report.written
    assert '<link rel="alternate" hreflang="ar"' in (zh / "story.html").read_text(encoding="utf-8")
    calls.clear()
    assert publish(news, LANGS, POLICY).written == []
    assert calls == Counter()


def test_an_edition_is_worked_out_again_when_its_catalog_goes(news: Settings) -> None:
    publish(news, LANGS, POLICY)
    news.catalog("fair.html", "zh").unlink()
    report = publish(news, LANGS, POLICY)
    assert [(h.article, h.reason.split(" (")[0]) for h in report.held if h.lang == "zh"] == [
        ("fair.html", "no catalog for zh")
    ]


def test_another_version_takes_nothing_from_the_record(
    news: Settings, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(news, ["zh"], POLICY)
    monkeypatch.setattr(workflow.publish, "_product", lambda: "another version")
    calls.clear()
    publish(news, ["ar"], POLICY)
    assert calls["parse_xml"] == 3  # the zh bulletins are read again for the index
    assert calls["relink"] == 3  # and every zh page is relinked, not only story's


def test_a_held_edition_whose_earlier_one_stays_is_not_read_again(
    news: Settings, calls: Counter[str]
) -> None:
    publish(news, LANGS, POLICY)
    fill(news, "zh", "fair.html", lambda s: "")  # nothing translated: held back, the reviewed edition stays
    first = publish(news, LANGS, POLICY)
    assert [h.kept for h in first.held if h.lang == "zh"] == [news.output / "zh" / "fair.html"]
    calls.clear()
    again = publish(news, LANGS, POLICY)
    assert calls == Counter()
    assert (again.written, again.held) == ([], first.held)


def test_a_changed_source_works_out_its_editions_again(news: Settings, calls: Counter[str]) -> None:
    publish(news, LANGS, POLICY)
    source = news.source / "story.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("148 countries", "149 countries"),
                      encoding="utf-8")
    calls.clear()
    report = publish(news, LANGS, POLICY)
    assert calls["read_article"] == calls["read_article story.txt"] == 1
    assert calls["catalog_targets"] == 2  # its zh and ar catalogs, the other articles' none
    for lang in LANGS:  # the new sentence has no translation yet: shown in English
        assert "149 countries" in (news.output / lang / "story.html").read_text(encoding="utf-8")
    assert {p.name for p in report.written} >= {"story.html", "story.xml"}


@pytest.mark.parametrize("change", ["policy", "setting"])
def test_a_changed_policy_or_setting_works_every_edition_out_again(
    news: Settings, calls: Counter[str], change: str
) -> None:
    publish(news, LANGS, POLICY)
    calls.clear()
    if change == "policy":  # machine drafts no longer count: older.txt is held back in Chinese too
        report = publish(news, LANGS, Policy("threshold", 30, draft=False))
        assert ("older.txt", "zh") in {(h.article, h.lang) for h in report.held}
    else:  # one paragraph a unit: every article is read again
        publish(replace(news, segmentation="paragraph"), LANGS, POLICY)
    assert calls["read_article"] == 3 and calls["catalog_targets"] == 6  # every edition worked out


def test_the_product_digest_covers_every_file_of_the_package_and_the_libraries(tmp_path: Path) -> None:
    package = tmp_path / "workflow"
    (package / "templates").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "publish.py").write_text("code\n", encoding="utf-8")
    template = package / "templates" / "index.html.j2"
    template.write_text("<ul>{{ entries }}</ul>\n", encoding="utf-8")
    parts = ["0.1.0", "jinja2 3.1.6"]
    first = _package_digest(package, parts)
    (package / "__pycache__" / "publish.cpython-311.pyc").write_bytes(b"\0compiled")
    assert _package_digest(package, parts) == first  # compiled code is not the product
    seen = {first}
    template.write_text("<ol>{{ entries }}</ol>\n", encoding="utf-8")  # a template changed
    seen.add(_package_digest(package, parts))
    (package / "templates" / "feed.atom.j2").write_text("", encoding="utf-8")  # a file added
    seen.add(_package_digest(package, parts))
    template.rename(package / "templates" / "index2.html.j2")  # a file renamed
    seen.add(_package_digest(package, parts))
    seen.add(_package_digest(package, ["0.1.0", "jinja2 3.1.7"]))  # a library's version changed
    seen.add(_package_digest(package, ["0.1.1", "jinja2 3.1.7"]))  # workflow's own version changed
    assert len(seen) == 6


def test_the_product_is_this_packages_files_and_its_libraries_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package = Path(workflow.publish.__file__).parent
    product = workflow.publish._product.__wrapped__
    assert product() == workflow.publish._product()
    calls: list[tuple[Path, list[str]]] = []

    def digested(folder: Path, parts: list[str]) -> str:
        calls.append((folder, list(parts)))
        return ""

    monkeypatch.setattr(workflow.publish, "_package_digest", digested)
    product()
    [(folder, parts)] = calls
    assert folder == package and parts[0] == workflow.__version__
    assert [part.split()[0] for part in parts[1:]] == ["babel", "jinja2", "lxml", "markupsafe", "syntok"]
    assert all(part.split()[1] != "-" for part in parts[1:])  # each one's version found
