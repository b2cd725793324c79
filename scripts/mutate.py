"""Mutation testing of the modules that decide correctness (`make mutate`; not part of `make test`).

What is mutated, and by which tests, is one list: `mutation.toml` at the repository's root. For
each target it names a module, the functions in it (``name`` or ``Class.method``; nested functions
go with their parent) and the test files (or node ids) that must notice a change there.

The mutants are made by Cosmic Ray (https://github.com/sixty-north/cosmic-ray, a maintained
mutation-testing tool working on the parso syntax tree): its operators (comparisons, boundaries,
boolean logic, `not`, loops, `break`/`continue`, exception types), plus six of ours for the
faults that its operators cannot make and that earlier slipped past the suite: a call statement
removed (`os.chmod(...)` gone), a call unwrapped (`html.escape(tail)` -> `tail`), a keyword
argument dropped (`mkstemp(dir=...)` -> `mkstemp()`), a `with` lock made a no-op, `in` <-> `not in`
and `is not` -> `is`, and a number plus one.

Each mutant is written into a throw-away copy of the checkout (never into the checkout itself),
and the target's tests run against it in a forked child of a process that has already imported
pytest and the third-party libraries, but not `workflow` -- so every mutant is imported afresh,
and a test that runs the CLI in a subprocess runs the mutant too (PYTHONPATH points at the copy,
and no bytecode is cached). A mutant is killed when a test fails, errors or runs past the
timeout; it survives when the tests pass. Survivors judged equivalent (no behaviour can tell
them apart) are listed in mutation.toml with the reason, and counted apart.

    python scripts/mutate.py                  # every target; table at the end
    python scripts/mutate.py --only files     # targets whose name contains "files"
    python scripts/mutate.py --list           # count the mutants, run nothing
    python scripts/mutate.py --json out.json  # results, with every survivor's diff
"""

from __future__ import annotations

import argparse
import ast
import builtins
import difflib
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import parso.python.tree as tree
from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.mutating import mutate_code
from cosmic_ray.operators.operator import Example, Operator
from cosmic_ray.plugins import get_operator

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: Cosmic Ray's own TOML reader
    import toml as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent

# Cosmic Ray's operators, one or two replacements per operator (its full set replaces `+` ten ways).
COSMIC_RAY_OPERATORS = [
    *(f"core/ReplaceBinaryOperator_{a}" for a in (
        "Add_Sub", "Sub_Add", "Mul_Div", "Div_Mul", "FloorDiv_Div", "Mod_FloorDiv", "BitOr_BitAnd",
        "BitAnd_BitOr")),
    *(f"core/ReplaceComparisonOperator_{a}" for a in (
        "Eq_NotEq", "NotEq_Eq", "Lt_LtE", "Lt_GtE", "LtE_Lt", "LtE_Gt", "Gt_GtE", "Gt_LtE", "GtE_Gt",
        "GtE_Lt", "Is_IsNot")),
    "core/ReplaceUnaryOperator_Delete_Not", "core/ReplaceUnaryOperator_Delete_USub", "core/AddNot",
    "core/ReplaceTrueWithFalse", "core/ReplaceFalseWithTrue",
    "core/ReplaceAndWithOr", "core/ReplaceOrWithAnd",
    "core/ReplaceBreakWithContinue", "core/ReplaceContinueWithBreak",
    "core/ZeroIterationForLoop", "core/ExceptionReplacer",
]

# Libraries imported once in the parent, so that each forked test run starts warm (never `workflow`;
# nor hypothesis or starlette.testclient: imported before pytest configures, they break its start).
WARM_IMPORTS = [
    "pytest", "_pytest.capture", "_pytest.tmpdir", "lxml.etree", "lxml.html", "babel",
    "babel.dates", "babel.numbers", "babel.core", "polib", "click", "click.testing", "jinja2", "rapidfuzz",
    "rapidfuzz.process", "syntok.segmenter", "cssselect", "webencodings", "filelock", "starlette",
    "html5lib", "ahocorasick_rs", "cn2an", "httpx",
]


Positions = Iterator[tuple[tuple[int, int], tuple[int, int]]]


def _leaf(node: tree.NodeOrLeaf, code: str) -> tree.Leaf:
    """A leaf standing for `code` where `node` was (its leading whitespace and comments kept)."""
    first = node.get_first_leaf()
    return tree.Name(code, node.start_pos, prefix=first.prefix)


