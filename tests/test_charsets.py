"""Declared charsets are read as browsers read them (WHATWG Encoding Standard), never as Python codecs.

A page declaring `utf-7` or `unicode_escape` would otherwise turn text a reader sees
as `+ADw-script+AD4-` into live markup in the published translation.
"""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from publishing import fill

from workflow.cli import cli
from workflow.errors import SourceError
from workflow.formats import html, xml
from workflow.formats.common import sniff_html_charset
from workflow.settings import load_settings

UTF7_SCRIPT = "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"
ESCAPED_SCRIPT = "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"


def _page(charset: str, payload: str) -> bytes:
    return (f'<html><head><meta charset="{charset}"><title>Hostile page</title></head>'
            f"<body><p>Hello {payload} world.</p></body></html>").encode("ascii")


@pytest.mark.parametrize(
    ("charset", "payload"),
    [pytest.param("utf-7", UTF7_SCRIPT, id="utf-7"),
     pytest.param("unicode_escape", ESCAPED_SCRIPT, id="unicode_escape"),
     pytest.param("x-no-such-charset", UTF7_SCRIPT, id="unknown-label")],
)
def test_published_page_has_no_script_from_an_unsupported_charset(tmp_path: Path, charset: str,
                                                                  payload: str) -> None:
    root = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    (root / "source" / "hostile.html").write_bytes(_page(charset, payload))
    extracted = runner.invoke(cli, ["--root", str(root), "extract"])
    assert extracted.exit_code == 0, extracted.output
    settings = load_settings(root)
    assert fill(settings, "zh", "hostile.html", lambda text: text) == 2  # the title and the sentence
    published = runner.invoke(cli, ["--root", str(root), "publish", "zh"])
    assert published.exit_code == 0, published.output
    page = (root / "output" / "zh" / "hostile.html").read_bytes()
    document = html5lib.parse(page, namespaceHTMLElements=False)
    assert document.findall(".//script") == []
    body = "".join(document.find("body").itertext())
    assert f"Hello {payload} world." in body  # what a reader of the original sees, literally


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(b'<meta charset="utf-7">', None, id="utf-7-ignored"),
        pytest.param(b'<meta charset="utf-7"><meta charset="koi8-r">', "koi8-r", id="next-meta-counts"),
        pytest.param(b'<meta charset="utf-16le">', "utf-8", id="utf-16-means-utf-8"),
        pytest.param(b'<meta charset="x-user-defined">', "windows-1252", id="x-user-defined"),
        pytest.param(b'<meta charset="LATIN1">', "windows-1252", id="latin1-label"),
        pytest.param(b'<!-- <meta charset="koi8-r"> --><meta charset="gbk">', "gbk", id="comment-skipped"),
        pytest.param(b'<meta http-equiv="content-type" content="text/html; charset=Shift_JIS">', "shift_jis",
                     id="http-equiv"),
    ],
)
def test_prescan_keeps_whatwg_labels_only(head: bytes, expected: str | None) -> None:
    assert sniff_html_charset(head) == expected


def test_an_ignored_charset_is_read_as_utf8_and_kept_literal() -> None:
    article = html.read(_page("utf-7", UTF7_SCRIPT), "a.html", "sentence")
    assert article.encoding == "utf-8"
    assert f"Hello {UTF7_SCRIPT} world." in [p.text for b in article.blocks for p in b.pieces]


def test_a_charset_browsers_refuse_is_an_error() -> None:
    with pytest.raises(SourceError) as raised:
        html.read(b'<meta charset="iso-2022-kr"><p>Text.</p>', "a.html", "sentence")
    assert "browsers refuse" in raised.value.message and raised.value.line == 1


def test_bulletin_xml_in_a_non_web_encoding_is_refused() -> None:
    data = (b'<?xml version="1.0" encoding="UTF-7"?>'
            b'<bulletin xmlns="urn:x"><body><p>+ADw-b+AD4-x</p></body></bulletin>')
    with pytest.raises(SourceError):
        xml.read(data, "b.xml", "sentence")


def test_every_label_names_the_encoding_webencodings_names() -> None:
    """web_encoding answers UTF-8's labels itself (without importing webencodings) and asks webencodings
    for the rest: for every label of the standard, in any ASCII case, with white space around it, and for
    labels that only look like one, the same encoding (or none) as webencodings.lookup."""
    import webencodings
    from webencodings.labels import LABELS

    from workflow.formats.common import _UTF8_LABELS, web_encoding

    assert _UTF8_LABELS == {label for label, name in LABELS.items() if name == "utf-8"}
    looks_like = ["utf-16", "UTF8 ", "\tUtF-8\n", "utf_8", "utf-8\x0b", "ut\u212a-8", "UTF-\u0130", "utf-88",
                  "", " \u00a0utf-8", "x-unicode20utf8\r\n", "unicode-1-1-utf-7", "latin1", "LATIN1 ",
                  "x-user-defined"]
    spelled = [*LABELS, *(label.upper() for label in LABELS), *(f" {label}\t" for label in LABELS)]
    for label in [*spelled, *looks_like]:
        ours, theirs = web_encoding(label), webencodings.lookup(label)
        if theirs is None:
            assert ours is None, label
        else:
            assert ours is not None and ours.name == theirs.name, label
            assert ours.codec_info.name == theirs.codec_info.name, label


def test_a_utf8_page_is_read_without_webencodings(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from workflow.formats import html; "
            "html.read(b'<meta charset=UTF-8><p>Hello.</p>', 'a.html', 'sentence'); "
            "html.read(b'<p>Hello.</p>', 'b.html', 'sentence'); print('webencodings' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=tmp_path)
    assert done.stdout.strip() == "False"
