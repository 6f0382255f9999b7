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


# --- the cheap pass (BOOLEAN_ONLY on a lean frame) and the full re-run of a failing table -------------------

def _full_rows(frames: dict[str, pl.DataFrame], name: str) -> list[tuple]:
    """One table's rows as a plain SUMMARY validation of its whole frame reports them."""
    from akhbar import validate

    documents = validate._Documents(frames["documents"])
    derived = validate._derived(name, frames[name], documents)
    result, _ = validate._run_suite(name, True, derived.to_pandas(), "SUMMARY")
    return [(r["expectation"], r["success"], r["unexpected_count"], r["detail"])
            for r in validate._result_rows(name, result)]


def test_cheap_pass_reports_what_a_full_validation_reports(good):
    res = validate_tables(good, "r1")
    for name in ("documents", "tokens", "sentences"):
        mine = res.filter((pl.col("table_name") == name)
                          & (pl.col("expectation") != "schema_matches_declaration:*"))
        assert list(mine.select("expectation", "success", "unexpected_count", "detail").iter_rows()) == \
            _full_rows(good, name)
    counts = dict(zip(res["expectation"], res["unexpected_count"]))
    assert counts["expect_column_values_to_not_be_null:norm"] == 0
    assert counts["expect_table_row_count_to_be_between"] is None


def test_a_failing_table_is_revalidated_with_counts_and_detail(good):
    frames = dict(good)
    t = frames["tokens"]
    frames["tokens"] = t.with_columns(  # norm reaches GX as a null mask in the cheap pass
        pl.when(pl.col("token_index") == 1).then(None).otherwise(pl.col("norm")).alias("norm"),
        pl.when(pl.col("token_index") == 0).then(pl.lit("noun")).otherwise(pl.col("kind")).alias("kind"),
    )
    res = validate_tables(frames, "r1").filter(pl.col("table_name") == "tokens")
    bad = {r["expectation"]: r for r in failed(res).iter_rows(named=True)}
    assert set(bad) == {"expect_column_values_to_not_be_null:norm", "expect_column_values_to_be_in_set:kind"}
    assert bad["expect_column_values_to_not_be_null:norm"]["unexpected_count"] == 2
    assert bad["expect_column_values_to_be_in_set:kind"]["unexpected_count"] == 2
    assert "noun" in bad["expect_column_values_to_be_in_set:kind"]["detail"]
    # every row of the table comes from the full run, as a plain validation reports it
    rows = res.filter(pl.col("expectation") != "schema_matches_declaration:*")
    assert list(rows.select("expectation", "success", "unexpected_count", "detail").iter_rows()) == \
        _full_rows(frames, "tokens")


def test_not_null_on_every_string_column_still_fails(good):
    for name in ("documents", "tokens", "entity_mentions"):
        table = schemas.TABLES[name]
        for col in table.columns:
            if col.nullable or col.dtype != pl.String:
                continue
            frames = dict(good)
            frames[name] = good[name].with_columns(pl.lit(None, pl.String).alias(col.name))
            res = failed(validate_tables(frames, "r1")).filter(pl.col("table_name") == name)
            row = res.filter(pl.col("expectation") == f"expect_column_values_to_not_be_null:{col.name}")
            assert row["unexpected_count"].to_list() == [good[name].height], (name, col.name)


def test_reversed_span_is_reported_not_raised(good):
    frames = dict(good)
    frames["tokens"] = good["tokens"].with_columns(
        pl.when(pl.col("token_index") == 0).then(pl.col("end_char") + 3).otherwise(pl.col("start_char"))
        .alias("start_char"))
    res = failed(validate_tables(frames, "r1"))
    counts = dict(zip(res["expectation"], res["unexpected_count"]))
    assert counts["expect_column_pair_values_a_to_be_greater_than_b:end_char,start_char"] == 2
    assert counts["expect_column_values_to_be_in_set:_span_matches_text"] == 2


def test_duplicate_document_does_not_multiply_span_rows(good):
    frames = dict(good)
    frames["documents"] = pl.concat([good["documents"], good["documents"].head(1)])
    res = failed(validate_tables(frames, "r1"))
    assert set(res["table_name"]) == {"documents"}


def _reference_matches(frame: pl.DataFrame, documents: pl.DataFrame) -> list[bool]:
    raw = dict(zip(documents["doc_id"], documents["raw_text"]))
    out = []
    for doc_id, s, e, text in frame.select("doc_id", "start_char", "end_char", "text").iter_rows():
        r = raw.get(doc_id)
        out.append(None not in (r, s, e, text) and 0 <= s <= e and r[s:e] == text)
    return out


