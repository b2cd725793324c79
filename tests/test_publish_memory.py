"""Publishing holds one article in memory at a time (issue 10: bounded memory): each article is
read, its editions in every language worked out and written, and let go before the next is read.
The report and the log still come in the order of a run that works step by step: every article
read, every name checked, then each language's editions worked out, then written."""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from publishing import fill, pseudo_arabic, upper, workspace

import workflow.publish
from workflow.model import Article
from workflow.publish import Policy, PublishReport, _Ledger, publish, unpublish
from workflow.settings import Settings

STORY = """Trade fair opens in Beijing

Source: Committee | Date: 2021-03-0{day}

  The fair opened on Friday. It runs for {day} days.
"""
DRAFTS = Policy("complete", draft=True)


class Tracked(Article):
    """An article that a weak reference can follow (Article has slots and no weak reference slot)."""

    __slots__ = ("__weakref__",)


@pytest.fixture
def alive(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[Article]]:
    """A weak reference to every article publish reads; each time it reads one, none read before it may
    still be alive."""
    refs: list[weakref.ref[Article]] = []
    original: Callable[..., Article] = workflow.publish.read_article

    def read(*args: Any) -> Article:
        gc.collect()  # what only a cycle keeps goes too: what is left is held by publish
        held = [ref() for ref in refs if ref() is not None]
        assert held == [], f"still in memory when the next article is read: {[a.path for a in held]}"
        article = original(*args)
        tracked = Tracked(article.path, article.format, article.text, article.encoding, article.blocks,
                          article.metadata)
        refs.append(weakref.ref(tracked))
        return tracked

    monkeypatch.setattr(workflow.publish, "read_article", read)
    return refs


@pytest.fixture
def news(tmp_path: Path) -> Settings:
    names = [f"story-{n}.txt" for n in range(1, 6)]
    settings = workspace(tmp_path / "ws", {name: STORY.format(day=n) for n, name in enumerate(names, 1)})
    for name in names:
        fill(settings, "zh", name, upper)
        fill(settings, "ar", name, pseudo_arabic, fuzzy=True)  # drafts: published in Arabic with --draft
    return settings


def test_each_article_is_let_go_before_the_next_is_read(
    news: Settings, alive: list[weakref.ref[Article]]
) -> None:
    report = publish(news, ["zh", "ar"], DRAFTS)
    assert report.ok, report.failures
    assert len(alive) == 5 and len(report.published) == 10
    fill(news, "zh", "story-2.txt", lambda s: "")  # held back in Chinese from now on
    fill(news, "ar", "story-4.txt", lambda s: "")
    again = publish(news, ["zh", "ar"], Policy("complete"))  # the Arabic drafts are withdrawn
    assert again.ok, again.failures
    assert len(alive) == 10 and len(again.held) == 6
    assert unpublish(news, "zh").ok  # reads every article, to know which can be published
    assert len(alive) == 15


def test_the_report_comes_language_by_language(news: Settings) -> None:
    report = publish(news, ["zh", "ar"], DRAFTS)
    assert [(e.article, e.lang) for e in report.published] == [
        *((f"story-{n}.txt", "zh") for n in range(1, 6)), *((f"story-{n}.txt", "ar") for n in range(1, 6))
    ]
    written = [p.relative_to(news.output).as_posix() for p in report.written]
    assert written[:20] == [f"{lang}/story-{n}.{suffix}" for lang in ("zh", "ar") for n in range(1, 6)
                            for suffix in ("xml", "html")]


def test_failures_and_warnings_come_in_the_order_of_the_steps(
    news: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert publish(news, ["zh", "ar"], DRAFTS).ok
    fill(news, "zh", "story-1.txt", lambda s: "")  # held back in Chinese: its earlier page is read
    fill(news, "ar", "story-1.txt", lambda s: "")  # and in Arabic
    (news.output / "zh" / "story-1.xml").write_text("<bulletin>", encoding="utf-8")  # and is unreadable
    news.catalog("story-2.txt", "ar").write_text('msgid "a"\nmsgstr "b"\nmsgid', encoding="utf-8")
    (news.source / "story-3.html").write_text("<p>The same name as story-3.txt</p>", encoding="utf-8")
    (news.source / "story-3.txt").write_text(STORY.format(day=7), encoding="utf-8")  # read again
    (news.source / "story-9.xml").write_text("<bulletin>", encoding="utf-8")  # cannot be read
    (news.source / "story-8.html").write_bytes(  # a warning when read
        b'<meta charset="no-such-charset"><p>A page.</p>')
    with caplog.at_level(logging.WARNING):
        report = publish(news, ["zh", "ar"], DRAFTS)
    failures = [f"{Path(str(f.path)).name}: {f.message.split(':')[0]}" for f in report.failures]
    assert failures == [
        "story-9.xml: malformed XML",  # every source read
        "story-3.html: another source also publishes as story-3.html",  # every name checked
        "story-3.txt: another source also publishes as story-3.html",
        "story-2.po: cannot read catalog",  # the Chinese editions, then the Arabic ones
    ]
    assert [(h.article, h.lang) for h in report.held] == [
        ("story-1.txt", "zh"), ("story-8.html", "zh"), ("story-1.txt", "ar"), ("story-8.html", "ar")
    ]
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("workflow")]
    assert len(warnings) == 3, "\n".join(warnings)
    assert "story-8.html: charset 'no-such-charset'" in warnings[0]  # when read
    assert all("earlier edition" in w and "story-1.xml" in w for w in warnings[1:])  # when held, when listed


def test_only_the_runs_own_warnings_wait_and_the_log_is_as_before(caplog: pytest.LogCaptureFixture) -> None:
    def logged() -> list[str]:
        return [r.getMessage() for r in caplog.records]

    other = threading.Thread(target=lambda: logging.getLogger("workflow.extract").warning("another thread's"))
    with caplog.at_level(logging.WARNING):
        with _Ledger(SimpleNamespace(report=PublishReport())):  # type: ignore[arg-type]
            logging.getLogger("workflow.publish").warning("the run's")
            other.start()
            other.join()
            assert logged() == ["another thread's"]
        assert logged() == ["another thread's", "the run's"]
    workflow_log = logging.getLogger("workflow")
    assert workflow_log.propagate and workflow_log.handlers == []


def test_a_shared_name_is_settled_by_the_sources_that_can_be_read(news: Settings) -> None:
    (news.source / "story-2.xml").write_text("<bulletin>", encoding="utf-8")  # unreadable: story-2.txt is out
    (news.source / "index.txt").write_text(STORY.format(day=8), encoding="utf-8")  # would replace the index
    (news.source / "index.xml").write_text("<bulletin>", encoding="utf-8")  # cannot be read
    report = publish(news, ["zh"], DRAFTS)
    failures = [f"{Path(str(f.path)).name}: {f.message.split(':')[0]}" for f in report.failures]
    assert failures == [
        "index.xml: malformed XML",
        "story-2.xml: malformed XML",
        "index.txt: an article named index would replace the bulletin index",
    ]
    assert [e.article for e in report.published] == [f"story-{n}.txt" for n in range(1, 6)]
    assert (news.output / "zh" / "story-2.html").is_file() and not (news.output / "zh" / "index.xml").exists()
