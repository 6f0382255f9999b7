"""Validation stage: Great Expectations suites over every frame of a batch."""

from __future__ import annotations

import time

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.validate import validate_tables


@task(name="validate-batch", cache_policy=NO_CACHE)
def validate_batch(frames: dict[str, pl.DataFrame], run_id: str) -> tuple[pl.DataFrame, float]:
    """See :func:`akhbar.validate.validate_tables`; returns (validation rows, wall seconds)."""
    t0 = time.perf_counter()
    out = validate_tables(frames, run_id)
    return out, time.perf_counter() - t0
