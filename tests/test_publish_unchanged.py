"""Publishing with nothing changed works nothing out again: no article is read or segmented, no
catalog, bulletin or page parsed, nothing written, and the report is the one a full run gives.
One changed input works out that edition alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from publishing import fill, pseudo_arabic, upper, workspace

import workflow.publish
from workflow.publish import Policy, PublishReport, publish
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
    assert sorted(report.written) == [zh / "story.html", zh / "story.xml"]
    after = files(news)
    assert {k for k in before if before[k] != after[k]} == {"zh/story.html", "zh/story.xml"}
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
