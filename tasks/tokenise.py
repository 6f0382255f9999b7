"""Normalise + tokenise stage (sentences, tokens with kinds, clitic segmentation)."""

from __future__ import annotations

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.pipeline import TokenisedBatch, tokenise_batch


@task(name="tokenise-batch", cache_policy=NO_CACHE)
def tokenise_documents(documents: pl.DataFrame, hold: str | None = None) -> TokenisedBatch:
    """See :func:`akhbar.pipeline.tokenise_batch` (``hold``: the batch key under which the text workers keep
    the frames)."""
    return tokenise_batch(documents, hold)
