"""The flow on generated inputs of other formats, custom field names, and a missing path."""

from __future__ import annotations

import json

import pytest

from akhbar.errors import IngestError
from akhbar.storage import Warehouse

pytestmark = pytest.mark.e2e

ARTICLES = [
    {"matn": "قال الرئيس الفرنسي إيمانويل ماكرون في باريس الأحد إن الاتفاق صامد.", "onwan": "ماكرون في باريس",
     "tarikh": "2019-06-03T10:00:00+02:00", "rabet": "https://example.org/a1"},
    {"matn": "زار وفد من الأمم المتحدة بغداد أمس لبحث الأزمة.", "onwan": "وفد أممي في بغداد",
     "tarikh": "2021-02-10", "rabet": "https://example.org/a2"},
]


def test_jsonl_with_custom_field_names(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "feed.jsonl").write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n",
                                      encoding="utf-8")
    s = ingest_flow(paths=[str(inbox)], warehouse_dir=str(tmp_path / "wh"),
                    field_names={"text": "matn", "title": "onwan", "published": "tarikh", "url": "rabet"})
    assert s["documents_loaded"] == 2 and s["documents_rejected"] == 0
    docs = Warehouse(tmp_path / "wh").query(
        "SELECT title, url, published_date, published_date_source, format, raw_text FROM documents ORDER BY url")
    assert docs["title"].to_list() == ["ماكرون في باريس", "وفد أممي في بغداد"]
    assert [str(d) for d in docs["published_date"]] == ["2019-06-03", "2021-02-10"]
    assert set(docs["published_date_source"]) == {"document"}
    assert set(docs["format"]) == {"jsonl"}
    assert docs["raw_text"][0].endswith(ARTICLES[0]["matn"])
    dates = Warehouse(tmp_path / "wh").query("SELECT text, value FROM date_mentions ORDER BY value")
    # الأحد resolved against 2019-06-03 (a Monday) and أمس against 2021-02-10
    assert dates.rows() == [("الأحد", "2019-06-02"), ("أمس", "2021-02-09")]


def test_a_missing_path_is_a_clear_error(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    with pytest.raises(IngestError, match="no such file or folder"):
        ingest_flow(paths=[str(tmp_path / "no-such-folder")], warehouse_dir=str(tmp_path / "wh"))
    assert Warehouse(tmp_path / "wh").table_counts()["documents"] == 0
