"""Fault injection with real signals, and two runs on one warehouse at once (subprocesses of `akhbar run`).

A run is killed with SIGKILL (its whole process group, temporary Prefect server included) at two moments:
while batches are being processed and staged, and in the middle of the DuckDB load. Each time the
warehouse must equal what it was before the run, and a re-run must complete and equal a clean run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from akhbar.storage import Warehouse
from tests.conftest import REPO, SEEDS, SHARED

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
DEV = SHARED / "corpus" / "dev"
COMPARE = ("documents", "sentences", "tokens", "entity_mentions", "date_mentions", "entities")


def _cmd() -> list[str]:
    exe = REPO / ".venv" / "bin" / "akhbar"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "akhbar.cli"]


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("prefect-home")
    return {**os.environ, "PREFECT_HOME": str(home), "PREFECT_LOGGING_LEVEL": "INFO", "AKHBAR_DATA_DOCS": "false"}


@pytest.fixture(scope="module")
def subset(tmp_path_factory) -> Path:
    """A generated inbox: 120 dev-corpus articles (with their manifest rows), so a run takes some seconds."""
    d = tmp_path_factory.mktemp("inbox")
    names = sorted(p.name for p in DEV.glob("*.txt"))[::8][:120]
    for n in names:
        shutil.copy(DEV / n, d / n)
    lines = (DEV / "MANIFEST.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split(",", 1)[0] in set(names)]
    (d / "MANIFEST.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    return d


def _run(args: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd() + args, capture_output=True, text=True, env=env, timeout=timeout)


def _counts(wh: Path) -> dict[str, int]:
    c = Warehouse(wh).table_counts()
    return {k: c[k] for k in COMPARE}


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen(_cmd() + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    lines: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def _wait_for(lines: list[str], needle: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(needle in ln for ln in lines):
            return
        if proc.poll() is not None:
            raise AssertionError(f"run ended before {needle!r}:\n{''.join(lines)[-3000:]}")
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {needle!r}")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, env, subset) -> dict[str, int]:
    """Counts of a clean warehouse: seeds, then the subset."""
    wh = tmp_path_factory.mktemp("clean-wh")
    assert _run(["run", str(SEEDS), "--warehouse", str(wh)], env).returncode == 0
    r = _run(["run", str(subset), "--warehouse", str(wh)], env)
    assert r.returncode == 0, r.stderr[-2000:]
    return _counts(wh)


@pytest.mark.parametrize("moment", ["Task run 'tokenise-batch", "before COMMIT"])
def test_sigkill_leaves_the_warehouse_as_before_and_a_rerun_completes(tmp_path, env, subset, clean, moment):
    wh = tmp_path / "wh"
    assert _run(["run", str(SEEDS), "--warehouse", str(wh)], env).returncode == 0
    before = _counts(wh)
    # the load pauses inside its open transaction (storage's fault-injection hook), so the kill lands there
    # and not after COMMIT, whatever the machine's speed
    fault = {"AKHBAR_FAULT_PAUSE_BEFORE_COMMIT_SECONDS": "30"} if moment == "before COMMIT" else {}
    proc, lines = _start(["run", str(subset), "--warehouse", str(wh), "--batch-size", "30"], {**env, **fault})
    _wait_for(lines, moment, proc)
    _kill_group(proc)
    assert proc.returncode == -signal.SIGKILL
    assert _counts(wh) == before
    # the next run completes normally: no stale lock, no half-written Parquet picked up
    r = _run(["run", str(subset), "--warehouse", str(wh)], env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert _counts(wh) == clean
    assert not list((wh / "staging").glob("*/**/*.parquet"))
    parquet_docs = Warehouse(wh).query(
        f"SELECT count(*) AS n FROM read_parquet('{wh}/parquet/documents/**/*.parquet')")["n"][0]
    assert parquet_docs == clean["documents"]


def test_a_second_run_waits_then_gives_up_clearly(tmp_path, env):
    """While another process holds the warehouse lock, a run waits, then fails clearly and writes nothing.

    The lock is held by this test process (the same flock a run takes), not by a concurrent run: a real
    first run on a small inbox can finish before the second run's Prefect server is up, which made the
    earlier version of this test pass or fail by timing alone.
    """
    wh = Warehouse(tmp_path / "wh")
    with wh.lock(timeout_seconds=5):
        t0 = time.monotonic()
        second = _run(["run", str(SEEDS), "--warehouse", str(wh.root)], {**env, "AKHBAR_LOCK_TIMEOUT_SECONDS": "2"})
        waited = time.monotonic() - t0
        assert second.returncode == 1, second.stdout[-2000:] + second.stderr[-2000:]
        assert "another akhbar run holds" in second.stderr
        assert "waited 2 s" in second.stderr
        assert waited >= 2
    # nothing was written by the run that gave up
    assert not wh.duckdb_path.exists() or Warehouse(wh.root).table_counts().get("documents", 0) == 0


def test_a_run_that_finds_the_lock_taken_proceeds_once_it_is_released(tmp_path, env):
    wh = Warehouse(tmp_path / "wh")
    with wh.lock(timeout_seconds=5):
        run, lines = _start(["run", str(SEEDS), "--warehouse", str(wh.root)],
                            {**env, "AKHBAR_LOCK_TIMEOUT_SECONDS": "300"})
        try:
            _wait_for(lines, "Beginning flow run", run)
            time.sleep(3)
            assert run.poll() is None, "".join(lines)[-2000:]
            assert not any("holds the warehouse lock" in ln for ln in lines)
        except BaseException:
            _kill_group(run)
            raise
    try:
        assert run.wait(timeout=600) == 0, "".join(lines)[-2000:]
    finally:
        if run.poll() is None:
            _kill_group(run)
    assert any("holds the warehouse lock" in ln for ln in lines)
    assert _counts(wh.root)["documents"] == 1
