"""Scheduled runs against a real Prefect server on loopback: `akhbar serve` over a temporary inbox.

A real ``prefect server start`` (random free port, private PREFECT_HOME) and ``akhbar serve --interval``
run as separate process groups; files are dropped into the inbox in two rounds and the test checks that
two scheduled runs loaded exactly the new documents (and that a renamed copy was skipped by its content
hash). Every process started here is stopped in fixture finalizers, also when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from akhbar.errors import WarehouseError
from akhbar.storage import Warehouse
from flows.server import ServerError, ServerInfo, server_status, start_server, stop_server
from tests.conftest import REPO, SEED_ARTICLE, SHARED

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEV = SHARED / "corpus" / "dev"
ROUND_1 = [SEED_ARTICLE, DEV / "3alyoum_20150724-0021.txt", DEV / "3alyoum_20150724-0091.txt"]
ROUND_2 = [DEV / "3alyoum_20150724-0092.txt", DEV / "3alyoum_20150724-0137.txt"]
AKHBAR = Path(sys.executable).with_name("akhbar")
INTERVAL_SECONDS = 10
WAIT_SECONDS = 420  # one scheduled run on a loaded 2-core machine: a fresh interpreter, Prefect, GX, models

# Fast service loops so the test does not wait for Prefect's defaults (scheduler 60 s, runner poll 10 s).
FAST_ENV = {
    "AKHBAR_DATA_DOCS": "false",  # each run's Data Docs would add ~10 s between loading and reporting
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    "PREFECT_RUNNER_POLL_FREQUENCY": "2",
}


def _kill_tree(proc: subprocess.Popen, timeout_seconds: float = 20.0) -> None:
    """SIGTERM the process group of ``proc`` and every descendant (flow-run subprocesses), then SIGKILL."""
    import psutil

    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kids = []
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    for k in kids:
        with contextlib.suppress(psutil.NoSuchProcess):
            k.terminate()
    try:
        proc.wait(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    _, alive = psutil.wait_procs(kids, timeout=5)
    for k in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            k.kill()


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve-wh")


@pytest.fixture(scope="module")
def prefect_server(warehouse_dir: Path) -> Iterator[ServerInfo]:
    """A real `prefect server start` on 127.0.0.1 (free port), PREFECT_HOME under the warehouse."""
    try:
        info = start_server(warehouse_dir, timeout_seconds=300, extra_env=FAST_ENV)
    except ServerError:
        stop_server(warehouse_dir)
        raise
    try:
        yield info
    finally:
        stop_server(warehouse_dir)


def _api(url: str, path: str, body: dict | None = None) -> object:
    req = urllib.request.Request(url.rstrip("/") + path, data=json.dumps(body or {}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def _runs(wh: Path) -> list[dict]:
    """Committed runs of the warehouse ([] while it does not exist or a run holds it for writing)."""
    try:
        return Warehouse(wh).query("SELECT run_id, flow_run_id, n_loaded, n_skipped, status FROM runs "
                                   "ORDER BY started_at").to_dicts()
    except WarehouseError:
        return []


def _wait_for_loaded(wh: Path, total_loaded: int, serve_proc: subprocess.Popen, log: Path) -> list[dict]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        runs = _runs(wh)
        if sum(r["n_loaded"] for r in runs) >= total_loaded:
            return runs
        if serve_proc.poll() is not None:
            pytest.fail(f"akhbar serve exited with {serve_proc.returncode}:\n{log.read_text()[-3000:]}")
        text = log.read_text(errors="replace")
        if "Finished in state Failed" in text or "Finished in state Crashed" in text:
            pytest.fail(f"a scheduled run failed:\n{text[-4000:]}")
        time.sleep(2)
    pytest.fail(f"no scheduled run loaded {total_loaded} documents in {WAIT_SECONDS} s; runs: {_runs(wh)}\n"
                f"serve log:\n{log.read_text()[-3000:]}")


def _wait_for_final_states(url: str, flow_run_ids: list[str], timeout_seconds: float = 180) -> dict[str, str]:
    """State type of each flow run once none is pending or running any more (or after the timeout)."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        every = {fr["id"]: fr["state_type"] for fr in _api(url, "/flow_runs/filter", {"limit": 200})}
        states = {i: every.get(i, "MISSING") for i in flow_run_ids}
        if all(v in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for v in states.values()):
            return states
        if time.monotonic() > deadline:
            return states
        time.sleep(1)


