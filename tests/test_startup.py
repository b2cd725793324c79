"""Start-up: each command imports what it uses, and extract reads no Babel locale (nor imports Babel
for a bare language code).

Each check runs in a fresh interpreter (a module imported by an earlier test, or Babel's
cache filled by one, would hide an import or a locale load).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

TREE = Path(__file__).resolve().parents[1]
DATA = TREE / "tests" / "data"

# What `workflow --help`, the start-up every command pays, must not import: the HTML reader
# with its scanner, the segmenter and its patterns (syntok with regex), Babel and its CLDR
# data, the file layer (tempfile, a thread pool), catalogs (polib), the segment cache (sqlite3),
# the review, publishing, XML and translation stacks; nor the records passed between stages
# (workflow.model: a dozen frozen dataclasses, their methods generated at import), logging
# (configured when a command runs) or configparser (when it reads the settings).
NOT_FOR_HELP = (
    "workflow.model", "logging", "configparser", "workflow.formats.html", "workflow.formats.scanner",
    "workflow.segment", "syntok", "regex", "babel", "workflow.languages", "workflow.files", "tempfile",
    "concurrent.futures", "workflow.store", "polib", "sqlite3", "jinja2", "markupsafe", "starlette",
    "uvicorn", "lxml", "argostranslate", "ctranslate2", "torch", "sentencepiece", "rapidfuzz",
)
# What `workflow --languages "fr zh" extract` of HTML pages must not import: the other stages'
# stacks, lxml (XML sources, skip_selectors), polib (new catalogs are written without polib
# entries), and Babel: the Plural-Forms of fr and zh are gettext's own, and their English names
# are read from Babel's data files without importing it (its import brings its plural rules and decimal).
NOT_FOR_EXTRACT = (
    "jinja2", "markupsafe", "starlette", "uvicorn", "lxml", "cssselect", "argostranslate", "ctranslate2",
    "rapidfuzz", "babel", "polib", "workflow.publish", "workflow.render", "workflow.qa",
    "workflow.pretranslate", "workflow.memory", "workflow.review",
    # nor, for UTF-8 pages, webencodings (UTF-8's labels are known), nor tempfile with shutil and its
    # compression libraries (files.new_temporary makes the temporaries)
    "webencodings", "tempfile", "shutil", "bz2", "lzma",
)
# What extract must not import even for codes Babel is asked about (pt-BR, zh-TW): Babel's dates
# and numbers (with time zones), which its English data file names for its patterns.
NOT_FOR_ANY_EXTRACT = ("babel.dates", "babel.numbers", "babel.localtime", "zoneinfo", "babel.messages")


def python(code: str, cwd: Path) -> list[str]:
    """Run `code` in a fresh interpreter with this tree first on the path: the JSON it prints last."""
    environ = {**os.environ, "PYTHONPATH": str(TREE)}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found: list[str] = json.loads(done.stdout.splitlines()[-1])
    return found


def test_help_imports_only_the_command_line(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from workflow.cli import cli\n"
        "try:\n"
        "    cli(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps(sorted(m for m in {NOT_FOR_HELP!r} if m in sys.modules)))\n"
    )
    assert python(code, tmp_path) == []


def extract(tmp_path: Path, languages: str, preamble: str = "") -> tuple[list[str], Path]:
    """Extract two pages into `languages` in a fresh interpreter (after `preamble`): the modules of
    NOT_FOR_EXTRACT and NOT_FOR_ANY_EXTRACT it imported (and what the preamble adds to `loaded`)."""
    workspace = tmp_path / "ws"
    code = (
        "import json, sys\n"
        "loaded = []\n"
        f"{preamble}"
        "from workflow.cli import cli\n"
        f"cli.main(['--root', {str(workspace)!r}, '--languages', {languages!r}, 'extract'],\n"
        "         standalone_mode=False)\n"
        f"print(json.dumps(loaded + sorted(m for m in {NOT_FOR_EXTRACT + NOT_FOR_ANY_EXTRACT!r}\n"
        "                                   if m in sys.modules)))\n"
    )
    python(f"from workflow.cli import cli; cli.main(['init', {str(workspace)!r}], standalone_mode=False)\n"
           "print('[]')", tmp_path)
    for page in ("dw-furniture.html", "wikipedia-math.html"):
        shutil.copy(DATA / page, workspace / "source" / page)
    return python(code, tmp_path), workspace


def test_extract_imports_neither_babel_nor_other_stages(tmp_path: Path) -> None:
    """fr and zh's Plural-Forms are gettext's; their English names come from CLDR's English table,
    read from Babel's data file without importing Babel."""
    imported, workspace = extract(tmp_path, "fr zh")
    assert imported == []
    catalog = (workspace / "locales" / "fr" / "dw-furniture.po").read_text(encoding="utf-8")
    assert '"Language-Team: French\\n"' in catalog
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in catalog
    assert "# Units of source/dw-furniture.html in French (fr)." in catalog
    chinese = (workspace / "locales" / "zh" / "dw-furniture.po").read_text(encoding="utf-8")
    assert '"Language-Team: Chinese\\n"' in chinese


def test_extract_reads_no_babel_locale_for_regional_codes(tmp_path: Path) -> None:
    """Codes that Babel resolves (pt-BR, zh-TW: Traditional Chinese) get their English names from
    CLDR's English table, not from Babel's English locale merged into root (with its dates and
    numbers), and that table is read without importing Babel's dates and numbers."""
    preamble = (
        "import babel.localedata\n"
        "load = babel.localedata.load\n"
        "def recorded(name, *args, **kwargs):\n"
        "    loaded.append(str(name))\n"
        "    return load(name, *args, **kwargs)\n"
        "babel.localedata.load = recorded\n"
    )
    imported, workspace = extract(tmp_path, "pt-BR zh-TW", preamble)
    assert [name for name in imported if name != "babel"] == []
    catalog = (workspace / "locales" / "zh-TW" / "dw-furniture.po").read_text(encoding="utf-8")
    assert '"Language-Team: Chinese (Traditional, Taiwan)\\n"' in catalog
    brazilian = (workspace / "locales" / "pt-BR" / "dw-furniture.po").read_text(encoding="utf-8")
    assert '"Language-Team: Portuguese (Brazil)\\n"' in brazilian


def test_the_command_sets_start_up_aside_from_the_garbage_collector(tmp_path: Path) -> None:
    """`workflow` (main) freezes what start-up created; `cli` called in a process of its caller does not."""
    code = (
        "import gc, json, sys\n"
        "from workflow.cli import cli, main\n"
        "frozen = []\n"
        "for entry in (cli, main):\n"
        "    sys.argv = ['workflow', '--version']\n"
        "    try:\n"
        "        entry()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    frozen.append(gc.get_freeze_count() > 1000)\n"
        "print(json.dumps(frozen))\n"
    )
    assert python(code, tmp_path) == [False, True]
