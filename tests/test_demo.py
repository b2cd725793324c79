"""`make demo` on a fresh clone of the repository with nothing beside it (slow: about 10 s).

The clone is of the commit checked out here (what a user gets from `git clone`), in a
temporary folder of its own, with nothing beside it, so nothing outside the repository and
nothing of this working tree can help it.
To save the install (a minute and 1.5 GB), it runs with the virtualenv running the tests,
`make demo VENV=… INSTALL=no`: the Makefile then installs nothing into it, and the
clone's own code runs (`python -m workflow` from the clone's root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workflow.pretranslate.apertium import list_pairs

REPO = Path(__file__).resolve().parents[1]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_make_demo_on_a_fresh_clone(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.fail("the demo test needs git and make (make test installs neither: install them)")
    commit = git("rev-parse", "HEAD", cwd=REPO).strip()
    clone = tmp_path / "alone" / "workflow"
    clone.parent.mkdir()
    git("clone", "-q", "--no-checkout", str(REPO), str(clone), cwd=tmp_path)
    git("checkout", "-q", commit, cwd=clone)
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("WORKFLOW_", "PYTHON", "MAKE", "MFLAGS"))}
    venv = Path(sys.prefix)
    done = subprocess.run(["make", "demo", f"VENV={venv}", "INSTALL=no"], cwd=clone, env=environ,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    spanish = any(pair.mode == "eng-spa" for pair in list_pairs())  # (make demo may have installed it)
    editions = ["zh", "es"] if spanish else ["zh"]
    published = [clone / "demo" / "output" / lang / "index.html" for lang in editions]
    assert lines[-len(editions) - 1:] == [*map(str, published), str(clone / "demo" / "output" / "index.html")]
    zh = published[0].parent.glob("*.html")
    assert any("国务院新闻办公室" in page.read_text(encoding="utf-8") for page in zh)  # from the memory
    assert "39 from tm" in done.stderr and "39 machine draft unit(s) marked" in done.stderr
    if spanish:
        assert "39 from apertium" in done.stderr
        pages = " ".join(p.read_text(encoding="utf-8") for p in published[1].parent.glob("*.html"))
        assert "Oficina de Información" in pages
    else:
        assert "Apertium is not installed" in done.stderr
    assert git("status", "--porcelain", "--untracked-files=no", cwd=clone) == ""  # tracked files untouched
    assert "demo/" not in git("status", "--porcelain", cwd=clone)  # the demo's folder is ignored
    assert [p.name for p in clone.parent.iterdir()] == [clone.name]  # nothing beside the clone
