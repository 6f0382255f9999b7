"""Load stage: one DuckDB transaction for the whole run, then the Parquet is published."""

from __future__ import annotations

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.storage import CommitSummary, Warehouse


@task(name="load-duckdb", cache_policy=NO_CACHE)
def load_warehouse(warehouse: Warehouse, run_id: str, run_row: dict, rejected: pl.DataFrame,
                   validation: pl.DataFrame) -> CommitSummary:
    """See :meth:`akhbar.storage.Warehouse.commit_run` (single writer; no retries: it is all-or-nothing)."""
    return warehouse.commit_run(run_id, run_row, rejected, validation)
