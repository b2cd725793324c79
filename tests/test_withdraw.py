"""Editions that go: drafts withdrawn when an article no longer qualifies, `workflow unpublish`,
and the links between editions kept up to date on every run."""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from lxml import etree
from publishing import fill, pseudo_arabic, upper, workspace

from workflow.cli import cli
from workflow.publish import Policy, publish
from workflow.settings import Settings

ATOM = {"a": "http://www.w3.org/2005/Atom"}
STORY = """Trade fair opens in Beijing

Source: Committee | Date: 2021-03-02

  The fair opened on Friday. It runs for six days.
"""
OLDER = STORY.replace("Trade fair opens in Beijing", "Summit ends").replace("2021-03-02", "2020-09-09")
PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Fair opens</title></head>
<body><h1>Fair opens</h1><p>The fair opened in Beijing on Friday.</p></body></html>
"""


@pytest.fixture
def news(tmp_path: Path) -> Settings:
    return workspace(tmp_path / "ws", {"story.txt": STORY, "older.txt": OLDER, "fair.html": PAGE})


def listed(path: Path) -> list[str]:
    page = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return [a.get("href") for a in page.findall(".//ul[@class='articles']/li/a")]


def hreflangs(path: Path) -> list[tuple[str, str]]:
    page = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return [(e.get("hreflang"), e.get("href")) for e in page.iter("link") if e.get("hreflang")]


def menu(path: Path) -> list[str]:
    page = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return [a.get("hreflang") for a in page.findall(".//header[@class='masthead']/nav//a")]


def invoke(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--root", str(settings.root), *args])
    return result.exit_code, result.stderr


def test_a_draft_edition_is_withdrawn_when_its_article_no_longer_qualifies(news: Settings) -> None:
    for article in ("story.txt", "older.txt"):
        fill(news, "zh", article, upper, fuzzy=True)  # machine drafts
    fill(news, "zh", "fair.html", upper)  # reviewed
    publish(news, ["zh"], Policy(draft=True))
    zh = news.output / "zh"
    assert sorted(listed(zh / "index.html")) == ["./fair.html", "./older.html", "./story.html"]
    feed = etree.parse(str(zh / "feed.atom"))
    drafts = [
        e for e in feed.findall("a:entry", ATOM) if e.find("a:category[@term='draft']", ATOM) is not None
    ]
    assert len(drafts) == 2
    assert all(e.findtext("a:title", namespaces=ATOM).startswith("草稿: ") for e in drafts)
    assert all(e.findtext("a:summary", namespaces=ATOM).startswith("草稿：机器翻译") for e in drafts)
    fill(news, "zh", "older.txt", upper)  # older is reviewed now
    bystander = zh / "notes.html"
    bystander.write_text("<p>mine</p>", encoding="utf-8")

    code, stderr = invoke(news, "publish", "zh")

    assert code == 0, stderr
    assert (
        "held back: story.txt: nothing is translated and reviewed; its draft edition "
        "output/zh/story.html is withdrawn" in stderr
    )
    assert not (zh / "story.html").exists() and not (zh / "story.xml").exists()
    assert sorted(listed(zh / "index.html")) == ["./fair.html", "./older.html"]
    feed = etree.parse(str(zh / "feed.atom"))
    assert [e.findtext("a:title", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)] == [
        "FAIR OPENS",
        "SUMMIT ENDS",  # fair.html has no date of its own: first published today
    ]
    assert not feed.findall("a:entry/a:category", ATOM)
    assert bystander.read_text(encoding="utf-8") == "<p>mine</p>"  # not the product's: never removed


MINISTER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hello world</title>
<meta name="description" content="A page about the minister">
</head><body><h1>Hello world</h1>
<p>The minister spoke today. <img src="m.jpg" alt="Portrait of the minister"></p>
</body></html>
"""
REVIEWED = {"Hello world": "Bonjour le monde", "The minister spoke today.": "Le ministre a parlé."}


