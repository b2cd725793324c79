"""Start-up: each command imports what it uses, and extract reads no Babel locale.

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
# and the review, publishing, XML and translation stacks.
NOT_FOR_HELP = (
    "workflow.formats.html", "workflow.formats.scanner", "workflow.segment", "syntok", "regex",
    "babel", "workflow.languages", "workflow.files", "tempfile", "concurrent.futures",
    "workflow.store", "polib", "sqlite3", "jinja2", "markupsafe", "starlette", "uvicorn", "lxml",
    "argostranslate", "ctranslate2", "torch", "sentencepiece", "rapidfuzz",
)
# What `workflow --languages "fr zh" extract` of HTML pages must not import: the other stages'
# stacks, lxml (XML sources, skip_selectors), and Babel's plural tables and number parsing
# (the Plural-Forms of fr and zh are gettext's own).
NOT_FOR_EXTRACT = (
    "jinja2", "markupsafe", "starlette", "uvicorn", "lxml", "cssselect", "argostranslate", "ctranslate2",
    "rapidfuzz", "babel.messages", "workflow.publish", "workflow.render", "workflow.qa",
    "workflow.pretranslate", "workflow.memory", "workflow.review",
)


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


def test_extract_reads_no_babel_locale_and_imports_no_other_stage(tmp_path: Path) -> None:
    """English names come from CLDR's English table, not from Babel's English locale merged
    into root (with its dates and numbers); fr and zh's Plural-Forms need no Babel at all."""
    workspace = tmp_path / "ws"
    code = (
        "import json, sys\n"
        "import babel.localedata\n"
        "loaded = []\n"
        "load = babel.localedata.load\n"
        "def recorded(name, *args, **kwargs):\n"
        "    loaded.append(str(name))\n"
        "    return load(name, *args, **kwargs)\n"
        "babel.localedata.load = recorded\n"
        "from workflow.cli import cli\n"
        f"cli.main(['--root', {str(workspace)!r}, '--languages', 'fr zh', 'extract'],\n"
        "         standalone_mode=False)\n"
        f"print(json.dumps(loaded + sorted(m for m in {NOT_FOR_EXTRACT!r} if m in sys.modules)))\n"
    )
    python(f"from workflow.cli import cli; cli.main(['init', {str(workspace)!r}], standalone_mode=False)\n"
           "print('[]')", tmp_path)
    for page in ("dw-furniture.html", "wikipedia-math.html"):
        shutil.copy(DATA / page, workspace / "source" / page)
    assert python(code, tmp_path) == []
    catalog = (workspace / "locales" / "fr" / "dw-furniture.po").read_text(encoding="utf-8")
    assert '"Language-Team: French\\n"' in catalog
    assert "# Units of source/dw-furniture.html in French (fr)." in catalog
    chinese = (workspace / "locales" / "zh" / "dw-furniture.po").read_text(encoding="utf-8")
    assert '"Language-Team: Chinese\\n"' in chinese
