"""Hostile and odd input: refused with a clear message, or read correctly; never any harm.

Every test here runs the real commands (extract, then publish) on a workspace
beside a folder `outside/` that holds a secret, while a tiny HTTP server of the
test's own listens on 127.0.0.1. Whatever the input, the server must get no
request and the secret must never appear in any file of the workspace.
"""

from __future__ import annotations

import codecs
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from extracting import make_workspace
from lxml import etree
from publishing import localized, without_marks

from workflow.bulletin import MAX_INLINE_DEPTH
from workflow.cli import cli
from workflow.extract import MAX_SOURCE_BYTES, read_article
from workflow.markup import parse_xml
from workflow.settings import Settings, load_settings

SECRET = "SECRET-MARKER-5b1e9c"
SERVED = "SERVED-MARKER-77d0"  # what the server would hand out, were it ever asked
NS = 'xmlns="urn:x-workflow:bulletin:1" xml:lang="en" version="1"'
GOOD = "Title of a good article\n\nIt is read, whatever the others hold.\n"


@dataclass
class Trap:
    """The outside world as hostile input would like to reach it."""

    url: str  # http://127.0.0.1:PORT
    secret: Path  # a file outside the workspace
    requests: list[str]


@pytest.fixture
def trap(tmp_path: Path) -> Iterator[Trap]:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            requests.append(self.path)
            body = f'<!ENTITY served "{SERVED}">{SERVED}'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET} is private.\n", encoding="utf-8")
    try:
        yield Trap(f"http://127.0.0.1:{server.server_address[1]}", secret, requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def workspace(root: Path, sources: dict[str, bytes]) -> Settings:
    """A zh workspace with a good article beside `sources`."""
    make_workspace(root, {"good.txt": GOOD, **sources}, languages="zh")
    return load_settings(root)


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def review_everything(root: Path) -> None:
    """Every unit of every catalog reviewed, in a stand-in translation that keeps placeholders."""
    for path in (root / "locales" / "zh").rglob("*.po"):
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = f"【{entry.msgid}】"
        catalog.save(str(path))


def assert_no_harm(root: Path, trap: Trap) -> None:
    """No request reached the server; neither the secret nor anything served is in the workspace."""
    assert trap.requests == [], f"network access: {trap.requests}"
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert SECRET.encode() not in data, f"the secret leaked into {path}"
            assert SERVED.encode() not in data, f"served data reached {path}"


def assert_refused(result: Result, path: Path, line: int | None, message: str, hint: str) -> None:
    """`error: path:line: message` then `hint: …`, exit 1, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    where = f"{path}:{line}" if line else str(path)
    lines = result.stderr.splitlines()
    found = [n for n, text in enumerate(lines) if text == f"error: {where}: {message}"]
    assert found, f"no `error: {where}: {message}` in\n{result.stderr}"
    assert lines[found[0] + 1].startswith("hint: ") and hint in lines[found[0] + 1], lines[found[0] + 1]


def bulletin(body: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<bulletin {NS}><head><title>A title</title>'
            f"</head><body><p>{body}</p></body></bulletin>\n")


LONG_COMMENT = "<!--" + "padding " * 700 + "-->\n"  # past the first 4 KiB that are searched first
BOMB = (
    '<!DOCTYPE bulletin [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    + "]>\n"
)
QUADRATIC = f'<!DOCTYPE bulletin [<!ENTITY big "{"x" * 100_000}">]>\n'
DOCTYPE = "a DOCTYPE is not allowed in bulletin XML"
NO_DOCTYPE = "remove the <!DOCTYPE …> declaration"

# (id, XML text with {url} and {secret}, line of the error, message, hint)
HOSTILE_XML = [
    pytest.param(bulletin("Text &e; here.", '<!DOCTYPE bulletin [<!ENTITY e SYSTEM "file://{secret}">]>\n'),
                 2, DOCTYPE, NO_DOCTYPE, id="xxe-file"),
    pytest.param(bulletin("Text &e; here.", LONG_COMMENT
                          + '<!DOCTYPE bulletin [<!ENTITY e SYSTEM "file://{secret}">]>\n'),
                 3, DOCTYPE, NO_DOCTYPE, id="xxe-file-after-a-long-prolog"),
    pytest.param(bulletin("Text &e; here.", LONG_COMMENT
                          + '<!DOCTYPE bulletin [<!ENTITY e SYSTEM "{url}/entity">]>\n'),
                 3, DOCTYPE, NO_DOCTYPE, id="xxe-network"),
    pytest.param(bulletin("Text here.", LONG_COMMENT + '<!DOCTYPE bulletin SYSTEM "{url}/bulletin.dtd">\n'),
                 3, DOCTYPE, NO_DOCTYPE, id="external-dtd"),
    pytest.param(bulletin("Text &served; here.", LONG_COMMENT
                          + '<!DOCTYPE bulletin [<!ENTITY % remote SYSTEM "{url}/param"> %remote;]>\n'),
                 3, DOCTYPE, NO_DOCTYPE, id="parameter-entity"),
    pytest.param(bulletin("Text &j; here.", BOMB), 2, DOCTYPE, NO_DOCTYPE, id="billion-laughs"),
    pytest.param(bulletin("&big;" * 1000, LONG_COMMENT + QUADRATIC), 4,
                 "malformed XML: its entities would expand too far", NO_DOCTYPE, id="quadratic-blowup"),
    pytest.param(bulletin("Text &e; here."), 2, "malformed XML: Entity 'e' not defined", "well-formed",
                 id="undeclared-entity"),
    pytest.param(bulletin("<em>" * 10_000 + "Deep." + "</em>" * 10_000), 2,
                 "malformed XML: elements are nested more than 256 deep", "flatten the markup",
                 id="10000-deep-nesting"),
]


@pytest.mark.parametrize(("text", "line", "message", "hint"), HOSTILE_XML)
def test_hostile_xml_is_refused_without_harm(tmp_path: Path, trap: Trap, text: str, line: int, message: str,
                                             hint: str) -> None:
    data = text.replace("{url}", trap.url).replace("{secret}", str(trap.secret)).encode()
    root = tmp_path / "ws"
    workspace(root, {"hostile.xml": data})
    path = root / "source" / "hostile.xml"
    extracted = invoke(root, "extract")
    review_everything(root)
    published = invoke(root, "publish")
    assert_no_harm(root, trap)
    assert_refused(extracted, path, line, message, hint)
    assert_refused(published, path, line, message, hint)
    assert not (root / "locales" / "zh" / "hostile.po").exists()
    assert (root / "output" / "zh" / "good.html").is_file()  # the other article went all the way


def test_a_doctype_in_utf16_is_refused_too(tmp_path: Path, trap: Trap) -> None:
    """The quick byte search for `<!DOCTYPE` cannot see UTF-16; the parsed document still can."""
    text = bulletin("Text &e; here.", f'<!DOCTYPE bulletin [<!ENTITY e SYSTEM "file://{trap.secret}">]>\n')
    data = codecs.BOM_UTF16_LE + text.replace('"utf-8"', '"utf-16"').encode("utf-16-le")
    root = tmp_path / "ws"
    workspace(root, {"hostile.xml": data})
    assert_refused(invoke(root, "extract"), root / "source" / "hostile.xml", 2, DOCTYPE, NO_DOCTYPE)
    assert_no_harm(root, trap)


def test_references_in_valid_bulletins_are_never_followed(tmp_path: Path, trap: Trap) -> None:
    """A schema location, a style sheet, links and images to files and URLs: kept as text, never fetched."""
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet href="{trap.url}/style.xsl" '
            'type="text/xsl"?>\n')
    located = (f'<bulletin {NS} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               f'xsi:schemaLocation="urn:x-workflow:bulletin:1 {trap.url}/bulletin.xsd">')
    text = (f"{head}{located}<head><title>A title</title></head><body>"
            f'<p>See <a href="file://{trap.secret}">the file</a> and '
            f'<a href="{trap.url}/page">the page</a>.</p>'
            f'<figure src="file://{trap.secret}"><caption>A picture.</caption></figure>'
            "</body></bulletin>\n")
    page = (f'<!DOCTYPE html SYSTEM "{trap.url}/html.dtd"><html><head><title>A page</title>'
            f'<link rel="stylesheet" href="{trap.url}/style.css"><base href="{trap.url}/">'
            f'<script src="{trap.url}/script.js"></script></head><body>'
            f'<p>An <img src="{trap.url}/image.png" alt="image"> and <iframe src="file://{trap.secret}">'
            f'</iframe> with &amp; an &unknown; entity and &#x26;.</p>'
            f'<object data="file://{trap.secret}">Fallback text here.</object></body></html>\n')
    root = tmp_path / "ws"
    workspace(root, {"located.xml": text.encode(), "page.html": page.encode()})
    extracted = invoke(root, "extract")
    assert extracted.exit_code == 0, extracted.output
    units = {e.msgid for e in polib.pofile(str(root / "locales" / "zh" / "page.po"))}
    assert "with & an &unknown; entity and &." in units  # references decoded; an unknown one is text
    located_units = {e.msgid for e in polib.pofile(str(root / "locales" / "zh" / "located.po"))}
    assert "See <1>the file</1> and <2>the page</2>." in located_units
    review_everything(root)
    published = invoke(root, "publish")
    assert published.exit_code == 0, published.output
    assert (root / "output" / "zh" / "located.html").is_file()
    assert (root / "output" / "zh" / "page.html").is_file()
    assert_no_harm(root, trap)


def test_the_memory_never_follows_entities(tmp_path: Path, trap: Trap) -> None:
    """A TMX file (they often carry a DOCTYPE) with file, network and parameter entities and a bomb."""
    tmx = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE tmx SYSTEM "{trap.url}/tmx14.dtd" [
<!ENTITY secret SYSTEM "file://{trap.secret}">
<!ENTITY net SYSTEM "{trap.url}/net">
<!ENTITY % remote SYSTEM "{trap.url}/param"> %remote;
<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="test" creationtoolversion="1" o-tmf="test"/><body>
<tu><tuv xml:lang="en"><seg>It is read, whatever the others hold.</seg></tuv>
<tuv xml:lang="zh"><seg>无论如何 &secret;&net;&c;都会读取。</seg></tuv></tu>
</body></tmx>
"""
    root = tmp_path / "ws"
    workspace(root, {})
    (tmp_path / "memory.tmx").write_text(tmx, encoding="utf-8")
    assert invoke(root, "extract").exit_code == 0
    imported = invoke(root, "tm", "import", str(tmp_path / "memory.tmx"))
    assert "Traceback" not in imported.output
    filled = invoke(root, "pretranslate", "--engine", "tm")
    assert filled.exit_code == 0, filled.output
    assert_no_harm(root, trap)


def test_links_out_of_the_source_folder_are_not_read(tmp_path: Path, trap: Trap) -> None:
    root = tmp_path / "ws"
    workspace(root, {})
    os.symlink(trap.secret, root / "source" / "leak.txt")
    os.symlink(trap.secret.parent, root / "source" / "linked-folder")
    result = invoke(root, "extract")
    assert_refused(result, root / "source" / "leak.txt", None, "not under the workspace's source/ folder",
                   "put articles in")
    assert (root / "locales" / "zh" / "good.po").is_file()
    assert_no_harm(root, trap)


# -- size, depth and bytes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        pytest.param("huge.txt", b"A sentence of the article.\n\n", id="text"),
        pytest.param("huge.html", b"<p>A sentence of the article.</p>\n", id="html"),
        pytest.param("huge.xml", b"<p>A sentence of the article.</p>\n", id="xml"),
    ],
)
def test_a_50_mb_article_is_refused_before_it_is_read(tmp_path: Path, trap: Trap, name: str,
                                                      unit: bytes) -> None:
    root = tmp_path / "ws"
    workspace(root, {})
    path = root / "source" / name
    size = 50 * 1024 * 1024
    with path.open("wb") as stream:
        if name.endswith(".xml"):
            stream.write(f"<bulletin {NS}><head><title>Huge</title></head><body>\n".encode())
        chunk = unit * (1024 * 1024 // len(unit))
        while stream.tell() < size:
            stream.write(chunk)
        stream.truncate(size)
    assert path.stat().st_size > MAX_SOURCE_BYTES
    message = "too large to be an article (50.0 MiB; the limit is 10 MiB)"
    assert_refused(invoke(root, "extract"), path, None, message, "split it into articles")
    assert (root / "locales" / "zh" / "good.po").is_file()
    review_everything(root)
    assert_refused(invoke(root, "publish"), path, None, message, "split it into articles")
    assert (root / "output" / "zh" / "good.html").is_file()
    assert_no_harm(root, trap)


DEEP = 10_000
DEEP_HTML = [
    pytest.param("<html><body>" + "<div>" * DEEP + "<p>Deep inside.</p>" + "</div>" * DEEP + "</body></html>",
                 "Deep inside.", id="blocks"),
    pytest.param("<html><body><p>" + "<em>w " * DEEP + "Deep inside." + "</em>" * DEEP + "</p></body></html>",
                 None, id="inline-with-words"),
    pytest.param("<p>" + "<em>w " * DEEP + "Deep inside." + "</em>" * DEEP + "</p>", None, id="fragment"),
    pytest.param("<p>" + "<span>" * DEEP + "Never closed.", "Never closed.", id="never-closed"),
    pytest.param("<html><body><p>" + "x <b>y</b> " * DEEP + "end.</p></body></html>", None,
                 id="10000-marks-in-a-sentence"),
]


@pytest.mark.parametrize(("page", "unit"), DEEP_HTML)
def test_10000_deep_html_is_published(tmp_path: Path, trap: Trap, page: str, unit: str | None) -> None:
    """HTML has no depth limit: it is read, translated and published, its bulletin flattened past a depth."""
    root = tmp_path / "ws"
    workspace(root, {"deep.html": page.encode()})
    extracted = invoke(root, "extract")
    assert extracted.exit_code == 0, extracted.output
    units = [e.msgid for e in polib.pofile(str(root / "locales" / "zh" / "deep.po"))]
    if unit is not None:
        assert unit in units
    review_everything(root)
    published = invoke(root, "publish")
    assert published.exit_code == 0, published.output
    assert "Traceback" not in published.output
    bulletin_xml = root / "output" / "zh" / "deep.xml"
    tree = parse_xml(bulletin_xml.read_bytes(), str(bulletin_xml))  # readable by the project's own parser
    depth = max(sum(1 for _ in element.iterancestors()) for element in tree.iter())
    assert depth <= MAX_INLINE_DEPTH + 4
    assert "【" in (root / "output" / "zh" / "deep.html").read_text(encoding="utf-8")
    assert_no_harm(root, trap)


TEXT = "Title line\n\nFirst sentence. Second one\nwraps here.\n\nLast paragraph.\n"
PAGE = ("<html><head><title>Page title</title></head>\n<body>\n<p>First sentence. Second <em>one</em>\n"
        "wraps here.</p>\n<p>Last paragraph.</p>\n</body></html>\n")
XML = (f'<?xml version="1.0" encoding="utf-8"?>\n<bulletin {NS}><head><title>Page title</title></head>\n'
       "<body>\n<p>First sentence. Second <em>one</em>\nwraps here.</p>\n<p>Last paragraph.</p>\n</body>"
       "</bulletin>\n")
SOURCES = {"txt": TEXT, "html": PAGE, "xml": XML}
FORMATS = [pytest.param(ext, id=ext) for ext in SOURCES]


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize(
    ("bad", "line", "message", "hint"),
    [
        pytest.param("Sec\0ond", 3, "the file contains a NUL character", "binary file", id="nul"),
        pytest.param("Sec\udce9ond", 3, "byte 0xe9 is not valid utf-8", "re-save the file as UTF-8",
                     id="invalid-utf8"),
    ],
)
def test_nul_bytes_and_invalid_utf8_are_refused_with_their_line(tmp_path: Path, ext: str, bad: str,
                                                                line: int, message: str, hint: str) -> None:
    text = SOURCES[ext].replace("Second", bad)
    data = text.encode("utf-8", "surrogateescape")
    line = text[: text.index(bad)].count("\n") + 1
    if ext == "xml":  # lxml reads it first, and says it its own way
        message = {"nul": "malformed XML: Invalid character: Char 0x0 out of allowed range",
                   "invalid-utf8": "malformed XML: Invalid bytes in character encoding"}["nul" if "\0" in bad
                                                                                        else "invalid-utf8"]
        hint = "well-formed" if "\0" in bad else "re-save the file as UTF-8"
    root = tmp_path / "ws"
    workspace(root, {f"bad.{ext}": data})
    assert_refused(invoke(root, "extract"), root / "source" / f"bad.{ext}", line, message, hint)
    assert (root / "locales" / "zh" / "good.po").is_file()


ENCODINGS = [
    pytest.param(lambda text: codecs.BOM_UTF8 + text.encode(), id="utf8-bom"),
    pytest.param(lambda text: codecs.BOM_UTF16_LE + text.replace('"utf-8"', '"utf-16"').encode("utf-16-le"),
                 id="utf16le-bom"),
    pytest.param(lambda text: codecs.BOM_UTF16_BE + text.replace('"utf-8"', '"utf-16"').encode("utf-16-be"),
                 id="utf16be-bom"),
    pytest.param(lambda text: text.replace("\n", "\r\n").encode(), id="crlf"),
    pytest.param(lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode(), id="utf8-bom-crlf"),
]


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("encode", ENCODINGS)
def test_byte_order_marks_and_crlf_are_read_and_kept(tmp_path: Path, ext: str, encode: object) -> None:
    assert callable(encode)
    data: bytes = encode(SOURCES[ext])
    root = tmp_path / "ws"
    settings = workspace(root, {f"odd.{ext}": data})
    extracted = invoke(root, "extract")
    assert extracted.exit_code == 0, extracted.output
    catalog = polib.pofile(str(root / "locales" / "zh" / "odd.po"))
    units = {entry.msgid: int(entry.occurrences[0][1]) for entry in catalog}
    source = SOURCES[ext]

    def line(text: str) -> int:
        return source[: source.index(text)].count("\n") + 1

    title = "Title line" if ext == "txt" else "Page title"
    second = "Second one wraps here." if ext == "txt" else "Second <1>one</1> wraps here."
    assert units == {title: line(title), "First sentence.": line("First"), second: line("Second"),
                     "Last paragraph.": line("Last")}
    article = read_article(settings, root / "source" / f"odd.{ext}")
    # untranslated: the source (marked as such), line ends and all
    assert without_marks(localized(article, {}, "zh")) == article.text
    review_everything(root)
    published = invoke(root, "publish")
    assert published.exit_code == 0, published.output
    page = (root / "output" / "zh" / "odd.html").read_bytes()
    text = page.decode("utf-8")  # published pages are UTF-8, whatever the source was
    assert "\ufeff" not in text
    assert "【First sentence.】" in text and "【Last paragraph.】" in text
    tree = etree.parse(str(root / "output" / "zh" / "odd.xml"))
    assert "【Last paragraph.】" in "".join(str(text) for text in tree.getroot().itertext())
