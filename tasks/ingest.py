"""Ingest stage: read the next batch of documents from the input stream (:mod:`akhbar.sources`)."""

from __future__ import annotations

from collections.abc import Iterator

from prefect import task
from prefect.cache_policies import NO_CACHE

from akhbar.sources import SourceBatch


@task(name="ingest-batch", cache_policy=NO_CACHE, log_prints=False)
def read_next_batch(stream: Iterator[SourceBatch]) -> SourceBatch | None:
    """Pull the next :class:`akhbar.sources.SourceBatch` from ``stream`` (None when exhausted).

    Reading is sequential and streaming (files are never all held at once), so it runs in the flow's
    process; the batches it yields are what the later tasks fan out over.
    """
    return next(stream, None)
