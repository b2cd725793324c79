"""Benchmark `workflow extract` on synthetic workspaces (issue 2, item 11).

For each size (100 and 1,000 articles; 10,000 with --full) the script generates a
workspace of HTML articles of about 800 words with inline markup, then, each in a
fresh subprocess so that peak memory (ru_maxrss) is per run:

  1. a first extract (POT + one PO per configured language, five by default),
  2. a second extract with no source change (it must rewrite no file),
  3. Translate Toolkit's `html2po` on the same articles (the baseline tool).

It prints one table; ratios are against numbers measured in the same run:
`per article` is relative to the smallest size (linear growth means ~1.0),
`CPU s` adds the worker processes' time (the machine may be shared; wall time
then says less), `peak MiB` is the extract process (its largest worker),
`no-change` is first / second extract, `vs html2po` is our extract / html2po.

Usage:
  .venv/bin/python bench/bench_extract.py            # 100 and 1,000 articles
  .venv/bin/python bench/bench_extract.py --full     # also 10,000 (several minutes)
  .venv/bin/python bench/bench_extract.py --sizes 50 200 --languages fr
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "trade services cooperation development growth economy market policy report forum agreement "
    "investment country region government ministry council summit exhibition platform innovation "
    "digital finance security health program project initiative partnership industry enterprise "
    "export import capacity support network research science technology energy climate water food "
    "people community city province nation world global local public private sector system reform"
).split()
VERBS = "said announced reported released signed expanded improved launched promoted reviewed".split()
NAMES = ["Mr. Zhang", "Ms. Li", "the U.S. delegation", "Dr. Chen", "the U.N. envoy", "Gen. Smith"]

RUN_EXTRACT = """
import json, resource, sys, time
from pathlib import Path
from workflow.extract import extract
from workflow.settings import load_settings
settings = load_settings(Path(sys.argv[1]), {"languages": sys.argv[2]})
start = time.perf_counter()
report = extract(settings)
elapsed = time.perf_counter() - start
me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "seconds": elapsed, "articles": report.articles, "units": report.units,
    "written": sum(1 for c in report.changes if c.written), "failures": len(report.failures),
    "cpu": me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime,
    "maxrss_kib": me.ru_maxrss, "worker_maxrss_kib": workers.ru_maxrss,
}))
"""


def sentence(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
    if rng.random() < 0.4:
        at = rng.randrange(1, len(words) - 2)
        words[at] = f'<a href="https://example.org/{number}/{at}">{words[at]} {words[at + 1]}</a>'
        del words[at + 1]
    if rng.random() < 0.3:
        at = rng.randrange(len(words))
        words[at] = f"<em>{words[at]}</em>"
    if rng.random() < 0.2:
        at = rng.randrange(len(words))
        words[at] = f"<strong>{words[at]}</strong>"
    if rng.random() < 0.2:
        figure = f"rose {rng.randint(1, 9)}.{rng.randint(0, 9)} percent on Jan. 10"
        words.insert(rng.randrange(1, len(words)), figure)
    text = " ".join(words)
    return f"{rng.choice(NAMES)} {rng.choice(VERBS)} that the {text}."


def article(rng: random.Random, number: int, words: int = 800) -> str:
    body: list[str] = []
    count = 0
    while count < words:
        kind = rng.random()
        if kind < 0.1:
            line = f"<h2>{sentence(rng, number)[:-1]}</h2>"
        elif kind < 0.18:
            items = "".join(f"<li>{sentence(rng, number)}</li>\n" for _ in range(3))
            line = f"<ul>\n{items}</ul>"
        elif kind < 0.24:
            line = (f'<figure><img src="/img/{number}.jpg" alt="{sentence(rng, number)[:-1]}">\n'
                    f"<figcaption>{sentence(rng, number)}</figcaption></figure>")
        else:
            line = "<p>" + " ".join(sentence(rng, number) for _ in range(rng.randint(2, 5))) + "</p>"
        body.append(line)
        count += len(line.split())
    title = sentence(rng, number)[:-1]
    return (
        f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n"
        f"<meta name=\"description\" content=\"{sentence(rng, number)}\">\n"
        "<script>var tracking = {page: 1};</script>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n" + "\n".join(body) + "\n<footer translate=\"no\">© Example News</footer>\n"
        "</body>\n</html>\n"
    )


def make_workspace(root: Path, articles: int) -> None:
    """A workspace with `articles` HTML articles, 100 to a folder."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    subprocess.run([sys.executable, "-m", "workflow", "-q", "init", str(root)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    rng = random.Random(articles)
    for number in range(articles):
        folder = root / "source" / f"batch{number // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article{number:05d}.html").write_text(article(rng, number), encoding="utf-8")