def _wait_for_flow_processes_to_exit(proc: subprocess.Popen, timeout_seconds: float = 60) -> None:
    """Wait until the serve process has no child processes (each flow run is one): a flow-run process that
    has reported Completed but not exited yet is marked Cancelled when the serve process is stopped."""
    import psutil

    deadline = time.monotonic() + timeout_seconds
    with contextlib.suppress(psutil.NoSuchProcess):
        parent = psutil.Process(proc.pid)
        while parent.children(recursive=True) and time.monotonic() < deadline:
            time.sleep(0.5)


def _drop(files: list[Path], inbox: Path, folder: str, copies: dict[str, Path] | None = None) -> None:
    """Put ``files`` (and renamed ``copies``) into ``inbox/folder`` at once: they are written into a hidden
    folder (sources skip hidden entries) that is then renamed, so a run sees all of a round or none of it."""
    hidden = inbox / f".{folder}"
    hidden.mkdir()
    for f in files:
        shutil.copyfile(f, hidden / f.name)
    for name, f in (copies or {}).items():
        shutil.copyfile(f, hidden / name)
    os.rename(hidden, inbox / folder)


def test_serve_without_a_server_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    res = subprocess.run([str(AKHBAR), "serve", str(tmp_path / "inbox"), "--interval", "60",
                          "--warehouse", str(tmp_path / "wh")], capture_output=True, text=True, env=env,
                         cwd=REPO, timeout=120)
    assert res.returncode == 1
    message = " ".join(res.stderr.split())
    assert "no Prefect server is reachable" in message
    assert f"akhbar server start --warehouse {tmp_path / 'wh'}" in message


