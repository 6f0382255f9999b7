"""Validation stage: Great Expectations suites over every frame of a batch."""

from __future__ import annotations

import time
from datetime import datetime

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar import pipeline


@task(name="validate-batch", cache_policy=NO_CACHE)
def validate_batch(frames: dict[str, pipeline.Frame], run_id: str,
                   ingested_at: datetime) -> tuple[pl.DataFrame, float]:
    """See :func:`akhbar.pipeline.validate_batch`; returns (validation rows, wall seconds)."""
    t0 = time.perf_counter()
    out = pipeline.validate_batch(frames, run_id, ingested_at)
    return out, time.perf_counter() - t0
