"""Great Expectations Data Docs of every run, one site under the warehouse.

:func:`build_data_docs` reads the rows a run loaded back from the DuckDB file (read-only), validates each
table with the same suites the flow applies before loading (:func:`akhbar.validate.expectation_specs`, with
the derived offset columns of :func:`akhbar.validate.derived_columns`), stores the results under the run's
id, and renders them into Great Expectations' static Data Docs site at ``<warehouse>/data_docs/``. The
site's index lists every run built so far, newest first; the run report (:mod:`akhbar.report`) links the
index and each table's page of its run (:func:`run_pages`).

Layout: ``data_docs/index.html`` (the site), ``data_docs/validations/akhbar/<table>/<run_id>/...html``
(one page per table and run), ``data_docs/expectations/akhbar/<table>.html`` (the suites),
``data_docs/static/`` (the site's style sheets and images, about 4.7 MB, written once) and
``data_docs/.validation_results/`` (the stored results, JSON, from which the index is rebuilt).

Tables validated per run: the per-document tables (``documents``, ``sentences``, ``tokens``,
``entity_mentions``, ``date_mentions``) restricted to the documents the run loaded, the run's ``runs`` and
``rejected_documents`` rows, and the whole ``entities`` table (rebuilt by every load).

Great Expectations (about 3 s to import) is imported only inside :func:`build_data_docs`. The site is built
from a private ephemeral context whose validation results store is a folder; the process-wide "current"
context that Great Expectations keeps is restored afterwards, so the flow's own validation context is not
disturbed. The Data Docs pages load some style sheets and scripts from Great Expectations' CDN: they are
the tool's own pages, unlike the run report, which needs no network.

>>> data_docs_index("warehouse").as_posix()
'warehouse/data_docs/index.html'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from akhbar import schemas
from akhbar.errors import WarehouseError
from akhbar.storage import Warehouse

__all__ = ["DATA_DOCS_DIRNAME", "DATA_DOCS_TABLES", "data_docs_dir", "data_docs_index", "run_pages",
           "run_tables", "build_data_docs"]

#: Folder under the warehouse that holds one Data Docs site per run.
DATA_DOCS_DIRNAME = "data_docs"

#: Tables validated for the Data Docs of a run, in page order.
DATA_DOCS_TABLES: tuple[str, ...] = (*schemas.RUN_TABLES, "entities", "runs", "rejected_documents")

_SITE_NAME = "akhbar"


def data_docs_dir(warehouse_dir: Path | str) -> Path:
    """The Data Docs site of the warehouse: ``<warehouse_dir>/data_docs``."""
    return Path(warehouse_dir) / DATA_DOCS_DIRNAME


def data_docs_index(warehouse_dir: Path | str) -> Path:
    """The site's ``index.html`` (it exists once :func:`build_data_docs` ran)."""
    return data_docs_dir(warehouse_dir) / "index.html"


def run_pages(warehouse_dir: Path | str, run_id: str) -> dict[str, Path]:
    """The Data Docs page of each table validated for ``run_id``: table name -> HTML file.

    Empty when the run's Data Docs were not built. Tables appear in :data:`DATA_DOCS_TABLES` order.

    >>> run_pages("/nonexistent", "r1")
    {}
    """
    base = data_docs_dir(warehouse_dir) / "validations" / "akhbar"
    pages: dict[str, Path] = {}
    for table in DATA_DOCS_TABLES:
        found = sorted((base / table / run_id).glob("*/*.html")) if (base / table / run_id).is_dir() else []
        if found:
            pages[table] = found[-1]
    return pages


