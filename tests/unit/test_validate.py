"""Great Expectations suites derived from the schemas catch real faults."""

from __future__ import annotations

import polars as pl
import pytest

from akhbar import schemas
from akhbar.validate import expectation_specs, failed, validate_tables
from tests.unit.test_storage import _frames


@pytest.fixture(scope="module")
def good() -> dict[str, pl.DataFrame]:
    return _frames(["موسكو تستضيف المحادثات", "برلين مؤتمر دولي"], "r1")


def test_specs_are_derived_from_the_schema():
    names = [n for n, _ in expectation_specs(schemas.DATE_MENTIONS)]
    assert "ExpectCompoundColumnsToBeUnique" in names
    assert ("ExpectColumnValuesToMatchRegex", {"column": "value", "regex": schemas.TIMEX3_VALUE_PATTERN}) in \
        expectation_specs(schemas.DATE_MENTIONS)


def test_valid_frames_pass(good):
    res = validate_tables(good, "r1")
    assert res.schema == schemas.VALIDATION_RESULTS.polars_schema
    assert failed(res).height == 0, failed(res).to_dicts()
    assert set(res["table_name"]) == set(good)
    assert res.filter(pl.col("table_name") == "tokens").height > 10


def test_bad_label_span_and_offsets_fail(good):
    frames = dict(good)
    m = frames["entity_mentions"]
    frames["entity_mentions"] = m.with_columns(
        pl.when(pl.col("mention_index") == 0).then(pl.lit("PERSON")).otherwise(pl.col("label")).alias("label"),
        (pl.col("end_char") + 1).alias("end_char"),  # the span no longer equals its text
    )
    res = failed(validate_tables(frames, "r1"))
    exps = set(res["expectation"])
    assert "expect_column_values_to_be_in_set:label" in exps
    assert "expect_column_values_to_be_in_set:_span_matches_text" in exps
    assert res.filter(pl.col("expectation") == "expect_column_values_to_be_in_set:label")["unexpected_count"][0] == 2


def test_duplicate_keys_and_empty_tokens_fail(good):
    frames = dict(good)
    frames["tokens"] = schemas.empty_frame(schemas.TOKENS)
    d = frames["documents"]
    frames["documents"] = pl.concat([d, d.head(1)])
    res = failed(validate_tables(frames, "r1"))
    exps = set(zip(res["table_name"], res["expectation"]))
    assert ("documents", "expect_column_values_to_be_unique:doc_id") in exps
    assert ("tokens", "expect_table_row_count_to_be_between") in exps


def test_wrong_dtype_is_reported(good):
    frames = {"entities": pl.DataFrame({"entity_id": ["a"], "canonical": ["c"], "label": ["PER"],
                                        "n_mentions": [1], "n_documents": ["1"]})}
    res = failed(validate_tables(frames, "r1"))
    schema_row = res.filter(pl.col("expectation") == "schema_matches_declaration:*")
    assert schema_row.height == 1
    assert "n_documents" in schema_row["detail"][0]
