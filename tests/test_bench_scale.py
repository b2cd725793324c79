"""bench/bench_scale.py runs end to end at a toy size: every command exits 0 and does the whole job."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURES = r" +\d+\.\d\d +\d+\.\d\d +[1-9]\d* "


def test_bench_scale_runs_at_a_toy_size(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "bench_scale.py"), "--sizes", "3",
               "--glossary-terms", "0", "--glossary-big", "0", "--obsolete", "200", "--rounds", "1",
               "--catalog-units", "0", "--memory-units", "0"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path))
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for case in ("extract", r"pretranslate \(pseudo\)", "status", "publish cold", "publish no change"):
        # case, size, wall seconds, CPU seconds, peak MB: a figure for each
        assert re.search(rf"(?m)^{case} +3 articles{FIGURES}", result.stdout), (case, result.stdout)
    assert re.search(rf"(?m)^status, obsolete entries +200 #~{FIGURES}", result.stdout), result.stdout
    assert "3 articles: " in result.stdout and "0 goal(s) missed" in result.stdout, result.stdout
    assert "load average" in result.stdout
    assert list(tmp_path.iterdir()) == [], "the bench left files behind"


def _common() -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import common
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return common


def test_a_failing_command_stops_the_bench(tmp_path: Path) -> None:
    common = _common()
    with pytest.raises(common.RunFailed, match="exited 2"):
        common.run_workflow(ROOT, tmp_path, "no-such-command")


def test_peak_memory_is_the_commands_own(tmp_path: Path) -> None:
    """A child forked from a large bench would report the bench's peak RSS as its own."""
    common = _common()
    ballast = bytearray(300 * 1024 * 1024)
    for page in range(0, len(ballast), 4096):
        ballast[page] = 1
    result = common.run_workflow(ROOT, tmp_path, "--help")
    assert 5 < result.peak_mb < 200 and "Usage" in result.stdout, result
    del ballast
