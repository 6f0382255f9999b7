"""Great Expectations suites for every table, derived from :mod:`akhbar.schemas`.

For each table the suite checks: the primary key is unique and not null; every non-nullable column is not
null; closed-set columns (labels, TIMEX3 types, token kinds, ...) take only their declared values; patterned
columns (doc_id, TIMEX3 value) match their RE2-compatible pattern; counters respect their lower bound; spans
satisfy ``start < end``; and, for span tables, the two derived checks ``end_char <= n_chars`` of the document
(column ``_doc_n_chars``) and ``raw_text[start_char:end_char] == text`` (column ``_span_matches_text``).
Tables that must not be empty when documents were loaded get a row-count expectation (Great Expectations
passes an empty batch otherwise; see STACK_NOTES.md). Column types are checked on the Polars schema, not by
GX type expectations, which fail on pandas-from-Arrow dtypes.

Great Expectations is imported lazily (about 3 s), only when :func:`validate_tables` runs. Frames are
validated as pandas through an ephemeral context's pandas datasource (GX 1.x has no Polars datasource).

Result frame (schema :data:`akhbar.schemas.VALIDATION_RESULTS`): run_id, table_name, expectation
(``<expectation_type>:<column(s)>``), success, unexpected_count, detail.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from typing import Any

import polars as pl

from akhbar import schemas

__all__ = ["derived_columns", "expectation_specs", "validate_tables", "failed"]

#: Tables that must have rows whenever a run loaded at least one document.
NON_EMPTY_WHEN_DOCUMENTS = ("documents", "tokens", "sentences")

_lock = threading.Lock()


def expectation_specs(table: schemas.Table, *, expect_rows: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """The expectations for ``table`` as ``(class name, kwargs)`` pairs, derived from its declaration.

    >>> [n for n, _ in expectation_specs(schemas.ENTITIES)][:2]
    ['ExpectColumnValuesToBeUnique', 'ExpectColumnValuesToNotBeNull']
    """
    specs: list[tuple[str, dict[str, Any]]] = []
    pk = list(table.primary_key)
    if len(pk) == 1:
        specs.append(("ExpectColumnValuesToBeUnique", {"column": pk[0]}))
    elif pk:
        specs.append(("ExpectCompoundColumnsToBeUnique", {"column_list": pk}))
    for col in table.columns:
        if not col.nullable:
            specs.append(("ExpectColumnValuesToNotBeNull", {"column": col.name}))
    for name, values in table.allowed_values.items():
        specs.append(("ExpectColumnValuesToBeInSet", {"column": name, "value_set": list(values)}))
    for name, pattern in table.patterns.items():
        specs.append(("ExpectColumnValuesToMatchRegex", {"column": name, "regex": pattern}))
    for name, low in table.min_value.items():
        specs.append(("ExpectColumnValuesToBeBetween", {"column": name, "min_value": low}))
    for start, end in table.span_columns:
        specs.append(("ExpectColumnPairValuesAToBeGreaterThanB",
                      {"column_A": end, "column_B": start, "or_equal": False}))
    if table.span_columns and "doc_id" in table.column_names and table.name != "documents":
        specs.append(("ExpectColumnPairValuesAToBeGreaterThanB",
                      {"column_A": "_doc_n_chars", "column_B": "end_char", "or_equal": True}))
        specs.append(("ExpectColumnValuesToBeInSet", {"column": "_span_matches_text", "value_set": [True]}))
    if table.name == "documents":
        specs.append(("ExpectColumnPairValuesToBeEqual", {"column_A": "n_chars", "column_B": "_raw_len"}))
    if expect_rows:
        specs.append(("ExpectTableRowCountToBeBetween", {"min_value": 1}))
    return specs


def derived_columns(name: str, frame: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Add the columns the derived checks read: ``_doc_n_chars`` and ``_span_matches_text`` for span
    tables (joined from ``documents`` by doc_id), ``_raw_len`` for documents."""
    if name == "documents":
        return frame.with_columns(pl.col("raw_text").str.len_chars().cast(pl.Int64).alias("_raw_len"),
                                  pl.col("n_chars").cast(pl.Int64))
    table = schemas.TABLES[name]
    if not table.span_columns or "doc_id" not in frame.columns:
        return frame
    docs = documents.select("doc_id", pl.col("raw_text").alias("_raw"),
                            pl.col("n_chars").cast(pl.Int64).alias("_doc_n_chars"))
    joined = frame.join(docs, on="doc_id", how="left", maintain_order="left")
    joined = joined.with_columns(
        (pl.col("_raw").str.slice(pl.col("start_char"), pl.col("end_char") - pl.col("start_char"))
         == pl.col("text")).fill_null(False).alias("_span_matches_text"),
        pl.col("_doc_n_chars").fill_null(-1),
    )
    return joined.drop("_raw")


