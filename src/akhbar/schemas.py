"""Every table of the warehouse, declared once.

Each :class:`Table` lists its columns (Polars dtype, DuckDB type, nullability, a description with units),
its primary key and the value rules that the Great Expectations suites check. The DuckDB DDL
(:func:`duckdb_ddl`), the empty frames (:func:`empty_frame`), the column lists and the expectation suites
(:mod:`akhbar.validate`) are all derived from here, so a column is added in one place.

Offsets (``start_char``, ``end_char``, ``stem_start``, ``stem_end``) are 0-based, half-open ``[start, end)``
spans in code points of the document's ``raw_text``; ``raw_text[start_char:end_char] == text``.

>>> DOCUMENTS.column_names[:3]
['doc_id', 'source_path', 'source']
>>> "PRIMARY KEY (doc_id, mention_index)" in duckdb_ddl(ENTITY_MENTIONS)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

__all__ = [
    "Column",
    "Table",
    "DOCUMENTS",
    "SENTENCES",
    "TOKENS",
    "ENTITY_MENTIONS",
    "ENTITIES",
    "DATE_MENTIONS",
    "REJECTED_DOCUMENTS",
    "RUNS",
    "VALIDATION_RESULTS",
    "TABLES",
    "RUN_TABLES",
    "ENTITY_LABELS",
    "DATE_TYPES",
    "TOKEN_KINDS",
    "TIMEX3_VALUE_PATTERN",
    "duckdb_ddl",
    "empty_frame",
    "conform",
]

ENTITY_LABELS: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")
DATE_TYPES: tuple[str, ...] = ("DATE", "TIME", "DURATION", "SET")
TOKEN_KINDS: tuple[str, ...] = (
    "word", "number", "punct", "latin", "url", "email", "hashtag", "mention", "emoji", "other",
)
DATE_MODS: tuple[str, ...] = ("START", "MID", "END", "APPROX", "BEFORE", "AFTER", "ON_OR_AFTER", "ON_OR_BEFORE",
                              "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS", "EQUAL_OR_MORE")
CALENDARS: tuple[str, ...] = ("gregorian", "hijri")
RUN_STATUSES: tuple[str, ...] = ("completed", "failed", "nothing_new")

#: TIMEX3 value forms written by akhbar (ISO 8601 with TIMEX3's X placeholders, part-of-day suffixes,
#: weeks, durations and the PRESENT_REF/PAST_REF/FUTURE_REF tokens; TimeML TIMEX3 specification 1.2.1).
#: Uses explicit character classes only, so RE2 (DuckDB, pyarrow) and Python ``re`` agree.
TIMEX3_VALUE_PATTERN = (
    r"^(?:"
    r"PRESENT_REF|PAST_REF|FUTURE_REF"
    r"|P(?:[0-9.X]+[YMWDHS]|T[0-9.X]+[HMS])+"
    r"|PT[0-9.X]+[HMS]"
    r"|[0-9X]{1,4}(?:-(?:[0-9X]{2}|W[0-9X]{2}|Q[1-4X]|SP|SU|FA|WI|H[12])(?:-(?:[0-9X]{1,2}|WE))?)?"
    r"(?:T(?:[0-9X]{2}(?::[0-9X]{2}(?::[0-9X]{2})?)?|MO|AF|EV|NI|DT))?"
    r")$"
)


@dataclass(frozen=True)
class Column:
    """One column: name, Polars dtype, DuckDB type, whether nulls are allowed, and what it means."""

    name: str
    dtype: pl.DataType | type[pl.DataType]
    duckdb_type: str
    nullable: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """A warehouse table: columns in order, primary key, and the value rules its expectation suite checks.

    Attributes:
        allowed_values: column -> the closed set of values it may take (nulls allowed where nullable).
        patterns: column -> a regular expression (RE2-compatible) every non-null value matches.
        span_columns: (start, end) column pairs that must satisfy ``0 <= start < end``.
        min_value: column -> a lower bound (inclusive).
        partition_by: columns the Parquet files are partitioned by (from documents via doc_id).
    """

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    doc: str = ""
    allowed_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    span_columns: tuple[tuple[str, str], ...] = ()
    min_value: dict[str, int] = field(default_factory=dict)
    enforce_primary_key: bool = True

    @property
    def column_names(self) -> list[str]:
        """Column names in declared order."""
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> pl.Schema:
        """The Polars schema (name -> dtype) in declared order."""
        return pl.Schema({c.name: c.dtype for c in self.columns})

    def column(self, name: str) -> Column:
        """The column called ``name``; raises KeyError when there is none."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, dtype, duck: str, nullable: bool = False, doc: str = "") -> Column:
    return Column(name, dtype, duck, nullable, doc)


