"""Property tests: arbitrary text and markup through extract -> PO file on disk -> publish's own
choose -> localize.

For each source reader (text, HTML, bulletin XML), the segmenter, the PO store and
the assembler:

- whatever the bytes, extract either reads a file or reports it as a failure; no
  exception but the project's own WorkflowError ever leaves a stage;
- a file it reads goes through its catalogs on disk and back: with each msgstr equal
  to its msgid, assembling gives the source byte for byte; with any translation at
  all, the localized document and its bulletin are built (well-formed, schema-valid);
- with every unit reviewed, the published page shows no unit in the source language;
- every unit of an HTML page is text a browser shows (html5lib's DOM), never a comment;
- any text survives a catalog on disk: written by the store, read back equal.

CI runs these with the derandomized `ci` profile (tests/conftest.py); `make fuzz` runs them
with the `fuzz` profile, far more examples. Each find becomes an explicit `@example`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import html5lib
import polib
import pytest
from extracting import make_workspace, write_catalog
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from publishing import localized

from workflow.assemble import choose, localize
from workflow.bulletin import assemble_bulletin
from workflow.extract import extract, read_article
from workflow.markup import parse_xml
from workflow.model import BlockKind, Format, Segment, State
from workflow.segment import PLACEHOLDER, placeholder_problems, split_block, unit_key
from workflow.settings import Settings
from workflow.store import TargetUpdate, apply_targets, catalog_targets, load_units

# the `fuzz` profile's count when `make fuzz` runs; otherwise a few dozen, for `make test`
_FUZZING = settings.default.max_examples > 1000
EXAMPLES = settings(max_examples=settings.default.max_examples if _FUZZING else 40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NS = 'xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1"'

# Text: letters of several scripts, digits, punctuation, spaces of every kind, and the
# characters that PO files and markup treat specially.
CHARACTERS = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")),
    st.sampled_from(list("<>&\"'\\.!?;:…。！？«»“”\u00a0\u2028\u2029\u200b\t\n\r\x1e\x0b\x0c\ufeff")),
)
TEXT = st.text(CHARACTERS, min_size=1, max_size=40)
WORDS = st.lists(st.sampled_from(["The", "fair", "opened", "in", "Beijing", "U.S.", "Mr.", "Li", "said",
                                  "22,000", "firms", "on", "Sept.", "4", "—", "«quoted»", "北京", "展会",
                                  "خبر", "новости"]), min_size=1, max_size=8)
ENDS = st.sampled_from([".", "!", "?", "", "…"])
SENTENCE = st.builds(lambda words, end: " ".join(words) + end, WORDS, ENDS)


@st.composite
def inline(draw: st.DrawFn, tags: tuple[str, ...], depth: int = 0) -> str:
    """Sentences with inline markup (escaped text, nested pairs, empty elements)."""
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 5 if depth < 3 else 2))
        if kind <= 1:
            out.append(escape(draw(SENTENCE)))
        elif kind == 2:
            out.append(escape(draw(TEXT)))
        elif kind == 3:
            out.append("<br/>")
        else:
            tag = draw(st.sampled_from(tags))
            # the schema allows text only in <code>
            content = escape(draw(SENTENCE)) if tag == "code" else draw(inline(tags, depth + 1))
            out.append(f"<{tag}>{content}</{tag}>")
    return " ".join(out)


def escape(text: str) -> str:
    """Text as markup may hold it: escaped, without the characters XML 1.0 forbids."""
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", " ", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_bulletin(title: str, paragraphs: list[str]) -> str:
    return "\n\n".join([title, *paragraphs]) + "\n"


def html_page(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html>\n<html><head><title>{escape(title)}</title></head>\n<body>\n{body}\n"
            "</body></html>\n")


def xml_bulletin(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<bulletin {NS}><head><title>{escape(title)}</title>'
            f"</head>\n<body>\n{body}\n</body></bulletin>\n")


DOCUMENTS: dict[str, tuple[str, Callable[[str, list[str]], str], st.SearchStrategy[str]]] = {
    "text": (".txt", text_bulletin, st.lists(SENTENCE, min_size=1, max_size=3).map(" ".join)),
    "html": (".html", html_page, inline(("em", "strong", "b", "a", "span", "code"))),
    "xml": (".xml", xml_bulletin, inline(("em", "strong", "span", "code"))),
}


class Workspace:
    """One workspace reused across a test's examples; `reset` empties it for the next one."""

    def __init__(self, root: Path) -> None:
        self.settings: Settings = make_workspace(root, {}, languages="zh")

    def reset(self, name: str, data: bytes) -> Path:
        for folder in (self.settings.source, self.settings.locales, self.settings.root / ".workflow"):
            shutil.rmtree(folder, ignore_errors=True)
        (self.settings.locales / "zh").mkdir(parents=True)
        self.settings.source.mkdir()
        path = self.settings.source / name
        path.write_bytes(data)
        return path


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("properties") / "ws")


