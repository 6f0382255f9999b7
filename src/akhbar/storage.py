"""Parquet writing and DuckDB loading: the only writer of the warehouse.

Layout under the warehouse folder (``AkhbarSettings.warehouse_dir``):

- ``akhbar.duckdb``: the DuckDB database, one table per :data:`akhbar.schemas.TABLES` entry plus the
  analysts' views of ``warehouse/views/*.sql``.
- ``parquet/<table>/year=YYYY/month=M/source=S/<run_id>-<batch>.parquet``: the per-document tables,
  zstd-compressed, Hive-partitioned by publication year and month and by source (``year=0/month=0`` when
  the publication date is unknown). Small tables (``entities``, ``runs``, ``rejected_documents``,
  ``validation_results``) are one file each, ``parquet/<table>/<table>.parquet``, rewritten per run.
- ``staging/<run_id>/``: Parquet of a run in progress. Nothing there is visible to analysts.
- ``.akhbar.lock``: an advisory ``flock`` held for the whole run; the kernel drops it when the process dies,
  so a killed run never leaves a stale lock.

A run commits all its rows or none: batches are staged as Parquet, then :meth:`Warehouse.commit_run` loads
them into DuckDB in one transaction and only then moves the staged files into ``parquet/``. A crash before
the commit leaves DuckDB as it was and the staged files are deleted by the next run's :meth:`recover`; a
crash after it is completed by the next :meth:`recover` (the ``runs`` row says the run committed).
Every value from the input reaches SQL only as a bound parameter or through a Parquet file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from akhbar import schemas
from akhbar.errors import WarehouseBusy, WarehouseError

__all__ = ["Warehouse", "VIEWS_DIR", "partition_columns"]

#: Analysts' views shipped with the project (``warehouse/views`` at the repository root).
VIEWS_DIR = Path(__file__).resolve().parents[2] / "warehouse" / "views"

#: zstd level of every Parquet file written. Level 1 against the default 3, on one batch of 1,000 scale
#: articles: 0.45 s against 0.63 s of CPU, 15.4 MB against 14.7 MB (bench notes in docs/scaling.md).
PARQUET_ZSTD_LEVEL = 1

#: DuckDB ``memory_limit`` of the writing connection (the load); DuckDB evicts or spills beyond it.
#: Read-only connections (``akhbar sql``, the report) keep DuckDB's default (80% of RAM).
LOAD_MEMORY_LIMIT = "1GB"

_PER_DOC_TABLES = schemas.RUN_TABLES
_WHOLE_TABLES = ("entities", "runs", "rejected_documents", "validation_results")


def _partition_value(value: object) -> str:
    return urllib.parse.quote(str(value), safe="") if value not in (None, "") else "unknown"


def partition_columns(documents: pl.DataFrame) -> pl.DataFrame:
    """Partition keys per document: doc_id, year (Int32), month (Int32), source (String).

    Documents without a publication date get year 0 and month 0; without a source, ``unknown``.
    """
    return documents.select(
        "doc_id",
        pl.col("published_date").dt.year().fill_null(0).cast(pl.Int32).alias("year"),
        pl.col("published_date").dt.month().fill_null(0).cast(pl.Int32).alias("month"),
        pl.col("source").fill_null("unknown").alias("source"),
    )


@dataclass
class CommitSummary:
    """What one :meth:`Warehouse.commit_run` added: rows per table (after dropping rows already present)."""

    rows: dict[str, int]


class Warehouse:
    """The warehouse at ``root``: lock, staging, one-transaction loads into DuckDB, Parquet publishing.

    Args:
        root: the warehouse folder (created when missing).
        parquet_dir: root of the Parquet tables; default ``root/parquet``. A local path, or an fsspec URL
            (``s3://bucket/akhbar``, ``memory://x``): then staging lives under ``<parquet_dir>/_staging``
            on that file system too, so task-runner workers on other machines can stage batches.
        storage_compatibility_version: DuckDB storage version for new database files (``"v1.0.0"`` lets
            DuckDB 1.x clients open it; ``None`` for the newest format).
        views_dir: folder of ``*.sql`` view definitions run after each load.
    """

    def __init__(
        self,
        root: Path | str,
        parquet_dir: Path | str | None = None,
        storage_compatibility_version: str | None = "v1.0.0",
        views_dir: Path | None = None,
    ) -> None:
        self.root = Path(root)
        # An fsspec URL (s3://, gs://, memory://, ...) puts the Parquet tables *and the staging area* on
        # that file system, so Dask workers on other hosts stage where the loader reads; DuckDB reads the
        # staged files through the same fsspec file system (register_filesystem, no httpfs needed).
        self._fs = None
        if parquet_dir and "://" in str(parquet_dir) and not str(parquet_dir).startswith("file://"):
            import fsspec

            self._fs, base = fsspec.core.url_to_fs(str(parquet_dir))
            self._pq = base.rstrip("/")
            self._stg = self._pq + "/_staging"
            self.parquet_dir: Path | str = str(parquet_dir).rstrip("/")
            self.staging_dir: Path | str = self.parquet_dir + "/_staging"
        else:
            if parquet_dir and str(parquet_dir).startswith("file://"):
                parquet_dir = str(parquet_dir)[len("file://"):]
            self.parquet_dir = Path(parquet_dir) if parquet_dir else self.root / "parquet"
            self.staging_dir = self.root / "staging"
        self.duckdb_path = self.root / "akhbar.duckdb"
        self.lock_path = self.root / ".akhbar.lock"
        self.compat = storage_compatibility_version
        self.views_dir = views_dir or VIEWS_DIR
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------ lock
    @contextlib.contextmanager
    def lock(self, timeout_seconds: float = 30.0) -> Iterator[None]:
        """Hold the warehouse's exclusive lock; wait up to ``timeout_seconds`` for another run.

        Raises:
            WarehouseBusy: another process still holds the lock after ``timeout_seconds``.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout_seconds
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(
                            f"another akhbar run holds {self.lock_path} (waited {timeout_seconds:.0f} s); "
                            "let it finish, or raise AKHBAR_LOCK_TIMEOUT_SECONDS"
                        ) from None
                    time.sleep(0.2)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._lock_fd = fd
            yield
        finally:
            self._lock_fd = None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # ------------------------------------------------------------- connection
    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open the DuckDB file (creating it, and every table, when writable).

        Raises:
            WarehouseError: the file is missing (read-only) or locked by another process.
        """
        if read_only and not self.duckdb_path.exists():
            raise WarehouseError(f"no warehouse at {self.duckdb_path}; run `akhbar run` first")
        self.root.mkdir(parents=True, exist_ok=True)
        config: dict[str, str] = {}
        if self.compat and not self.duckdb_path.exists() and not read_only:
            config["storage_compatibility_version"] = self.compat
        if not read_only:  # the load: DuckDB's buffer pool otherwise grows towards 80% of RAM
            config["memory_limit"] = LOAD_MEMORY_LIMIT
        try:
            con = duckdb.connect(str(self.duckdb_path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            raise WarehouseError(f"cannot open {self.duckdb_path}: {exc}") from exc
        if not read_only:
            for table in schemas.TABLES.values():
                con.execute(schemas.duckdb_ddl(table))
        return con

    def known_doc_ids(self) -> set[str]:
        """doc_ids already loaded (empty when there is no warehouse yet)."""
        if not self.duckdb_path.exists():
            return set()
        con = self.connect(read_only=True)
        try:
            return {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()}
        except duckdb.CatalogException:
            return set()
        finally:
            con.close()

    # --------------------------------------------------------------- staging
    @property
    def staging_is_process_local(self) -> bool:
        """True when the staging area is visible only to this process (an fsspec ``memory://`` root), so
        worker processes cannot stage batches for this process to load."""
        return self._fs is not None and "memory" in (self._fs.protocol if isinstance(self._fs.protocol, tuple)
                                                     else (self._fs.protocol,))

    def stage_batch(self, run_id: str, batch_no: int | str, frames: dict[str, pl.DataFrame]) -> dict[str, int]:
        """Write one batch's per-document tables as Parquet under ``staging/<run_id>/``.

        Args:
            batch_no: names the files (``<run_id>-<batch_no>.parquet``; an int is zero-padded to 5 digits);
                unique per batch (or per chunk of a batch) within the run.
            frames: table name -> frame with exactly that table's schema; must include ``documents``
                (used for the partition keys of every table).
        Returns:
            Rows written per table.
        """
        part = f"{batch_no:05d}" if isinstance(batch_no, int) else str(batch_no)
        parts = partition_columns(frames["documents"])
        written: dict[str, int] = {}
        for name in _PER_DOC_TABLES:
            frame = frames.get(name)
            if frame is None:
                continue
            frame = schemas.conform(frame, schemas.TABLES[name])
            written[name] = frame.height
            if frame.height == 0:
                continue
            keyed = frame.join(parts, on="doc_id", how="left", maintain_order="left")
            for (year, month, source), group in keyed.group_by(["year", "month", "source"], maintain_order=True):
                if self._fs is not None:
                    rel = f"{name}/year={year}/month={month}/source={_partition_value(source)}"
                    self._fs_write(group.drop("year", "month", "source"),
                                   f"{self._stg}/{run_id}/{rel}/{run_id}-{part}.parquet")
                    continue
                out = (
                    self.staging_dir / run_id / name / f"year={year}" / f"month={month}"
                    / f"source={_partition_value(source)}" / f"{run_id}-{part}.parquet"
                )
                out.parent.mkdir(parents=True, exist_ok=True)
                tmp = out.with_suffix(".parquet.tmp")
                group.drop("year", "month", "source").write_parquet(
                    tmp, compression="zstd", compression_level=PARQUET_ZSTD_LEVEL)
                os.replace(tmp, out)
        return written

    def _fs_write(self, frame: pl.DataFrame, path: str) -> None:
        """Write ``frame`` as zstd Parquet at ``path`` on the fsspec file system (temporary name, then move)."""
        self._fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        tmp = path + ".tmp"
        with self._fs.open(tmp, "wb") as fh:
            frame.write_parquet(fh, compression="zstd", compression_level=PARQUET_ZSTD_LEVEL)
        self._fs.mv(tmp, path)

    def _staged_files(self, run_id: str, table: str) -> list[str]:
        if self._fs is not None:
            base = f"{self._stg}/{run_id}/{table}"
            if not self._fs.exists(base):
                return []
            return sorted(self._fs.unstrip_protocol(p) for p in self._fs.glob(base + "/**/*.parquet"))
        base = self.staging_dir / run_id / table
        return sorted(str(p) for p in base.rglob("*.parquet")) if base.exists() else []

    # ----------------------------------------------------------------- commit
    def commit_run(
        self,
        run_id: str,
        run_row: dict,
        rejected: pl.DataFrame,
        validation: pl.DataFrame,
        *,
        fail_before_commit: bool = False,
    ) -> CommitSummary:
        """Load everything staged for ``run_id`` into DuckDB in one transaction, then publish the Parquet.

        Rows whose document is already in the warehouse are dropped (a re-run adds nothing); the
        ``entities`` table is rebuilt from all mentions. The ``runs`` row is written in the same
        transaction, so its presence means the run committed.

        Args:
            run_row: values for the ``runs`` table (every column of :data:`akhbar.schemas.RUNS`).
            rejected: rows for ``rejected_documents`` (run_id filled in here).
            validation: rows for ``validation_results``.
            fail_before_commit: testing hook: raise just before COMMIT (simulates a crash).
                The environment variable ``AKHBAR_FAULT_PAUSE_BEFORE_COMMIT_SECONDS`` (a fault-injection
                hook for tests that kill a run) makes the load print a line to stderr and sleep that many
                seconds inside the open transaction, just before COMMIT.
        Raises:
            WarehouseError: DuckDB refused the load; the transaction was rolled back.
        """
        con = self.connect()
        if self._fs is not None:
            con.register_filesystem(self._fs)
        added: dict[str, int] = {}
        try:
            con.execute("BEGIN TRANSACTION")
            before = {n: con.execute(f"SELECT count(*) FROM {n}").fetchall()[0][0] for n in _PER_DOC_TABLES}
            docs = self._staged_files(run_id, "documents")
            if docs:
                con.execute("CREATE OR REPLACE TEMP TABLE new_docs AS SELECT s.doc_id FROM read_parquet(?) s "
                            "ANTI JOIN documents d ON s.doc_id = d.doc_id", [docs])
            else:
                con.execute("CREATE OR REPLACE TEMP TABLE new_docs (doc_id VARCHAR)")
            for name in _PER_DOC_TABLES:
                files = self._staged_files(run_id, name)
                if files:
                    cols = ", ".join(schemas.TABLES[name].column_names)
                    con.execute(
                        f"INSERT INTO {name} ({cols}) SELECT {cols} FROM read_parquet(?) "
                        "WHERE doc_id IN (SELECT doc_id FROM new_docs)",
                        [files],
                    )
                added[name] = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] - before[name]
            con.execute("DELETE FROM entities")
            con.execute(
                "INSERT INTO entities SELECT entity_id, any_value(canonical), any_value(label), "
                "count(*), count(DISTINCT doc_id) FROM entity_mentions GROUP BY entity_id"
            )
            row = dict(run_row)
            con.execute(
                f"INSERT INTO runs ({', '.join(schemas.RUNS.column_names)}) VALUES "
                f"({', '.join('?' for _ in schemas.RUNS.columns)})",
                [row[c] for c in schemas.RUNS.column_names],
            )
            if rejected.height:
                rej = schemas.conform(rejected.with_columns(pl.lit(run_id).alias("run_id")),
                                      schemas.REJECTED_DOCUMENTS).unique(maintain_order=True)
                con.register("_rejected", rej)
                con.execute("INSERT OR IGNORE INTO rejected_documents SELECT * FROM _rejected")
                con.unregister("_rejected")
            if validation.height:
                val = schemas.conform(validation, schemas.VALIDATION_RESULTS).unique(
                    subset=list(schemas.VALIDATION_RESULTS.primary_key), keep="last", maintain_order=True)
                con.register("_validation", val)
                con.execute("INSERT OR IGNORE INTO validation_results SELECT * FROM _validation")
                con.unregister("_validation")
            self._create_views(con)
            if fail_before_commit:
                raise WarehouseError("fail_before_commit requested (test hook)")
            pause = float(os.environ.get("AKHBAR_FAULT_PAUSE_BEFORE_COMMIT_SECONDS") or 0)
            if pause > 0:  # fault-injection hook: lets a test kill the run at a known point inside the load
                print(f"akhbar: pausing {pause:g} s before COMMIT of run {run_id}", file=sys.stderr, flush=True)
                time.sleep(pause)
            con.execute("COMMIT")
        except Exception as exc:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            con.close()
            if isinstance(exc, WarehouseError):
                raise
            raise WarehouseError(f"loading run {run_id} failed and was rolled back: {exc}") from exc
        try:
            con.execute("CHECKPOINT")
            self._export_whole_tables(con)
        finally:
            con.close()
        self._publish(run_id)
        return CommitSummary(rows=added)

    def record_failed_run(self, run_id: str) -> None:
        """Drop what ``run_id`` staged (it loaded nothing)."""
        if self._fs is not None:
            with contextlib.suppress(FileNotFoundError):
                self._fs.rm(f"{self._stg}/{run_id}", recursive=True)
            return
        shutil.rmtree(self.staging_dir / run_id, ignore_errors=True)

    # --------------------------------------------------------------- publish
    def _publish(self, run_id: str) -> None:
        if self._fs is not None:
            base = f"{self._stg}/{run_id}"
            if not self._fs.exists(base):
                return
            for src in sorted(self._fs.glob(base + "/**/*.parquet")):
                dest = f"{self._pq}/{src[len(base) + 1:]}"
                self._fs.makedirs(dest.rsplit("/", 1)[0], exist_ok=True)
                self._fs.mv(src, dest)
            with contextlib.suppress(FileNotFoundError):
                self._fs.rm(base, recursive=True)
            return
        base = self.staging_dir / run_id
        if not base.exists():
            return
        for src in sorted(base.rglob("*.parquet")):
            dest = self.parquet_dir / src.relative_to(base)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
        shutil.rmtree(base, ignore_errors=True)

    def _export_whole_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        for name in _WHOLE_TABLES:
            if self._fs is not None:
                self._fs_write(con.sql(f"SELECT * FROM {name}").pl(), f"{self._pq}/{name}/{name}.parquet")
                continue
            out = self.parquet_dir / name / f"{name}.parquet"
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(".parquet.tmp")
            con.sql(f"SELECT * FROM {name}").pl().write_parquet(
                tmp, compression="zstd", compression_level=PARQUET_ZSTD_LEVEL)
            os.replace(tmp, out)

    def recover(self) -> list[str]:
        """Finish or discard what an interrupted run left in ``staging/``; call with the lock held.

        A staged run whose ``runs`` row exists committed before the crash: its Parquet is published.
        Any other staged run is deleted. Returns the run_ids that were discarded.
        """
        if self._fs is not None:
            if not self._fs.exists(self._stg):
                return []
            staged = sorted(p.rstrip("/").rsplit("/", 1)[-1] for p in self._fs.ls(self._stg, detail=False)
                            if self._fs.isdir(p))
        elif not self.staging_dir.exists():
            return []
        else:
            staged = sorted(p.name for p in self.staging_dir.iterdir() if p.is_dir())
        committed: set[str] = set()
        if self.duckdb_path.exists():
            con = self.connect()
            try:
                committed = {r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()}
            finally:
                con.close()
        discarded = []
        for name in staged:
            if name in committed:
                self._publish(name)
            else:
                self.record_failed_run(name)
                discarded.append(name)
        return discarded

    def _create_views(self, con: duckdb.DuckDBPyConnection) -> None:
        if not self.views_dir.exists():
            return
        for sql_file in sorted(self.views_dir.glob("*.sql")):
            con.execute(sql_file.read_text(encoding="utf-8"))

    # ----------------------------------------------------------------- query
    def query(self, sql: str, params: Sequence | None = None) -> pl.DataFrame:
        """Run ``sql`` read-only against the DuckDB file and return the result as a Polars frame."""
        con = self.connect(read_only=True)
        try:
            return con.sql(sql, params=list(params) if params else None).pl()
        finally:
            con.close()

    def table_counts(self) -> dict[str, int]:
        """Row count of every table (0 when the warehouse does not exist yet)."""
        if not self.duckdb_path.exists():
            return {name: 0 for name in schemas.TABLES}
        con = self.connect(read_only=True)
        try:
            return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in schemas.TABLES}
        finally:
            con.close()


def inputs_json(paths: Sequence[str]) -> str:
    """The run's input paths as a JSON list (stored in ``runs.inputs``)."""
    return json.dumps([str(p) for p in paths], ensure_ascii=False)