_DOC_ID = _c("doc_id", pl.String, "VARCHAR", doc="sha256 (hex) of the decoded raw_text, UTF-8")
_SPAN = (
    _c("start_char", pl.Int32, "INTEGER", doc="span start, code points of raw_text, inclusive"),
    _c("end_char", pl.Int32, "INTEGER", doc="span end, code points of raw_text, exclusive"),
)
_RUN_ID = _c("run_id", pl.String, "VARCHAR", doc="id of the akhbar run that wrote the row")

DOCUMENTS = Table(
    "documents",
    (
        _DOC_ID,
        _c("source_path", pl.String, "VARCHAR", doc="input path as given; archive members as a.zip!m.txt"),
        _c("source", pl.String, "VARCHAR", True, "outlet or feed name"),
        _c("url", pl.String, "VARCHAR", True),
        _c("title", pl.String, "VARCHAR", True),
        _c("published_date", pl.Date, "DATE", True, "publication date, in the time zone the source gave"),
        _c("published_at", pl.String, "VARCHAR", True, "publication timestamp as ISO 8601 with its offset"),
        _c("published_date_source", pl.String, "VARCHAR", doc="document | manifest | cli | none"),
        _c("language", pl.String, "VARCHAR", doc="ar when mostly Arabic script"),
        _c("encoding", pl.String, "VARCHAR", doc="detected encoding of the input bytes"),
        _c("format", pl.String, "VARCHAR", doc="plain, trec, jsonl, json, csv, tsv, html"),
        _c("raw_text", pl.String, "VARCHAR", doc="the article's text as decoded, markup removed"),
        _c("n_chars", pl.Int32, "INTEGER", doc="length of raw_text, code points"),
        _c("n_tokens", pl.Int32, "INTEGER", doc="rows in tokens for this document"),
        _RUN_ID,
        _c("ingested_at", pl.Datetime("us", "UTC"), "TIMESTAMPTZ", doc="when the run loaded it (UTC)"),
    ),
    ("doc_id",),
    "One row per distinct article (by content hash).",
    allowed_values={"published_date_source": ("document", "manifest", "cli", "none")},
    patterns={"doc_id": r"^[0-9a-f]{64}$"},
    min_value={"n_chars": 1, "n_tokens": 0},
)

SENTENCES = Table(
    "sentences",
    (
        _DOC_ID,
        _c("sentence_index", pl.Int32, "INTEGER", doc="0-based, in document order"),
        *_SPAN,
        _c("text", pl.String, "VARCHAR", doc="raw_text[start_char:end_char]"),
    ),
    ("doc_id", "sentence_index"),
    "Sentence spans.",
    span_columns=(("start_char", "end_char"),),
    min_value={"sentence_index": 0},
    enforce_primary_key=False,
)

