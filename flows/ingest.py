"""The main flow, ``akhbar-ingest``: raw files in, a DuckDB warehouse out. Wiring only.

ingest (streamed batches) -> tokenise -> entities -> dates -> validate -> write Parquet (staged) ->
load DuckDB (one transaction for the run) -> publish Parquet.

Batches fan out over the task runner (threads by default, Dask via ``task_runner="dask"``); at most
``max_workers + 1`` batches are in flight, so memory stays flat however large the input.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections import deque
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import polars as pl
from prefect import flow, get_run_logger
from prefect.context import get_run_context

from akhbar import schemas
from akhbar.errors import ValidationFailed
from akhbar.memory import trim_heap
from akhbar.parallel import process_pool
from akhbar.pipeline import Held, Timer, combine_validation
from akhbar.sources import iter_source_batches
from akhbar.storage import Warehouse, inputs_json
from tasks.dates import extract_dates
from tasks.entities import extract_entities
from tasks.ingest import read_next_batch
from tasks.load import load_warehouse
from tasks.parquet import write_parquet
from tasks.report import build_run_data_docs
from tasks.tokenise import tokenise_documents
from tasks.validate import validate_batch

__all__ = ["ingest_flow", "make_task_runner", "PROGRESS_CALLBACK"]

#: Called with (documents read, documents processed) after each batch; set by the CLI for its progress
#: bar (a module hook rather than a flow parameter, since flow parameters must be serialisable).
PROGRESS_CALLBACK: Callable[[int, int], None] | None = None


def _release(*futures: Any) -> None:
    """Drop the done-callbacks of finished Prefect futures' wrapped futures (see drain_one)."""
    for fut in futures:
        callbacks = getattr(getattr(fut, "wrapped_future", None), "_done_callbacks", None)
        if isinstance(callbacks, list):
            callbacks.clear()


def _report_progress(read: int, done: int) -> None:
    """Call :data:`PROGRESS_CALLBACK` if set. The flow body must not name the hook itself: Dask (and
    ``flow.serve``) pickle the flow function by value with the globals it names, and the CLI's hook holds
    a rich progress bar whose RLock cannot be pickled ("Could not serialize object of type LLGExpr")."""
    if PROGRESS_CALLBACK is not None:
        PROGRESS_CALLBACK(read, done)


def make_task_runner(kind: str = "threads", max_workers: int = 2, dask_address: str | None = None) -> Any:
    """The Prefect task runner named by the ``task_runner`` setting.

    ``threads``: ``ThreadPoolTaskRunner(max_workers)``. ``dask``: ``prefect_dask.DaskTaskRunner`` on the
    scheduler at ``dask_address``, or on a LocalCluster of ``max_workers`` single-threaded worker processes.
    A Dask run needs ``PREFECT_API_URL`` pointing at a real Prefect server (see STACK_NOTES.md).
    """
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=max_workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": max_workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown task runner {kind!r}: use threads or dask")


