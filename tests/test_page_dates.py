"""HTML articles get a date in the index and feed (their own, else their first publication), the index
is ordered by it; itemprop meta descriptions are translated; `publish --help` shows LANG as optional."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from lxml import etree
from publishing import fill, upper, workspace

from workflow.cli import cli
from workflow.formats.html import read
from workflow.formats.published import declared_date
from workflow.publish import Policy, publish

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def page(head: str = "", body: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>T</title>{head}</head>"
        f"<body><h1>Title</h1><p>Some text.</p>{body}</body></html>"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            page('<meta property="article:published_time" content="2021-03-02T10:00:00+08:00">'),
            "2021-03-02",
            id="open-graph",
        ),
        pytest.param(
            page(
                body='<script type="application/ld+json">{"@context": "https://schema.org", '
                '"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", '
                '"datePublished": "2020-12-31T23:00:00Z"}]}</script>'
            ),
            "2020-12-31",
            id="json-ld-graph",
        ),
        pytest.param(
            page(body='<script type="application/ld+json">{"datePublished": "2020-01-02"}</script>'
                 '<p>Text after the script.</p><script>var x = 1;</script><p>More.</p>'),
            "2020-01-02",
            id="json-ld-then-text",  # the text after its end tag is not part of it
        ),
        pytest.param(
            page(body='<p>On <time datetime="2019-05-06">6 May</time>.</p>'), "2019-05-06", id="time"
        ),
        pytest.param(
            page(
                body='<time datetime="2019-05-06">x</time><time itemprop="datePublished" '
                'datetime="2018-01-02">y</time>'
            ),
            "2018-01-02",
            id="microdata-before-plain-time",
        ),
        pytest.param(
            page(
                '<meta property="article:published_time" content="2021-03-02">',
                '<script type="application/ld+json">{"datePublished": "2020-01-01"}</script>',
            ),
            "2021-03-02",
            id="open-graph-first",
        ),
        pytest.param(
            page(
                body='<script type="application/ld+json">{"datePublished": </script>'
                '<time datetime="2017-07-07">z</time>'
            ),
            "2017-07-07",
            id="malformed-json-ld",
        ),
        pytest.param(
            page(body='<script type="application/ld+json">' + "[" * 100_000 + "</script>"),
            None,
            id="deep-json-ld",
        ),
        pytest.param(
            page('<meta property="article:published_time" content="yesterday">'), None, id="not-a-date"
        ),
        pytest.param(page(body='<time datetime="2021-02-30">x</time>'), None, id="impossible-date"),
        pytest.param(page(), None, id="none"),
    ],
)
def test_declared_date(text: str, expected: str | None) -> None:
    found = declared_date(text)
    assert (found.isoformat() if found else None) == expected
    # the reader finds it while it reads the page (the page is tokenized once)
    assert read(text.encode(), "a.html", "sentence").metadata.get("date") == expected


def test_the_reader_tokenizes_a_page_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fed: list[int] = []
    original = HTMLParser.feed

    def counting(self: HTMLParser, data: str) -> None:
        fed.append(len(data))
        original(self, data)

    monkeypatch.setattr(HTMLParser, "feed", counting)
    text = page('<script type="application/ld+json">{"datePublished": "2020-05-06"}</script>')
    assert read(text.encode(), "a.html", "sentence").metadata["date"] == "2020-05-06"
    assert fed == [len(text)]


def test_itemprop_and_social_meta_are_translated() -> None:
    head = (
        '<meta itemprop="description" content="What the page is about.">'
        '<meta property="og:title" content="A shared title">'
        '<meta name="twitter:description" content="A shared description.">'
        '<meta itemprop="url" content="https://example.org/a">'
    )
    article = read(page(head).encode(), "a.html", "sentence")
    texts = [p.text for b in article.blocks for p in b.pieces]
    assert ["What the page is about.", "A shared title", "A shared description."] == texts[1:4]
    assert "https://example.org/a" not in texts


def test_html_articles_are_dated_and_ordered_in_the_index_and_feed(tmp_path: Path) -> None:
    sources = {
        "old.html": page('<meta property="article:published_time" content="2019-01-05T08:00:00Z">'),
        "new.html": page(body='<time datetime="2022-06-01">1 June</time>'),
        "story.txt": "A text story\n\nSource: Desk | Date: 2020-03-02\n\nIt rained.\n",
        "undated.html": page(),
    }
    settings = workspace(tmp_path / "ws", sources, languages="zh")
    for name in sources:
        fill(settings, "zh", name, upper)
    publish(settings, ["zh"], Policy())
    today = dt.datetime.now(dt.UTC).date().isoformat()  # undated: the day it was first published
    index = html5lib.parse((settings.output / "zh" / "index.html").read_bytes(), namespaceHTMLElements=False)
    rows = [
        (li.find("a").get("href"), li.find(".//time").get("datetime"))
        for li in index.findall(".//ul[@class='articles']/li")
    ]
    assert rows == [
        ("./undated.html", today),
        ("./new.html", "2022-06-01"),
        ("./story.html", "2020-03-02"),
        ("./old.html", "2019-01-05"),
    ]
    feed = etree.parse(str(settings.output / "zh" / "feed.atom"))
    assert [e.findtext("a:updated", namespaces=ATOM)[:10] for e in feed.findall("a:entry", ATOM)] == [
        today,
        "2022-06-01",
        "2020-03-02",
        "2019-01-05",
    ]
    first = (settings.root / ".workflow" / "published.json").read_bytes()
    assert publish(settings, ["zh"], Policy()).written == []  # the recorded date holds: nothing churns
    assert (settings.root / ".workflow" / "published.json").read_bytes() == first


def test_publish_help_shows_languages_as_optional() -> None:
    result = CliRunner().invoke(cli, ["publish", "--help"])
    assert "Usage: cli publish [OPTIONS] [LANG]..." in result.output
    result = CliRunner().invoke(cli, ["unpublish", "--help"])
    assert "Usage: cli unpublish [OPTIONS] LANG [ARTICLE]..." in result.output