@pytest.mark.parametrize("record", ["kept", "deleted", "older"])
def test_a_draft_whose_machine_text_is_only_in_attributes_and_meta_is_a_draft(
    tmp_path: Path, record: str
) -> None:
    settings = workspace(tmp_path / "ws", {"p.html": MINISTER}, "fr")
    assert fill(settings, "fr", "p.html", upper, fuzzy=True) == 4  # machine output, as pretranslate leaves it
    assert fill(settings, "fr", "p.html", REVIEWED.get) == 2  # the title/h1 and the paragraph reviewed
    fr = settings.output / "fr"

    code, stderr = invoke(settings, "publish", "--draft")

    assert code == 0, stderr
    assert "p.html: 2 machine draft unit(s) marked" in stderr
    page = (fr / "p.html").read_text(encoding="utf-8")
    assert 'alt="PORTRAIT OF THE MINISTER"' in page and 'content="A PAGE ABOUT THE MINISTER"' in page
    assert etree.parse(str(fr / "p.xml")).getroot().get("state") == "machine"  # the bulletin says it
    assert "Brouillon" in (fr / "index.html").read_text(encoding="utf-8")
    feed = etree.parse(str(fr / "feed.atom"))
    assert [e.get("term") for e in feed.findall("a:entry/a:category", ATOM)] == ["draft"]
    if record == "older":  # as a workflow whose bulletins did not say so on their root left it: the page does
        bulletin = fr / "p.xml"
        bulletin.write_bytes(bulletin.read_bytes().replace(b' state="machine"', b""))
    if record != "kept":  # read back from the bulletin (and the page) alone
        (settings.root / ".workflow" / "published.json").unlink()

    code, stderr = invoke(settings, "publish")

    assert code == 0, stderr
    assert (
        "held back: p.html: 2 of 4 units not reviewed (2 machine-translated); its draft edition "
        "output/fr/p.html is withdrawn" in stderr
    )
    assert not (fr / "p.html").exists() and not (fr / "p.xml").exists()
    assert not (fr / "index.html").exists() and not (fr / "feed.atom").exists()


def test_a_reviewed_bulletin_does_not_say_it_is_a_draft(tmp_path: Path) -> None:
    # b.xml: a draft bulletin used again as a source; its root's state is not that of its editions
    again = ('<bulletin xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1" state="machine">'
             "<head><title>Hello world</title></head>"
             "<body><p>The minister spoke today.</p></body></bulletin>\n")
    settings = workspace(tmp_path / "ws", {"p.html": MINISTER, "b.xml": again}, "fr")
    for article in ("p.html", "b.xml"):
        fill(settings, "fr", article, upper)
    publish(settings, ["fr"], Policy(draft=True))
    for article in ("p", "b"):
        assert etree.parse(str(settings.output / "fr" / f"{article}.xml")).getroot().get("state") is None
    assert "Brouillon" not in (settings.output / "fr" / "index.html").read_text(encoding="utf-8")


def test_a_reviewed_edition_stays_when_its_article_is_held(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper)
    publish(news, ["zh"], Policy())
    fill(news, "zh", "story.txt", lambda s: "" if s.startswith("It runs") else None)
    report = publish(news, ["zh"], Policy(draft=True))
    assert [(h.article, h.kept, h.withdrawn) for h in report.held if h.article == "story.txt"] == [
        ("story.txt", news.output / "zh" / "story.html", None)
    ]
    assert listed(news.output / "zh" / "index.html") == ["./story.html"]


def test_a_draft_changed_by_hand_is_kept_and_reported(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper, fuzzy=True)
    publish(news, ["zh"], Policy(draft=True))
    page = news.output / "zh" / "story.html"
    page.write_bytes(page.read_bytes() + b"<!-- edited by hand -->")
    code, stderr = invoke(news, "publish", "zh")
    # the draft stays online (a person changed it), and the run says so as an error: it exited 0 with a
    # `kept:` line, and a deploy script that checks the exit code shipped the machine text
    assert code == 1, stderr
    assert page.exists()
    assert (f"error: {page}: this draft edition is still online: it was changed since it was published"
            in stderr), stderr
    assert "could not be withdrawn (the error below says why) and is still online" in stderr
    assert "kept: output/zh/story.html" not in stderr  # said once, as the error
    assert not (news.output / "zh" / "story.xml").exists()
    # unpublish, asked to take it down, cannot either: exit 1 too (it said `kept:` and exited 0)
    code, stderr = invoke(news, "unpublish", "zh", "story.txt")
    assert code == 1 and f"error: {page}: this edition is still online" in stderr, stderr


