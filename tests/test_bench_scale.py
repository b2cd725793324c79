"""bench/bench_scale.py runs end to end at a toy size: every command exits 0 and does the whole job."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_scale_runs_at_a_toy_size(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "bench_scale.py"), "--sizes", "3",
               "--glossary-terms", "0", "--glossary-big", "0", "--obsolete", "200", "--rounds", "1",
               "--catalog-units", "0", "--memory-units", "0"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path))
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for case in ("extract", r"pretranslate \(pseudo\)", "status", "publish cold", "publish no change"):
        # case, size, seconds, peak MB: a figure for each
        assert re.search(rf"(?m)^{case} +3 articles +\d+\.\d\d +\d+ ", result.stdout), (case, result.stdout)
    assert re.search(r"(?m)^status, obsolete entries +200 #~ +\d+\.\d\d +\d+ ", result.stdout), result.stdout
    assert "3 articles: " in result.stdout and "0 goal(s) missed" in result.stdout, result.stdout
    assert "load average" in result.stdout
    assert list(tmp_path.iterdir()) == [], "the bench left files behind"
