"""Great Expectations Data Docs for a committed run, written under the warehouse.

:func:`build_data_docs` reads the rows a run loaded back from the DuckDB file (read-only), validates each
table with the same suites the flow applies before loading (:func:`akhbar.validate.expectation_specs`, with
the derived offset columns of :func:`akhbar.validate.derived_columns`), stores the results under the run's
id and renders Great Expectations' static Data Docs site into ``<warehouse>/data_docs/<run_id>/``. The
run report (:mod:`akhbar.report`) links to that site's ``index.html``.

Tables validated per run: the per-document tables (``documents``, ``sentences``, ``tokens``,
``entity_mentions``, ``date_mentions``) restricted to the documents the run loaded, the run's ``runs`` and
``rejected_documents`` rows, and the whole ``entities`` table (rebuilt by every load).

Great Expectations (about 3 s to import) is imported only inside :func:`build_data_docs`. The site is built
from a private ephemeral context (in-memory stores); the process-wide "current" context that Great
Expectations keeps is restored afterwards, so the flow's own validation context is not disturbed. The Data
Docs pages load their style sheets and scripts from Great Expectations' CDN: they are the tool's own pages,
unlike the run report, which needs no network.

>>> data_docs_index("warehouse", "20200113T000000Z-abcd1234").as_posix()
'warehouse/data_docs/20200113T000000Z-abcd1234/index.html'
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from akhbar import schemas
from akhbar.errors import WarehouseError
from akhbar.storage import Warehouse

__all__ = ["DATA_DOCS_DIRNAME", "DATA_DOCS_TABLES", "data_docs_dir", "data_docs_index", "run_tables",
           "build_data_docs"]

#: Folder under the warehouse that holds one Data Docs site per run.
DATA_DOCS_DIRNAME = "data_docs"

#: Tables validated for the Data Docs of a run, in page order.
DATA_DOCS_TABLES: tuple[str, ...] = (*schemas.RUN_TABLES, "entities", "runs", "rejected_documents")

_SITE_NAME = "akhbar"


def data_docs_dir(warehouse_dir: Path | str, run_id: str) -> Path:
    """The folder of ``run_id``'s Data Docs site: ``<warehouse_dir>/data_docs/<run_id>``."""
    return Path(warehouse_dir) / DATA_DOCS_DIRNAME / run_id


def data_docs_index(warehouse_dir: Path | str, run_id: str) -> Path:
    """The ``index.html`` of ``run_id``'s Data Docs site (it exists once :func:`build_data_docs` ran)."""
    return data_docs_dir(warehouse_dir, run_id) / "index.html"


def run_tables(warehouse: Warehouse, run_id: str, tables: Sequence[str] = DATA_DOCS_TABLES) -> dict[str, pl.DataFrame]:
    """The rows ``run_id`` contributed to each of ``tables``, read from the DuckDB file (read-only).

    Per-document tables are restricted to the documents whose ``run_id`` is ``run_id``; ``runs`` and
    ``rejected_documents`` to the run's rows; ``entities`` is the whole table.

    Returns:
        table name -> frame with that table's declared schema (:func:`akhbar.schemas.conform`).
    Raises:
        WarehouseError: no warehouse, or it is locked by a writer.
    """
    con = warehouse.connect(read_only=True)
    try:
        frames: dict[str, pl.DataFrame] = {}
        for name in tables:
            table = schemas.TABLES[name]
            cols = ", ".join(table.column_names)
            if name == "documents" or name in ("runs", "rejected_documents"):
                sql, params = f"SELECT {cols} FROM {name} WHERE run_id = ?", [run_id]
            elif name in schemas.RUN_TABLES:
                sql = (f"SELECT {cols} FROM {name} WHERE doc_id IN "
                       "(SELECT doc_id FROM documents WHERE run_id = ?)")
                params = [run_id]
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
) -> Path:
    """Validate what ``run_id`` loaded and write Great Expectations' Data Docs site for it.

    Call it after the run committed (for the flow: right after ``load_warehouse``, outside the warehouse
    lock is fine since it only reads). Rebuilding replaces the run's site.

    Args:
        warehouse_dir: the warehouse folder.
        run_id: a committed run; default the latest in ``runs``.
        tables: the tables to validate (default :data:`DATA_DOCS_TABLES`).
    Returns:
        The site's ``index.html`` (``<warehouse_dir>/data_docs/<run_id>/index.html``).
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
    frames = run_tables(wh, run_id, tables)
    documents = frames.get("documents")
    if documents is None:
        documents = run_tables(wh, run_id, ["documents"])["documents"]
    have_docs = documents.height > 0

    site_dir = data_docs_dir(warehouse_dir, run_id)
    tmp_dir = site_dir.with_name(site_dir.name + ".tmp")
    shutil.rmtree(tmp_dir, ignore_errors=True)

    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.data_context.context_factory import project_manager
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.exceptions import DataContextRequiredError

    with validate._lock:  # Great Expectations contexts are not thread-safe; the flow validates in threads
        try:
            previous = project_manager.get_current_project()
        except DataContextRequiredError:
            previous = None
        try:
            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                data_docs_sites=_site_config(tmp_dir.resolve()),
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            )
            ctx = gx.get_context(project_config=config, mode="ephemeral")
            source = ctx.data_sources.add_pandas("akhbar_warehouse")
            gx_run = RunIdentifier(run_name=run_id, run_time=started_at)
            for name, frame in frames.items():
                table = schemas.TABLES[name]
                expect_rows = have_docs and name in validate.NON_EMPTY_WHEN_DOCUMENTS
                suite = gx.ExpectationSuite(name=f"akhbar.{name}", notes=_suite_notes(table))
                for cls_name, kwargs in validate.expectation_specs(table, expect_rows=expect_rows):
                    suite.add_expectation(getattr(gxe, cls_name)(**kwargs))
                suite = ctx.suites.add(suite)
                batch_definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
                definition = ctx.validation_definitions.add(
                    gx.ValidationDefinition(name=f"akhbar.{name}", data=batch_definition, suite=suite))
                prepared = validate.derived_columns(name, frame, documents).to_pandas()
                definition.run(batch_parameters={"dataframe": prepared}, run_id=gx_run, result_format="SUMMARY")
            ctx.build_data_docs(site_names=[_SITE_NAME])
        finally:
            project_manager.set_project(previous)
    if not (tmp_dir / "index.html").is_file():
        raise WarehouseError(f"Great Expectations wrote no index.html under {tmp_dir}")
    shutil.rmtree(site_dir, ignore_errors=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir.rename(site_dir)
    return site_dir / "index.html"
