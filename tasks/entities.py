"""Named-entity stage (CRF recogniser, canonical forms)."""

from __future__ import annotations

import time

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.pipeline import Frame, TokenisedBatch, entities_batch


@task(name="entities-batch", cache_policy=NO_CACHE)
def extract_entities(documents: pl.DataFrame, tokenised: TokenisedBatch) -> tuple[Frame, float]:
    """See :func:`akhbar.pipeline.entities_batch`; returns (mentions, wall seconds)."""
    t0 = time.perf_counter()
    out = entities_batch(documents, tokenised.tokens)
    return out, time.perf_counter() - t0