def _is_call(node: tree.NodeOrLeaf) -> bool:
    return (node.type in ("atom_expr", "power") and node.children[-1].type == "trailer"
            and node.children[-1].children[0].value == "(")


def _call_arguments(trailer: tree.BaseNode) -> list[tree.NodeOrLeaf]:
    if len(trailer.children) == 2:
        return []
    inner = trailer.children[1]
    if inner.type == "arglist":
        return [child for child in inner.children if not (child.type == "operator" and child.value == ",")]
    return [inner]


class RemoveCallStatement(Operator):
    """A statement that is only a call does nothing (`os.chmod(path, 0o644)` -> `pass`)."""

    def mutation_positions(self, node: tree.NodeOrLeaf) -> Positions:
        if _is_call(node) and node.parent is not None and node.parent.type == "simple_stmt":
            yield node.start_pos, node.end_pos

    def mutate(self, node: tree.NodeOrLeaf, index: int) -> tree.NodeOrLeaf:
        return _leaf(node, "pass")

    @classmethod
    def examples(cls) -> list[Example]:
        return [Example("f(x)\n", "pass\n")]


# Builtins whose removal only makes a TypeError: unwrapping them adds cost, not information.
_BUILTINS = frozenset(dir(builtins)) - {"str", "sorted", "reversed", "abs", "round", "min", "max", "any",
                                         "all"}


class UnwrapCall(Operator):
    """A call of one plain argument gives back the argument (`html.escape(tail)` -> `tail`)."""

    def mutation_positions(self, node: tree.NodeOrLeaf) -> Positions:
        if _is_call(node) and not (node.parent is not None and node.parent.type == "simple_stmt") \
                and not (len(node.children) == 2
                         and node.children[0].get_code(include_prefix=False) in _BUILTINS):
            arguments = _call_arguments(node.children[-1])
            if len(arguments) == 1 and arguments[0].type != "argument":
                yield node.start_pos, node.end_pos

    def mutate(self, node: tree.NodeOrLeaf, index: int) -> tree.NodeOrLeaf:
        (argument,) = _call_arguments(node.children[-1])
        return _leaf(node, "(" + argument.get_code(include_prefix=False) + ")")

    @classmethod
    def examples(cls) -> list[Example]:
        return [Example("y = f(x)\n", "y = (x)\n")]


class DropKeywordArgument(Operator):
    """A keyword argument left out (`mkstemp(dir=folder)` -> `mkstemp()`), so the default applies."""

    @staticmethod
    def _keywords(node: tree.NodeOrLeaf) -> list[int]:
        if node.type != "trailer" or node.children[0].value != "(":
            return []
        arguments = _call_arguments(node)
        return [i for i, a in enumerate(arguments)
                if a.type == "argument" and len(a.children) == 3 and a.children[1].value == "="]

    def mutation_positions(self, node: tree.NodeOrLeaf) -> Positions:
        for _ in self._keywords(node):
            yield node.start_pos, node.end_pos

    def mutate(self, node: tree.NodeOrLeaf, index: int) -> tree.NodeOrLeaf:
        drop = self._keywords(node)[index]
        kept = [a.get_code(include_prefix=False) for i, a in enumerate(_call_arguments(node)) if i != drop]
        return _leaf(node, "(" + ", ".join(kept) + ")")

    @classmethod
    def examples(cls) -> list[Example]:
        return [Example("f(a, b=1)\n", "f(a)\n")]


class UnlockWith(Operator):
    """A `with` context without `as` does nothing (`with workspace_lock(...):` -> no lock taken)."""

    @staticmethod
    def _items(node: tree.NodeOrLeaf) -> list[int]:
        if node.type != "with_stmt":
            return []
        return [i for i, child in enumerate(node.children)
                if child.type not in ("keyword", "operator", "suite", "with_item", "newline")
                and not (child.type == "name" and child.value == "as")]

    def mutation_positions(self, node: tree.NodeOrLeaf) -> Positions:
        for i in self._items(node):
            yield node.children[i].start_pos, node.children[i].end_pos

    def mutate(self, node: tree.NodeOrLeaf, index: int) -> tree.NodeOrLeaf:
        i = self._items(node)[index]
        node.children[i] = _leaf(node.children[i], "__import__('contextlib').nullcontext()")
        return node

    @classmethod
    def examples(cls) -> list[Example]:
        return [Example("with lock():\n    pass\n",
                        "with __import__('contextlib').nullcontext():\n    pass\n")]


