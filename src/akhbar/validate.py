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

Cost (a 1,000-document batch has some 600k token rows): every expectation is still evaluated by Great
Expectations on every row, but each table is validated in two steps.

1. A cheap pass with ``result_format="BOOLEAN_ONLY"`` (no unexpected-value lists, about half of GX's fixed
   per-expectation cost) on a *lean* pandas frame that is equivalent for every expectation of the suite:

   - columns that no expectation reads are not converted (their dtypes are checked on the Polars schema);
   - a String column that only ``expect_column_values_to_not_be_null`` reads is handed over as its null
     mask (an Int8 column, null exactly where the string is null), so the not-null expectation sees the
     same nulls without pandas copying and hashing the strings;
   - integer columns are widened to Int64, for which GX's ``expect_column_values_to_be_between`` is
     vectorised (for int32 it calls a Python function per row); values and nulls are unchanged.

   The expectations, their columns and their labels are the suite's; on success an expectation's
   ``unexpected_count`` is 0 (map expectations; null for table-level ones, as Great Expectations reports).
2. Only if an expectation of a table failed (or raised), that table is validated again, on the full frame
   with ``result_format="SUMMARY"``, and the rows for the table come from that run: unexpected_count and the
   detail (a sample of unexpected values, or the exception) are exactly those of a plain validation.

Great Expectations' own bookkeeping is the larger part of a call's cost for the small tables: while a suite
runs, each expectation object's ``configuration`` is built once instead of at every read
(:func:`_install_configuration_memo`).

