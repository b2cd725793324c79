"""Pretranslation on a Dask cluster: the same catalogs as a local run, faults, unreachable schedulers.

Every test runs the real Argos path (the tiny model of tests/tinymodel.py) on real
Dask workers: a `local:2` cluster, or a scheduler and `dask worker` processes the
test starts on 127.0.0.1. Each run starts from a fresh copy of one extracted
workspace, so the MT cache never answers for the cluster.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from extracting import make_workspace
from tinymodel import CORPUS

from workflow.cli import cli
from workflow.extract import extract
from workflow.pretranslate import pretranslate
from workflow.pretranslate.argos_packages import install_model_file
from workflow.settings import Settings, load_settings

pytestmark = pytest.mark.slow
DASK = str(Path(sys.executable).parent / "dask")
# every sentence the tiny model knows, a paragraph each, in two articles: at 2 sentences a batch, many batches
SOURCES = {
    "a.txt": "A bulletin\n\n" + "\n\n".join(source for source, _ in CORPUS[::2]) + "\n",
    "b.txt": "Another bulletin\n\n" + "\n\n".join(source for source, _ in CORPUS[1::2]) + "\n",
}
BATCH = "2"


@pytest.fixture
def extracted(tmp_path: Path, tiny_model: Path, argos_packages: Path) -> Path:
    """An extracted zh workspace, the tiny model installed (ARGOS_PACKAGES_DIR is in the environment)."""
    install_model_file(tiny_model)
    settings = make_workspace(tmp_path / "template", SOURCES, languages="zh")
    assert extract(settings).ok
    return settings.root


def copy_of(template: Path, name: str) -> Settings:
    root = template.parent / name
    shutil.copytree(template, root)
    return load_settings(root)


def catalogs(settings: Settings) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((settings.locales / "zh").glob("*.po"))}


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    """pretranslate, its catalogs dated SOURCE_DATE_EPOCH: two runs a minute apart write the same bytes."""
    result = CliRunner().invoke(cli, ["--root", str(settings.root), "pretranslate", "zh", "--engine", "argos",
                                      "--beam-size", "2", "--batch-size", BATCH, "--json", *args],
                                env={"SOURCE_DATE_EPOCH": "1700000000"})
    return result.exit_code, result.stdout, result.stderr


def local_result(template: Path) -> dict[str, bytes]:
    settings = copy_of(template, "local")
    code, _, err = run(settings)
    assert code == 0, err
    found = catalogs(settings)
    assert all(b"#, fuzzy" in data for data in found.values())
    return found


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[tuple[Path, list[subprocess.Popen[bytes]]]]:
    """A `dask scheduler` on 127.0.0.1 (address in a scheduler file); workers a test starts join the list."""
    scheduler_file = tmp_path / "scheduler.json"
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(scheduler_file)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(300):
            if scheduler_file.is_file() and scheduler_file.stat().st_size:
                break
            time.sleep(0.1)
        assert scheduler_file.is_file(), "the scheduler did not start"
        yield scheduler_file, processes
    finally:
        for process in reversed(processes):
            process.kill()
            process.wait(timeout=30)


# Whether a 4 MiB buffer from the C library is a fresh mmap (glibc's mallinfo2 counts mapped blocks), then
# whether restore_malloc() says it set the thresholds, then the first question again.
MALLOC_PROBE = """
import ctypes
from workflow.pretranslate.cluster import restore_malloc

class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]

def mapped():
    before = libc.mallinfo2().hblks
    block = libc.malloc(4 << 20)
    after = libc.mallinfo2().hblks
    libc.free(block)
    return after > before