class NegateMembership(Operator):
    """`in` and `not in` swapped, `is not` made `is` (Cosmic Ray has no operator for these)."""

    def mutation_positions(self, node: tree.NodeOrLeaf) -> Positions:
        if node.type == "comp_op" and node.get_code(include_prefix=False).split() in (["not", "in"],
                                                                                     ["is", "not"]):
            yield node.start_pos, node.end_pos
        elif node.type == "keyword" and node.value == "in" and node.parent is not None \
                and node.parent.type == "comparison":
            yield node.start_pos, node.end_pos

    def mutate(self, node: tree.NodeOrLeaf, index: int) -> tree.NodeOrLeaf:
        words = node.get_code(include_prefix=False).split()
        return _leaf(node, {"in": "not in", "not in": "in", "is not": "is"}[" ".join(words)])

    @classmethod
    def examples(cls) -> list[Example]:
        return [Example("a in b\n", "a not in b\n"), Example("a not in b\n", "a in b\n")]


class NumberPlusOne(Operator):
    """A number one larger (Cosmic Ray's NumberReplacer makes both +1 and -1: twice the runs)."""

    def mutation_positions(self, node: tree.NodeOrLeaf) -> Positions:
        if node.type == "number":
            yield node.start_pos, node.end_pos

    def mutate(self, node: tree.NodeOrLeaf, index: int) -> tree.NodeOrLeaf:
        return _leaf(node, repr(ast.literal_eval(node.value) + 1))

    @classmethod
    def examples(cls) -> list[Example]:
        return [Example("x = 1\n", "x = 2\n")]


OWN_OPERATORS: dict[str, type[Operator]] = {
    "own/NumberPlusOne": NumberPlusOne,
    "own/NegateMembership": NegateMembership,
    "own/RemoveCallStatement": RemoveCallStatement,
    "own/UnwrapCall": UnwrapCall,
    "own/DropKeywordArgument": DropKeywordArgument,
    "own/UnlockWith": UnlockWith,
}


def operators() -> dict[str, Operator]:
    found: dict[str, Operator] = {name: get_operator(name)() for name in COSMIC_RAY_OPERATORS}
    found.update({name: cls() for name, cls in OWN_OPERATORS.items()})
    return found


@dataclass
class Mutant:
    target: str
    module: str
    function: str
    operator: str
    line: int
    original: str  # the changed line(s), before and after
    mutated: str
    code: str = field(repr=False)
    outcome: str = ""  # killed | survived | timeout | error
    equivalent: str = ""  # the reason, when judged equivalent


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations are: changing them changes no behaviour (they are never evaluated)."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        found: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(node.returns)
        elif isinstance(node, ast.arg):
            found.append(node.annotation)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
        for annotation in filter(None, found):
            spans.append(((annotation.lineno, annotation.col_offset),
                          (annotation.end_lineno or annotation.lineno, annotation.end_col_offset or 0)))
    return spans


def function_ranges(source: str, names: list[str]) -> dict[str, tuple[int, int]]:
    """Line ranges of the named functions (`name`, `Class.name`); nested definitions belong to them."""
    found: dict[str, tuple[int, int]] = {}

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + node.name
                if name in names:
                    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    found[name] = (first, node.end_lineno or node.lineno)
                if isinstance(node, ast.ClassDef):
                    walk(node.body, name + ".")

    walk(ast.parse(source).body, "")
    missing = [n for n in names if n not in found]
    if missing:
        raise SystemExit(f"mutation.toml: no function {', '.join(missing)} in the module (moved or renamed?)")
    return found


def _changed_lines(source: str, mutated: str) -> tuple[int, str, str]:
    before, after = source.splitlines(), mutated.splitlines()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            return (i1 + 1, "\n".join(x.strip() for x in before[i1:i2]),
                    "\n".join(x.strip() for x in after[j1:j2]))
    return 0, "", ""


