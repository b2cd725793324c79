"""Article file names: which are accepted, and every link built from one is percent-encoded."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from lxml import etree
from publishing import fill, upper, workspace

from workflow.cli import cli
from workflow.errors import SourceError
from workflow.extract import extract
from workflow.names import check_name, link, name_problem, suggested_name
from workflow.publish import Policy, publish

STORY = "Trade fair opens\n\nThe fair opened on Friday.\n"


@pytest.mark.parametrize(
    "name",
    [
        "story.txt",
        "news/2021/story-1_b.html",
        "näher an 100 Prozent.txt",
        "新闻 稿.txt",
        "हिन्दी.txt",
        "v1.2.xml",
    ],
)
def test_accepted_names(name: str) -> None:
    assert name_problem(name) == ""


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("javascript:alert(document.domain).txt", "javascript-alert-document.domain.txt"),
        ("100%25 sure#frag?.txt", "100-25 sure-frag.txt"),
        ("a&b=c.html", "a-b-c.html"),
        ('say "hi".txt', "say -hi.txt"),
        ("tab\there.txt", "tab-here.txt"),
        ("-rf.txt", "rf.txt"),
        ("news:/x.txt", "news/x.txt"),
        ("<script>.txt", "script.txt"),
    ],
)
def test_refused_names_and_what_to_rename_them_to(name: str, suggestion: str) -> None:
    assert name_problem(name)
    assert suggested_name(name) == suggestion
    assert name_problem(suggestion) == ""
    with pytest.raises(SourceError) as caught:
        check_name(name, Path("source") / name)
    assert repr(suggestion) in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("segments", "up", "expected"),
    [
        (("story.html",), 0, "./story.html"),
        (("javascript:alert(1).html",), 0, "./javascript%3Aalert%281%29.html"),
        (("100%25 sure#frag?.html",), 0, "./100%2525%20sure%23frag%3F.html"),
        (("zh", "news/a b.html"), 2, "../../zh/news/a%20b.html"),
        (("新闻.html",), 0, "./%E6%96%B0%E9%97%BB.html"),
    ],
)
def test_links_are_percent_encoded_segments_that_never_start_with_a_scheme(
    segments: tuple[str, ...], up: int, expected: str
) -> None:
    assert link(*segments, up=up) == expected


@pytest.mark.parametrize("name", ["javascript:alert(document.domain).txt", "100%25 sure#frag?.txt"])
def test_extract_and_publish_refuse_a_bad_name_and_say_what_to_rename_it_to(
    tmp_path: Path, name: str
) -> None:
    settings = workspace(tmp_path / "ws", {"story.txt": STORY}, languages="zh")
    (settings.source / name).write_text(STORY, encoding="utf-8")
    report = extract(settings)
    [failure] = report.failures
    assert failure.path == settings.source / name
    assert "rename it to" in (failure.hint or "")
    fill(settings, "zh", "story.txt", upper)
    result = CliRunner().invoke(cli, ["--root", str(settings.root), "publish", "zh"])
    assert result.exit_code == 1
    assert f"error: {settings.source / name}: the name" in result.stderr
    assert "hint: rename it to" in result.stderr
    assert sorted(p.name for p in (settings.output / "zh").iterdir()) == [
        "feed.atom",
        "index.html",
        "story.html",
        "story.xml",
    ]


def test_index_and_feed_links_of_a_name_with_spaces_and_letters_of_any_script(tmp_path: Path) -> None:
    settings = workspace(tmp_path / "ws", {"näher an 100 Prozent.txt": STORY}, languages="zh")
    fill(settings, "zh", "näher an 100 Prozent.txt", upper)
    publish(settings, ["zh"], Policy())
    zh = settings.output / "zh"
    index = html5lib.parse((zh / "index.html").read_bytes(), namespaceHTMLElements=False)
    href = "./n%C3%A4her%20an%20100%20Prozent.html"
    assert [a.get("href") for a in index.findall(".//ul[@class='articles']/li/a")] == [href]
    feed = etree.parse(str(zh / "feed.atom"))
    assert feed.find("{*}entry/{*}link").get("href") == href
    assert (zh / "näher an 100 Prozent.html").is_file()