def mark(text: str) -> str:
    """A visible translation that keeps every placeholder where it was."""
    out: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):  # not PLACEHOLDER.split: it returns the groups, not the tags
        out += [text[last:match.start()].upper(), match.group()]
        last = match.end()
    return "".join([*out, text[last:].upper()])


def _letters(text: str) -> str:
    """Letters and digits only: the text a browser and the reader agree on, whatever the spacing."""
    return re.sub(r"\W+", "", text)


def _browser_text(page: str) -> str:
    """The text of a page's DOM as html5lib builds it, comments left out (itertext keeps them)."""
    root = html5lib.parse(page, namespaceHTMLElements=False)
    texts: list[str] = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.text:
            texts.append(element.text)
        if element is not root and element.tail:
            texts.append(element.tail)
    return "".join(texts)


def through_disk(space: Workspace, name: str, data: bytes) -> None:
    """extract -> catalogs on disk -> choose -> localize, checking what must hold whatever the input."""
    path = space.reset(name, data)
    report = extract(space.settings)  # raises nothing: a file it cannot read is a failure
    assert report.articles + len(report.failures) == 1
    if report.failures:
        failure = report.failures[0]
        assert failure.path == path and failure.message and failure.hint
        event(f"refused: {failure.message[:60]}")
        return
    event(f"read, {min(report.units, 3)}{'+' if report.units > 3 else ''} unit(s)")
    article = read_article(space.settings, path)
    catalog = space.settings.catalog(article.path, "zh")
    targets = catalog_targets(catalog)  # read back from the file
    assert set(targets) == {piece.key for block in article.blocks for piece in block.pieces}
    for key, (target, state) in targets.items():
        assert target == "" and state is State.NEW
    identity = {s.key: s.text for s in (u.segment for u in load_units(catalog, "zh", article.path))}
    # byte for byte (in a language written with spaces: Chinese drops them between sentences; and the
    # source's own: into another, the page's lang="en" and dir attributes on translated content change)
    assert localized(article, identity, "en") == article.text
    # any translation: written into the catalog by the store, then published
    apply_targets(catalog, {key: TargetUpdate(mark(text), "test", fuzzy=False)
                            for key, text in identity.items()})
    reviewed = catalog_targets(catalog)
    assert {key: target for key, (target, _) in reviewed.items()} == {k: mark(t) for k, t in identity.items()}
    choices = choose(article, reviewed)
    published = localize(article, choices, "zh")
    assert published.fallbacks == ()  # all reviewed, placeholders kept: nothing shown in English
    if article.format is Format.HTML:
        shown = _letters(_browser_text(article.text))
        for block in article.blocks:
            if block.attribute is None and block.kind is not BlockKind.META:
                for piece in block.pieces:
                    for fragment in PLACEHOLDER.sub("\0", piece.text).split("\0"):
                        assert _letters(fragment) in shown, (piece.text, "is not text a browser shows")
    if article.format is Format.XML:
        parse_xml(published.text.encode("utf-8"), name)
    assemble_bulletin(article, choices, "zh")  # schema-valid, or PublishError ("report this as a bug")


@pytest.mark.parametrize("kind", list(DOCUMENTS))
@EXAMPLES
@given(data=st.data())
def test_generated_documents_round_trip_through_their_catalogs(space: Workspace, kind: str,
                                                               data: st.DataObject) -> None:
    suffix, build, paragraph = DOCUMENTS[kind]
    title = data.draw(SENTENCE, label="title")
    paragraphs = data.draw(st.lists(paragraph, min_size=1, max_size=4), label="paragraphs")
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "crlf"]), label="encoding")
    text = build(title, paragraphs)
    if encoding == "crlf":
        text = text.replace("\n", "\r\n")
    through_disk(space, f"doc{suffix}", text.encode("utf-8-sig" if encoding == "utf-8-sig" else "utf-8"))