TOKENS = Table(
    "tokens",
    (
        _DOC_ID,
        _c("token_index", pl.Int32, "INTEGER", doc="0-based, in document order"),
        _c("sentence_index", pl.Int32, "INTEGER"),
        *_SPAN,
        _c("text", pl.String, "VARCHAR", doc="raw surface form"),
        _c("norm", pl.String, "VARCHAR", doc="normalised form (akhbar.normalise defaults)"),
        _c("kind", pl.String, "VARCHAR", doc="word, number, punct, latin, url, email, hashtag, ..."),
        _c("prefix", pl.String, "VARCHAR", doc="proclitics, normalised (e.g. و, ب, ال)"),
        _c("stem", pl.String, "VARCHAR", doc="stem, normalised"),
        _c("suffix", pl.String, "VARCHAR", doc="enclitics, normalised"),
        _c("stem_start", pl.Int32, "INTEGER", doc="raw span of the stem, code points"),
        _c("stem_end", pl.Int32, "INTEGER"),
    ),
    ("doc_id", "token_index"),
    "One row per token.",
    allowed_values={"kind": TOKEN_KINDS},
    span_columns=(("start_char", "end_char"), ("stem_start", "stem_end")),
    min_value={"token_index": 0, "sentence_index": 0},
    enforce_primary_key=False,
)

ENTITY_MENTIONS = Table(
    "entity_mentions",
    (
        _DOC_ID,
        _c("mention_index", pl.Int32, "INTEGER", doc="0-based, in document order"),
        *_SPAN,
        _c("text", pl.String, "VARCHAR", doc="raw surface form, clitics outside"),
        _c("label", pl.String, "VARCHAR", doc="PER, LOC, ORG or MISC"),
        _c("canonical", pl.String, "VARCHAR", doc="normalised name uniting spelling variants"),
        _c("entity_id", pl.String, "VARCHAR", doc="hash of label and canonical; key of entities"),
        _c("sentence_index", pl.Int32, "INTEGER"),
    ),
    ("doc_id", "mention_index"),
    "One row per named-entity mention.",
    allowed_values={"label": ENTITY_LABELS},
    span_columns=(("start_char", "end_char"),),
    min_value={"mention_index": 0, "sentence_index": 0},
)

ENTITIES = Table(
    "entities",
    (
        _c("entity_id", pl.String, "VARCHAR"),
        _c("canonical", pl.String, "VARCHAR"),
        _c("label", pl.String, "VARCHAR"),
        _c("n_mentions", pl.Int64, "BIGINT"),
        _c("n_documents", pl.Int64, "BIGINT"),
    ),
    ("entity_id",),
    "One row per canonical entity over the whole warehouse.",
    allowed_values={"label": ENTITY_LABELS},
    min_value={"n_mentions": 1, "n_documents": 1},
)

DATE_MENTIONS = Table(
    "date_mentions",
    (
        _DOC_ID,
        _c("mention_index", pl.Int32, "INTEGER"),
        *_SPAN,
        _c("text", pl.String, "VARCHAR"),
        _c("type", pl.String, "VARCHAR", doc="TIMEX3 type: DATE, TIME, DURATION, SET"),
        _c("value", pl.String, "VARCHAR", doc="TIMEX3 value"),
        _c("granularity", pl.String, "VARCHAR", doc="day, month, year, week, partofday, minute, ..."),
        _c("mod", pl.String, "VARCHAR", True, "TIMEX3 mod: START, MID, END, APPROX, ..."),
        _c("calendar", pl.String, "VARCHAR", doc="calendar as written: gregorian or hijri"),
        _c("hijri_text", pl.String, "VARCHAR", True, "the Hijri date as written"),
        _c("interval_start", pl.Date, "DATE", True, "first Gregorian day covered"),
        _c("interval_end", pl.Date, "DATE", True, "last Gregorian day covered"),
        _c("reference_date", pl.Date, "DATE", True, "date relative values were resolved against"),
        _c("anchored", pl.Boolean, "BOOLEAN", doc="value depended on the reference date"),
        _c("rule", pl.String, "VARCHAR", doc="grammar rule that fired"),
    ),
    ("doc_id", "mention_index"),
    "One row per temporal expression.",
    allowed_values={"type": DATE_TYPES, "calendar": CALENDARS, "mod": DATE_MODS},
    patterns={"value": TIMEX3_VALUE_PATTERN},
    span_columns=(("start_char", "end_char"),),
    min_value={"mention_index": 0},
)

