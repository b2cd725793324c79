"""Benchmark `workflow extract` against Translate Toolkit's `html2po` at equal work (issue 10).

Two page sets:
  real   the real pages in the folder $WORKFLOW_WEB_PAGES names (skipped when it is not set);
  small  --small generated news pages (default 1,000, ~150 words each) that html2po accepts.

Before timing, each baseline is checked on the same inputs: html2po must exit 0 with
nothing on stderr and write a POT for every page with at least one unit, and
pot2po a PO for every POT; the unit totals of both tools are printed side by side.

Equal work, two ways:
  POT + one PO  `workflow --languages fr extract` (one command)
                vs `html2po -P` then `pot2po` (what Translate Toolkit needs for the same files);
                and vs `html2po -P` alone (less work than ours: a harder bar);
                also with `--segmentation paragraph`: paragraph units, as html2po makes
                (html2po does not split sentences; in sentence mode syntok is extra work).
  POT only      in-process, after imports: extract() with no target language
                vs html2po's converthtml(pot=True) on every page, each POT written to a file
                as extract writes its own (start-up excluded for both).

Each measurement runs in fresh output folders (a cold segmentation cache: no
`.workflow/segments.sqlite`; a paragraph repeated within the run is still split once), in
--rounds interleaved rounds (the tools alternate within a round); the table shows
medians of wall and CPU seconds (CPU includes worker processes). Both tools run
with compiled bytecode in a private cache (PYTHONPYCACHEPREFIX), as installed
software does. `warm` re-extracts with --force: the segmentation cache is then warm
(an edited page, a re-run), a case html2po has no counterpart for. The machine's
load average is printed before and after: on a shared machine, CPU seconds say
more than wall seconds.

--instructions counts, instead of timing, the instructions each command executes (valgrind's
callgrind, one run each: the count does not depend on the machine's load, which on a shared
machine moves CPU seconds by a third from run to run), for the same commands on the real
pages, and for the same commands on an empty folder (start-up: the interpreter and imports),
so that the work on the pages is the difference. Instructions are not time: code that waits
on memory runs fewer of them per second (see README, Benchmarks).

Which interpreter runs the tools (--interpreter):
  isolated   (the default) this virtual environment's packages, but none of their start-up hooks: a
             bare environment made with `venv` (no pip, a few milliseconds) whose site-packages holds
             one .pth line naming this environment's site-packages. A .pth line naming a folder puts
             it on sys.path; the .pth files in that folder are not run. So neither tool starts with
             the import hook of workflow's editable install (`pip install -e .`: site runs it from its
             .pth in every Python process of this environment, html2po's included), as neither has it
             when installed from a wheel.
  installed  Translate Toolkit from an environment of its own, made by `venv` with pip (and, on
             Python 3.11, setuptools, whose .pth imports only `os`) and the versions of this
             environment: translate-toolkit, its requirements and rapidfuzz (needs the package index,
             about 15 s); workflow and the in-process rounds as `isolated`.
  venv       this environment as it is, hook and all (what this bench measured before 2026-12-01).
Why it matters: html2po's CPU time on real pages depends on whether `pathlib` happens to be imported
when the interpreter starts, and workflow's editable-install hook imports it. It changes no work
(html2po runs 2,100 M instructions with the hook, 2,093 M without) but it decides how glibc's malloc
treats html2po's large buffers: with pathlib imported first, it keeps them on its heap; without, it maps
fresh pages for each and trims the heap again. Minor page faults of html2po on the 4 real pages: 7,300
in this environment, 22,500-24,000 isolated, 25,600 with Translate Toolkit installed alone; 3,900-7,000
when the isolated interpreter's only hook is `import pathlib`; 3,900 with MALLOC_MMAP_THRESHOLD_ and
MALLOC_TRIM_THRESHOLD_ set high. That is 30-40 ms of system time, about a tenth of html2po and pot2po's
CPU. workflow's own faults do not move (4,300-4,900 either way: it imports pathlib itself). A plain
install of Translate Toolkit has no such hook, so the default measures html2po as it runs there; an
environment whose start-up imports pathlib (another editable install, a sitecustomize) flatters it,
and another Python, glibc or Translate Toolkit may change all this. The header says which interpreter ran.

The workflow code measured is the one on PYTHONPATH (else this checkout), so the
same script measures another tree:  PYTHONPATH=/path/to/other/tree python bench/bench_extract.py

Usage:
  .venv/bin/python bench/bench_extract.py                  # real pages and 1,000 small pages, 5 rounds
  .venv/bin/python bench/bench_extract.py --small 200 --rounds 3
  .venv/bin/python bench/bench_extract.py --instructions   # real pages, instruction counts (valgrind)
  .venv/bin/python bench/bench_extract.py --interpreter venv   # this environment, its start-up hooks too
  .venv/bin/python bench/bench_extract.py --interpreter installed   # html2po from its own environment
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
TREE = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or HERE)
BIN = Path(sys.executable).parent  # where this environment's commands are (their scripts are run as files)

WORDS = (
    "trade services cooperation development growth economy market policy report forum agreement "
    "investment country region government ministry council summit exhibition platform innovation "
    "digital finance security health program project initiative partnership industry enterprise "
    "export import capacity support network research science technology energy climate water food "
    "people community city province nation world global local public private sector system reform"
).split()
VERBS = "said announced reported released signed expanded improved launched promoted reviewed".split()
NAMES = ["Mr. Zhang", "Ms. Li", "the U.S. delegation", "Dr. Chen", "the U.N. envoy", "Gen. Smith"]


def sentence(rng: random.Random, number: int, markup: bool = True) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    if markup and rng.random() < 0.4:
        at = rng.randrange(1, len(words) - 2)
        words[at] = f'<a href="https://example.org/{number}/{at}">{words[at]} {words[at + 1]}</a>'
        del words[at + 1]
    if markup and rng.random() < 0.3:
        at = rng.randrange(len(words))
        words[at] = f"<em>{words[at]}</em>"
    if rng.random() < 0.2:
        figure = f"rose {rng.randint(1, 9)}.{rng.randint(0, 9)} percent on Jan. 10"
        words.insert(rng.randrange(1, len(words)), figure)
    return f"{rng.choice(NAMES)} {rng.choice(VERBS)} that the {' '.join(words)}."


def small_page(rng: random.Random, number: int, words: int = 150) -> str:
    """A short news page: plain text in the title and attributes, inline markup in the body."""
    title = sentence(rng, number, markup=False)[:-1]
    body: list[str] = []
    count = 0
    while count < words:
        kind = rng.random()
        if kind < 0.1:
            items = "".join(f"<li>{sentence(rng, number)}</li>\n" for _ in range(2))
            line = f"<ul>\n{items}</ul>"
        elif kind < 0.2:
            line = (f'<figure><img src="/img/{number}.jpg" alt="{sentence(rng, number, markup=False)[:-1]}">'
                    f"<figcaption>{sentence(rng, number)}</figcaption></figure>")
        else:
            line = "<p>" + " ".join(sentence(rng, number) for _ in range(rng.randint(1, 3))) + "</p>"
        body.append(line)
        count += len(re.sub(r"<[^>]*>", " ", line).split())
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta name="description" content="{sentence(rng, number, markup=False)}">\n'
        "</head>\n<body>\n"
        f"<h1>{title}</h1>\n" + "\n".join(body) + '\n<footer translate="no">© Example News</footer>\n'
        "</body>\n</html>\n"
    )


INTERPRETERS = {  # (the default first)
    "isolated": "this environment's packages, without their start-up hooks",
    "venv": "this environment as it is, with its start-up hooks",
    "installed": "Translate Toolkit from an environment of its own (pip), workflow as isolated",
}


def launchers(kind: str, base: Path) -> dict[str, list[str]]:
    """How each command starts (see --interpreter): `workflow`, `html2po`, `pot2po`, and `python` (which
    makes the workspace and runs the in-process rounds: it needs both packages)."""
    if kind == "venv":
        python = BIN / "python"
    else:
        folder = base / "isolated-python"
        venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
        made = Path(sysconfig.get_path("purelib", vars={"base": str(folder), "platbase": str(folder)}))
        # this environment's packages, as a path line: the .pth files there (import hooks) are not run
        ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
        (made / "packages.pth").write_text("".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8")
        python = folder / "bin" / "python"
        probe = "import sys; print(sorted(m for m in sys.modules if 'editable' in m or 'distutils' in m))"
        hooks = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
        if hooks.stdout.strip() != "[]":
            raise SystemExit(f"the isolated interpreter still runs start-up hooks: {hooks.stdout.strip()}")
    launch = {name: [str(python), str(BIN / name)] for name in ("workflow", "html2po", "pot2po")}
    launch["python"] = [str(python)]
    if kind == "installed":  # Translate Toolkit alone in an environment, the versions of this one
        folder = base / "translate-toolkit"
        venv.EnvBuilder(with_pip=True, symlinks=True).create(folder)
        # its requirements (not its extras) and rapidfuzz (pot2po's matcher), at this environment's versions
        required = [re.split(r"[\s;<>=!~\[(]", line, maxsplit=1)[0]
                    for line in metadata.requires("translate-toolkit") or () if "extra ==" not in line]
        names = ["translate-toolkit", "rapidfuzz", *required]
        wanted = [f"{name}=={metadata.version(name)}" for name in names]
        done = subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", *wanted],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"could not install {' '.join(wanted)} (--interpreter installed needs the "
                             f"package index):\n{done.stderr[-2000:]}")
        for name in ("html2po", "pot2po"):
            launch[name] = [str(folder / "bin" / "python"), str(folder / "bin" / name)]
    return launch


def environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(TREE), "PYTHONPYCACHEPREFIX": str(cache),
            "SOURCE_DATE_EPOCH": "1700000000"}


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds (the command and its children) of one command, and its result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, done


def units_in(folder: Path, suffix: str) -> dict[str, int]:
    """Units (non-empty msgids, header aside) per catalog in a folder."""
    counts: dict[str, int] = {}
    for path in sorted(folder.rglob(f"*{suffix}")):
        text = path.read_text(encoding="utf-8")
        counts[path.stem] = len(re.findall(r'(?m)^msgid "(?:[^"\\]|\\.)+"|^msgid ""\n"', text))
    return counts


class Tools:
    """The commands of one page set, each run in fresh output folders under `work`."""

    def __init__(self, pages: list[Path], work: Path, env: dict[str, str],
                 launch: dict[str, list[str]]) -> None:
        self.pages, self.work, self.env, self.launch = pages, work, env, launch
        self.template = work / "template"
        subprocess.run([*launch["python"], "-m", "workflow", "-q", "init", str(self.template)], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        for page in pages:
            shutil.copyfile(page, self.template / "source" / page.name)
        self.source = self.template / "source"
        self.count = 0

    def tool(self, name: str) -> list[str]:
        """How one of the commands starts, with the chosen interpreter."""
        return self.launch[name]

    def fresh(self, name: str) -> Path:
        self.count += 1
        return self.work / f"{name}{self.count}"

    def workflow(self, force_on: Path | None = None, mode: str = "sentence") -> tuple[float, float, Path]:
        root = force_on or self.fresh("ws")
        if force_on is None:
            shutil.copytree(self.template, root, symlinks=True)
        command = [*self.tool("workflow"), "-q", "--root", str(root), "--languages", "fr", "--segmentation",
                   mode, "extract"]
        wall, cpu, done = run(command + (["--force"] if force_on else []), self.env)
        if done.returncode != 0 or done.stderr.strip():
            raise SystemExit(f"workflow extract failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return wall, cpu, root

    def html2po(self) -> tuple[float, float, Path]:
        out = self.fresh("pot")
        out.mkdir()
        command = [*self.tool("html2po"), "--progress=none", "-P", "-i", str(self.source), "-o", str(out)]
        wall, cpu, done = run(command, self.env)
        if done.returncode != 0 or done.stderr.strip():
            raise SystemExit(f"html2po failed ({done.returncode}) on these pages:\n{done.stderr[-2000:]}")
        return wall, cpu, out

    def pot2po(self, pots: Path) -> tuple[float, float, Path]:
        out = self.fresh("po")
        out.mkdir()
        command = [*self.tool("pot2po"), "--progress=none", "-i", str(pots), "-o", str(out)]
        wall, cpu, done = run(command, self.env)
        if done.returncode != 0 or done.stderr.strip():
            raise SystemExit(f"pot2po failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return wall, cpu, out


def check_baselines(tools: Tools) -> str:
    """Both tools succeed on every page, with sane unit counts; a line with their totals."""
    _, _, ours = tools.workflow()
    _, _, pots = tools.html2po()
    _, _, pos = tools.pot2po(pots)
    theirs = units_in(pots, ".pot")
    mine = units_in(ours / "locales" / "templates", ".pot")
    stems = {page.stem for page in tools.pages}
    if set(theirs) != stems or min(theirs.values()) < 1:
        empty = sorted(stems - {k for k, v in theirs.items() if v > 0})
        raise SystemExit(f"html2po wrote no units for {len(empty)} page(s), e.g. {empty[:3]}: not equal work")
    if set(units_in(pos, ".po")) != stems:
        raise SystemExit("pot2po did not write a PO for every page")
    if set(mine) != stems:
        raise SystemExit("workflow did not write a POT for every page")
    return (f"units: workflow {sum(mine.values()):,}, html2po {sum(theirs.values()):,} "
            f"({len(stems)} pages, every page has units in both)")


IN_PROCESS = r"""
import json, resource, shutil, statistics, sys, time
from dataclasses import replace
from pathlib import Path
from translate.convert import html2po
from workflow import segment
from workflow.extract import extract
from workflow.settings import load_settings
template, rounds = Path(sys.argv[1]), int(sys.argv[2])
def used():  # CPU seconds of this process and of the worker processes it has waited for
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime
pages = sorted(p for p in (template / "source").iterdir())
results = {"workflow": [], "html2po": []}
for number in range(rounds):
    root = template.with_name(f"inproc{number}")
    shutil.copytree(template, root)
    settings = replace(load_settings(root, {"languages": "fr"}), languages=())
    if hasattr(segment, "MemoryCache"):  # trees before the segmentation cache have none
        segment.use_cache(segment.MemoryCache())  # cold, as in a fresh process
    for tool in (("workflow", "html2po") if number % 2 == 0 else ("html2po", "workflow")):
        wall, cpu = time.perf_counter(), used()
        if tool == "workflow":
            report = extract(settings)
            assert not report.failures, report.failures
        else:  # the POT files written to disk, as extract writes its own (equal work)
            out = root.with_name(f"inproc-pot{number}")
            out.mkdir()
            for page in pages:
                with page.open("rb") as source, (out / f"{page.stem}.pot").open("wb") as pot:
                    html2po.converthtml(source, pot, None, pot=True)
        results[tool].append((time.perf_counter() - wall, used() - cpu))
    shutil.rmtree(root)
    shutil.rmtree(root.with_name(f"inproc-pot{number}"))
