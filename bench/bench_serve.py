"""Approve latency of `workflow serve` on a 10,000-unit catalog, next to rewriting that catalog with polib.

Equal work on both sides: one unit of the same catalog gets a reviewed translation
and the file on disk is updated. The app's side is the whole HTTP request through
Starlette's TestClient (auth, placeholder check, lock, the whole file's check, one-entry
write, the answer's re-read); polib's side is load, change the entry, save. Rounds are interleaved and
medians and p95 are printed, with the machine's load.

    python bench/bench_serve.py [--units 10000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polib
from starlette.testclient import TestClient

from workflow.extract import extract
from workflow.serve import ServeOptions, create_app
from workflow.settings import init_workspace, load_settings

TOKEN = "bench-token"
SENTENCES = [
    "The China International Fair for Trade in Services opened in Beijing on {n} September.",
    "Exports of services grew by {n} percent in the first half of the year.",
    "More than {n} companies from 150 countries and regions registered for the fair.",
    "The ministry said digital trade accounted for {n} percent of the total.",
]


def make_workspace(root: Path, units: int) -> Path:
    init_workspace(root)
    config = root / "setup.cfg"
    config.write_text(re.sub(r"(?m)^languages = .*$", "languages = zh", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    body = "\n\n".join(SENTENCES[n % len(SENTENCES)].format(n=n) for n in range(units - 1))
    (root / "source" / "big.txt").write_text("A large bulletin\n\n" + body + "\n", encoding="utf-8")
    report = extract(load_settings(root))
    assert report.ok, report.failures
    return root / "locales" / "zh" / "big.po"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        path = make_workspace(root, args.units)
        settings = load_settings(root)
        client = TestClient(create_app(settings, ServeOptions(TOKEN)), base_url="http://127.0.0.1:8765")
        headers = {"Authorization": f"Bearer {TOKEN}"}
        listed = client.get("/api/zh/units", params={"article": "big.txt"}, headers=headers).json()
        assert len(listed) == args.units, len(listed)
        print(f"catalog: {len(listed)} units, {path.stat().st_size / 1e6:.1f} MB")
        app_times: list[float] = []
        polib_times: list[float] = []
        for round_ in range(args.rounds):
            unit = listed[1 + 2 * round_]
            started = time.perf_counter()
            response = client.post(f"/api/zh/units/big.txt/{unit['key']}", headers=headers,
                                   json={"target": f"译文 {round_}", "state": "reviewed",
                                         "revision": unit["revision"]})
            app_times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            other = listed[2 + 2 * round_]
            started = time.perf_counter()
            catalog = polib.pofile(str(path), wrapwidth=0)
            entry = next(e for e in catalog if e.msgctxt == other["key"])
            entry.msgstr = f"译文 {round_}"
            catalog.save(str(path))
            polib_times.append(time.perf_counter() - started)
        saved = {e.msgctxt: e.msgstr for e in polib.pofile(str(path))}
        edited = [saved[listed[n]["key"]] for n in range(1, 2 * args.rounds + 1)]
        assert all(edited), "an edit did not reach the file"
    print(f"{'':28} {'median':>9} {'p95':>9}")
    for name, times in (("serve: approve (HTTP)", app_times), ("polib: load, edit, save", polib_times)):
        print(f"{name:28} {statistics.median(times) * 1000:7.0f} ms {percentile(times, 0.95) * 1000:7.0f} ms")
    ratio = statistics.median(app_times) / statistics.median(polib_times)
    print(f"ratio (serve / polib), medians: {ratio:.2f}")


if __name__ == "__main__":
    main()
