"""The flow on all 2,002 files of ../shared/corpus/dev: every file accounted for, every span exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.storage import Warehouse
from tests.conftest import SHARED

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
DEV = SHARED / "corpus" / "dev"


def test_every_file_is_loaded_or_rejected(dev_warehouse):
    wh, s = dev_warehouse
    n_files = len([p for p in DEV.iterdir() if p.suffix == ".txt"])
    assert n_files == 2002
    assert s["documents_read"] == n_files
    w = Warehouse(wh)
    loaded = w.query("SELECT source_path FROM documents")["source_path"].to_list()
    rejected = w.query("SELECT source_path, reason FROM rejected_documents")
    assert len(loaded) + rejected.height == n_files
    assert len({Path(p).name for p in loaded} | {Path(p).name for p in rejected["source_path"]}) == n_files
    france24 = rejected.filter(rejected["source_path"].str.ends_with("france24_FR-internationalNews-2077-20180629.txt"))
    assert france24["reason"].to_list() == ["no_text_after_extraction"]
    assert rejected.height <= 10  # only inputs with no article text at all


@pytest.mark.parametrize("table", ["tokens", "sentences", "entity_mentions", "date_mentions"])
def test_spans_round_trip_on_the_whole_corpus(dev_warehouse, table):
    wh, _ = dev_warehouse
    total, bad, outside = Warehouse(wh).query(
        f"SELECT count(*) AS n, count(*) FILTER (WHERE substring(d.raw_text, t.start_char + 1, "
        f"t.end_char - t.start_char) <> t.text) AS bad, "
        f"count(*) FILTER (WHERE t.end_char > d.n_chars OR t.start_char < 0) AS outside "
        f"FROM {table} t JOIN documents d USING (doc_id)").row(0)
    assert total > 1000 and bad == 0 and outside == 0


def test_publication_dates_and_views(dev_warehouse):
    wh, _ = dev_warehouse
    w = Warehouse(wh)
    n_dated = w.query("SELECT count(*) AS n FROM documents WHERE published_date IS NOT NULL")["n"][0]
    assert n_dated >= 1490  # every ANT article carries a <TIME>; SaudiNewsNet files have none
    days = w.query("SELECT count(DISTINCT day) AS n FROM v_daily_mentions")["n"][0]
    all_days = w.query("SELECT count(DISTINCT published_date) AS n FROM documents "
                       "WHERE doc_id IN (SELECT doc_id FROM entity_mentions)")["n"][0]
    assert days == all_days > 100
    top_loc = w.query("SELECT canonical FROM v_top_entities WHERE label = 'LOC' ORDER BY rank_in_label LIMIT 10")
    for name in top_loc["canonical"]:
        assert not name.startswith(("و", "ب")) or name in {"بريطانيا", "بغداد", "بيروت", "بلجيكا"}, name
        assert not any(ch in name for ch in "،,.:؛\"'()"), name


def test_rerun_of_the_corpus_loads_nothing(dev_warehouse, tmp_path):
    import shutil

    from flows.ingest import ingest_flow

    wh = tmp_path / "wh"  # a copy: the shared dev warehouse keeps exactly one run for the other tests
    shutil.copytree(dev_warehouse[0], wh)
    before = Warehouse(wh).table_counts()
    again = ingest_flow(paths=[str(DEV)], warehouse_dir=str(wh), batch_size_docs=400, data_docs=False)
    assert again["documents_loaded"] == 0
    after = Warehouse(wh).table_counts()
    for name in ("documents", "tokens", "sentences", "entity_mentions", "date_mentions", "entities"):
        assert after[name] == before[name], name