SOUP = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from([
            "<p>", "</p>", "<em>", "</em>", "<b>", "</b>", "<br>", "<br/>", "<a href='x'>", "</a>",
            "<span translate='no'>", "</span>", "<code>", "</code>", "<script>", "</script>", "<!--", "-->",
            "<![CDATA[", "]]>", "&amp;", "&lt;", "&#xD800;", "&#0;", "&#x110000;", "&bogus;", "&", "<?pi ?>",
            "<!DOCTYPE x>", "<title>", "</title>", "<li>", "<td>", "<h1>", "</h1>", "<img alt='A picture.'>",
            "<div translate=no>", "</div>", "<textarea>", "<", ">", "\"", "\x00", "\r\n", "\n\n",
            f"<bulletin {NS}><head><title>T</title></head><body>", "</body></bulletin>",
        ]),
    ),
    max_size=30,
).map("".join)


@pytest.mark.parametrize("suffix", [".txt", ".html", ".xml"])
@EXAMPLES
@given(soup=SOUP, encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "surrogate"]))
# found by random exploration: a comment left open at the end of the file is a comment to its end
@example(soup="<p><!-- open \u2026 <svg><p>in svg</p></svg>The. ", encoding="utf-8")
# found by random exploration: a noncharacter the source holds does not make its translation refused
@example(soup="<p>The fair \ufffe opened.</p>", encoding="utf-8")
def test_any_bytes_are_read_or_refused_never_crash(space: Workspace, suffix: str, soup: str,
                                                   encoding: str) -> None:
    if encoding == "surrogate":  # bytes that are not text in any encoding
        data = soup.encode("utf-8") + b"\xff\xfe\x80" + soup[:5].encode("utf-8")
    else:
        data = soup.encode(encoding, "replace")
    through_disk(space, f"soup{suffix}", data)


@EXAMPLES
@given(texts=st.lists(TEXT, min_size=1, max_size=5, unique=True),
       targets=st.lists(TEXT, min_size=5, max_size=5))
def test_any_text_survives_a_catalog_on_disk(space: Workspace, texts: list[str], targets: list[str]) -> None:
    """Texts and translations with quotes, backslashes, line breaks, \\x1e, U+2028…: read back equal."""
    space.reset("a.txt", b"x")
    path = space.settings.catalog("a.txt", "zh")
    segments = [Segment(unit_key(text), "a.txt", text, line) for line, text in enumerate(texts, 1)]
    write_catalog(path, segments, "zh", "a.txt")
    updates = {s.key: TargetUpdate(target, "test", fuzzy=False) for s, target in zip(segments, targets)}
    apply_targets(path, updates)
    units = load_units(path, "zh", "a.txt")
    assert [(u.segment.key, u.segment.text, u.target) for u in units] == [
        (s.key, s.text, updates[s.key].target) for s in segments]
    assert [e.msgid for e in polib.pofile(str(path))] == texts  # what any PO tool reads too


@EXAMPLES
@given(parts=st.lists(st.one_of(SENTENCE, TEXT), min_size=1, max_size=6), mode=st.sampled_from(["sentence",
                                                                                                "paragraph"]))
def test_the_segmenter_keeps_every_character(parts: list[str], mode: str) -> None:
    """The pieces and separators of any block give back its text (spaces collapsed), keys from the text."""
    source = " ".join(parts)
    pieces, separators = split_block([source], mode, source, [(0, len(source))])
    assert len(separators) == max(len(pieces) - 1, 0)
    for piece in pieces:
        assert piece.key == unit_key(piece.text)
        assert not placeholder_problems(piece.text, piece.text)
        if piece.span is not None:
            assert re.sub(r"[ \t\n\r\f\v]+", " ", source[piece.span[0]:piece.span[1]]) == piece.text
    if pieces and all(p.span for p in pieces):
        rebuilt = "".join(source[p.span[0]:p.span[1]] + sep  # type: ignore[index]
                          for p, sep in zip(pieces, [*separators, ""]))
        first, last = pieces[0].span, pieces[-1].span
        assert first is not None and last is not None
        assert rebuilt == source[first[0]:last[1]]