def test_a_draft_whose_source_is_gone_is_withdrawn_by_a_plain_publish(news: Settings) -> None:
    """An article deleted or renamed after a draft publish: its draft edition was kept online as a page no
    source makes (`kept: … no longer made by any source`), exit 0. A reviewed one is still kept."""
    fill(news, "zh", "story.txt", upper, fuzzy=True)  # a machine draft
    fill(news, "zh", "fair.html", upper)  # reviewed
    publish(news, ["zh"], Policy(draft=True))
    draft, reviewed = news.output / "zh" / "story.html", news.output / "zh" / "fair.html"
    assert draft.exists() and reviewed.exists()
    (news.source / "story.txt").unlink()
    (news.source / "fair.html").unlink()
    code, stderr = invoke(news, "publish", "zh")
    assert code == 0, stderr
    assert not draft.exists() and not draft.with_suffix(".xml").exists()
    assert "withdrawn: output/zh/story.html" in stderr
    assert reviewed.exists() and "kept: output/zh/fair.html (no longer made by any source;" in stderr
    # a --draft run leaves drafts online, as it always has
    fill(news, "zh", "older.txt", upper, fuzzy=True)
    publish(news, ["zh"], Policy(draft=True))
    (news.source / "older.txt").unlink()
    code, stderr = invoke(news, "publish", "zh", "--draft")
    assert code == 0 and (news.output / "zh" / "older.html").exists(), stderr


