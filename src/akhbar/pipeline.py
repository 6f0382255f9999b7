"""Frame-level stage functions: a batch of documents in, table frames out. Prefect-free.

Each function here is what one Prefect task in ``tasks/`` calls; tests call them directly. A *batch* is a
Polars frame of documents with the columns of :data:`akhbar.schemas.DOCUMENTS` produced by
:mod:`akhbar.sources` (``run_id``, ``n_tokens`` and ``ingested_at`` are filled in by
:func:`finalise_documents`).

Stages: tokenise (normalisation + sentences + tokens + clitics) -> entities -> dates -> finalise ->
validate -> stage Parquet; the flow then loads all staged batches into DuckDB in one transaction.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import polars as pl

from akhbar import schemas
from akhbar.parallel import active_pool, map_chunks, split_frame

__all__ = [
    "TokenisedBatch",
    "tokenise_batch",
    "entities_batch",
    "dates_batch",
    "finalise_documents",
    "combine_validation",
    "extract_document",
    "Timer",
]


class Timer:
    """Accumulates wall seconds per stage name: ``with timer("tokenise"): ...``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str) -> "_Span":
        return _Span(self, stage)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


class _Span:
    def __init__(self, timer: Timer, stage: str) -> None:
        self.timer, self.stage = timer, stage

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timer.add(self.stage, time.perf_counter() - self.t0)


@dataclass
class TokenisedBatch:
    """Output of :func:`tokenise_batch`.

    Attributes:
        tokens: schema :data:`akhbar.schemas.TOKENS`.
        sentences: schema :data:`akhbar.schemas.SENTENCES`.
        seconds: wall seconds spent.
    """

    tokens: pl.DataFrame
    sentences: pl.DataFrame
    seconds: float = 0.0