print(json.dumps({tool: [statistics.median(w for w, _ in r), statistics.median(c for _, c in r)]
                  for tool, r in results.items()}))
"""


def measure(name: str, pages: list[Path], base: Path, rounds: int, env: dict[str, str],
            launch: dict[str, list[str]]) -> list[str]:
    tools = Tools(pages, base / name, env, launch)
    lines = [f"### {name}: {len(pages):,} pages, {sum(p.stat().st_size for p in pages) / 1e6:.1f} MB",
             check_baselines(tools)]
    kinds = ("workflow", "html2po", "pot2po", "warm", "paragraph")
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
    for number in range(rounds):
        order = ["workflow", "html2po"] if number % 2 == 0 else ["html2po", "workflow"]
        for tool in order:
            if tool == "workflow":
                wall, cpu, root = tools.workflow()
                times["workflow"].append((wall, cpu))
                wall, cpu, _ = tools.workflow(force_on=root)
                times["warm"].append((wall, cpu))
                shutil.rmtree(root)
                wall, cpu, root = tools.workflow(mode="paragraph")
                times["paragraph"].append((wall, cpu))
                shutil.rmtree(root)
            else:
                wall, cpu, pots = tools.html2po()
                times["html2po"].append((wall, cpu))
                wall, cpu, pos = tools.pot2po(pots)
                times["pot2po"].append((wall, cpu))
                shutil.rmtree(pots)
                shutil.rmtree(pos)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in times.items()}
    tk = (med["html2po"][0] + med["pot2po"][0], med["html2po"][1] + med["pot2po"][1])
    # run outside any checkout: `python -c` puts its working folder first on sys.path
    inproc = subprocess.run([*tools.tool("python"), "-c", IN_PROCESS, str(tools.template), str(rounds)],
                            check=True, capture_output=True, text=True, env=env, cwd=base)
    work = json.loads(inproc.stdout.strip().splitlines()[-1])
    ours = med["workflow"]
    lines += [
        "| work | workflow wall s | CPU s | Translate Toolkit wall s | CPU s | speed-up wall | CPU |",
        "|---|---:|---:|---:|---:|---:|---:|",
        row("POT + one PO, commands (vs html2po -P + pot2po)", ours, tk),
        row("POT + one PO, commands (vs html2po -P alone)", ours, med["html2po"]),
        row("POT only, in-process after imports", tuple(work["workflow"]), tuple(work["html2po"])),
        row("POT + one PO, paragraph units as html2po's (vs html2po -P + pot2po)", med["paragraph"], tk),
        row("POT + one PO, warm cache, --force (vs html2po -P + pot2po)", med["warm"], tk),
        paired(times),
    ]
    shutil.rmtree(tools.work)
    return lines


def paired(times: dict[str, list[tuple[float, float]]]) -> str:
    """The first row's CPU speed-up round by round (each round runs both tools back to back): how far
    the machine's load moves it, which the medians above do not show."""
    ratios = sorted((html2po[1] + pot2po[1]) / ours[1]
                    for ours, html2po, pot2po in zip(times["workflow"], times["html2po"], times["pot2po"]))
    return (f"\nPOT + one PO, commands, CPU speed-up round by round: median "
            f"{statistics.median(ratios):.2f}x, lowest {ratios[0]:.2f}x, highest {ratios[-1]:.2f}x "
            f"({len(ratios)} rounds)")