REJECTED_DOCUMENTS = Table(
    "rejected_documents",
    (
        _c("source_path", pl.String, "VARCHAR"),
        _c("reason", pl.String, "VARCHAR", doc="reason code, see akhbar.sources.REJECT_REASONS"),
        _c("detail", pl.String, "VARCHAR", doc="human-readable detail"),
        _RUN_ID,
    ),
    ("run_id", "source_path", "reason"),
    "One row per refused input, per run.",
)

RUNS = Table(
    "runs",
    (
        _RUN_ID,
        _c("flow_run_id", pl.String, "VARCHAR", True, "Prefect flow run id; null outside Prefect"),
        _c("started_at", pl.Datetime("us", "UTC"), "TIMESTAMPTZ"),
        _c("finished_at", pl.Datetime("us", "UTC"), "TIMESTAMPTZ"),
        _c("n_read", pl.Int64, "BIGINT", doc="documents read (loaded + rejected + already present)"),
        _c("n_loaded", pl.Int64, "BIGINT", doc="new documents loaded"),
        _c("n_rejected", pl.Int64, "BIGINT"),
        _c("n_skipped", pl.Int64, "BIGINT", doc="documents already in the warehouse"),
        _c("status", pl.String, "VARCHAR", doc="completed | nothing_new | failed"),
        _c("inputs", pl.String, "VARCHAR", doc="the paths the run was given, JSON"),
    ),
    ("run_id",),
    "One row per run that committed.",
    allowed_values={"status": RUN_STATUSES},
)

VALIDATION_RESULTS = Table(
    "validation_results",
    (
        _RUN_ID,
        _c("table_name", pl.String, "VARCHAR"),
        _c("expectation", pl.String, "VARCHAR", doc="expectation type and its column"),
        _c("success", pl.Boolean, "BOOLEAN"),
        _c("unexpected_count", pl.Int64, "BIGINT", True),
        _c("detail", pl.String, "VARCHAR", True),
    ),
    ("run_id", "table_name", "expectation"),
    "Great Expectations outcome per table and expectation, per run.",
)

#: All tables, in load order.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (DOCUMENTS, SENTENCES, TOKENS, ENTITY_MENTIONS, DATE_MENTIONS, ENTITIES, REJECTED_DOCUMENTS,
              RUNS, VALIDATION_RESULTS)
}

#: Tables whose rows each run appends per document (the rest are derived or bookkeeping).
RUN_TABLES: tuple[str, ...] = ("documents", "sentences", "tokens", "entity_mentions", "date_mentions")


def duckdb_ddl(table: Table) -> str:
    """``CREATE TABLE IF NOT EXISTS`` statement for ``table`` with NOT NULL and PRIMARY KEY constraints.

    Tables with ``enforce_primary_key=False`` (tokens, sentences: tens of millions of rows) get no PRIMARY
    KEY index, which would cost memory on every load; their key is checked by the validation suite and
    guaranteed by loading only documents not yet present.
    """
    cols = ",\n  ".join(
        f"{c.name} {c.duckdb_type}{'' if c.nullable else ' NOT NULL'}" for c in table.columns
    )
    pk = (f",\n  PRIMARY KEY ({', '.join(table.primary_key)})"
          if table.primary_key and table.enforce_primary_key else "")
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {cols}{pk}\n)"


def empty_frame(table: Table) -> pl.DataFrame:
    """A zero-row frame with ``table``'s exact schema."""
    return pl.DataFrame(schema=table.polars_schema)


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Select ``table``'s columns in order and cast them to its dtypes.

    Raises:
        KeyError: a declared column is missing from ``frame``.
    """
    missing = [c for c in table.column_names if c not in frame.columns]
    if missing:
        raise KeyError(f"{table.name}: frame lacks columns {missing}")
    return frame.select([pl.col(c.name).cast(c.dtype) for c in table.columns])