def _tokenise_chunk(documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    from akhbar.tokenise import tokenise_frame

    tokens = schemas.conform(tokenise_frame(documents), schemas.TOKENS)
    spans = (
        tokens.group_by(["doc_id", "sentence_index"], maintain_order=True)
        .agg(pl.col("start_char").min(), pl.col("end_char").max())
        .join(documents.select("doc_id", "raw_text"), on="doc_id", how="left", maintain_order="left")
        .with_columns(pl.col("raw_text").str.slice(pl.col("start_char"), pl.col("end_char") - pl.col("start_char"))
                      .alias("text"))
    )
    return tokens, schemas.conform(spans, schemas.SENTENCES)


def _chunks(documents: pl.DataFrame) -> list[pl.DataFrame]:
    _, workers = active_pool()
    return split_frame(documents, workers)


def tokenise_batch(documents: pl.DataFrame) -> TokenisedBatch:
    """Normalise and tokenise every document of the batch (in the active process pool, if any).

    Tokens come from the vectorised :func:`akhbar.tokenise.tokenise_frame`; a sentence's span runs from its
    first token's start to its last token's end (as :func:`akhbar.tokenise.sentence_spans`).

    Args:
        documents: needs ``doc_id`` (String) and ``raw_text`` (String).
    Returns:
        tokens and sentences frames; spans in code points of raw_text.
    """
    t0 = time.perf_counter()
    parts = map_chunks(_tokenise_chunk, [(c,) for c in _chunks(documents)])
    tokens = pl.concat([p[0] for p in parts], how="vertical")
    sentences = pl.concat([p[1] for p in parts], how="vertical")
    return TokenisedBatch(tokens, sentences, time.perf_counter() - t0)


#: Documents per call of the recogniser inside a worker: its per-token Python lists live for one call, so
#: this bounds a worker's working memory (a 500-document chunk is tagged in a few slices).
ENTITY_SLICE_DOCS = int(os.environ.get("AKHBAR_ENTITY_SLICE_DOCS", "0") or 0) or 125


def _entities_chunk(documents: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    from akhbar.entities import recognise_frame

    parts = []
    for a in range(0, documents.height, ENTITY_SLICE_DOCS):
        docs = documents.slice(a, ENTITY_SLICE_DOCS)
        toks = tokens.filter(pl.col("doc_id").is_in(docs.get_column("doc_id").implode()))
        parts.append(schemas.conform(recognise_frame(docs, toks), schemas.ENTITY_MENTIONS))
    if not parts:
        return schemas.conform(recognise_frame(documents, tokens), schemas.ENTITY_MENTIONS)
    return pl.concat(parts, how="vertical")


def entities_batch(documents: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """Named-entity mentions of the batch (schema :data:`akhbar.schemas.ENTITY_MENTIONS`).

    Args:
        documents: ``doc_id``, ``raw_text``.
        tokens: the batch's tokens (schema TOKENS), as from :func:`tokenise_batch`.
    """
    args = []
    needed = tokens.select("doc_id", "sentence_index", "start_char", "end_char", "text", "kind", "prefix")
    for chunk in _chunks(documents):
        ids = chunk.get_column("doc_id")
        # only what the recogniser reads crosses to the worker process
        args.append((chunk.select("doc_id", "raw_text"), needed.filter(pl.col("doc_id").is_in(ids.implode()))))
    parts = map_chunks(_entities_chunk, args)
    return pl.concat(parts, how="vertical")


def _dates_chunk(documents: pl.DataFrame) -> pl.DataFrame:
    from akhbar.dates import extract_dates_frame

    return schemas.conform(extract_dates_frame(documents), schemas.DATE_MENTIONS)


def dates_batch(documents: pl.DataFrame) -> pl.DataFrame:
    """Temporal expressions of the batch (schema :data:`akhbar.schemas.DATE_MENTIONS`), resolved against
    each document's ``published_date`` (unresolved TIMEX3 forms where it is null)."""
    parts = map_chunks(_dates_chunk, [(c,) for c in _chunks(documents)])
    return pl.concat(parts, how="vertical")


def finalise_documents(documents: pl.DataFrame, tokens: pl.DataFrame, run_id: str,
                       ingested_at: datetime) -> pl.DataFrame:
    """Fill ``n_tokens``, ``run_id`` and ``ingested_at`` and conform to :data:`akhbar.schemas.DOCUMENTS`."""
    counts = tokens.group_by("doc_id").agg(pl.len().cast(pl.Int32).alias("n_tokens"))
    out = documents.drop([c for c in ("n_tokens", "run_id", "ingested_at") if c in documents.columns])
    out = out.join(counts, on="doc_id", how="left", maintain_order="left").with_columns(
        pl.col("n_tokens").fill_null(0),
        pl.lit(run_id).alias("run_id"),
        pl.lit(ingested_at.astimezone(timezone.utc)).cast(pl.Datetime("us", "UTC")).alias("ingested_at"),
    )
    return schemas.conform(out, schemas.DOCUMENTS)


def combine_validation(results: Iterable[pl.DataFrame], run_id: str) -> pl.DataFrame:
    """Fold per-batch validation results into one row per (table, expectation) for the run.

    success is the AND over batches, unexpected_count the sum, detail the first failure's detail.
    """
    frames = [r for r in results if r.height]
    if not frames:
        return schemas.empty_frame(schemas.VALIDATION_RESULTS)
    allr = pl.concat(frames, how="vertical")
    out = allr.group_by(["table_name", "expectation"], maintain_order=True).agg(
        pl.col("success").all(),
        pl.col("unexpected_count").sum().cast(pl.Int64),
        pl.col("detail").drop_nulls().first(),
    ).with_columns(pl.lit(run_id).alias("run_id"))
    return schemas.conform(out, schemas.VALIDATION_RESULTS)


def extract_document(raw: str, published: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Run every text stage on one document, without Prefect or a warehouse (``akhbar extract``).

    Returns:
        ``{"tokens": [...], "sentences": [...], "entities": [...], "dates": [...]}``: the same records the
        tables hold, offsets in code points of ``raw`` as given.
    """
    docs = pl.DataFrame({"doc_id": ["-"], "raw_text": [raw], "published_date": [published]},
                        schema={"doc_id": pl.String, "raw_text": pl.String, "published_date": pl.Date})
    tb = tokenise_batch(docs)
    ents = entities_batch(docs, tb.tokens)
    dts = dates_batch(docs)

    def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
        out = []
        for r in frame.drop("doc_id").iter_rows(named=True):
            out.append({k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()})
        return out

    entities = [{"start": r["start_char"], "end": r["end_char"], **r} for r in rows(ents)]
    dates = [{"start": r["start_char"], "end": r["end_char"], **r} for r in rows(dts)]
    return {"tokens": rows(tb.tokens), "sentences": rows(tb.sentences), "entities": entities, "dates": dates}