def make_mutants(target: dict[str, Any], copy: Path, ops: dict[str, Operator]) -> list[Mutant]:
    module = target["module"]
    source = (copy / module).read_text(encoding="utf-8")
    ranges = function_ranges(source, target["functions"])
    module_ast = get_ast(source)
    annotations = annotation_spans(source)
    mutants = []
    for op_name, op in ops.items():
        positions = [start for node in ast_nodes(module_ast) for start, _ in op.mutation_positions(node)]
        for occurrence, (line, column) in enumerate(positions):
            inside = [name for name, (a, b) in ranges.items() if a <= line <= b]
            if not inside or any(a <= (line, column) < b for a, b in annotations):
                continue
            mutated = mutate_code(source, op, occurrence)
            if mutated is None or mutated == source:
                continue
            at, before, after = _changed_lines(source, mutated)
            mutants.append(Mutant(target["name"], module, inside[-1], op_name, at, before, after, mutated))
    mutants.sort(key=lambda m: (m.line, m.operator))
    return mutants


def warm_up() -> None:
    for name in WARM_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def run_tests(args: list[str], timeout: float, log: Path) -> str:
    """`pytest args` in a forked child: passed | failed | timeout."""
    pid = os.fork()
    if pid == 0:  # the child: its own process group, so that a timeout ends what it started too
        code = 3
        try:
            os.setsid()
            out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(out, 2)
            import pytest
            code = int(pytest.main(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + timeout
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                _end(pid)
                return "timeout"
            time.sleep(0.05)
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): the tests of the mutant end too
        _end(pid)
        raise
    # 0: all passed; 1: a test failed; 2: collection or import broke (the mutant made code unloadable)
    return {0: "passed", 1: "failed", 2: "failed"}.get(code, f"error (pytest exit {code})")


def _end(pid: int) -> None:
    """End a test run and everything it started (its own process group)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def copy_checkout(into: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and "__pycache__" not in name:
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)


def equivalents(config: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    return {(e["module"], e["line"].strip(), e["mutant"].strip()): e["why"]
            for e in config.get("equivalent", [])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "mutation.toml")
    parser.add_argument("--only", action="append", default=[], help="targets whose name contains this")
    parser.add_argument("--list", action="store_true", help="count the mutants, run nothing")
    parser.add_argument("--json", type=Path, help="write every mutant's outcome here")
    parser.add_argument("--show", action="store_true", help="print each survivor as it is found")
    parser.add_argument("--summarize", type=Path, nargs="+", help="print the table of earlier --json files "
                        "(with the equivalents listed now), run nothing")
    parser.add_argument("--rerun", type=Path, help="run only the mutants that survived in this --json file "
                        "(after adding tests: those killed before stay killed, as tests were only added)")
    options = parser.parse_args()
    config = tomllib.loads(options.config.read_text(encoding="utf-8"))
    targets = [t for t in config["target"] if not options.only or any(o in t["name"] for o in options.only)]
    known = equivalents(config)
    rerun = None
    if options.rerun:
        rerun = {_identity(m) for m in json.loads(options.rerun.read_text(encoding="utf-8"))
                 if m["outcome"] == "survived"}
        targets = [t for t in targets if any(key[0] == t["name"] for key in rerun)]
    if options.summarize:
        return summarize(options.summarize, known)
    ops = operators()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the copy is removed
    work = Path(tempfile.mkdtemp(prefix="workflow-mutate-"))
    copy = work / "tree"
    log = work / "pytest.log"
    results: list[Mutant] = []
    rows = []
    try:
        copy_checkout(copy)
        os.chdir(copy)
        os.environ["PYTHONPATH"] = str(copy) + os.pathsep + os.environ.get("PYTHONPATH", "")
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(copy))
        if not options.list:
            warm_up()
        for target in targets:
            mutants = make_mutants(target, copy, ops)
            if rerun is not None:
                before = len(mutants)
                mutants = [m for m in mutants if _identity(vars(m)) in rerun]
                print(f"   rerunning the {len(mutants)} survivors of {options.rerun}; the other "
                      f"{before - len(mutants)} were killed then", flush=True)
            args = ["-x", "-q", "-p", "no:cacheprovider", "--no-header", *target["tests"]]
            print(f"== {target['name']}: {len(mutants)} mutants in {target['module']} "
                  f"({', '.join(target['functions'])}); tests: {' '.join(target['tests'])}", flush=True)
            if options.list:
                rows.append((target["name"], len(mutants), 0, 0, 0, 0))
                continue
            start = time.monotonic()
            baseline = run_tests(args, 1800, log)
            took = time.monotonic() - start
            if baseline != "passed":
                print(log.read_text(errors="replace")[-4000:])
                raise SystemExit(f"{target['name']}: the tests do not pass unmutated ({baseline})")
            timeout = max(30.0, 5 * took + 10)
            path = copy / target["module"]
            original = path.read_text(encoding="utf-8")
            for number, mutant in enumerate(mutants, 1):
                path.write_text(mutant.code, encoding="utf-8")
                try:
                    outcome = run_tests(args, timeout, log)
                finally:
                    path.write_text(original, encoding="utf-8")
                mutant.outcome = {"failed": "killed", "passed": "survived"}.get(outcome, outcome)
                if mutant.outcome == "survived":
                    mutant.equivalent = known.get((mutant.module, mutant.original, mutant.mutated), "")
                    if options.show:
                        print(f"  survived {mutant.module}:{mutant.line} {mutant.function} {mutant.operator}"
                              f"{' (equivalent)' if mutant.equivalent else ''}\n"
                              f"    - {mutant.original}\n    + {mutant.mutated}", flush=True)
                if number % 25 == 0:
                    print(f"  {number}/{len(mutants)}", flush=True)
            results.extend(mutants)
            if options.json:  # after each target, so that an interrupted run keeps what it found
                found = [{k: v for k, v in vars(m).items() if k != "code"} for m in results]
                options.json.write_text(json.dumps(found, indent=1), encoding="utf-8")
            killed = sum(m.outcome in ("killed", "timeout") for m in mutants)
            if rerun is not None:  # the whole target's score: the mutants not rerun were killed before
                killed += before - len(mutants)
                mutants_total = before
            else:
                mutants_total = len(mutants)
            equivalent = sum(bool(m.equivalent) for m in mutants)
            errors = sum(m.outcome.startswith("error") for m in mutants)
            survived = mutants_total - killed - equivalent - errors
            rows.append((target["name"], mutants_total, killed, equivalent, survived, errors))
            print(f"   {_score(killed, mutants_total - equivalent - errors)} killed; {survived} survived, "
                  f"{equivalent} equivalent, {errors} errors ({time.monotonic() - start:.0f} s)", flush=True)
    finally:
        os.chdir(ROOT)
        shutil.rmtree(work, ignore_errors=True)

    table(rows)
    survivors = [m for m in results if m.outcome == "survived" and not m.equivalent]
    if survivors:
        print("\nSurvivors:")
        for m in survivors:
            print(f"  {m.module}:{m.line} {m.function} [{m.operator}]\n    - {m.original}\n    + {m.mutated}")
    return 0


def summarize(files: list[Path], known: dict[tuple[str, str, str], str]) -> int:
    rows = []
    for file in files:
        found = json.loads(file.read_text(encoding="utf-8"))
        for name in dict.fromkeys(m["target"] for m in found):
            mutants = [m for m in found if m["target"] == name]
            killed = sum(m["outcome"] in ("killed", "timeout") for m in mutants)
            equivalent = sum(m["outcome"] == "survived"
                             and (m["module"], m["original"], m["mutated"]) in known for m in mutants)
            errors = sum(m["outcome"].startswith("error") for m in mutants)
            survived = len(mutants) - killed - equivalent - errors
            rows.append((name, len(mutants), killed, equivalent, survived, errors))
    table(rows)
    return 0


def table(rows: list[tuple[str, int, int, int, int, int]]) -> None:
    print("\n| target | mutants | killed | equivalent | survived | score (of non-equivalent) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, total, killed, equivalent, survived, errors in rows:
        score = _score(killed, total - equivalent - errors)
        print(f"| {name} | {total} | {killed} | {equivalent} | {survived} | {score} |")
    total = sum(r[1] for r in rows)
    killed = sum(r[2] for r in rows)
    equivalent = sum(r[3] for r in rows)
    errors = sum(r[5] for r in rows)
    print(f"| all | {total} | {killed} | {equivalent} | {sum(r[4] for r in rows)} | "
          f"{_score(killed, total - equivalent - errors)} |")


def _identity(mutant: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    return (mutant["target"], mutant["module"], mutant["function"], mutant["operator"], mutant["original"],
            mutant["mutated"])


def _score(killed: int, of: int) -> str:
    return f"{100 * killed / of:.1f} %" if of else "-"


if __name__ == "__main__":
    sys.exit(main())