def row(label: str, ours: tuple[float, ...], theirs: tuple[float, ...]) -> str:
    return (f"| {label} | {ours[0]:.2f} | {ours[1]:.2f} | {theirs[0]:.2f} | {theirs[1]:.2f} | "
            f"{theirs[0] / ours[0]:.2f}x | {theirs[1] / ours[1]:.2f}x |")


def instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions executed by one command (valgrind's callgrind; the command must succeed)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                          capture_output=True, text=True, env=env)
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or counted is None:
        raise SystemExit(f"{command[0]} failed under valgrind ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(counted.group(1))


def count_instructions(pages: list[Path], base: Path, env: dict[str, str],
                       launch: dict[str, list[str]]) -> list[str]:
    """The instruction counts table (see --instructions): pages, and an empty folder for start-up."""
    rows = []
    for label, chosen in (("pages", pages), ("start-up (no page)", [])):
        tools = Tools(chosen, base / ("instructions-" + label.split()[0]), env, launch)
        if chosen:  # a first run of each, not counted: it compiles the bytecode into the private cache
            tools.workflow()
            tools.pot2po(tools.html2po()[2])
        root = tools.fresh("ws")
        shutil.copytree(tools.template, root, symlinks=True)
        command = [*tools.tool("workflow"), "-q", "--root", str(root), "--languages", "fr", "extract"]
        ours = instructions(command, env)
        pots, pos = tools.fresh("pot"), tools.fresh("po")
        pots.mkdir()
        pos.mkdir()
        html2po = instructions([*tools.tool("html2po"), "--progress=none", "-P", "-i", str(tools.source),
                                "-o", str(pots)], env)
        pot2po = instructions([*tools.tool("pot2po"), "--progress=none", "-i", str(pots), "-o", str(pos)],
                              env)
        if chosen and len(list(pos.rglob("*.po"))) != len(chosen):
            raise SystemExit("pot2po did not write a PO for every page")
        rows.append((label, ours, html2po, pot2po))
        shutil.rmtree(tools.work)
    (_, ours, html2po, pot2po), (_, ours0, html2po0, pot2po0) = rows
    work = (ours - ours0, html2po - html2po0 + pot2po - pot2po0)
    return [
        f"### instructions (millions; valgrind callgrind, one run each): {len(pages)} real pages",
        "| run | workflow extract (POT + one PO) | html2po -P | pot2po | html2po + pot2po | ratio |",
        "|---|---:|---:|---:|---:|---:|",
        *(f"| {label} | {o / 1e6:,.0f} | {h / 1e6:,.0f} | {p / 1e6:,.0f} | {(h + p) / 1e6:,.0f} | "
          f"{(h + p) / o:.2f}x |" for label, o, h, p in rows),
        f"| the pages' work (pages less start-up) | {work[0] / 1e6:,.0f} | | | {work[1] / 1e6:,.0f} | "
        f"{work[1] / work[0]:.2f}x |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000, help="generated small pages (0: none)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--interpreter", choices=tuple(INTERPRETERS), default="isolated",
                        help="; ".join(f"{kind}: {what}" for kind, what in INTERPRETERS.items()))
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions on the real pages (valgrind) instead of timing")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-extract-"))
    env = environment(base / "pycache")
    launch = launchers(args.interpreter, base)
    web = os.environ.get("WORKFLOW_WEB_PAGES")
    real = sorted(p for p in Path(web).glob("*") if p.suffix.lower() in (".html", ".htm")) \
        if web and Path(web).is_dir() else []
    small_folder = base / "small-pages"
    small_folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1000)
    small = []
    for number in range(args.small):
        page = small_folder / f"page{number:05d}.html"
        page.write_text(small_page(rng, number), encoding="utf-8")
        small.append(page)
    load = os.getloadavg()
    print(f"workflow extract vs Translate Toolkit html2po; workflow from {TREE}; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    how = "instructions, one run each" if args.instructions else f"medians of {args.rounds} rounds"
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {how}; interpreter: "
          + f"{INTERPRETERS[args.interpreter]} (--interpreter {args.interpreter})")
    if args.instructions:
        if not real or shutil.which("valgrind") is None:
            raise SystemExit("--instructions needs valgrind and WORKFLOW_WEB_PAGES")
        try:
            print("\n".join(count_instructions(real, base, env, launch)))
        finally:
            if args.keep is None:
                shutil.rmtree(base, ignore_errors=True)
        return
    try:
        for name, pages in (("real pages", real), ("small pages", small)):
            if not pages:
                print(f"### {name}: none " + ("(set WORKFLOW_WEB_PAGES to a folder of .html pages)"
                                              if name == "real pages" else "(--small 0)"))
                continue
            print("\n".join(measure(name, pages, base, args.rounds, env, launch)), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if max(load) > (os.cpu_count() or 1):
        print("the machine was busy (load above its CPU count): read the CPU columns, not wall time, "
              "and rerun on a quiet machine for figures to quote")


if __name__ == "__main__":
    main()