def test_server_status_and_idempotent_start(prefect_server, warehouse_dir):
    info, healthy = server_status(warehouse_dir)
    assert healthy and info == prefect_server
    assert info.host == "127.0.0.1" and info.api_url == f"http://127.0.0.1:{info.port}/api"
    assert Path(info.prefect_home) == (warehouse_dir / "prefect").resolve()
    assert (warehouse_dir / "prefect" / "prefect.db").exists()  # its database lives under the warehouse
    assert start_server(warehouse_dir) == prefect_server  # already running: nothing new spawned
    res = subprocess.run([str(AKHBAR), "server", "status", "--warehouse", str(warehouse_dir)],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 0 and f"PREFECT_API_URL={info.api_url}" in res.stdout


def test_two_scheduled_runs_load_exactly_the_new_documents(prefect_server, warehouse_dir, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _drop(ROUND_1, inbox, "r1")
    log = tmp_path / "serve.log"
    env = dict(os.environ, PREFECT_API_URL=prefect_server.api_url, **FAST_ENV)
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [str(AKHBAR), "serve", str(inbox), "--interval", str(INTERVAL_SECONDS), "--warehouse",
             str(warehouse_dir), "--published", "2020-01-13", "--batch-size", "2"],
            stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True)
    try:
        runs_1 = _wait_for_loaded(warehouse_dir, len(ROUND_1), proc, log)
        # second round: two new articles, plus a renamed copy of a first-round one (same content hash)
        _drop(ROUND_2, inbox, "r2", copies={"copy_of_r1.txt": ROUND_1[1]})
        runs_2 = _wait_for_loaded(warehouse_dir, len(ROUND_1) + len(ROUND_2), proc, log)
        # the `runs` row is committed before the flow run reports its final state: wait for that report
        # before stopping the serve process (stopping it mid-report would mark the run Cancelled)
        states = _wait_for_final_states(prefect_server.api_url, [r["flow_run_id"] for r in runs_2 if r["n_loaded"]])
        _wait_for_flow_processes_to_exit(proc)
    finally:
        _kill_tree(proc)
    assert set(states.values()) == {"COMPLETED"}, states

    loading = [r for r in runs_2 if r["n_loaded"]]
    assert [r["n_loaded"] for r in loading] == [len(ROUND_1), len(ROUND_2)]
    assert all(r["status"] == "completed" for r in loading)
    assert loading[0]["run_id"] in {r["run_id"] for r in runs_1}
    # the second loading run re-read round 1 and skipped it (already loaded: same content hash); the renamed
    # copy was read in the same call as its original, so sources refused it as a duplicate
    assert loading[1]["n_skipped"] == len(ROUND_1)
    rejected = Warehouse(warehouse_dir).query("SELECT source_path, reason FROM rejected_documents WHERE run_id = ?",
                                              [loading[1]["run_id"]])
    assert [(Path(p).name, r) for p, r in rejected.iter_rows()] == [("copy_of_r1.txt", "duplicate")]

    docs = Warehouse(warehouse_dir).query("SELECT run_id, source_path FROM documents ORDER BY source_path")
    by_run = {rid: sorted(f"{Path(p).parent.name}/{Path(p).name}" for p in g["source_path"])
              for (rid,), g in docs.group_by("run_id", maintain_order=True)}
    assert by_run == {
        loading[0]["run_id"]: sorted(f"r1/{f.name}" for f in ROUND_1),
        loading[1]["run_id"]: sorted(f"r2/{f.name}" for f in ROUND_2),
    }

    # both were runs the server scheduled for the served deployment (not manual runs)
    flow_runs = {fr["id"]: fr for fr in _api(prefect_server.api_url, "/flow_runs/filter", {"limit": 200})}
    deployments = _api(prefect_server.api_url, "/deployments/filter", {})
    (deployment,) = [d for d in deployments if d["name"] == "akhbar-inbox"]
    assert deployment["schedules"][0]["schedule"]["interval"] == INTERVAL_SECONDS
    for r in loading:
        fr = flow_runs[r["flow_run_id"]]
        assert fr["deployment_id"] == deployment["id"]
        assert fr["auto_scheduled"] is True
        assert fr["state_type"] == "COMPLETED"


# ------------------------------------------------------------------- no server needed (fast)
def test_serve_parameters_are_absolute_json_values(tmp_path, monkeypatch):
    from datetime import date

    from flows.serve import serve_parameters

    monkeypatch.chdir(tmp_path)
    params = serve_parameters("inbox", warehouse_dir="wh", published=date(2020, 1, 13), batch_size_docs=7)
    assert params["paths"] == [str(tmp_path / "inbox")]
    assert params["warehouse_dir"] == str(tmp_path / "wh")
    assert params["published"] == "2020-01-13" and params["batch_size_docs"] == 7
    assert "parquet_root" not in params  # the flow's default (<warehouse>/parquet) applies
    assert json.loads(json.dumps(params)) == params
    (tmp_path / "a-file").write_text("x")
    from akhbar.errors import ConfigError

    with pytest.raises(ConfigError, match="not a folder"):
        serve_parameters(tmp_path / "a-file", warehouse_dir="wh")


@pytest.mark.parametrize("kwargs", [{}, {"cron": "* * * * *", "interval_seconds": 5}, {"interval_seconds": 0}])
def test_serve_needs_exactly_one_positive_schedule(tmp_path, kwargs):
    from akhbar.errors import ConfigError
    from flows.serve import serve_ingest

    with pytest.raises(ConfigError):
        serve_ingest(tmp_path / "inbox", warehouse_dir=tmp_path / "wh", **kwargs)
    assert not (tmp_path / "inbox").exists()  # refused before touching anything


def test_an_unreachable_api_url_is_named(tmp_path, monkeypatch):
    from flows.server import free_port
    from flows.serve import resolve_api_url

    url = f"http://127.0.0.1:{free_port()}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)
    with pytest.raises(ServerError, match=f"PREFECT_API_URL={url} does not answer"):
        resolve_api_url(tmp_path / "wh")


def test_a_stale_state_file_is_dropped(tmp_path):
    from flows.server import state_path

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    p = state_path(tmp_path)
    p.parent.mkdir(parents=True)
    p.write_text(json.dumps({"pid": dead.pid, "host": "127.0.0.1", "port": 1, "api_url": "http://127.0.0.1:1/api",
                             "prefect_home": str(p.parent), "log_path": "x", "started_at": 0.0}))
    assert server_status(tmp_path) == (None, False)
    assert not p.exists()
    assert stop_server(tmp_path) is None
