"""Warehouse writer: staging, one-transaction commit, idempotence, rollback, recovery, lock."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

import duckdb
import polars as pl
import pytest

from akhbar import schemas
from akhbar.errors import WarehouseBusy, WarehouseError
from akhbar.storage import Warehouse

RUN_AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def _frames(texts: list[str], run_id: str, published: date | None = date(2020, 1, 13)) -> dict[str, pl.DataFrame]:
    docs, toks, ents, sents = [], [], [], []
    for i, raw in enumerate(texts):
        doc_id = hashlib.sha256(raw.encode()).hexdigest()
        words = raw.split(" ")
        docs.append({"doc_id": doc_id, "source_path": f"f{i}.txt", "source": "test" if i % 2 else "قناة ما",
                     "url": None, "title": None, "published_date": published, "published_at": None,
                     "published_date_source": "cli", "language": "ar", "encoding": "utf-8", "format": "plain",
                     "raw_text": raw, "n_chars": len(raw), "n_tokens": len(words), "run_id": run_id,
                     "ingested_at": RUN_AT})
        pos = 0
        for j, w in enumerate(words):
            toks.append({"doc_id": doc_id, "token_index": j, "sentence_index": 0, "start_char": pos,
                         "end_char": pos + len(w), "text": w, "norm": w, "kind": "word", "prefix": "",
                         "stem": w, "suffix": "", "stem_start": pos, "stem_end": pos + len(w)})
            pos += len(w) + 1
        sents.append({"doc_id": doc_id, "sentence_index": 0, "start_char": 0, "end_char": len(raw), "text": raw})
        ents.append({"doc_id": doc_id, "mention_index": 0, "start_char": 0, "end_char": len(words[0]),
                     "text": words[0], "label": "LOC", "canonical": words[0], "entity_id": "e-" + words[0],
                     "sentence_index": 0})
    return {
        "documents": pl.DataFrame(docs, schema=schemas.DOCUMENTS.polars_schema),
        "tokens": pl.DataFrame(toks, schema=schemas.TOKENS.polars_schema),
        "entity_mentions": pl.DataFrame(ents, schema=schemas.ENTITY_MENTIONS.polars_schema),
        "sentences": pl.DataFrame(sents, schema=schemas.SENTENCES.polars_schema),
        "date_mentions": schemas.empty_frame(schemas.DATE_MENTIONS),
    }


def _run_row(run_id: str, n: int) -> dict:
    return {"run_id": run_id, "flow_run_id": None, "started_at": RUN_AT, "finished_at": RUN_AT, "n_read": n,
            "n_loaded": n, "n_rejected": 0, "n_skipped": 0, "status": "completed", "inputs": "[]"}


def _commit(wh: Warehouse, run_id: str, texts: list[str], **kw) -> dict[str, int]:
    wh.stage_batch(run_id, 0, _frames(texts, run_id))
    return wh.commit_run(run_id, _run_row(run_id, len(texts)),
                         pl.DataFrame(schema={"source_path": pl.String, "reason": pl.String, "detail": pl.String}),
                         schemas.empty_frame(schemas.VALIDATION_RESULTS), **kw).rows


def test_commit_loads_rows_and_publishes_partitioned_parquet(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    added = _commit(wh, "r1", ["موسكو تستضيف المحادثات", "برلين مؤتمر دولي"])
    assert added["documents"] == 2
    assert added["tokens"] == 6
    counts = wh.table_counts()
    assert counts["documents"] == 2 and counts["tokens"] == 6 and counts["entities"] == 2
    files = sorted(p.relative_to(wh.parquet_dir).as_posix() for p in wh.parquet_dir.rglob("*.parquet"))
    assert "tokens/year=2020/month=1/source=test/r1-00000.parquet" in files
    # a source name with Arabic letters and spaces is percent-encoded into one safe path segment
    assert any(f.startswith("documents/year=2020/month=1/source=%D9%82") for f in files)
    assert not (wh.staging_dir / "r1").exists()
    # analysts read the Parquet directly, with the partition columns
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{wh.parquet_dir}/tokens/**/*.parquet', "
                   "hive_partitioning=true) WHERE year = 2020").fetchall()[0][0]
    assert n == 6


def test_rerun_adds_nothing(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    _commit(wh, "r1", ["موسكو تستضيف المحادثات"])
    before = wh.table_counts()
    added = _commit(wh, "r2", ["موسكو تستضيف المحادثات"])
    assert added["documents"] == 0 and added["tokens"] == 0
    after = wh.table_counts()
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert after["runs"] == 2


def test_failure_before_commit_leaves_warehouse_unchanged(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    _commit(wh, "r1", ["موسكو تستضيف المحادثات"])
    before = wh.table_counts()
    with pytest.raises(WarehouseError):
        _commit(wh, "r2", ["طرابلس تحت الحصار", "بغداد اليوم"], fail_before_commit=True)
    assert wh.table_counts() == before
    # the staged files of the failed run are discarded by the next run's recovery
    assert (wh.staging_dir / "r2").exists()
    assert wh.recover() == ["r2"]
    assert not (wh.staging_dir / "r2").exists()
    assert not list((wh.parquet_dir / "documents").rglob("r2-*"))


def test_recover_publishes_a_committed_but_unpublished_run(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    _commit(wh, "r1", ["موسكو تستضيف المحادثات"])
    # simulate a crash after COMMIT but before the Parquet was moved: stage again under a committed run_id
    wh.stage_batch("r1", 1, _frames(["نص آخر هنا"], "r1"))
    assert wh.recover() == []
    assert list((wh.parquet_dir / "documents").rglob("r1-00001.parquet"))


def test_lock_is_exclusive_and_times_out(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    other = Warehouse(tmp_path / "wh")
    with wh.lock(timeout_seconds=1):
        with pytest.raises(WarehouseBusy, match="another akhbar run"):
            with other.lock(timeout_seconds=0.5):
                pass
    with other.lock(timeout_seconds=0.5):  # released: free again
        pass


def test_new_file_is_readable_with_v1_storage(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    _commit(wh, "r1", ["موسكو"])
    con = duckdb.connect(str(wh.duckdb_path), read_only=True)
    try:
        version = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'akhbar'").fetchall()
        storage = con.execute("PRAGMA storage_info('documents')").fetchall()
    finally:
        con.close()
    assert storage  # the table is there
    assert version is not None


def test_parquet_on_an_fsspec_url_stages_and_publishes_there(tmp_path):
    """AKHBAR_PARQUET_ROOT as an fsspec URL: staging, DuckDB load and publishing all go through fsspec."""
    import fsspec

    fs = fsspec.filesystem("memory")
    root = f"memory://akhbar-{tmp_path.name}/parquet"
    wh = Warehouse(tmp_path, root)
    assert wh.parquet_dir == root and str(wh.staging_dir) == root + "/_staging"
    wh.stage_batch("r1", 0, _frames(["زار الوزير مصر أمس", "قال الرئيس"], "r1"))
    base = f"/akhbar-{tmp_path.name}/parquet"
    assert len(fs.glob(f"{base}/_staging/r1/documents/**/*.parquet")) == 2  # two sources, two partitions
    assert not (tmp_path / "staging").exists()
    added = wh.commit_run("r1", _run_row("r1", 2), pl.DataFrame(schema={"source_path": pl.String, "reason": pl.String,
                          "detail": pl.String}), schemas.empty_frame(schemas.VALIDATION_RESULTS)).rows
    assert added["documents"] == 2 and added["tokens"] == 6
    assert not fs.exists(f"{base}/_staging/r1")
    published = fs.glob(f"{base}/tokens/**/*.parquet")
    assert len(published) == 2 and fs.exists(f"{base}/entities/entities.parquet")
    con = duckdb.connect()
    con.register_filesystem(fs)
    n = con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
                    [[fs.unstrip_protocol(p) for p in published]]).fetchall()[0][0]
    assert n == 6
    assert wh.table_counts()["tokens"] == 6
    # an interrupted run's staging on the URL is discarded by recover()
    wh.stage_batch("r2", 0, _frames(["نص آخر هنا"], "r2"))
    assert wh.recover() == ["r2"] and not fs.exists(f"{base}/_staging/r2")
