"""A process pool for the CPU-bound text stages, shared by the batch tasks of one run.

Prefect's default thread runner keeps batches in one process, where Python's GIL lets only one thread
compute at a time. The text stages (tokenise, entities, dates) are pure Python over strings, so a batch is
split by documents into chunks that run in worker processes: with ``worker_processes=N`` the stages use N
cores while Prefect still orchestrates batches in threads. Frames cross processes as Arrow IPC (Polars
pickling): a 1,000-article batch's tokens take about 0.5 s of CPU to pickle and unpickle, which is why the
flow keeps a batch's frames in the workers (below). Worker processes are started with ``spawn`` (never ``fork``:
the flow process runs threads and event loops) and load their models once.

With no pool active (the default, and inside Dask workers, which are processes already) every chunk runs
in the calling thread.

The pool is ``N`` single-process executors, and chunk ``i`` of a call always runs in worker ``i``: a batch
split the same way at every stage lands in the same workers, so a stage can leave its output in the
worker's :func:`held` store for the next stage of that batch instead of sending it through the flow
process (see :class:`akhbar.pipeline.Held`).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

import polars as pl

__all__ = ["process_pool", "active_pool", "map_chunks", "split_frame", "held"]

T = TypeVar("T")
_global: dict[str, Any] = {"pool": None, "workers": 1}
_JEMALLOC_ENV = "_RJEM_MALLOC_CONF"
_POLARS_JEMALLOC_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"
_POLARS_THP = ",thp:always,metadata_thp:always"  # what Polars adds with POLARS_THP=1
#: jemalloc options for the worker processes' Polars: give freed pages back at once. Measured on 20,000
#: scale articles (docs/scaling.md, Session 4): tree peak RSS 2,023 MiB against 2,114, worker CPU +1%.
WORKER_JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"
#: Frames a stage left for a later stage of the same batch, in this process: slot -> table -> frame.
_HELD: dict[str, dict[str, pl.DataFrame]] = {}


def held() -> dict[str, dict[str, pl.DataFrame]]:
    """This process's store of held frames (``slot -> table name -> frame``); see :mod:`akhbar.pipeline`."""
    return _HELD


#: Cyclic garbage collector thresholds of the worker processes (CPython's default is (700, 10, 10)). The
#: text stages allocate millions of short-lived lists, tuples and strings per batch, almost all freed by
#: reference counting, but every 700 net allocations start a generation-0 pass; with the default, a
#: worker-like process over scale articles 2,000-6,000 (tokenise, entities, dates, validate; one process)
#: spent 21.9-25.6 s of CPU, with these 17.0-21.4 s (entity recognition 9.5-12.4 s against 12.9-15.4 s)
#: at the same peak RSS (793-810 MiB). See docs/scaling.md, Session 6.
WORKER_GC_THRESHOLD = (10_000, 50, 100)


def _warm_up() -> None:
    """Worker initialiser: import the stages and load the models once per process, then move what is loaded
    out of the garbage collector's way (``gc.freeze``: the models live as long as the process) and raise
    its thresholds (:data:`WORKER_GC_THRESHOLD`)."""
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    with contextlib.suppress(Exception):
        from akhbar.entities import get_recogniser

        get_recogniser()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLD)


@contextlib.contextmanager
def process_pool(workers: int) -> Iterator[list[Executor] | None]:
    """Make ``workers`` worker processes the active pool for the duration (None when workers <= 1).

    Yields the list of single-process executors (chunk ``i`` of :func:`map_chunks` runs in executor ``i``).
    On exit the workers are shut down (their held frames go with them) and this process's held frames are
    dropped.
    """
    if workers <= 1:
        yield None
        return
    ctx = multiprocessing.get_context("spawn")
    pool: list[Executor] = [ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_warm_up)
                            for _ in range(workers)]
    previous = dict(_global)
    _global.update(pool=pool, workers=workers)
    # Polars allocates through its own jemalloc, which keeps freed pages for a while (polars/__init__.py
    # sets _RJEM_MALLOC_CONF to "dirty_decay_ms:500,muzzy_decay_ms:1000" at import, then appends any value
    # already in the environment; polars issues #18088, #23128). The workers start on the first submit and
    # inherit this environment, so our options go last there (jemalloc reads options left to right, the
    # last one wins). A value the user set (anything but Polars' own default) is left alone. While the pool
    # is open, other child processes of this process inherit the setting too.
    jemalloc_conf = os.environ.get(_JEMALLOC_ENV)
    if jemalloc_conf in (None, _POLARS_JEMALLOC_DEFAULT, _POLARS_JEMALLOC_DEFAULT + _POLARS_THP):
        os.environ[_JEMALLOC_ENV] = WORKER_JEMALLOC_CONF
    try:
        yield pool
    finally:
        if jemalloc_conf is None:
            os.environ.pop(_JEMALLOC_ENV, None)
        else:
            os.environ[_JEMALLOC_ENV] = jemalloc_conf
        _global.update(previous)
        for executor in pool:
            executor.shutdown(wait=False, cancel_futures=True)
        for executor in pool:
            executor.shutdown(wait=True)
        _HELD.clear()  # (one pool per process at a time: the flow opens one per run)


def active_pool() -> tuple[list[Executor] | None, int]:
    """The active pool (its executors, one process each) and its worker count ((None, 1) when none)."""
    return _global["pool"], int(_global["workers"] or 1)


def split_frame(frame: pl.DataFrame, parts: int) -> list[pl.DataFrame]:
    """Split ``frame`` into at most ``parts`` contiguous slices of near-equal total ``raw_text`` length."""
    if parts <= 1 or frame.height <= 1:
        return [frame]
    lengths = frame.get_column("raw_text").str.len_bytes().fill_null(0).cum_sum().to_list()
    total = lengths[-1] or 1
    bounds = [0]
    for k in range(1, parts):
        target = total * k / parts
        idx = next((i + 1 for i, v in enumerate(lengths) if v >= target), frame.height)
        if idx > bounds[-1]:
            bounds.append(idx)
    bounds.append(frame.height)
    return [frame.slice(a, b - a) for a, b in zip(bounds, bounds[1:]) if b > a]


def map_chunks(fn: Callable[..., T], chunks: Sequence[tuple[Any, ...]]) -> list[T]:
    """Call ``fn(*args)`` for each args tuple, in the active pool when there is one; results in order.

    Chunk ``i`` runs in worker ``i % workers``; a single chunk (or no pool) runs in the calling thread.
    ``fn`` must be a module-level function (it is pickled by name for the worker processes).
    """
    pool, _ = active_pool()
    if pool is None or len(chunks) <= 1:
        return [fn(*args) for args in chunks]
    trim = os.environ.get("AKHBAR_TRIM_HEAP", "").strip().lower() in ("1", "true", "yes", "on")
    futures = [pool[i % len(pool)].submit(_call_and_trim, fn, *args) if trim
               else pool[i % len(pool)].submit(fn, *args)
               for i, args in enumerate(chunks)]
    return [f.result() for f in futures]


def _call_and_trim(fn: Callable[..., T], *args: Any) -> T:
    """Run one chunk in a worker process, then give the chunk's freed heap back (:mod:`akhbar.memory`).

    Used when ``AKHBAR_TRIM_HEAP`` is true: about 125 MiB less resident per worker for about 8% more
    worker CPU (the next chunk faults its pages in again), measured on 20,000 scale articles
    (docs/scaling.md, "Memory settings")."""
    from akhbar.memory import trim_heap

    try:
        return fn(*args)
    finally:
        trim_heap()