@flow(name="akhbar-ingest", log_prints=False, validate_parameters=True)
def ingest_flow(
    paths: list[str],
    warehouse_dir: str = "warehouse",
    published: date | None = None,
    batch_size_docs: int = 1000,
    parquet_root: str | None = None,
    max_in_flight: int = 2,
    lock_timeout_seconds: float = 30.0,
    max_file_bytes: int = 2 * 1024**3,
    max_document_chars: int = 10_000_000,
    storage_compatibility_version: str | None = "v1.0.0",
    strict: bool = False,
    field_names: dict[str, str] | None = None,
    worker_processes: int = 1,
    data_docs: bool = True,
) -> dict[str, Any]:
    """Ingest ``paths`` into the warehouse at ``warehouse_dir``; return the run summary.

    Args:
        paths: files, folders (recursive), globs or "-" (standard input).
        published: publication date for documents that carry none (after their own metadata and a
            MANIFEST.csv beside them).
        batch_size_docs: documents per batch task.
        strict: fail the run (load nothing) when any input is rejected.
        data_docs: build Great Expectations' Data Docs for the run under ``<warehouse>/data_docs``.
        worker_processes: processes for the text stages (see :mod:`akhbar.parallel`); 1 keeps them in the
            task's thread (use 1 with the Dask runner, whose workers are processes already).
        field_names: JSON/CSV field names to try first, e.g. ``{"text": "matn", "published": "tarikh"}``.
    Returns:
        The summary: run_id, flow_run_id, counts (read, loaded, rejected, skipped), rows per table,
        validation outcome per table, stage seconds, wall seconds, warehouse and Parquet locations.
    Raises:
        ValidationFailed: a Great Expectations suite failed (nothing was loaded).
        WarehouseBusy: another run holds the warehouse.
    """
    t_start = time.perf_counter()
    log = get_run_logger()
    ctx = get_run_context()
    flow_run_id = str(ctx.flow_run.id) if getattr(ctx, "flow_run", None) else None
    started_at = datetime.now(timezone.utc)
    run_id = started_at.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
    wh = Warehouse(warehouse_dir, parquet_root, storage_compatibility_version)
    timer = Timer()
    counts = {"read": 0, "loaded": 0, "rejected": 0, "skipped": 0}
    rows = {name: 0 for name in schemas.RUN_TABLES}
    rejected_frames: list[pl.DataFrame] = []
    validation_frames: list[pl.DataFrame] = []

    with wh.lock(lock_timeout_seconds), contextlib.ExitStack() as pool_scope:
        pool_scope.enter_context(process_pool(worker_processes))
        log.info("run %s holds the warehouse lock on %s", run_id, wh.root)
        discarded = wh.recover()
        if discarded:
            log.warning("discarded staged data of interrupted runs: %s", ", ".join(discarded))
        known = wh.known_doc_ids()
        seen: dict[str, str] = {}
        stream = iter(iter_source_batches(paths, batch_size_docs=batch_size_docs, published=published,
                                          max_file_bytes=max_file_bytes, max_document_chars=max_document_chars,
                                          field_names=field_names))
        in_flight: deque[tuple[int, Any, Any, Any, pl.DataFrame]] = deque()

        def drain_one() -> None:
            batch_no, tok_f, ent_f, dat_f, docs = in_flight.popleft()
            tokenised = tok_f.result()
            mentions, ent_s = ent_f.result()
            dmentions, dat_s = dat_f.result()
            timer.add("tokenise", tokenised.seconds)
            timer.add("entities", ent_s)
            timer.add("dates", dat_s)
            frames = {
                "documents": docs,
                "sentences": tokenised.sentences,
                "tokens": tokenised.tokens,
                "entity_mentions": mentions,
                "date_mentions": dmentions,
            }
            val_f = validate_batch.submit(frames, run_id, started_at)
            # held frames (akhbar.pipeline.Held) are dropped by staging: stage after validation then
            held = isinstance(tokenised.tokens, Held)
            par_f = write_parquet.submit(wh, run_id, batch_no, frames, started_at,
                                         wait_for=[val_f] if held else None)
            val, val_s = val_f.result()
            written, par_s = par_f.result()
            timer.add("validate", val_s)
            timer.add("parquet", par_s)
            validation_frames.append(val)
            for name, n in written.items():
                rows[name] += n
            counts["loaded"] += docs.height
            _report_progress(counts["read"], counts["loaded"])
            # A Prefect future and the concurrent future it wraps reference each other (a done-callback
            # bound to the Prefect future), so the batch's frames they hold would wait for a full pass of
            # the cyclic garbage collector (the flow process grew by about 70 MB per 1,000 articles, and a
            # full gc.collect() per batch cost 0.46 s): break the cycle so reference counting frees them.
            _release(tok_f, ent_f, dat_f, val_f, par_f)

        batch_no = 0
        while True:
            with timer("ingest"):
                sb = read_next_batch(stream)
            if sb is None:
                break
            docs = sb.documents
            counts["read"] += docs.height + sb.rejected.height
            if sb.rejected.height:
                rejected_frames.append(sb.rejected)
            # incremental: documents already in the warehouse are skipped; a document seen earlier in
            # this run under another name is recorded as a duplicate.
            # set look-ups: cost per batch independent of how large the warehouse is
            is_known = pl.Series([d in known for d in docs["doc_id"].to_list()], dtype=pl.Boolean)
            counts["skipped"] += int(is_known.sum())
            docs = docs.filter(~is_known)
            dup_rows = []
            keep = []
            for doc_id, path in docs.select("doc_id", "source_path").iter_rows():
                if doc_id in seen:
                    dup_rows.append((path, "duplicate", f"same text as {seen[doc_id]} (doc_id {doc_id[:12]})"))
                    keep.append(False)
                else:
                    seen[doc_id] = path
                    keep.append(True)
            if dup_rows:
                rejected_frames.append(pl.DataFrame(dup_rows, schema=["source_path", "reason", "detail"],
                                                    orient="row"))
                docs = docs.filter(pl.Series(keep))
            if docs.height == 0:
                continue
            # with a process pool the text workers keep the batch's frames under this key until staged
            hold = f"{run_id}:{batch_no}"
            tok_f = tokenise_documents.submit(docs, hold)
            ent_f = extract_entities.submit(docs, tok_f)
            dat_f = extract_dates.submit(docs, hold)
            in_flight.append((batch_no, tok_f, ent_f, dat_f, docs))
            batch_no += 1
            while len(in_flight) >= max_in_flight:
                drain_one()
                trim_heap()  # the drained batch's freed pages back to the OS (akhbar.memory)
        while in_flight:
            drain_one()
            trim_heap()
        # the text workers are done: stop them (and free their models and caches) before the load
        pool_scope.close()

        rejected = (pl.concat(rejected_frames, how="vertical_relaxed") if rejected_frames
                    else pl.DataFrame(schema={"source_path": pl.String, "reason": pl.String, "detail": pl.String}))
        counts["rejected"] = rejected.height
        validation = combine_validation(validation_frames, run_id)
        failures = validation.filter(~pl.col("success"))
        status = "completed" if counts["loaded"] else "nothing_new"
        if failures.height or (strict and counts["rejected"]):
            wh.record_failed_run(run_id)
            if failures.height:
                detail = [(r["table_name"], r["expectation"], r["detail"] or "") for r in failures.iter_rows(named=True)]
                raise ValidationFailed(
                    f"{failures.height} expectation(s) failed; run {run_id} loaded nothing: "
                    + "; ".join(f"{t} {e} ({d})" for t, e, d in detail[:5]), detail)
            raise ValidationFailed(f"--strict: {counts['rejected']} input(s) rejected; run {run_id} loaded nothing",
                                   [("rejected_documents", "strict", str(counts["rejected"]))])
        log.info("loading run %s into %s (%d new documents)", run_id, wh.duckdb_path, counts["loaded"])
        run_row = {
            "run_id": run_id, "flow_run_id": flow_run_id, "started_at": started_at,
            "finished_at": datetime.now(timezone.utc), "n_read": counts["read"], "n_loaded": counts["loaded"],
            "n_rejected": counts["rejected"], "n_skipped": counts["skipped"], "status": status,
            "inputs": inputs_json(paths),
        }
        with timer("load"):
            load_warehouse(wh, run_id, run_row, rejected, validation)
        docs_index = None
        if data_docs and status == "completed":
            with timer("data_docs"):
                docs_index = build_run_data_docs(str(wh.root), run_id)  # inside the lock: DuckDB read-only

    by_table = {
        t: bool(g["success"].all())
        for t, g in validation.group_by("table_name", maintain_order=True)
        for t in [t[0] if isinstance(t, tuple) else t]
    }
    return {
        "run_id": run_id,
        "flow_run_id": flow_run_id,
        "status": status,
        "documents_read": counts["read"],
        "documents_loaded": counts["loaded"],
        "documents_rejected": counts["rejected"],
        "documents_skipped": counts["skipped"],
        "rows": rows,
        "validation": by_table,
        "rejected": rejected.select("source_path", "reason", "detail").to_dicts()[:20],
        "stage_seconds": {k: round(v, 3) for k, v in timer.seconds.items()},
        "flow_seconds": round(time.perf_counter() - t_start, 3),
        "warehouse": str(wh.duckdb_path),
        "parquet": str(wh.parquet_dir),
        "data_docs": docs_index,
    }


def summary_json(summary: dict[str, Any]) -> str:
    """The summary as pretty JSON (for logs and ``--json``)."""
    return json.dumps(summary, ensure_ascii=False, indent=2, default=str)


if __name__ == "__main__":  # pragma: no cover
    print(summary_json(ingest_flow([str(Path("seeds"))])))
