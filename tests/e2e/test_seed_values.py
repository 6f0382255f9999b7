"""The seed article's must-hold entities and dates, read back from the warehouse (published 2020-01-13)."""

from __future__ import annotations

import polars as pl
import pytest

from akhbar.storage import Warehouse
from tests.conftest import SEED_ARTICLE

pytestmark = pytest.mark.e2e
RAW = SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mentions(seed_warehouse) -> pl.DataFrame:
    return Warehouse(seed_warehouse[0]).query("SELECT * FROM entity_mentions ORDER BY start_char")


@pytest.fixture(scope="module")
def dates(seed_warehouse) -> pl.DataFrame:
    return Warehouse(seed_warehouse[0]).query("SELECT * FROM date_mentions ORDER BY start_char")


def _with(m: pl.DataFrame, label: str, texts: set[str]) -> pl.DataFrame:
    return m.filter((pl.col("label") == label) & pl.col("text").is_in(list(texts)))


def test_sarraj_variants_are_one_person(mentions):
    sarraj = _with(mentions, "PER", {"فائز السراج", "فايز السرّاج", "السراج", "السرّاج"})
    texts = set(sarraj["text"])
    assert {"فائز السراج", "فايز السرّاج", "السراج"} <= texts
    assert sarraj["entity_id"].n_unique() == 1
    assert sarraj.height >= 8


def test_haftar_is_another_person_and_the_waw_stays_outside(mentions):
    haftar = _with(mentions, "PER", {"خليفة حفتر", "حفتر"})
    assert {"خليفة حفتر", "حفتر"} <= set(haftar["text"])
    assert haftar["entity_id"].n_unique() == 1
    sarraj_id = _with(mentions, "PER", {"فائز السراج"})["entity_id"][0]
    assert haftar["entity_id"][0] != sarraj_id
    title_haftar = RAW.index("وحفتر") + 1  # the ح after the proclitic waw of the headline
    assert title_haftar in set(haftar["start_char"])


@pytest.mark.parametrize("name,count", [("موسكو", 3), ("طرابلس", 2), ("ليبيا", 1), ("ألمانيا", 1), ("برلين", 1)])
def test_places(mentions, name, count):
    assert _with(mentions, "LOC", {name}).height == count


def test_berlin_span_starts_after_the_ba(mentions):
    berlin = _with(mentions, "LOC", {"برلين"})
    assert berlin["start_char"].to_list() == [RAW.index("ببرلين") + 1]


@pytest.mark.parametrize("name", ["الأمم المتحدة", "حكومة الوفاق الوطني", "المجلس الرئاسي الليبي"])
def test_organisations(mentions, name):
    orgs = mentions.filter((pl.col("label") == "ORG") & pl.col("text").str.contains(name, literal=True))
    assert orgs.height >= 1


def test_no_entity_from_bullets_or_the_comment_prompt(mentions):
    bullets_end = RAW.index("ذكر مصدر")
    comment = RAW.index("اترك تعليقاً")
    title_end = RAW.index("\n")
    assert mentions.filter((pl.col("start_char") > title_end + 2) & (pl.col("end_char") <= bullets_end)
                           & (pl.col("start_char") >= RAW.index("•"))).height == 0
    assert mentions.filter(pl.col("end_char") > comment).height == 0


def test_weekdays(dates):
    monday = dates.filter(pl.col("text").str.contains("الإثنين") & pl.col("value").str.starts_with("2020-01-13"))
    sunday = dates.filter(pl.col("text").str.contains("الأحد") & pl.col("value").str.starts_with("2020-01-12"))
    assert monday.height == 3
    assert sunday.height == 2
    assert dates.filter(pl.col("text") == "الإثنين")["type"].to_list()[0] == "DATE"


def test_april_last_year(dates):
    row = dates.filter(pl.col("text").str.contains("4 أبريل/نيسان"))
    assert row.height == 1
    assert row["value"][0] == "2019-04-04"
    assert row["anchored"][0] is True


def test_end_of_this_january(dates):
    row = dates.filter(pl.col("text").str.contains("يناير/كانون"))
    assert row.height == 1
    assert row["value"][0] == "2020-01" and row["mod"][0] == "END"
    assert RAW[row["start_char"][0]:row["end_char"][0]] == row["text"][0]
