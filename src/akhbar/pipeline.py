"""Frame-level stage functions: a batch of documents in, table frames out. Prefect-free.

Each function here is what one Prefect task in ``tasks/`` calls; tests call them directly. A *batch* is a
Polars frame of documents with the columns of :data:`akhbar.schemas.DOCUMENTS` produced by
:mod:`akhbar.sources` (``run_id``, ``n_tokens`` and ``ingested_at`` are filled in by
:func:`finalise_documents`).

Stages: tokenise (normalisation + sentences + tokens + clitics) -> entities -> dates -> finalise ->
validate -> stage Parquet; the flow then loads all staged batches into DuckDB in one transaction.

**Held frames.** With a process pool active (:mod:`akhbar.parallel`), the flow passes ``hold=<batch key>``:
each worker then keeps the frames its chunk produced (tokens, sentences, mentions) and the stage returns a
:class:`Held` marker instead of the frames. Later stages of the batch run in the same workers on what they
hold (:func:`validate_batch` and :func:`stage_batch`), so a 1,000-article batch's tokens (about 90 MB) are
never pickled to the flow process and back, and the flow process holds no batch frames. The last stage,
:func:`stage_batch`, drops them. Two exceptions: a batch that is a single chunk (one document, or a pool
of one) runs, and is held, in the calling process, as :func:`akhbar.parallel.map_chunks` runs a single
chunk; and a staging area private to one process (``memory://``) makes :func:`stage_batch` fetch the
frames back and write them here. Without a pool, ``hold`` is ignored and frames are returned as usual (the
Dask runner passes frames between its workers).
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
from akhbar.parallel import active_pool, held, map_chunks, split_frame

__all__ = [
    "Held",
    "TokenisedBatch",
    "tokenise_batch",
    "entities_batch",
    "dates_batch",
    "finalise_documents",
    "validate_batch",
    "stage_batch",
    "fetch",
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


@dataclass(frozen=True)
class Held:
    """A table of one batch that stays in the processes that made it.

    Chunk ``i`` of the batch (as :func:`akhbar.parallel.split_frame` cut it) lives in worker ``i``'s
    :func:`akhbar.parallel.held` store under the slot ``f"{key}#{i}"`` (a single chunk: in the calling
    process's store). :func:`fetch` brings it back.

    Attributes:
        key: the batch key the flow gave (unique among the batches in flight).
        table: table name (``tokens``, ``sentences``, ``entity_mentions``, ``date_mentions``).
        chunks: number of chunks (each held by one process).
        rows: rows over all chunks.
    """

    key: str
    table: str
    chunks: int
    rows: int


#: A table's frame, or a marker of where its parts are held.
Frame = pl.DataFrame | Held


@dataclass
class TokenisedBatch:
    """Output of :func:`tokenise_batch`.

    Attributes:
        tokens: schema :data:`akhbar.schemas.TOKENS` (or :class:`Held`).
        sentences: schema :data:`akhbar.schemas.SENTENCES` (or :class:`Held`).
        seconds: wall seconds spent.
    """

    tokens: Frame
    sentences: Frame
    seconds: float = 0.0


def _slot(key: str, i: int) -> str:
    return f"{key}#{i}"


def _hold(key: str | None) -> str | None:
    """The batch key if frames are to be held (a pool is active), else None."""
    return key if key is not None and active_pool()[0] is not None else None


def _fetch_chunk(slot: str, table: str) -> pl.DataFrame:
    return held()[slot][table]


def fetch(frame: Frame) -> pl.DataFrame:
    """The frame itself: a DataFrame as given, a :class:`Held` table gathered from its workers (in order).

    Raises:
        KeyError: the batch's frames were already dropped (:func:`stage_batch` ran) or never held here.
    """
    if isinstance(frame, pl.DataFrame):
        return frame
    parts = map_chunks(_fetch_chunk, [(_slot(frame.key, i), frame.table) for i in range(frame.chunks)])
    return pl.concat(parts, how="vertical")


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


def _tokenise_held(slot: str, documents: pl.DataFrame) -> tuple[int, int]:
    tokens, sentences = _tokenise_chunk(documents)
    held().setdefault(slot, {}).update(documents=documents, tokens=tokens, sentences=sentences)
    return tokens.height, sentences.height


def tokenise_batch(documents: pl.DataFrame, hold: str | None = None) -> TokenisedBatch:
    """Normalise and tokenise every document of the batch (in the active process pool, if any).

    Tokens come from the vectorised :func:`akhbar.tokenise.tokenise_frame`; a sentence's span runs from its
    first token's start to its last token's end (as :func:`akhbar.tokenise.sentence_spans`).

    Args:
        documents: needs ``doc_id`` (String) and ``raw_text`` (String).
        hold: a batch key: with a pool active, the workers keep the documents, tokens and sentences (see
            the module docstring) and :class:`Held` markers are returned.
    Returns:
        tokens and sentences frames (or markers); spans in code points of raw_text.
    """
    t0 = time.perf_counter()
    chunks = _chunks(documents)
    key = _hold(hold)
    if key is not None:
        counts = map_chunks(_tokenise_held, [(_slot(key, i), c) for i, c in enumerate(chunks)])
        return TokenisedBatch(Held(key, "tokens", len(chunks), sum(c[0] for c in counts)),
                              Held(key, "sentences", len(chunks), sum(c[1] for c in counts)),
                              time.perf_counter() - t0)
    parts = map_chunks(_tokenise_chunk, [(c,) for c in chunks])
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


def _entities_held(slot: str) -> int:
    frames = held()[slot]
    mentions = _entities_chunk(frames["documents"], frames["tokens"])
    frames["entity_mentions"] = mentions
    return mentions.height


def entities_batch(documents: pl.DataFrame, tokens: Frame) -> Frame:
    """Named-entity mentions of the batch (schema :data:`akhbar.schemas.ENTITY_MENTIONS`).

    Args:
        documents: ``doc_id``, ``raw_text``.
        tokens: the batch's tokens (schema TOKENS), as from :func:`tokenise_batch`. When they are
            :class:`Held`, the workers tag the documents and tokens they hold, keep the mentions and a
            :class:`Held` marker is returned.
    """
    if isinstance(tokens, Held):
        counts = map_chunks(_entities_held, [(_slot(tokens.key, i),) for i in range(tokens.chunks)])
        return Held(tokens.key, "entity_mentions", tokens.chunks, sum(counts))
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


def _dates_held(slot: str, documents: pl.DataFrame) -> int:
    mentions = _dates_chunk(documents)
    held().setdefault(slot, {})["date_mentions"] = mentions
    return mentions.height


def dates_batch(documents: pl.DataFrame, hold: str | None = None) -> Frame:
    """Temporal expressions of the batch (schema :data:`akhbar.schemas.DATE_MENTIONS`), resolved against
    each document's ``published_date`` (unresolved TIMEX3 forms where it is null).

    ``hold``: a batch key, as for :func:`tokenise_batch` (the workers keep the mentions; a :class:`Held`
    marker is returned)."""
    chunks = _chunks(documents)
    key = _hold(hold)
    if key is not None:
        counts = map_chunks(_dates_held, [(_slot(key, i), c) for i, c in enumerate(chunks)])
        return Held(key, "date_mentions", len(chunks), sum(counts))
    parts = map_chunks(_dates_chunk, [(c,) for c in chunks])
    return pl.concat(parts, how="vertical")


#: The per-document tables of a batch, in the order they are validated and staged.
BATCH_TABLES = ("documents", "sentences", "tokens", "entity_mentions", "date_mentions")


def _batch_frames(frames: dict[str, pl.DataFrame], run_id: str, ingested_at: datetime) -> dict[str, pl.DataFrame]:
    """The batch's tables as loaded: documents finalised (:func:`finalise_documents`), the others as made."""
    out = {name: frames[name] for name in BATCH_TABLES if name in frames and name != "documents"}
    return {"documents": finalise_documents(frames["documents"], frames["tokens"], run_id, ingested_at), **out}


def _held_key(frames: dict[str, Frame]) -> tuple[str, int] | None:
    keys = {(f.key, f.chunks) for f in frames.values() if isinstance(f, Held)}
    if len(keys) > 1:
        raise ValueError(f"frames of different batches: {sorted(keys)}")
    return keys.pop() if keys else None


def _validate_held(slot: str, run_id: str, ingested_at: datetime) -> pl.DataFrame:
    from akhbar.validate import validate_tables

    return validate_tables(_batch_frames(held()[slot], run_id, ingested_at), run_id)


def validate_batch(frames: dict[str, Frame], run_id: str, ingested_at: datetime) -> pl.DataFrame:
    """Great Expectations suites over a batch's tables (:func:`akhbar.validate.validate_tables`).

    Args:
        frames: ``documents`` (as read, not yet finalised), ``sentences``, ``tokens``,
            ``entity_mentions``, ``date_mentions``: frames, or :class:`Held` markers of one batch (then
            each worker validates the chunk it holds, and the results are folded as
            :func:`combine_validation` does: a chunk's documents are the documents its spans refer to;
            a table-level row-count expectation holds for the batch when it holds for any chunk, since
            "at least one row" of the batch is "at least one row" in some chunk).
        run_id, ingested_at: written into the documents frame before it is checked.
    Returns:
        Schema :data:`akhbar.schemas.VALIDATION_RESULTS`, one row per table and expectation.
    """
    hk = _held_key(frames)
    if hk is not None:
        key, n = hk
        parts = map_chunks(_validate_held, [(_slot(key, i), run_id, ingested_at) for i in range(n)])
        return combine_validation([_fold_row_counts(pl.concat(parts, how="vertical"))], run_id)
    from akhbar.validate import validate_tables

    return validate_tables(_batch_frames(frames, run_id, ingested_at), run_id)  # type: ignore[arg-type]


def _fold_row_counts(chunks: pl.DataFrame) -> pl.DataFrame:
    """Per-chunk validation rows, with each row-count expectation (``expect_table_row_count_to_be_between``,
    only ever a lower bound of 1 here) made a success in every chunk when it succeeded in any."""
    group = ["table_name", "expectation"]
    is_count = pl.col("expectation").str.starts_with("expect_table_row_count_to_be_between")
    any_ok = pl.col("success").any().over(group)
    return chunks.with_columns(
        pl.when(is_count & any_ok).then(pl.lit(None, pl.String)).otherwise(pl.col("detail")).alias("detail"),
        pl.when(is_count).then(any_ok).otherwise(pl.col("success")).alias("success"),
    )


def _stage_held(slot: str, warehouse: Any, run_id: str, part: str, ingested_at: datetime) -> dict[str, int]:
    store = held()
    if "_written" in store.get(slot, {}):  # a retry after another chunk failed: this one is on disk
        return store[slot]["_written"]  # type: ignore[return-value]
    written = warehouse.stage_batch(run_id, part, _batch_frames(store[slot], run_id, ingested_at))
    # the frames are dropped; the rows written stay (a few integers) so that a retry of the batch's staging
    # after another chunk failed does not write this chunk twice; they go when the pool closes
    store[slot] = {"_written": written}  # type: ignore[dict-item]
    return written


def stage_batch(warehouse: Any, run_id: str, batch_no: int, frames: dict[str, Frame],
                ingested_at: datetime) -> dict[str, int]:
    """Write a batch's tables as staged Parquet (:meth:`akhbar.storage.Warehouse.stage_batch`).

    ``frames`` as for :func:`validate_batch`. Held frames are written by the workers that hold them (one
    file per table, partition and chunk), then dropped from the workers. A staging area private to one
    process (an fsspec ``memory://`` root) cannot be written from workers: the frames are fetched and
    written here.

    Returns:
        Rows written per table.
    """
    hk = _held_key(frames)
    if hk is not None and not warehouse.staging_is_process_local:
        key, n = hk
        parts = map_chunks(_stage_held, [(_slot(key, i), warehouse, run_id, f"{batch_no:05d}-{i:02d}", ingested_at)
                                          for i in range(n)])
        return {name: sum(p.get(name, 0) for p in parts) for name in BATCH_TABLES}
    local = {name: fetch(f) for name, f in frames.items()}
    written = warehouse.stage_batch(run_id, f"{batch_no:05d}", _batch_frames(local, run_id, ingested_at))
    if hk is not None:
        _drop(hk)  # only once written: a retry fetches them again
    return written


def _drop_chunk(slot: str) -> None:
    held().pop(slot, None)


def _drop(hk: tuple[str, int]) -> None:
    key, n = hk
    map_chunks(_drop_chunk, [(_slot(key, i),) for i in range(n)])


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
