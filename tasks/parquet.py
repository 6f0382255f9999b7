"""Parquet stage: stage one batch's tables as Parquet files (published only when the run commits)."""

from __future__ import annotations

import time
from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.pipeline import Frame, stage_batch
from akhbar.storage import Warehouse


@task(name="write-parquet", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 5])
def write_parquet(warehouse: Warehouse, run_id: str, batch_no: int, frames: dict[str, Frame],
                  ingested_at: datetime) -> tuple[dict[str, int], float]:
    """See :func:`akhbar.pipeline.stage_batch`; returns (rows per table, wall seconds)."""
    t0 = time.perf_counter()
    out = stage_batch(warehouse, run_id, batch_no, frames, ingested_at)
    return out, time.perf_counter() - t0
