"""Normalise + tokenise stage (sentences, tokens with kinds, clitic segmentation)."""

from __future__ import annotations

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.pipeline import TokenisedBatch, tokenise_batch


@task(name="tokenise-batch", cache_policy=NO_CACHE)
def tokenise_documents(documents: pl.DataFrame) -> TokenisedBatch:
    """See :func:`akhbar.pipeline.tokenise_batch`."""
    return tokenise_batch(documents)