The derived span check ``_span_matches_text`` compares code points with NumPy (UTF-32) instead of slicing
``raw_text`` per row in Polars, which is quadratic in a document's length; a negative start or an end before
the start never matches. The documents frame is looked up by its first row per doc_id (a duplicated
document is reported by the documents suite, not by multiplying the span tables' rows).

Result frame (schema :data:`akhbar.schemas.VALIDATION_RESULTS`): run_id, table_name, expectation
(``<expectation_type>:<column(s)>``), success, unexpected_count, detail.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
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


#: Code points of span text per block of the NumPy span check (bounds its buffers, and keeps them small
#: enough to be reused from block to block rather than mapped afresh).
_SPAN_BLOCK_CODE_POINTS = 1 << 20
#: Documents whose texts hold at most this many code points are encoded once for all span tables; larger
#: sets (Data Docs without a token bound) are encoded per block, only the documents that block needs.
_SHARED_CODE_POINTS = 1 << 25
_SMALL_INTS = (pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32)
_NOT_NULL = "ExpectColumnValuesToNotBeNull"


class _Documents:
    """The documents frame as the span checks read it: the first row per doc_id (``_doc_row`` numbers
    them), each text's length in code points, and the texts as UTF-32 code points."""

    def __init__(self, documents: pl.DataFrame) -> None:
        n_chars = pl.col("n_chars").cast(pl.Int64).alias("_doc_n_chars")
        self.frame = (documents.select("doc_id", "raw_text", n_chars)
                      .unique("doc_id", keep="first", maintain_order=True)
                      .with_row_index("_doc_row"))
        self.raw = self.frame.get_column("raw_text")
        # code points per document; -1 where raw_text is null and in a last slot, for rows without a document
        self.raw_len = np.append(self.raw.str.len_chars().cast(pl.Int64).fill_null(-1).to_numpy(), -1)
        self._share = int(self.raw_len[self.raw_len > 0].sum()) <= _SHARED_CODE_POINTS
        self._shared: tuple[np.ndarray, np.ndarray] | None = None

    def code_points(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code points, offset of each document in them), covering at least the documents ``rows``."""
        if not self._share:
            return self._encode(rows)
        if self._shared is None:
            self._shared = self._encode(np.flatnonzero(self.raw_len >= 0))
        return self._shared

    def _encode(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        offsets = np.zeros(self.raw_len.size, dtype=np.int64)
        offsets[rows] = np.cumsum(self.raw_len[rows]) - self.raw_len[rows]
        text = self.raw.gather(rows).str.join("").item()
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), offsets


def derived_columns(name: str, frame: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Add the columns the derived checks read: ``_doc_n_chars`` and ``_span_matches_text`` for span
    tables (joined from ``documents`` by doc_id, its first row per doc_id), ``_raw_len`` for documents.

    ``_doc_n_chars`` is -1 for a doc_id missing from ``documents``; ``_span_matches_text`` is True where
    ``0 <= start_char <= end_char`` and ``raw_text[start_char:end_char] == text`` (Python slice semantics),
    False otherwise (nulls included).
    """
    return _derived(name, frame, _Documents(documents))


def _derived(name: str, frame: pl.DataFrame, documents: _Documents) -> pl.DataFrame:
    if name == "documents":
        return frame.with_columns(pl.col("raw_text").str.len_chars().cast(pl.Int64).alias("_raw_len"),
                                  pl.col("n_chars").cast(pl.Int64))
    table = schemas.TABLES[name]
    if not table.span_columns or "doc_id" not in frame.columns:
        return frame
    joined = frame.join(documents.frame.select("doc_id", "_doc_row", "_doc_n_chars"), on="doc_id",
                        how="left", maintain_order="left")
    n_text = joined.get_column("text").str.len_chars().cast(pl.Int64).fill_null(-1).to_numpy()
    upto = np.cumsum(np.maximum(n_text, 1))  # code points of text up to each row (at least 1 per row)
    matches = np.zeros(joined.height, dtype=bool)
    lo = 0
    while lo < joined.height:
        base = upto[lo - 1] if lo else 0
        hi = max(lo + 1, int(np.searchsorted(upto, base + _SPAN_BLOCK_CODE_POINTS, side="right")))
        matches[lo:hi] = _span_block(joined.slice(lo, hi - lo), n_text[lo:hi], documents)
        lo = hi
    return joined.with_columns(
        pl.col("_doc_n_chars").fill_null(-1),
        pl.Series("_span_matches_text", matches, dtype=pl.Boolean),
    ).drop("_doc_row")


def _span_block(block: pl.DataFrame, n_text: np.ndarray, documents: _Documents) -> np.ndarray:
    """``raw_text[start_char:end_char] == text`` for each row of ``block`` (a span table joined with
    ``_doc_row``), compared as code points."""
    def ints(name: str, null: int) -> np.ndarray:
        return block.get_column(name).cast(pl.Int64).fill_null(null).to_numpy()

    raw_len = documents.raw_len
    # a null anywhere fails one of the tests below: no document (raw_len -1), start -1, end -1, text -1
    row = ints("_doc_row", raw_len.size - 1)
    start, end = ints("start_char", -1), ints("end_char", -1)
    text = block.get_column("text")
    n_doc = raw_len[row]
    ok = (n_doc >= 0) & (start >= 0) & (end >= start)
    ok &= np.minimum(end, n_doc) - np.minimum(start, n_doc) == n_text  # len(raw[start:end]) == len(text)
    idx = np.flatnonzero(ok & (n_text > 0))  # the rows whose code points are compared
    if idx.size == 0:
        return ok
    doc_cp, doc_off = documents.code_points(np.unique(row[idx]))
    text_cp = np.frombuffer(text.gather(idx).str.join("").item().encode("utf-32-le"), dtype=np.uint32)
    lens = n_text[idx]
    ends = np.cumsum(lens)  # end of each compared row's text in text_cp
    # text_cp[i] belongs to row k; it must equal doc_cp[doc_off[row] + start + (i - (ends[k] - lens[k]))]
    pos = np.repeat(doc_off[row[idx]] + start[idx] - (ends - lens), lens)
    pos += np.arange(pos.size)
    differs = np.flatnonzero(doc_cp[pos] != text_cp)
    ok[idx[np.searchsorted(ends, differs, side="right")]] = False
    return ok


def _columns_read(specs: list[tuple[str, dict[str, Any]]]) -> dict[str, set[str]]:
    """column -> the expectation classes of ``specs`` that read it."""
    readers: dict[str, set[str]] = {}
    for cls_name, kw in specs:
        cols = [kw.get("column"), kw.get("column_A"), kw.get("column_B"), *(kw.get("column_list") or [])]
        for c in cols:
            if c is not None:
                readers.setdefault(c, set()).add(cls_name)
    return readers


def _lean_pandas(frame: pl.DataFrame, specs: list[tuple[str, dict[str, Any]]]) -> Any:
    """The lean pandas frame of the cheap pass (see the module docstring): only the columns the
    expectations read, a String column read by nothing but the not-null expectation as its null mask, and
    small integers widened to Int64 (vectorised range checks in GX)."""
    readers = _columns_read(specs)
    exprs = []
    for col, dtype in frame.schema.items():
        read_by = readers.get(col)
        if not read_by:
            continue
        if read_by == {_NOT_NULL} and dtype == pl.String:
            exprs.append(pl.when(pl.col(col).is_not_null()).then(pl.lit(0, pl.Int8)).alias(col))
        elif dtype in _SMALL_INTS:
            exprs.append(pl.col(col).cast(pl.Int64))
        else:
            exprs.append(pl.col(col))
    if not exprs:  # keep the row count
        return frame.to_pandas()
    return frame.select(exprs).to_pandas()


@functools.lru_cache(maxsize=1)
def _context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    _install_configuration_memo()  # once per process, with the context every suite run goes through
    return ctx


@functools.lru_cache(maxsize=64)
def _batch_definition(table_name: str, expect_rows: bool) -> tuple[Any, Any, frozenset[str]]:
    """(batch definition, suite, expectation types that report unexpected_count) of a table; built once."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    ctx = _context()
    key = f"{table_name}{'__rows' if expect_rows else ''}"
    ds = ctx.data_sources.add_or_update_pandas(f"akhbar_{key}")
    asset = ds.add_dataframe_asset(key)
    bd = asset.add_batch_definition_whole_dataframe("whole")
    suite = gx.ExpectationSuite(name=f"akhbar_{key}")
    counted = set()
    for cls_name, kwargs in expectation_specs(schemas.TABLES[table_name], expect_rows=expect_rows):
        cls = getattr(gxe, cls_name)
        suite.add_expectation(cls(**kwargs))
        if issubclass(cls, (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)):
            counted.add(cls.expectation_type)
    suite = ctx.suites.add_or_update(suite)
    return bd, suite, frozenset(counted)


#: Per-thread memo of :func:`_install_configuration_memo` (id -> (expectation, configuration)); ``None``
#: outside :func:`_run_suite`.
_configurations = threading.local()


def _install_configuration_memo() -> None:
    """Make ``Expectation.configuration`` computed once per expectation object during :func:`_run_suite`.

    In Great Expectations 1.x (measured on the pinned 1.24) ``Expectation.configuration`` is a property that
    rebuilds an ``ExpectationConfiguration`` from ``self.dict()`` on every access, and one validation reads
    it some 75 times per expectation (each kwarg look-up in ``_get_domain_kwargs`` / ``_get_success_kwargs``
    / ``get_metric_kwargs`` reads it anew): about 40% of a validate call's fixed cost. The wrapper returns,
    while :func:`_run_suite` runs on the calling thread, the object built at the first access for the
    same expectation object (kept alive in the memo, so its ``id`` is not reused); everywhere else (other
    threads, other callers of GX, outside a run) it is the original property. Nothing mutates an
    expectation while it is validated; ``tests/unit/test_validate.py`` checks that results with and without
    the memo are equal, on passing and failing frames.
    """
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.__dict__["configuration"]
    if getattr(original.fget, "_akhbar_memo", False):
        return
    build = original.fget

    def configuration(self: Any) -> Any:
        memo = getattr(_configurations, "memo", None)
        if memo is None:
            return build(self)
        hit = memo.get(id(self))
        if hit is None or hit[0] is not self:
            hit = memo[id(self)] = (self, build(self))
        return hit[1]

    configuration._akhbar_memo = True  # type: ignore[attr-defined]
    configuration.__doc__ = build.__doc__
    Expectation.configuration = property(configuration)  # type: ignore[method-assign]


def _run_suite(table_name: str, expect_rows: bool, prepared: Any,
               result_format: str, *, memo: bool = True) -> tuple[Any, frozenset[str]]:
    """Validate ``prepared`` against the table's suite; returns (suite result, counted types).

    Calls the V1 validator that ``Batch.validate`` and ``ValidationDefinition.run`` both wrap, since
    ``Batch.validate`` loads (and fingerprints) the dataframe a second time. ``memo``: read each
    expectation's configuration once (:func:`_install_configuration_memo`); ``False`` is GX unchanged.
    """
    from great_expectations.validator.v1_validator import Validator

    with _lock:  # GX contexts are not thread-safe
        bd, suite, counted = _batch_definition(table_name, expect_rows)
        validator = Validator(batch_definition=bd, batch_parameters={"dataframe": prepared},
                              result_format=result_format)
        _configurations.memo = {} if memo else None
        try:
            return validator.validate_expectation_suite(suite), counted
        finally:
            _configurations.memo = None


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


def _result_rows(name: str, result: Any) -> list[dict[str, Any]]:
    """Result rows of a SUMMARY validation: counts and, for failures, a sample or the exception."""
    rows = []
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
    return rows


def _validate_table(name: str, frame: pl.DataFrame, documents: _Documents, *,
                    expect_rows: bool) -> list[dict[str, Any]]:
    """Result rows (without run_id) of one table's suite: the cheap pass, and the full one if it failed."""
    derived = _derived(name, frame, documents)
    specs = expectation_specs(schemas.TABLES[name], expect_rows=expect_rows)
    result, counted = _run_suite(name, expect_rows, _lean_pandas(derived, specs), "BOOLEAN_ONLY")
    if all(r.success for r in result.results):
        return [{"table_name": name, "expectation": _label(r.expectation_config), "success": True,
                 "unexpected_count": 0 if r.expectation_config.type in counted else None, "detail": None}
                for r in result.results]
    result, _ = _run_suite(name, expect_rows, derived.to_pandas(), "SUMMARY")
    return _result_rows(name, result)


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
    spans = _Documents(documents)
    rows: list[dict[str, Any]] = []
    for name, frame in frames.items():
        rows.append(_schema_row(name, frame))
        rows.extend(_validate_table(name, frame, spans,
                                    expect_rows=have_docs and name in NON_EMPTY_WHEN_DOCUMENTS))
    out = pl.DataFrame(rows, schema={k: v for k, v in schemas.VALIDATION_RESULTS.polars_schema.items()
                                     if k != "run_id"}, orient="row") if rows else None
    if out is None:
        return schemas.empty_frame(schemas.VALIDATION_RESULTS)
    return out.with_columns(pl.lit(run_id).alias("run_id")).select(schemas.VALIDATION_RESULTS.column_names)


def failed(results: pl.DataFrame) -> pl.DataFrame:
    """The failed rows of a validation result frame."""
    return results.filter(~pl.col("success"))