@contextlib.contextmanager
def _site_lock(site: Path) -> Iterator[None]:
    # one builder at a time per site (a flow run and an `akhbar report` may both build); a lock file of its
    # own, since the flow may call build_data_docs while it holds the warehouse lock
    site.mkdir(parents=True, exist_ok=True)
    fd = os.open(site / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def run_tables(
    warehouse: Warehouse,
    run_id: str,
    tables: Sequence[str] = DATA_DOCS_TABLES,
    *,
    max_tokens: int | None = None,
) -> dict[str, pl.DataFrame]:
    """The rows ``run_id`` contributed to each of ``tables``, read from the DuckDB file (read-only).

    Per-document tables are restricted to the documents whose ``run_id`` is ``run_id``; ``runs`` and
    ``rejected_documents`` to the run's rows; ``entities`` is the whole table.

    Args:
        max_tokens: when the run's documents hold more tokens than this, keep only the documents that come
            first in doc_id order (a sha256, so an unbiased sample) until this many tokens are reached
            (at least one document), and restrict every per-document table to them. ``None``: no limit.
    Returns:
        table name -> frame with that table's declared schema (:func:`akhbar.schemas.conform`).
    Raises:
        WarehouseError: no warehouse, or it is locked by a writer.
    """
    con = warehouse.connect(read_only=True)
    try:
        if max_tokens is None:
            docs_sql, docs_params = "SELECT doc_id FROM documents WHERE run_id = ?", [run_id]
        else:
            # documents whose preceding tokens (in doc_id order) are under the limit: at least one document,
            # at most one document's tokens over the limit
            docs_sql = ("SELECT doc_id FROM (SELECT doc_id, n_tokens, sum(n_tokens) OVER (ORDER BY doc_id) AS upto "
                        "FROM documents WHERE run_id = ?) WHERE upto - n_tokens < greatest(?, 1)")
            docs_params = [run_id, max_tokens]
        frames: dict[str, pl.DataFrame] = {}
        for name in tables:
            table = schemas.TABLES[name]
            cols = ", ".join(table.column_names)
            if name in ("runs", "rejected_documents"):
                sql, params = f"SELECT {cols} FROM {name} WHERE run_id = ?", [run_id]
            elif name in schemas.RUN_TABLES:
                sql, params = f"SELECT {cols} FROM {name} WHERE doc_id IN ({docs_sql})", docs_params
            else:
                sql, params = f"SELECT {cols} FROM {name}", []
            order = ", ".join(table.primary_key)
            frames[name] = schemas.conform(con.sql(f"{sql} ORDER BY {order}", params=params or None).pl(), table)
        return frames
    finally:
        con.close()


def _site_config(base_directory: Path) -> dict[str, Any]:
    return {
        _SITE_NAME: {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(base_directory)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    }


def _suite_notes(table: schemas.Table) -> list[str]:
    return [
        f"akhbar table `{table.name}`: {table.doc}",
        "Derived from `akhbar.schemas` by `akhbar.validate.expectation_specs`: primary key unique and not null, "
        "non-nullable columns not null, closed sets, patterns (RE2-compatible), lower bounds and spans "
        "(`start < end`, `end_char <= n_chars`, `raw_text[start_char:end_char] == text`).",
    ]


def build_data_docs(
    warehouse_dir: Path | str,
    run_id: str | None = None,
    *,
    tables: Sequence[str] = DATA_DOCS_TABLES,
    max_tokens: int | None = 1_000_000,
) -> Path:
    """Validate what ``run_id`` loaded and write Great Expectations' Data Docs site for it.

    Call it after the run committed (for the flow: right after ``load_warehouse``, still holding the
    warehouse lock so no other run opens the DuckDB file for writing meanwhile). Building a run again
    replaces its pages (same run name and time); other runs' pages stay.

    Args:
        warehouse_dir: the warehouse folder.
        run_id: a committed run; default the latest in ``runs``.
        tables: the tables to validate (default :data:`DATA_DOCS_TABLES`).
        max_tokens: bound on the memory used (about 1 GB per million tokens, measured on the dev corpus):
            a run with more tokens is shown on a sample of its documents (see :func:`run_tables`); the
            suites' notes say so. The flow itself validated every batch in full (``validation_results``).
    Returns:
        The site's ``index.html`` (``<warehouse_dir>/data_docs/index.html``); the run's pages are
        :func:`run_pages`.
    Raises:
        WarehouseError: no warehouse, no committed run, ``run_id`` unknown, or the file is locked by a writer.
    """
    from akhbar import validate

    wh = Warehouse(warehouse_dir)
    runs = wh.query("SELECT run_id, started_at FROM runs ORDER BY started_at DESC")
    if runs.height == 0:
        raise WarehouseError(f"{wh.duckdb_path} has no committed run; run `akhbar run` first")
    if run_id is None:
        run_id = str(runs["run_id"][0])
    match = runs.filter(pl.col("run_id") == run_id)
    if match.height == 0:
        raise WarehouseError(f"run {run_id!r} is not in {wh.duckdb_path}")
    started_at: dt.datetime = match["started_at"][0]
    frames = run_tables(wh, run_id, tables, max_tokens=max_tokens)
    documents = frames.get("documents")
    if documents is None:
        documents = run_tables(wh, run_id, ["documents"], max_tokens=max_tokens)["documents"]
    have_docs = documents.height > 0
    n_run_docs = wh.query("SELECT count(*) AS n FROM documents WHERE run_id = ?", [run_id])["n"][0]
    sampled = (f"Run {run_id}: validated {documents.height:,} of its {n_run_docs:,} documents (first in doc_id "
               f"order, up to {max_tokens:,} tokens), to bound memory; the flow validated all of them."
               if documents.height < n_run_docs else None)

    site_dir = data_docs_dir(warehouse_dir).resolve()
    results_dir = site_dir / ".validation_results"

    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier
    from great_expectations.data_context.data_context.context_factory import project_manager
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.exceptions import DataContextRequiredError

    # Great Expectations contexts are not thread-safe (the flow validates in threads): hold validate's lock
    with _site_lock(site_dir), validate._lock:
        try:
            previous = project_manager.get_current_project()
        except DataContextRequiredError:
            previous = None
        try:
            defaults = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
            defaults.stores[defaults.validation_results_store_name]["store_backend"] = {
                "class_name": "TupleFilesystemStoreBackend", "base_directory": str(results_dir)}
            config = DataContextConfig(
                store_backend_defaults=defaults,
                data_docs_sites=_site_config(site_dir),
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            )
            ctx = gx.get_context(project_config=config, mode="ephemeral")
            source = ctx.data_sources.add_pandas("akhbar_warehouse")
            gx_run = RunIdentifier(run_name=run_id, run_time=started_at)
            for name, frame in frames.items():
                table = schemas.TABLES[name]
                expect_rows = have_docs and name in validate.NON_EMPTY_WHEN_DOCUMENTS
                notes = _suite_notes(table) + ([sampled] if sampled and name in schemas.RUN_TABLES else [])
                suite = gx.ExpectationSuite(name=f"akhbar.{name}", notes=notes)
                for cls_name, kwargs in validate.expectation_specs(table, expect_rows=expect_rows):
                    suite.add_expectation(getattr(gxe, cls_name)(**kwargs))
                suite = ctx.suites.add(suite)
                batch_definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
                definition = ctx.validation_definitions.add(
                    gx.ValidationDefinition(name=f"akhbar.{name}", data=batch_definition, suite=suite))
                prepared = validate.derived_columns(name, frame, documents).to_pandas()
                definition.run(batch_parameters={"dataframe": prepared}, run_id=gx_run, result_format="SUMMARY")
            # render this run's pages and the suites, then the index over every stored run
            mine = [k for k in ctx.validation_results_store.list_keys() if k.run_id.run_name == run_id]
            suites = [ExpectationSuiteIdentifier(name=f"akhbar.{name}") for name in frames]
            ctx.build_data_docs(site_names=[_SITE_NAME], resource_identifiers=[*mine, *suites])
        finally:
            project_manager.set_project(previous)
    index = site_dir / "index.html"
    if not index.is_file() or len(run_pages(warehouse_dir, run_id)) != len(frames):
        raise WarehouseError(f"Great Expectations did not write the Data Docs of run {run_id} under {site_dir}")
    return index