"""


def test_restore_malloc_undoes_the_trim_threshold_dask_gives_its_workers() -> None:
    probe = MALLOC_PROBE + "\nprint(mapped(), restore_malloc(), mapped())\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env=dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536"))
    assert result.stdout.split() == ["True", "True", "False"]


def start_worker(scheduler: tuple[Path, list[subprocess.Popen[bytes]]], packages: Path | None = None,
                 ) -> subprocess.Popen[bytes]:
    """A `dask worker` (no nanny: killing it kills the worker) with one thread."""
    scheduler_file, processes = scheduler
    environ = dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536")  # what Dask's nanny gives its workers
    if packages is not None:
        environ["ARGOS_PACKAGES_DIR"] = str(packages)
    process = subprocess.Popen([DASK, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                                "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                               env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes.append(process)
    return process


def address_with_workers(scheduler_file: Path, count: int) -> str:
    from distributed import Client

    with Client(scheduler_file=str(scheduler_file), timeout=30) as client:
        client.wait_for_workers(count, timeout=60)
        return str(json.loads(scheduler_file.read_text())["address"])


def test_a_local_cluster_gives_the_local_run_byte_for_byte(extracted: Path) -> None:
    expected = local_result(extracted)
    settings = copy_of(extracted, "cluster")
    code, out, err = run(settings, "--cluster", "local:2")
    assert code == 0, err
    assert catalogs(settings) == expected
    (report,) = json.loads(out)["languages"]
    assert sum(report["workers"].values()) == report["model_sentences"] == len(CORPUS) + 2  # and 2 titles
    assert "on the cluster:" in err


def test_an_external_scheduler_and_two_workers_give_the_local_run(extracted: Path, scheduler: tuple[
        Path, list[subprocess.Popen[bytes]]]) -> None:
    expected = local_result(extracted)
    start_worker(scheduler)
    start_worker(scheduler)
    address = address_with_workers(scheduler[0], 2)
    settings = copy_of(extracted, "cluster")
    code, out, err = run(settings, "--cluster", address)
    assert code == 0, err
    assert catalogs(settings) == expected
    (report,) = json.loads(out)["languages"]
    from distributed import Client

    def maps_large_buffers() -> bool:  # defined here so that Dask ships it by value to the workers
        namespace: dict[str, object] = {}
        exec(MALLOC_PROBE, namespace)  # noqa: S102 (the probe above, run inside a Dask worker)
        return bool(namespace["mapped"]())  # type: ignore[operator]

    with Client(address, timeout=30) as client:  # the workers decoded without mapping every large buffer
        assert set(client.run(maps_large_buffers).values()) == {False}
    assert len(report["workers"]) == 2  # both took part


def test_a_worker_killed_mid_run_loses_nothing(extracted: Path, scheduler: tuple[
        Path, list[subprocess.Popen[bytes]]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the runs' catalogs dated alike
    expected = local_result(extracted)
    doomed = start_worker(scheduler)
    start_worker(scheduler)
    address = address_with_workers(scheduler[0], 2)
    settings = replace(copy_of(extracted, "cluster"), cluster=address, mt_batch_size=1, mt_beam_size=2,
                       engines=("argos",))
    kills: list[int] = []

    def kill_once(lang: str, done: int, total: int) -> None:
        if not kills:  # after the first batch came back: the others are queued on both workers
            doomed.send_signal(signal.SIGKILL)
            kills.append(done)

    report = pretranslate(settings, ["zh"], progress=kill_once)
    assert report.ok, report.failures
    assert kills and doomed.wait(timeout=30) == -signal.SIGKILL
    # batches of one sentence here; the local run used two: compare with a local run of the same batches
    local = replace(copy_of(extracted, "local-1"), mt_batch_size=1, mt_beam_size=2, engines=("argos",))
    assert pretranslate(local, ["zh"]).ok
    assert catalogs(settings) == catalogs(local)
    assert expected.keys() == catalogs(settings).keys()


def test_a_worker_without_the_model_is_named(extracted: Path, scheduler: tuple[
        Path, list[subprocess.Popen[bytes]]], tmp_path: Path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    start_worker(scheduler)
    lacking = start_worker(scheduler, packages=empty)
    address = address_with_workers(scheduler[0], 2)
    settings = copy_of(extracted, "cluster")
    before = catalogs(settings)
    code, _, err = run(settings, "--cluster", address)
    assert code == 1
    assert "1 of 2 Dask worker(s) cannot run the argos engine for zh: tcp://127.0.0.1:" in err
    assert "workflow models install" in err and "translate-en_zh 0.1" in err
    assert catalogs(settings) == before
    assert lacking.poll() is None


def test_an_unreachable_scheduler_fails_with_a_clear_message(extracted: Path) -> None:
    settings = copy_of(extracted, "cluster")
    before = catalogs(settings)
    started = time.monotonic()
    code, _, err = run(settings, "--cluster", "tcp://127.0.0.1:9")
    assert code == 1
    assert "error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 10 s" in err
    assert "hint: start it with `dask scheduler`" in err
    assert catalogs(settings) == before
    assert time.monotonic() - started < 120  # a hang guard, not a speed test


@pytest.mark.parametrize("address", ["local:0", "local:x", "10.0.0.1:8786", "http://x"])
def test_bad_cluster_addresses_are_refused(extracted: Path, address: str) -> None:
    code, _, err = run(copy_of(extracted, "cluster"), "--cluster", address)
    assert code == 1 and "hint: e.g. --cluster" in err


def test_without_dask_the_option_says_how_to_install_it(extracted: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    code, _, err = run(copy_of(extracted, "cluster"), "--cluster", "local:1")
    assert code == 1
    assert "--cluster needs Dask" in err and "pip install -e '.[cluster]'" in err


def test_a_local_run_does_not_import_dask(extracted: Path) -> None:
    settings = copy_of(extracted, "plain")
    script = ("import sys, pathlib; from workflow.pretranslate import pretranslate; "
              "from workflow.settings import load_settings; "
              f"r = pretranslate(load_settings(pathlib.Path({str(settings.root)!r})), ['zh'], "
              "engines=['pseudo']); "
              "assert r.ok; print('distributed' in sys.modules, 'dask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