def test_unpublish_withdraws_named_editions_and_rebuilds_indexes_and_links(news: Settings) -> None:
    for article in ("story.txt", "older.txt", "fair.html"):
        fill(news, "zh", article, upper)
        fill(news, "ar", article, pseudo_arabic)
    publish(news, ["zh", "ar"], Policy())
    ar, zh = news.output / "ar", news.output / "zh"
    assert hreflangs(zh / "story.html") == [("ar", "../ar/story.html")]
    assert hreflangs(zh / "fair.html") == [("ar", "../ar/fair.html")]
    extra = ar / "extra.txt"
    extra.write_text("the publisher's own file", encoding="utf-8")

    code, stderr = invoke(news, "unpublish", "ar", "story.txt", "source/fair.html")

    assert code == 0, stderr
    assert sorted(p.name for p in ar.iterdir()) == [
        "extra.txt",
        "feed.atom",
        "index.html",
        "older.html",
        "older.xml",
    ]
    assert listed(ar / "index.html") == ["./older.html"]
    assert hreflangs(zh / "story.html") == [] and menu(zh / "story.html") == []
    assert hreflangs(zh / "fair.html") == []
    assert hreflangs(zh / "older.html") == [("ar", "../ar/older.html")]
    assert menu(zh / "older.html") == ["ar"]

    code, stderr = invoke(news, "unpublish", "ar")

    assert code == 0, stderr
    assert sorted(p.name for p in ar.iterdir()) == ["extra.txt"]
    assert hreflangs(zh / "index.html") == [] and hreflangs(zh / "older.html") == []
    languages = html5lib.parse((news.output / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert [a.get("href") for a in languages.findall(".//ul/li/a")] == ["./zh/index.html"]
    code, stderr = invoke(news, "unpublish", "ar", "story.txt")
    assert code == 1
    assert "story.txt is not published in ar" in stderr


def test_publishing_one_language_updates_the_links_of_the_others(news: Settings) -> None:
    for article in ("story.txt", "fair.html"):
        fill(news, "zh", article, upper)
        fill(news, "ar", article, pseudo_arabic)
    publish(news, ["zh"], Policy())
    zh = news.output / "zh"
    assert hreflangs(zh / "story.html") == [] and hreflangs(zh / "fair.html") == []
    before = {p: p.stat().st_mtime_ns for p in zh.iterdir()}

    report = publish(news, ["ar"], Policy())

    assert hreflangs(zh / "story.html") == [("ar", "../ar/story.html")]
    assert menu(zh / "story.html") == ["ar"]
    assert hreflangs(zh / "fair.html") == [("ar", "../ar/fair.html")]
    assert hreflangs(zh / "index.html") == [("ar", "../ar/index.html")]
    changed = {p for p in before if p.stat().st_mtime_ns != before[p]}
    assert changed == {zh / "story.html", zh / "fair.html", zh / "index.html"}
    assert set(report.written) >= changed
    again = publish(news, ["zh", "ar"], Policy())
    assert again.written == []  # every page is up to date: nothing is written


def test_a_page_edited_by_hand_keeps_its_links(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper)
    fill(news, "ar", "story.txt", pseudo_arabic)
    publish(news, ["zh"], Policy())
    page = news.output / "zh" / "story.html"
    page.write_bytes(page.read_bytes() + b"<!-- mine -->")
    publish(news, ["ar"], Policy())
    assert page.read_bytes().endswith(b"<!-- mine -->") and hreflangs(page) == []


def test_drafts_published_before_the_record_existed_are_withdrawn_too(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper, fuzzy=True)
    publish(news, ["zh"], Policy(draft=True))
    (news.root / ".workflow" / "published.json").unlink()  # as an older workflow left the workspace
    code, stderr = invoke(news, "publish", "zh")
    assert code == 0, stderr
    assert "its draft edition output/zh/story.html is withdrawn" in stderr
    assert not (news.output / "zh" / "story.html").exists()
    assert not (news.output / "zh" / "index.html").exists()  # nothing left online in zh


def test_links_are_found_again_when_the_page_quotes_the_tag_publish_writes(tmp_path: Path) -> None:
    quoting = PAGE.replace(
        "<html", '<!-- old: <meta charset="utf-8"><link rel="alternate" hreflang="x" href="y"> --><html', 1
    ).replace("<body>", '<body>\n<header class="masthead">\n<a href="/">The site\'s own</a>\n</header>\n')
    settings = workspace(tmp_path / "ws", {"fair.html": quoting})
    fill(settings, "zh", "fair.html", upper)
    fill(settings, "ar", "fair.html", pseudo_arabic)
    publish(settings, ["zh"], Policy())
    publish(settings, ["ar"], Policy())
    page = settings.output / "zh" / "fair.html"
    assert hreflangs(page) == [("ar", "../ar/fair.html")]
    assert (
        '<!-- old: <meta charset="utf-8"><link rel="alternate" hreflang="x" href="y"> -->' in page.read_text()
    )
    assert menu(page) == []  # a source page's own masthead is the publisher's: never replaced
    assert '<header class="masthead">\n<a href="/">THE SITE\'S OWN</a>\n</header>' in page.read_text()


def test_the_first_publication_date_is_kept_until_the_edition_is_withdrawn(news: Settings) -> None:
    fill(news, "zh", "fair.html", upper)
    publish(news, ["zh"], Policy())
    record = news.root / ".workflow" / "published.json"
    assert "zh/fair" in json.loads(record.read_text(encoding="utf-8"))["first"]
    assert invoke(news, "unpublish", "zh", "fair")[0] == 0
    kept = json.loads(record.read_text(encoding="utf-8"))
    assert "zh/fair" not in kept["first"]
    assert list(kept["takedowns"]) == ["zh/fair"]  # by the page's name: it holds while the source is away


def test_an_interrupted_publish_still_records_what_it_wrote(
    news: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workflow.publish as publishing

    fill(news, "zh", "older.txt", upper)
    publish(news, ["zh"], Policy())  # the record exists from now on
    fill(news, "zh", "story.txt", upper, fuzzy=True)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(publishing, "_refresh", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish(news, ["zh"], Policy(draft=True))
    monkeypatch.undo()
    assert (news.output / "zh" / "story.html").exists()
    report = publish(news, ["zh"], Policy())
    withdrawn = [h.withdrawn for h in report.held if h.article == "story.txt"]
    assert withdrawn == [news.output / "zh" / "story.html"]
    assert not (news.output / "zh" / "story.html").exists()


def test_a_page_whose_source_is_gone_stops_linking_a_withdrawn_edition(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper)
    fill(news, "ar", "story.txt", pseudo_arabic)
    publish(news, ["zh", "ar"], Policy())
    (news.source / "story.txt").unlink()
    page = news.output / "zh" / "story.html"
    assert hreflangs(page) == [("ar", "../ar/story.html")]
    assert invoke(news, "unpublish", "ar", "story")[0] == 0
    assert hreflangs(page) == [] and menu(page) == []  # still online in zh, linking nothing gone


def test_a_draft_whose_catalog_cannot_be_read_is_withdrawn_by_a_plain_publish(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper, fuzzy=True)  # a machine draft
    fill(news, "zh", "fair.html", upper)  # reviewed
    publish(news, ["zh"], Policy(draft=True))
    zh = news.output / "zh"
    for article in ("story.txt", "fair.html"):
        with news.catalog(article, "zh").open("a", encoding="utf-8") as catalog:
            catalog.write('msgstr "not a PO file any more\n')

    code, stderr = invoke(news, "publish", "zh", "--draft")  # a draft run: drafts may stay online

    assert code == 1 and "held back: story.txt" not in stderr
    assert sorted(listed(zh / "index.html")) == ["./fair.html", "./story.html"]

    code, stderr = invoke(news, "publish", "zh")

    assert code == 1
    assert "story.po:" in stderr and "cannot read catalog" in stderr
    assert (
        "held back: story.txt: it cannot be worked out (the error below says why); its draft edition "
        "output/zh/story.html is withdrawn" in stderr
    )
    assert (
        "held back: fair.html: it cannot be worked out (the error below says why); the earlier edition "
        "output/zh/fair.html stays online" in stderr  # reviewed: a broken catalog does not take it down
    )
    assert not (zh / "story.html").exists() and not (zh / "story.xml").exists()
    assert listed(zh / "index.html") == ["./fair.html"]
    feed = etree.parse(str(zh / "feed.atom"))
    assert [e.findtext("a:title", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)] == ["FAIR OPENS"]


def test_a_draft_whose_source_cannot_be_read_is_withdrawn_by_a_plain_publish(news: Settings) -> None:
    fill(news, "zh", "story.txt", upper, fuzzy=True)
    publish(news, ["zh"], Policy(draft=True))
    (news.source / "story.txt").write_bytes(STORY.encode("utf-8") + b"\xff\n")  # not UTF-8 any more

    code, stderr = invoke(news, "publish", "zh")

    assert code == 1
    assert "its draft edition output/zh/story.html is withdrawn" in stderr
    assert not (news.output / "zh" / "story.html").exists()
    assert not (news.output / "zh" / "index.html").exists()  # nothing left online in zh


def unconfigure(settings: Settings, lang: str) -> None:
    """Take a language out of `languages` in setup.cfg (the CLI reads it again)."""
    config = settings.root / "setup.cfg"
    text = config.read_text(encoding="utf-8")
    kept = " ".join(other for other in settings.languages if other != lang)
    config.write_text(text.replace(f"languages = {' '.join(settings.languages)}", f"languages = {kept}"),
                      encoding="utf-8")


def test_a_language_no_longer_configured_loses_its_drafts(news: Settings) -> None:
    fill(news, "ar", "story.txt", pseudo_arabic, fuzzy=True)  # a machine draft
    fill(news, "ar", "fair.html", pseudo_arabic)  # reviewed
    fill(news, "zh", "fair.html", upper)
    publish(news, ["zh", "ar"], Policy(draft=True))
    unconfigure(news, "ar")
    ar = news.output / "ar"

    code, stderr = invoke(news, "publish", "--draft")  # a draft run decides nothing in ar

    assert code == 0, stderr
    assert (ar / "story.html").exists()

    code, stderr = invoke(news, "publish")

    assert code == 0, stderr
    assert (
        "ar: held back: story.txt: ar is no longer among the configured languages (`languages` in "
        "setup.cfg); its draft edition output/ar/story.html is withdrawn" in stderr
    )
    assert not (ar / "story.html").exists() and not (ar / "story.xml").exists()
    assert listed(ar / "index.html") == ["./fair.html"]  # the reviewed edition stays, until unpublished
    assert [e.get("term") for e in etree.parse(str(ar / "feed.atom")).iter(f"{{{ATOM['a']}}}category")] == []
    assert (news.output / "zh" / "fair.html").exists()


def test_a_language_no_longer_configured_can_be_unpublished(news: Settings) -> None:
    fill(news, "ar", "story.txt", pseudo_arabic, fuzzy=True)
    fill(news, "zh", "fair.html", upper)
    publish(news, ["zh", "ar"], Policy(draft=True))
    unconfigure(news, "ar")
    ar = news.output / "ar"

    code, stderr = invoke(news, "unpublish", "ar")

    assert code == 0, stderr
    assert not (ar / "story.html").exists() and not (ar / "index.html").exists()
    assert (news.output / "zh" / "fair.html").exists()
    code, stderr = invoke(news, "unpublish", "ar")  # nothing of ar recorded any more
    assert code == 2 and "not a configured language: ar (configured: zh)" in stderr


def test_languages_in_gettext_spelling_are_published_in_bcp47(tmp_path: Path) -> None:
    """`languages = pt_BR zh_hant_tw` (the README accepts either spelling): every bulletin broke the schema
    (`'pt_BR' is not a valid value of … 'xs:language'`) and nothing of the language was published.
    Folders and catalogs keep the configured spelling; `lang`, `xml:lang` and `hreflang` take BCP 47's."""
    news = workspace(tmp_path / "ws", {"story.txt": STORY, "fair.html": PAGE}, languages="pt_BR zh_hant_tw")
    for lang in ("pt_BR", "zh_hant_tw"):
        for article in ("story.txt", "fair.html"):
            fill(news, lang, article, upper)
    report = publish(news, ["pt_BR", "zh_hant_tw"], Policy())
    assert not report.failures, report.failures
    folder = news.output / "pt_BR"
    for name in ("story.html", "fair.html", "index.html"):
        page = html5lib.parse((folder / name).read_bytes(), namespaceHTMLElements=False)
        assert page.get("lang") == "pt-BR", name
        assert ("zh-Hant-TW", "../zh_hant_tw/" + name) in hreflangs(folder / name), name
    assert etree.parse(str(folder / "story.xml")).getroot().get(
        "{http://www.w3.org/XML/1998/namespace}lang") == "pt-BR"
    assert etree.parse(str(folder / "feed.atom")).getroot().get(
        "{http://www.w3.org/XML/1998/namespace}lang") == "pt-BR"
    languages = html5lib.parse((news.output / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert {a.get("hreflang") for a in languages.iter("a") if a.get("hreflang")} == {"pt-BR", "zh-Hant-TW"}


@pytest.mark.parametrize(("code", "tag"), [("pt_BR", "pt-BR"), ("zh_hant_tw", "zh-Hant-TW"),
                                           ("sr_Latn", "sr-Latn"), ("es_419", "es-419"), ("EN", "en"),
                                           ("de-CH-1996", "de-CH-1996")])
def test_language_tags_take_bcp47s_separator_and_case(code: str, tag: str) -> None:
    from workflow.languages import language_tag

    assert language_tag(code) == tag


def test_page_texts_in_a_language_without_its_own_are_tagged_english(tmp_path: Path) -> None:
    """Hebrew, German and Japanese pages had English banners, headings and labels inside `<html lang="he"
    dir="rtl">` (read aloud as Hebrew, the full stop moved to the wrong end). Hebrew, German, Japanese,
    Portuguese and Italian now have their own texts; a language with none gets English tagged as such."""
    news = workspace(tmp_path / "ws", {"story.txt": STORY, "fair.html": PAGE}, languages="he ko")
    for lang in ("he", "ko"):
        for article in ("story.txt", "fair.html"):
            fill(news, lang, article, upper, fuzzy=True)
    report = publish(news, ["he", "ko"], Policy(draft=True))
    assert not report.failures, report.failures
    for name in ("story.html", "fair.html"):
        hebrew = (news.output / "he" / name).read_text(encoding="utf-8")
        assert "טיוטה: תרגום מכונה" in hebrew and "Draft: machine translation" not in hebrew
        korean = html5lib.parse((news.output / "ko" / name).read_bytes(), namespaceHTMLElements=False)
        banner = next(p for p in korean.iter("p") if "Draft: machine translation" in "".join(p.itertext()))
        assert (banner.get("lang"), banner.get("dir")) == ("en", "ltr"), name
        for nav in korean.iter("nav"):  # (the bulletin page's masthead)
            assert nav.get("aria-label") == "Other languages" and nav.get("lang") == "en"
    index = html5lib.parse((news.output / "ko" / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert index.get("lang") == "ko" and next(index.iter("h1")).get("lang") == "en"
    assert next(index.iter("title")).get("lang") == "en"
    feed = etree.parse(str(news.output / "ko" / "feed.atom")).getroot()
    assert feed.find("a:title", ATOM).get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    hebrew = html5lib.parse((news.output / "he" / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert next(hebrew.iter("h1")).get("lang") is None


def test_drafts_published_with_the_untagged_english_banner_are_still_known_as_drafts() -> None:
    """Pages published before a language had its own texts carry the English banner as it was written
    then: the check that keeps a draft from staying online must still find it."""
    from workflow.render import draft_banners

    assert draft_banners("he")[1] == ('<p class="workflow-banner" role="note">Draft: machine translation, '
                                      'not yet reviewed. Marked passages may contain errors.</p>')
    assert 'lang="en" dir="ltr"' in draft_banners("ko")[0] and "טיוטה" in draft_banners("he")[0]


def test_an_article_taken_down_with_unpublish_stays_down_until_restored(news: Settings) -> None:
    """`unpublish zh story.txt` removed the edition, and the next routine publish (or run) put it back
    without a word: a takedown made for legal or accuracy reasons reappeared. Decision: publish holds
    it back, saying so, until `publish zh --restore story.txt`; other languages are not affected."""
    for article in ("story.txt", "fair.html"):
        fill(news, "zh", article, upper)
        fill(news, "ar", article, pseudo_arabic)
    publish(news, ["zh", "ar"], Policy())
    page = news.output / "zh" / "story.html"
    code, stderr = invoke(news, "unpublish", "zh", "story")  # as its page is named: the same article
    assert code == 0 and not page.exists(), stderr
    assert ("story.txt stays down: publish and run hold it back until `workflow publish zh --restore "
            "story.txt`") in stderr
    for command in (["publish"], ["run", "--engine", "pseudo"]):
        code, stderr = invoke(news, *command)
        assert code in ((0,) if command == ["publish"] else (0, 3)), stderr  # (run: QA of the stand-ins)
        assert not page.exists() and (news.output / "ar" / "story.html").exists()
        assert "held back: story.txt: withdrawn on" in stderr
        assert "--restore story.txt` puts it back" in stderr
    assert "story.html" not in "".join(listed(news.output / "zh" / "index.html"))
    code, stderr = invoke(news, "publish", "zh", "--restore", "source/story.txt")
    assert code == 0 and page.exists(), stderr
    assert invoke(news, "publish")[0] == 0 and page.exists()  # restored for good
    code, stderr = invoke(news, "publish", "zh", "--restore", "fair.html")  # never taken down
    assert code == 1 and "fair.html was not withdrawn with `workflow unpublish` in zh" in stderr, stderr


def test_unpublishing_a_whole_language_is_not_a_takedown_of_each_article(news: Settings) -> None:
    """`unpublish zh` with no article (retiring a language, or starting it again): the next publish of zh
    publishes what qualifies, as it did."""
    fill(news, "zh", "story.txt", upper)
    publish(news, ["zh"], Policy())
    assert invoke(news, "unpublish", "zh")[0] == 0
    assert not (news.output / "zh" / "story.html").exists()
    code, stderr = invoke(news, "publish", "zh")
    assert code == 0 and (news.output / "zh" / "story.html").exists(), stderr


def test_a_feed_entry_is_updated_when_its_draft_is_reviewed(news: Settings) -> None:
    """The entry's title went from `Draft: …` to the reviewed title, but its <updated> stayed the article's
    date: feed readers were not told the edition changed."""
    import datetime as dt

    fill(news, "zh", "story.txt", upper, fuzzy=True)
    publish(news, ["zh"], Policy(draft=True))
    feed = news.output / "zh" / "feed.atom"

    def updated() -> str:
        entry = etree.parse(str(feed)).getroot().find("a:entry", ATOM)
        return str(entry.findtext("a:updated", namespaces=ATOM))

    assert updated() == "2021-03-02T00:00:00Z"  # first published: the article's own date
    before = dt.datetime.now(dt.UTC).date()
    fill(news, "zh", "story.txt", upper)  # reviewed
    publish(news, ["zh"], Policy(draft=True))
    after = dt.datetime.now(dt.UTC).date()
    assert updated() in {f"{day.isoformat()}T00:00:00Z" for day in (before, after)}
    assert etree.parse(str(feed)).getroot().findtext("a:updated", namespaces=ATOM) == updated()
    kept = feed.read_bytes()
    publish(news, ["zh"], Policy(draft=True))  # nothing changed: nothing moves
    assert feed.read_bytes() == kept


def test_a_takedown_holds_while_the_source_is_away_and_after_it_returns(news: Settings) -> None:
    """Unpublished (as `older`) while source/older.txt was moved away, then the source put back: the next
    publish put the edition online again (the takedown was kept as `older`, the source is `older.txt`);
    `--restore older` was refused as never withdrawn."""
    fill(news, "zh", "older.txt", upper)
    publish(news, ["zh"], Policy())
    page = news.output / "zh" / "older.html"
    source = news.source / "older.txt"
    away = news.root / "older.txt.away"
    source.rename(away)
    assert invoke(news, "publish", "zh")[0] == 0 and page.exists()  # a reviewed orphan stays, reported
    code, stderr = invoke(news, "unpublish", "zh", "older")
    assert code == 0 and not page.exists(), stderr
    away.rename(source)
    code, stderr = invoke(news, "publish", "zh")
    assert code == 0 and not page.exists(), stderr
    assert "held back: older.txt: withdrawn on" in stderr
    code, stderr = invoke(news, "publish", "zh", "--restore", "older")  # as it was taken down
    assert code == 0 and page.exists(), stderr


def test_unpublish_takes_any_spelling_of_the_language(tmp_path: Path) -> None:
    """`unpublish pt-BR` with `languages = pt_BR` (the spelling its pages' lang shows) withdrew nothing and
    exited 0; `unpublish pt-BR story.txt` said the article was not published."""
    news = workspace(tmp_path / "ws", {"story.txt": STORY, "older.txt": OLDER}, languages="pt_BR")
    for article in ("story.txt", "older.txt"):
        fill(news, "pt_BR", article, upper)
    publish(news, ["pt_BR"], Policy())
    folder = news.output / "pt_BR"
    code, stderr = invoke(news, "unpublish", "pt-br", "story.txt")
    assert code == 0 and not (folder / "story.html").exists(), stderr
    code, stderr = invoke(news, "unpublish", "PT-BR")
    assert code == 0 and not (folder / "older.html").exists(), stderr
    assert invoke(news, "unpublish", "xx")[0] == 2  # not a language of this workspace: bad usage


def test_traditional_chinese_gets_traditional_page_texts(tmp_path: Path) -> None:
    """`zh_hant_tw` (and `zh-TW`) got the Simplified Chinese banner and headings inside `lang="zh-Hant-TW"`;
    texts are chosen by language and script. A draft published with the Simplified banner before is
    still known as a draft."""
    from workflow.render import draft_banners, ui

    news = workspace(tmp_path / "ws", {"story.txt": STORY}, languages="zh_hant_tw zh")
    for lang in ("zh_hant_tw", "zh"):
        fill(news, lang, "story.txt", upper, fuzzy=True)
    assert not publish(news, ["zh_hant_tw", "zh"], Policy(draft=True)).failures
    traditional = (news.output / "zh_hant_tw" / "story.html").read_text(encoding="utf-8")
    simplified = (news.output / "zh" / "story.html").read_text(encoding="utf-8")
    assert "草稿：機器翻譯" in traditional and "机器翻译" not in traditional
    assert "草稿：机器翻译" in simplified
    assert ui("zh-HK")["bulletin"] == ui("zh_TW")["bulletin"] == "新聞簡報"
    assert ui("zh-CN")["bulletin"] == "新闻简报"
    assert ui("sr-Latn")["attrs"] and not ui("pt-BR")["attrs"]  # no Latin Serbian texts: English, tagged
    assert any("机器翻译" in banner for banner in draft_banners("zh-TW"))