@functools.lru_cache(maxsize=1)
def _context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


@functools.lru_cache(maxsize=64)
def _batch_definition(table_name: str, expect_rows: bool) -> tuple[Any, Any]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    ctx = _context()
    key = f"{table_name}{'__rows' if expect_rows else ''}"
    ds = ctx.data_sources.add_or_update_pandas(f"akhbar_{key}")
    asset = ds.add_dataframe_asset(key)
    bd = asset.add_batch_definition_whole_dataframe("whole")
    suite = gx.ExpectationSuite(name=f"akhbar_{key}")
    for cls_name, kwargs in expectation_specs(schemas.TABLES[table_name], expect_rows=expect_rows):
        suite.add_expectation(getattr(gxe, cls_name)(**kwargs))
    suite = ctx.suites.add_or_update(suite)
    return bd, suite


def _label(cfg: Any) -> str:
    kw = cfg.kwargs
    cols = kw.get("column") or kw.get("column_list") or [kw.get("column_A"), kw.get("column_B")]
    if isinstance(cols, list):
        cols = ",".join(str(c) for c in cols if c is not None)
    return f"{cfg.type}:{cols}" if cols else cfg.type


def _schema_row(name: str, frame: pl.DataFrame) -> dict[str, Any]:
    declared = schemas.TABLES[name].polars_schema
    actual = {k: v for k, v in frame.schema.items() if not k.startswith("_")}
    diffs = [f"{c}: {actual.get(c)} != {t}" for c, t in declared.items() if actual.get(c) != t]
    extra = [c for c in actual if c not in declared]
    detail = "; ".join(diffs + [f"unexpected column {c}" for c in extra]) or None
    return {"table_name": name, "expectation": "schema_matches_declaration:*", "success": detail is None,
            "unexpected_count": len(diffs) + len(extra), "detail": detail}


def validate_tables(frames: Mapping[str, pl.DataFrame], run_id: str) -> pl.DataFrame:
    """Validate each frame against its table's suite.

    Args:
        frames: table name -> frame with that table's schema. ``documents`` must be present when any span
            table is (the derived offset checks read it).
        run_id: written into every result row.
    Returns:
        A frame with schema :data:`akhbar.schemas.VALIDATION_RESULTS`, one row per table and expectation.
    """
    documents = frames.get("documents", schemas.empty_frame(schemas.DOCUMENTS))
    have_docs = documents.height > 0
    rows: list[dict[str, Any]] = []
    for name, frame in frames.items():
        rows.append(_schema_row(name, frame))
        expect_rows = have_docs and name in NON_EMPTY_WHEN_DOCUMENTS
        prepared = derived_columns(name, frame, documents).to_pandas()
        with _lock:  # GX contexts are not thread-safe
            bd, suite = _batch_definition(name, expect_rows)
            result = bd.get_batch(batch_parameters={"dataframe": prepared}).validate(suite)
        for r in result.results:
            res = r.result or {}
            count = res.get("unexpected_count")
            detail = None
            if not r.success:
                sample = res.get("partial_unexpected_list") or res.get("observed_value")
                detail = f"e.g. {str(sample)[:300]}" if sample is not None else "failed"
                if r.exception_info and r.exception_info.get("raised_exception"):
                    detail = str(r.exception_info.get("exception_message"))[:300]
            rows.append({"table_name": name, "expectation": _label(r.expectation_config),
                         "success": bool(r.success), "unexpected_count": count, "detail": detail})
    out = pl.DataFrame(rows, schema={k: v for k, v in schemas.VALIDATION_RESULTS.polars_schema.items()
                                     if k != "run_id"}, orient="row") if rows else None
    if out is None:
        return schemas.empty_frame(schemas.VALIDATION_RESULTS)
    return out.with_columns(pl.lit(run_id).alias("run_id")).select(schemas.VALIDATION_RESULTS.column_names)


def failed(results: pl.DataFrame) -> pl.DataFrame:
    """The failed rows of a validation result frame."""
    return results.filter(~pl.col("success"))
