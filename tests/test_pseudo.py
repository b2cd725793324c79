"""Pseudo-localization passes the product's own checks (issue 11.3) and calls no model (11.8).

Over the sample bulletin and the repository's own HTML and XML pages (and real web pages
too where WORKFLOW_WEB_PAGES names a folder of them), with the sample glossary (approved and do-not-translate
terms): `workflow run LANG --engine pseudo` then `workflow check LANG` must find no error,
where it found 212 `[numbers]` errors (accented month names, `1+8+Ñ`, `4.5 ɱíĺĺíóñ`).
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from extracting import BULLETIN_XML, CASES, HARD_HTML, make_workspace, web_pages

from workflow.cli import cli
from workflow.pretranslate import pseudolocalize

REPO = Path(__file__).resolve().parents[1]
BULLETIN = REPO / "source" / "ciftis-bulletin-2021-01.txt"
GLOSSARY = REPO / "samples" / "glossary" / "en-zh.tsv"
DATA = REPO / "tests" / "data"
# the sample bulletin and the repository's own pages (hard HTML, a fragment, bulletin XML, a news
# site's furniture, inline math); real third-party pages too where WORKFLOW_WEB_PAGES names them
PAGES = [BULLETIN, HARD_HTML, CASES / "fragment-html" / "input.html", BULLETIN_XML,
         DATA / "dw-furniture.html", DATA / "wikipedia-math.html", *web_pages()]


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def pseudo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pseudo") / "ws"
    make_workspace(root, {f"{page.parent.name}-{page.name}": page.read_bytes() for page in PAGES},
                   languages="zh fr ar")
    assert invoke(root, "glossary", "import", "--lang", "zh", str(GLOSSARY))[0] == 0
    return root


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "fr", "ar"])
def test_a_pseudo_run_passes_check_with_no_error(pseudo_workspace: Path, lang: str) -> None:
    root = pseudo_workspace
    code, _, stderr = invoke(root, "run", lang, "--engine", "pseudo", "--draft")
    assert code == 0, stderr
    assert "model call" not in stderr  # pseudo is not a model
    units = 0
    for page in PAGES:
        catalog = polib.pofile(str(root / "locales" / lang / f"{page.parent.name}-{page.stem}.po"))
        filled = [e for e in catalog if not e.obsolete and e.msgstr]
        assert filled and all(e.msgstr.startswith("[") for e in filled)
        units += len(filled)
    assert units >= 140  # (147 from the repository's own pages)

    code, stdout, stderr = invoke(root, "check", lang, "--json")

    report = json.loads(stdout)
    errors = [f"{f['article']}: {f['message']}" for f in report["findings"] if f["severity"] == "error"]
    assert (code, errors) == (0, []), stderr
    assert report["units"] == units


def test_pseudo_keeps_what_the_checks_compare_verbatim() -> None:
    text = ("On January 10, 2020 the 1+8+N plan raised 4.5 million yuan (Jan. 3); see https://example.com/a, "
            "info@example.org and #Trade2020.")
    pseudo = pseudolocalize(text)
    for kept in ("January 10, 2020", "1+8+N", "4.5 million", "Jan. 3", "https://example.com/a",
                 "info@example.org", "#Trade2020"):
        assert kept in pseudo
    assert "ţĥé" in pseudo and "þĺáñ" in pseudo  # the words around are accented
    assert len(pseudo) > len(text) and pseudo.startswith("[") and pseudo.endswith("]")
