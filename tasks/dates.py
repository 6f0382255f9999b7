"""Temporal-expression stage (TIMEX3 values resolved against the publication date)."""

from __future__ import annotations

import time

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.pipeline import Frame, dates_batch


@task(name="dates-batch", cache_policy=NO_CACHE)
def extract_dates(documents: pl.DataFrame, hold: str | None = None) -> tuple[Frame, float]:
    """See :func:`akhbar.pipeline.dates_batch`; returns (date mentions, wall seconds)."""
    t0 = time.perf_counter()
    out = dates_batch(documents, hold)
    return out, time.perf_counter() - t0
