"""Scale-out: a fixed quarter of the dev corpus on a 2-worker Dask LocalCluster equals the thread-runner warehouse.

The input is every 4th file of ../shared/corpus/dev in name order (501 files, all 15 sources, both file
formats, with the corpus MANIFEST.csv beside them): two full-corpus runs would cost about 12 minutes of
the 90-minute CI budget on 2 busy cores (measured: 6 min for one thread-runner run of the 2,002 files).

Both runs go through the command line a user types (`akhbar run --task-runner dask|threads --json`) in
subprocesses against one real Prefect server on loopback (a Dask run cannot use Prefect's temporary server:
each worker would start its own, ../shared/STACK_NOTES.md). Every table is compared row for row and value
for value, ignoring only what differs by construction between two runs: ``run_id``, ``ingested_at``,
``flow_run_id`` and the run's timestamps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from akhbar import schemas
from akhbar.storage import Warehouse
from flows.server import ServerError, ServerInfo, start_server, stop_server
from tests.conftest import REPO, SHARED

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEV = SHARED / "corpus" / "dev"
SUBSET = sorted(DEV.glob("*.txt"))[::4]
AKHBAR = Path(sys.executable).with_name("akhbar")
BATCH_SIZE_DOCS = 100  # 501 files -> 6 batches, so both workers get several
RUN_TIMEOUT_SECONDS = 1500
#: Columns that differ between two runs of the same input by construction.
RUN_COLUMNS = {"run_id", "ingested_at", "flow_run_id", "started_at", "finished_at", "inputs"}


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[ServerInfo]:
    home = tmp_path_factory.mktemp("dask-server")
    try:
        info = start_server(home, timeout_seconds=300)
    except ServerError:
        stop_server(home)
        raise
    try:
        yield info
    finally:
        stop_server(home)


def _run(server: ServerInfo, warehouse: Path, runner: str) -> tuple[dict, str]:
    env = dict(os.environ, PREFECT_API_URL=server.api_url)
    cmd = [str(AKHBAR), "run", *map(str, SUBSET), "--warehouse", str(warehouse), "--task-runner", runner,
           "--workers", "2", "--batch-size", str(BATCH_SIZE_DOCS), "--json"]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=RUN_TIMEOUT_SECONDS,
                         start_new_session=True)
    assert res.returncode == 0, f"{runner} run failed:\n{res.stderr[-4000:]}"
    return json.loads(res.stdout), res.stderr


@pytest.fixture(scope="module")
def two_warehouses(prefect_server, tmp_path_factory) -> dict[str, tuple[Path, dict, str]]:
    out = {}
    for runner in ("threads", "dask"):
        wh = tmp_path_factory.mktemp(f"wh-{runner}")
        summary, log = _run(prefect_server, wh, runner)
        out[runner] = (wh, summary, log)
    return out


def _table(wh: Path, name: str) -> pl.DataFrame:
    table = schemas.TABLES[name]
    cols = [c for c in table.column_names if c not in RUN_COLUMNS]
    key = [c for c in table.primary_key if c not in RUN_COLUMNS] or cols
    frame = Warehouse(wh).query(f"SELECT {', '.join(cols)} FROM {name}")
    return frame.sort(key + [c for c in cols if c not in key and frame.schema[c].is_numeric()])


def test_the_dask_run_really_used_a_local_cluster(two_warehouses):
    _, summary, log = two_warehouses["dask"]
    assert "LocalCluster" in log  # prefect-dask logs the cluster it creates
    assert summary["documents_loaded"] >= 495
    _, threads_summary, threads_log = two_warehouses["threads"]
    assert "LocalCluster" not in threads_log


def test_summaries_agree(two_warehouses):
    (_, t, _), (_, d, _) = two_warehouses["threads"], two_warehouses["dask"]
    for key in ("status", "documents_read", "documents_loaded", "documents_rejected", "documents_skipped",
                "rows", "validation"):
        assert d[key] == t[key], key
    assert len(SUBSET) == t["documents_read"] == 501
    assert t["rows"]["tokens"] > 50_000


@pytest.mark.parametrize("name", [n for n in schemas.TABLES if n != "runs"])
def test_tables_are_equal(two_warehouses, name):
    threads = _table(two_warehouses["threads"][0], name)
    dask = _table(two_warehouses["dask"][0], name)
    assert threads.height > 0
    assert dask.schema == threads.schema
    assert dask.height == threads.height
    diff = pl.concat([threads.join(dask, on=threads.columns, how="anti", nulls_equal=True),
                      dask.join(threads, on=threads.columns, how="anti", nulls_equal=True)])
    assert diff.height == 0, diff.head(5)
    assert dask.equals(threads)


def test_runs_rows_agree(two_warehouses):
    threads = _table(two_warehouses["threads"][0], "runs")
    dask = _table(two_warehouses["dask"][0], "runs")
    assert threads.height == dask.height == 1
    assert dask.to_dicts() == threads.to_dicts()
    assert threads["status"][0] == "completed"


def test_parquet_of_the_dask_run_is_what_duckdb_holds(two_warehouses):
    """Batches were staged by the workers as Parquet; after the commit DuckDB and the Parquet agree."""
    wh, summary, _ = two_warehouses["dask"]
    parquet = Path(summary["parquet"])
    for name in schemas.RUN_TABLES:
        n_parquet = pl.scan_parquet(parquet / name / "**" / "*.parquet", hive_partitioning=True).select(
            pl.len()).collect().item()
        assert n_parquet == summary["rows"][name] == Warehouse(wh).table_counts()[name], name
