"""Benchmark: `xliff export` and `xliff import` at two workspace sizes, to show they grow linearly.

Two workspaces of HTML articles (40 distinct sentences each, a third with inline markup),
one with N articles and one with 2N, extracted once. Each round, for each size, times:

  (e) export: `export_xliff(settings, "zh")`, every article to xliff/zh/;
  (i) import: every trans-unit given a confirmed target (not timed), then `import_xliff`
      of all the files, from a fresh copy of the extracted catalogs (the copy is not timed).

Rounds are interleaved (small e, small i, large e, large i, …) so that other work on the
machine slows each alike; the medians count, and the load average is printed before and
after. The target: the large workspace costs at most 2.4x the small one (linear, with room
for noise); a superlinear path (a lookup per unit over all units, or per file over all
articles) would show as 4x.

Usage:
  .venv/bin/python bench/bench_xliff.py                       # about a minute on 2 cores
  .venv/bin/python bench/bench_xliff.py --articles 10 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402
from lxml import etree  # noqa: E402

from workflow.cli import cli  # noqa: E402
from workflow.settings import Settings, load_settings  # noqa: E402
from workflow.xliff import NS, export_xliff, fill_inline, import_xliff, read_inline  # noqa: E402

WORDS = ("trade", "ministry", "forum", "exports", "cooperation", "railway", "museum", "report", "city",
         "farmers", "delegation", "plan", "market", "services", "growth", "partners")


def page(rng: random.Random, number: int) -> str:
    sentences = []
    for index in range(40):
        words = " ".join(rng.choice(WORDS) for _ in range(8))
        if index % 3 == 0:
            words = f"The <b>{words}</b> rose by {rng.randint(2, 900)} percent"
        sentences.append(f"<p>Article {number} line {index}: {words}.</p>")
    return f"<!DOCTYPE html><html lang=\"en\"><head><title>Article {number}</title></head><body>" \
           + "".join(sentences) + "</body></html>\n"


def workspace(root: Path, articles: int) -> Settings:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    config = root / "setup.cfg"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("languages = zh fr es ar ru", "languages = zh"), encoding="utf-8")
    rng = random.Random(7)
    for number in range(articles):
        (root / "source" / f"a{number:04d}.html").write_text(page(rng, number), encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(root), "extract"])
    assert result.exit_code == 0, result.output
    return load_settings(root)


def translate_all(folder: Path) -> list[Path]:
    """Every trans-unit of every file gets a confirmed target: its source, upper-cased outside the codes."""
    files = sorted(folder.rglob("*.xlf"))
    for path in files:
        tree = etree.parse(str(path))
        for unit in tree.iter(f"{{{NS}}}trans-unit"):
            source = unit.find(f"{{{NS}}}source")
            target = etree.Element(f"{{{NS}}}target", state="translated")
            fill_inline(target, read_inline(source, path).replace("the", "THE"))
            source.addnext(target)
        tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=25, help="articles in the small workspace")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        sizes = {"small": args.articles, "large": 2 * args.articles}
        spaces = {name: workspace(Path(folder) / name, count) for name, count in sizes.items()}
        pristine = {name: Path(folder) / f"{name}-locales" for name in sizes}
        for name, settings in spaces.items():
            shutil.copytree(settings.locales, pristine[name])
        steps = ("export", "import")
        times: dict[str, list[float]] = {f"{name} {step}": [] for name in sizes for step in steps}
        units = {}
        for _ in range(args.rounds):
            for name, settings in spaces.items():
                shutil.rmtree(settings.locales)
                shutil.copytree(pristine[name], settings.locales)
                shutil.rmtree(settings.root / "xliff", ignore_errors=True)
                start = time.perf_counter()
                report = export_xliff(settings, "zh")
                times[f"{name} export"].append(time.perf_counter() - start)
                units[name] = report.units
                files = translate_all(settings.root / "xliff" / "zh")
                start = time.perf_counter()
                imported = import_xliff(settings, files)
                times[f"{name} import"].append(time.perf_counter() - start)
                assert imported.ok and sum(f.applied for f in imported.files) == report.units
    for step in ("export", "import"):
        small, large = (statistics.median(times[f"{name} {step}"]) for name in sizes)
        print(f"{step}: {units['small']} units {small:.3f} s, {units['large']} units {large:.3f} s, "
              f"ratio {large / small:.2f} (target <= 2.4); {units['large'] / large:.0f} units/s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
