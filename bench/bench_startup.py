"""Benchmark the start-up CPU of `workflow` commands, extract first (issue 10).

Measured, each as a fresh process (CPU seconds: user + system of the child):
  python        `python -c pass`: the interpreter alone, the floor of every command
  help          `workflow --help`: the imports every command pays before its own work
  extract       `workflow --languages fr extract` on the pages of a folder (the real pages
                of $WORKFLOW_WEB_PAGES or --pages), in a fresh workspace output each round
                (locales/* and the segmentation cache deleted): start-up plus the work
  library       the same extract with no command line: a fresh process that calls the library
                (open_workspace, extract) on a second copy of the workspace; what `extract` costs
                more is what the command line costs (click: its import, its parsing). The two
                copies' catalogs are compared, byte for byte, after the first round
  html2po       `html2po --help` of Translate Toolkit, for reference (when installed)

Each tree given with --tree is measured (default: this checkout), all of them within every
round, in --rounds interleaved rounds; the table shows the medians. Every run uses compiled
bytecode in a private cache (PYTHONPYCACHEPREFIX, warmed by one untimed run), as installed
software does. The load average is printed before and after: on a shared machine CPU
seconds say more than wall seconds.

Usage:
  .venv/bin/python bench/bench_startup.py --pages /path/to/pages
  .venv/bin/python bench/bench_startup.py --tree /path/to/before --tree . --rounds 7
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import load

HERE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


# `workflow --languages fr extract` in the current folder, less the command line (as main() does it)
LIBRARY_EXTRACT = """
import gc, logging, sys
gc.freeze()
from pathlib import Path
from workflow.extract import extract
from workflow.settings import open_workspace
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s: %(message)s")
settings = open_workspace(Path.cwd(), {"languages": "fr", "segmentation": None, "lock_timeout": None})
sys.exit(1 if extract(settings).failures else 0)
"""


def cpu_seconds(command: list[str], cwd: Path, environ: dict[str, str]) -> float:
    """User + system CPU seconds of one run of `command` (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, env=environ, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", action="append", type=Path, help="a workflow checkout (repeatable)")
    parser.add_argument("--pages", type=Path, default=os.environ.get("WORKFLOW_WEB_PAGES"),
                        help="folder of HTML pages to extract  [default: $WORKFLOW_WEB_PAGES]")
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    trees = [tree.resolve() for tree in options.tree or [HERE]]
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        run(trees, options.pages, options.rounds, work)
    finally:
        shutil.rmtree(work)


def run(trees: list[Path], pages: Path | None, rounds: int, work: Path) -> None:
    python = str(BIN / "python")
    base = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    cases: list[tuple[str, Path | None, list[str], Path, dict[str, str]]] = []
    reference = {**base, "PYTHONPYCACHEPREFIX": str(work / "pyc-reference")}
    cases.append(("python -c pass", None, [python, "-c", "pass"], work, reference))
    if (BIN / "html2po").exists():
        cases.append(("html2po --help", None, [str(BIN / "html2po"), "--help"], work, reference))
    for number, tree in enumerate(trees):
        environ = {**base, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(work / f"pyc-{number}")}
        cases.append(("workflow --help", tree, [python, "-m", "workflow", "--help"], work, environ))
        if pages is not None:
            workspace = work / f"workspace-{number}"
            subprocess.run([python, "-m", "workflow", "init", str(workspace)], env=environ, check=True,
                           stdout=subprocess.DEVNULL)
            for page in sorted(pages.glob("*.html")):
                shutil.copy(page, workspace / "source")
            command = [python, "-m", "workflow", "--languages", "fr", "extract"]
            cases.append(("workflow --languages fr extract", tree, command, workspace, environ))
            library = work / f"library-{number}"
            shutil.copytree(workspace, library)
            cases.append(("the same extract, no command line", tree, [python, "-c", LIBRARY_EXTRACT], library,
                          environ))
    print(f"before: {load()}")
    times: dict[int, list[float]] = {index: [] for index in range(len(cases))}
    for round_ in range(rounds + 1):  # round 0 warms the bytecode caches, untimed
        for index, (name, _, command, cwd, environ) in enumerate(cases):
            if "extract" in name:
                for folder in (cwd / "locales").iterdir():
                    shutil.rmtree(folder)
                (cwd / ".workflow" / "segments.sqlite").unlink(missing_ok=True)
            seconds = cpu_seconds(command, cwd, environ)
            if round_:
                times[index].append(seconds)
        if not round_:
            same_work(work, len(trees))
    print(f"after:  {load()}")
    print(f"CPU seconds (user + system), medians of {rounds} interleaved rounds" + (
        f"; pages: {len(list(pages.glob('*.html')))} from {pages}" if pages else ""))
    for index, (name, tree, *_) in enumerate(cases):
        print(f"  {statistics.median(times[index]):6.3f}  {name}" + (f"  [{tree}]" if tree else ""))


def same_work(work: Path, trees: int) -> None:
    """The library call wrote the command's catalogs, byte for byte (equal work)."""
    for number in range(trees):
        command, library = work / f"workspace-{number}" / "locales", work / f"library-{number}" / "locales"
        if not command.is_dir():
            continue  # no pages given
        written = sorted(path.relative_to(command) for path in command.rglob("*") if path.is_file())
        also = sorted(path.relative_to(library) for path in library.rglob("*") if path.is_file())
        if not written or written != also or any(
                (command / path).read_bytes() != (library / path).read_bytes() for path in written):
            raise SystemExit(f"the library call and the command wrote different catalogs (tree {number})")


if __name__ == "__main__":
    main()