def run_extract(root: Path, languages: str) -> dict[str, float]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    out = subprocess.run([sys.executable, "-c", RUN_EXTRACT, str(root), languages],
                         check=True, capture_output=True, text=True, env=env)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def snapshot(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (root / "locales").rglob("*") if p.is_file()}


def run_html2po(root: Path, out: Path) -> float | None:
    tool = Path(sys.executable).with_name("html2po")
    if not tool.exists():
        return None
    start = time.perf_counter()
    subprocess.run([str(tool), "--progress=none", "-i", str(root / "source"), "-o", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--full", action="store_true", help="add 10,000 articles")
    parser.add_argument("--languages", default="zh fr es ar ru")
    parser.add_argument("--no-html2po", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the workspaces in this folder")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes + ([10000] if args.full else [])))
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-extract-"))
    rows: list[dict[str, float]] = []
    try:
        for size in sizes:
            root = base / f"ws{size}"
            if root.exists():
                shutil.rmtree(root)
            make_workspace(root, size)
            first = run_extract(root, args.languages)
            before = snapshot(root)
            second = run_extract(root, args.languages)
            rewritten = sum(1 for p, m in snapshot(root).items() if before.get(p) != m)
            html2po = None if args.no_html2po else run_html2po(root, base / f"html2po{size}")
            rows.append({
                "size": size, "units": first["units"], "first": first["seconds"], "cpu": first["cpu"],
                "rss": max(first["maxrss_kib"], second["maxrss_kib"]) / 1024,
                "worker_rss": first["worker_maxrss_kib"] / 1024, "second": second["seconds"],
                "rewritten": rewritten,
                "failures": first["failures"] + second["failures"],
                "html2po": html2po if html2po is not None else float("nan"),
            })
            print(f"... {size} articles done", file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print_table(rows, args.languages)


def print_table(rows: list[dict[str, float]], languages: str) -> None:
    catalogs = 1 + len(languages.split())
    print(f"workflow extract: HTML articles of ~800 words, {catalogs} catalogs each "
          f"(POT + {languages}); {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    header = ("articles", "units", "first s", "CPU s", "units/s", "per article", "peak MiB (worker)",
              "no-change s", "no-change", "rewritten", "html2po s", "vs html2po")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    base = rows[0]["first"] / rows[0]["size"]
    for row in rows:
        per_article = row["first"] / row["size"] / base
        print("| " + " | ".join([
            f"{row['size']:,}", f"{int(row['units']):,}", f"{row['first']:.1f}", f"{row['cpu']:.1f}",
            f"{row['units'] / row['first']:,.0f}", f"{per_article:.2f}x",
            f"{row['rss']:.0f} ({row['worker_rss']:.0f})", f"{row['second']:.2f}",
            f"{row['first'] / row['second']:.1f}x", f"{int(row['rewritten'])}",
            f"{row['html2po']:.1f}", f"{row['first'] / row['html2po']:.2f}x",
        ]) + " |")
    if any(row["failures"] for row in rows):
        print("warning: some articles failed to extract", file=sys.stderr)


if __name__ == "__main__":
    main()
