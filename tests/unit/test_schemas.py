"""The schema module: DDL and frames derive from one declaration."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from akhbar import schemas


@pytest.mark.parametrize("table", list(schemas.TABLES.values()), ids=lambda t: t.name)
def test_ddl_creates_the_declared_columns(table):
    con = duckdb.connect()
    con.execute(schemas.duckdb_ddl(table))
    described = con.execute(f"DESCRIBE {table.name}").fetchall()
    assert [r[0] for r in described] == table.column_names
    assert [r[1] for r in described] == [c.duckdb_type.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
                                         for c in table.columns]
    # a Polars frame with the declared schema inserts without casts
    con.register("f", schemas.empty_frame(table))
    con.execute(f"INSERT INTO {table.name} SELECT * FROM f")


def test_contract_columns_are_present():
    assert schemas.DOCUMENTS.column_names[:2] == ["doc_id", "source_path"]
    for name, cols in {
        "documents": ["doc_id", "source_path", "source", "url", "title", "published_date", "language", "encoding",
                      "raw_text", "n_chars", "n_tokens", "run_id", "ingested_at"],
        "tokens": ["doc_id", "token_index", "sentence_index", "start_char", "end_char", "text", "norm", "kind"],
        "entity_mentions": ["doc_id", "mention_index", "start_char", "end_char", "text", "label", "canonical",
                            "entity_id", "sentence_index"],
        "entities": ["entity_id", "canonical", "label", "n_mentions", "n_documents"],
        "date_mentions": ["doc_id", "start_char", "end_char", "text", "type", "value", "granularity", "mod",
                          "calendar", "reference_date", "anchored"],
        "rejected_documents": ["source_path", "reason", "detail", "run_id"],
        "runs": ["run_id", "flow_run_id", "started_at", "finished_at", "n_read", "n_loaded", "n_rejected", "status"],
        "validation_results": ["run_id", "table_name", "expectation", "success", "unexpected_count", "detail"],
    }.items():
        missing = set(cols) - set(schemas.TABLES[name].column_names)
        assert not missing, f"{name} lacks {missing}"


@pytest.mark.parametrize("value", ["2020-01-13", "2020-01", "2019", "2020-01-13TMO", "2020-01-12T00:00", "P3D",
                                   "XXXX-WXX-5", "XXXX-04-04", "2020-W03", "PT2H", "201", "20", "PAST_REF",
                                   "2020-01-13T14:30", "2015-SU"])
def test_timex3_pattern_accepts(value):
    assert re.match(schemas.TIMEX3_VALUE_PATTERN, value)
    assert duckdb.execute("SELECT regexp_full_match(?, ?)", [value, schemas.TIMEX3_VALUE_PATTERN]).fetchall()[0][0]


@pytest.mark.parametrize("value", ["13/01/2020", "يناير", "2020-1-13x", "", "P", "2020-13-01T"])
def test_timex3_pattern_rejects(value):
    assert not re.match(schemas.TIMEX3_VALUE_PATTERN, value)


def test_conform_orders_and_casts():
    f = pl.DataFrame({"n_documents": [1], "label": ["PER"], "entity_id": ["x"], "canonical": ["c"],
                      "n_mentions": [2]})
    out = schemas.conform(f, schemas.ENTITIES)
    assert out.columns == schemas.ENTITIES.column_names
    assert out.schema["n_mentions"] == pl.Int64
    with pytest.raises(KeyError, match="lacks"):
        schemas.conform(f.drop("label"), schemas.ENTITIES)