@pytest.mark.parametrize("shared", [True, False])
def test_span_check_equals_python_slicing(monkeypatch, shared):
    from akhbar import validate

    if not shared:  # per-block encoding of only the documents a block needs, in many small blocks
        monkeypatch.setattr(validate, "_SHARED_CODE_POINTS", 0)
        monkeypatch.setattr(validate, "_SPAN_BLOCK_CODE_POINTS", 7)
    texts = ["موسكو تستضيف المحادثات 😀 اليوم", "برلين مؤتمر دولي", "a b c", "x"]
    frames = _frames(texts, "r1")
    docs = frames["documents"].with_columns(  # a document without text matches nothing
        pl.when(pl.col("raw_text") == "x").then(None).otherwise(pl.col("raw_text")).alias("raw_text"))
    tokens = frames["tokens"]
    other = tokens.head(1).with_columns(pl.lit("f" * 64).alias("doc_id"))  # not in documents
    # every (start, end) within and around each token, plus null text
    rows = []
    for t in tokens.iter_rows(named=True):
        for ds in (-40, -1, 0, 1):
            for de in (-1, 0, 1, 40):
                rows.append({**t, "start_char": t["start_char"] + ds, "end_char": t["end_char"] + de})
        rows.append({**t, "text": None})
        rows.append({**t, "text": ""})
        rows.append({**t, "start_char": None})
    spans = pl.concat([pl.DataFrame(rows, schema=schemas.TOKENS.polars_schema), other])
    derived = validate.derived_columns("tokens", spans, docs)
    assert derived.columns == [*spans.columns, "_doc_n_chars", "_span_matches_text"]
    assert derived["_span_matches_text"].to_list() == _reference_matches(spans, docs)
    assert derived["_span_matches_text"].sum() > 0
    assert derived.filter(pl.col("doc_id") == "f" * 64)["_doc_n_chars"].to_list() == [-1]


# --- Expectation.configuration read once per expectation during a run (validate._install_configuration_memo)

def _broken(good: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Faults in three tables: a bad label and a broken span, a null and an unknown kind, a duplicate key."""
    frames = dict(good)
    frames["entity_mentions"] = good["entity_mentions"].with_columns(
        pl.when(pl.col("mention_index") == 0).then(pl.lit("PERSON")).otherwise(pl.col("label")).alias("label"),
        (pl.col("end_char") + 1).alias("end_char"))
    frames["tokens"] = good["tokens"].with_columns(
        pl.when(pl.col("token_index") == 1).then(None).otherwise(pl.col("norm")).alias("norm"),
        pl.when(pl.col("token_index") == 0).then(pl.lit("noun")).otherwise(pl.col("kind")).alias("kind"))
    frames["documents"] = pl.concat([good["documents"], good["documents"].head(1)])
    return frames


@pytest.mark.parametrize("result_format", ["SUMMARY", "BOOLEAN_ONLY"])
def test_configuration_memo_changes_no_result(good, result_format):
    from akhbar import validate

    for frames in (good, _broken(good)):
        documents = validate._Documents(frames["documents"])
        n_failed = 0
        for name in ("documents", "tokens", "sentences", "entity_mentions", "date_mentions"):
            data = validate._derived(name, frames[name], documents).to_pandas()
            rows = name in validate.NON_EMPTY_WHEN_DOCUMENTS
            plain, _ = validate._run_suite(name, rows, data, result_format, memo=False)
            memoised, _ = validate._run_suite(name, rows, data, result_format, memo=True)
            assert [r.to_json_dict() for r in memoised.results] == [r.to_json_dict() for r in plain.results]
            n_failed += sum(not r.success for r in plain.results)
        assert n_failed == (0 if frames is good else 5)  # label, span text, null norm, kind, doc_id


def test_configuration_memo_is_off_outside_a_run(good):
    import great_expectations.expectations as gxe

    from akhbar import validate

    validate_tables(good, "r1")  # installs the memo
    exp = gxe.ExpectColumnValuesToNotBeNull(column="doc_id")
    first = exp.configuration
    assert first is not exp.configuration  # built anew on each access, as in Great Expectations
    assert first == exp.configuration and first.kwargs["column"] == "doc_id"
    assert validate._configurations.memo is None
