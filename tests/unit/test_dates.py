"""Contract tests of akhbar.dates: the seed article, the dev cases, the frame, spans, no reference date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import akhbar.dates as dates_pkg
from akhbar.dates import DATE_MENTION_COLUMNS, DateMention, extract_dates, extract_dates_frame

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "seeds" / "000_8ac1bda8dfbd2172.txt"
DEV_CASES = SHARED / "dates" / "dev_cases.jsonl"
REF = date(2020, 1, 13)  # a Monday, the seed article's publication date


def test_public_api_is_declared() -> None:
    assert set(dates_pkg.__all__) == {"DateMention", "extract_dates", "extract_dates_frame",
                                      "DATE_MENTION_COLUMNS"}
    for name in dates_pkg.__all__:
        assert hasattr(dates_pkg, name)


@pytest.fixture(scope="module")
def seed_mentions() -> list[DateMention]:
    return extract_dates(SEED.read_text(encoding="utf-8"), REF)


def test_seed_monday_three_times(seed_mentions: list[DateMention]) -> None:
    monday = [m for m in seed_mentions if "الإثنين" in m.text]
    assert len(monday) == 3
    assert all(m.value.startswith("2020-01-13") for m in monday)


def test_seed_sunday_twice(seed_mentions: list[DateMention]) -> None:
    sunday = [m for m in seed_mentions if "الأحد" in m.text]
    assert len(sunday) == 2
    assert all(m.value.startswith("2020-01-12") for m in sunday)


def test_seed_april_last_year(seed_mentions: list[DateMention]) -> None:
    (m,) = [m for m in seed_mentions if "أبريل" in m.text]
    assert m.text == "4 أبريل/نيسان الماضي"
    assert (m.value, m.granularity, m.anchored) == ("2019-04-04", "day", True)


def test_seed_end_of_january_has_mod_end(seed_mentions: list[DateMention]) -> None:
    (m,) = [m for m in seed_mentions if "يناير" in m.text]
    assert m.text == "نهاية يناير/كانون ثانٍ الجاري"
    assert (m.value, m.granularity, m.mod) == ("2020-01", "month", "END")
    assert (m.interval_start, m.interval_end) == (date(2020, 1, 1), date(2020, 1, 31))


def test_seed_spans_are_raw_sorted_non_overlapping(seed_mentions: list[DateMention]) -> None:
    raw = SEED.read_text(encoding="utf-8")
    prev_end = -1
    for m in seed_mentions:
        assert raw[m.start_char:m.end_char] == m.text
        assert m.start_char >= prev_end
        prev_end = m.end_char
    assert "الماضي" not in [m.text for m in seed_mentions]  # صفحة الماضي is not a date


def _dev_cases() -> list[dict]:
    return [json.loads(line) for line in DEV_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", _dev_cases(), ids=lambda c: c["id"])
def test_dev_case(case: dict) -> None:
    got = extract_dates(case["text"], date.fromisoformat(case["reference_date"]))
    assert [(m.text, m.value, m.start_char, m.end_char) for m in got] == [
        (e["surface"], e["value"], e["start"], e["end"]) for e in case["expected"]
    ]
    for m, e in zip(got, case["expected"]):
        assert m.type == e["type"]
        assert m.mod == e.get("mod")
        assert m.calendar == e["calendar"]
        if "hijri" in e:
            assert m.hijri_text == e["hijri"]


def test_no_reference_date_leaves_placeholders() -> None:
    got = extract_dates("وصل الرئيس الإثنين، بعد اجتماع في 4 أبريل الماضي.", None)
    assert [(m.value, m.anchored, m.interval_start, m.reference_date) for m in got] == [
        ("XXXX-WXX-1", False, None, None), ("XXXX-04-04", False, None, None)]


@pytest.mark.parametrize(("text", "value"), [
    ("الربع الأول من العام الجاري", "XXXX-Q1"), ("الصيف الماضي", "XXXX-SU"), ("القرن الماضي", "XX"),
    ("الـ15 من الشهر الجاري", "XXXX-XX-15"), ("4 أبريل من العام الماضي", "XXXX-04-04"),
    ("شهر رمضان المقبل", "XXXX-XX"), ("الأسبوع المقبل", "XXXX-WXX"), ("الساعة الثامنة مساء", "XXXX-XX-XXT20:00"),
])
def test_relative_forms_without_reference_stay_placeholders(text: str, value: str) -> None:
    (m,) = extract_dates(text, None)
    assert (m.text, m.value, m.anchored, m.interval_start) == (text, value, False, None)


def test_frame_columns_types_and_rows() -> None:
    docs = pl.DataFrame(
        {"doc_id": ["a", "b", "c"], "raw_text": ["وصل الوفد أمس وسيغادر غدا.", "لا تاريخ هنا", "الأحد"],
         "published_date": [REF, REF, None]},
        schema={"doc_id": pl.String, "raw_text": pl.String, "published_date": pl.Date},
    )
    out = extract_dates_frame(docs)
    assert [(n, str(t)) for n, t in out.schema.items()] == [(n, t) for n, t in DATE_MENTION_COLUMNS]
    assert out.select("doc_id", "mention_index", "value").rows() == [
        ("a", 0, "2020-01-12"), ("a", 1, "2020-01-14"), ("c", 0, "XXXX-WXX-7")]
    assert out.filter(pl.col("doc_id") == "c")["anchored"].to_list() == [False]
    assert out.filter(pl.col("doc_id") == "a")["reference_date"].to_list() == [REF, REF]


def test_frame_empty_input_keeps_schema() -> None:
    docs = pl.DataFrame({"doc_id": [], "raw_text": [], "published_date": []},
                        schema={"doc_id": pl.String, "raw_text": pl.String, "published_date": pl.Date})
    out = extract_dates_frame(docs)
    assert out.height == 0
    assert out.columns == [n for n, _ in DATE_MENTION_COLUMNS]


def test_frame_missing_column_names_it() -> None:
    with pytest.raises(KeyError, match="published_date"):
        extract_dates_frame(pl.DataFrame({"doc_id": ["a"], "raw_text": ["x"]}))


def test_frame_schema_is_the_warehouse_table() -> None:
    from akhbar.schemas import DATE_MENTIONS

    docs = pl.DataFrame({"doc_id": ["a"], "raw_text": ["في 15 رمضان 1441 هـ"], "published_date": [REF]},
                        schema={"doc_id": pl.String, "raw_text": pl.String, "published_date": pl.Date})
    out = extract_dates_frame(docs)
    assert out.schema == DATE_MENTIONS.polars_schema
    row = out.row(0, named=True)
    assert (row["calendar"], row["hijri_text"], row["value"]) == ("hijri", "1441-09-15", "2020-05-08")


def test_docstring_examples_run() -> None:
    import doctest

    import akhbar.dates.evaluate
    import akhbar.dates.grammar
    import akhbar.dates.lexicon
    import akhbar.dates.resolve
    import akhbar.dates.timex
    import akhbar.dates.triggers

    for mod in (dates_pkg, akhbar.dates.lexicon, akhbar.dates.timex, akhbar.dates.resolve, akhbar.dates.grammar,
                akhbar.dates.triggers, akhbar.dates.evaluate):
        failed, _ = doctest.testmod(mod)
        assert failed == 0, mod.__name__


def test_datetime_reference_counts_as_its_day() -> None:
    from datetime import datetime

    got = extract_dates("وصل الوفد أمس", datetime(2020, 1, 13, 23, 30))
    assert [(m.value, m.reference_date) for m in got] == [("2020-01-12", REF)]
