"""The flow end to end on the seed article: counts, schemas, span integrity, idempotence, seed values."""

from __future__ import annotations

import duckdb
import pytest

from akhbar import schemas
from akhbar.storage import Warehouse
from tests.conftest import SEED_ARTICLE

pytestmark = pytest.mark.e2e

SPAN_TABLES = ("tokens", "sentences", "entity_mentions", "date_mentions")


def _con(wh):
    return duckdb.connect(str(wh / "akhbar.duckdb"), read_only=True)


def test_summary_and_counts(seed_warehouse):
    wh, s = seed_warehouse
    assert s["status"] == "completed"
    assert s["documents_read"] == 1 and s["documents_loaded"] == 1 and s["documents_rejected"] == 0
    counts = Warehouse(wh).table_counts()
    assert counts["documents"] == 1
    assert counts["tokens"] == s["rows"]["tokens"] > 300
    assert counts["entity_mentions"] == s["rows"]["entity_mentions"] >= 15
    assert counts["date_mentions"] == s["rows"]["date_mentions"] >= 7
    assert counts["runs"] == 1
    assert all(s["validation"].values()) and set(s["validation"]) >= set(schemas.RUN_TABLES)
    con = _con(wh)
    try:
        raw, pub, n_chars, n_tokens = con.execute(
            "SELECT raw_text, published_date, n_chars, n_tokens FROM documents").fetchall()[0]
    finally:
        con.close()
    assert raw == SEED_ARTICLE.read_text(encoding="utf-8")  # raw text stored exactly as decoded
    assert str(pub) == "2020-01-13"  # from seeds/MANIFEST.csv
    assert n_chars == len(raw) and n_tokens == counts["tokens"]


def test_tables_match_the_schema_module(seed_warehouse):
    wh, _ = seed_warehouse
    con = _con(wh)
    try:
        for table in schemas.TABLES.values():
            described = con.execute(f"DESCRIBE {table.name}").fetchall()
            assert [r[0] for r in described] == table.column_names, table.name
            assert [r[1] for r in described] == [
                c.duckdb_type.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE") for c in table.columns]
    finally:
        con.close()


@pytest.mark.parametrize("table", SPAN_TABLES)
def test_every_span_is_its_surface(seed_warehouse, table):
    wh, _ = seed_warehouse
    con = _con(wh)
    try:
        total, bad = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE substring(d.raw_text, t.start_char + 1, "
            f"t.end_char - t.start_char) <> t.text) FROM {table} t JOIN documents d USING (doc_id)").fetchall()[0]
    finally:
        con.close()
    assert total > 0 and bad == 0


def test_validation_results_are_recorded(seed_warehouse):
    wh, s = seed_warehouse
    res = Warehouse(wh).query("SELECT table_name, count(*) AS n, bool_and(success) AS ok "
                              "FROM validation_results GROUP BY table_name ORDER BY table_name")
    assert set(res["table_name"]) >= set(schemas.RUN_TABLES)
    assert res["ok"].all()
    assert res.filter(res["table_name"] == "tokens")["n"][0] >= 10


def test_views_exist_and_answer(seed_warehouse):
    wh, _ = seed_warehouse
    w = Warehouse(wh)
    top = w.query("SELECT canonical, n_mentions FROM v_top_entities WHERE label = 'LOC' ORDER BY rank_in_label LIMIT 3")
    assert top.height >= 1
    daily = w.query("SELECT DISTINCT day FROM v_daily_mentions")
    assert [str(d) for d in daily["day"]] == ["2020-01-13"]
    gaps = w.query("SELECT gap_days FROM v_date_mentions WHERE value = '2020-01-12'")
    assert gaps.height >= 1 and set(gaps["gap_days"]) == {-1}


def test_rerun_adds_no_rows(seed_warehouse, tmp_path):
    import shutil

    from flows.ingest import ingest_flow

    wh = tmp_path / "wh"  # a copy: the shared seed warehouse keeps exactly one run for the other tests
    shutil.copytree(seed_warehouse[0], wh)
    before = Warehouse(wh).table_counts()
    again = ingest_flow(paths=[str(SEED_ARTICLE.parent)], warehouse_dir=str(wh), data_docs=False)
    assert again["status"] == "nothing_new"
    assert again["documents_loaded"] == 0 and again["documents_skipped"] == 1
    after = Warehouse(wh).table_counts()
    for name in ("documents", "tokens", "sentences", "entity_mentions", "date_mentions", "entities"):
        assert after[name] == before[name], name
    assert after["runs"] == before["runs"] + 1
