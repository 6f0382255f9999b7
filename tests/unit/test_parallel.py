"""The process pool gives the same frames as running inline, and chunks cover the batch exactly."""

from __future__ import annotations

import hashlib
from datetime import date

import polars as pl
import pytest

from akhbar import pipeline
from akhbar.parallel import active_pool, process_pool, split_frame
from tests.conftest import SEED_ARTICLE

TEXTS = [
    SEED_ARTICLE.read_text(encoding="utf-8"),
    "قال الرئيس الفرنسي إيمانويل ماكرون في باريس الأحد إن الاتفاق صامد.",
    "زار وفد من الأمم المتحدة بغداد أمس لبحث الأزمة مع الحكومة العراقية.",
    "وصل حفتر إلى موسكو صباح الإثنين.",
    "",
]


def _docs() -> pl.DataFrame:
    return pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(TEXTS))], "raw_text": TEXTS,
                         "published_date": [date(2020, 1, 13)] * len(TEXTS)})


def test_split_frame_covers_every_row_once():
    docs = _docs()
    for parts in (1, 2, 3, 7):
        chunks = split_frame(docs, parts)
        assert 1 <= len(chunks) <= parts
        assert pl.concat(chunks).equals(docs)
    # balanced by text length: the long seed article sits alone in the first of two chunks
    assert split_frame(docs, 2)[0].height == 1


def test_pool_and_inline_give_identical_frames():
    docs = _docs()
    tb = pipeline.tokenise_batch(docs)
    inline = (tb.tokens, tb.sentences, pipeline.entities_batch(docs, tb.tokens), pipeline.dates_batch(docs))
    assert active_pool() == (None, 1)
    with process_pool(2):
        assert active_pool()[1] == 2
        tb2 = pipeline.tokenise_batch(docs)
        pooled = (tb2.tokens, tb2.sentences, pipeline.entities_batch(docs, tb2.tokens), pipeline.dates_batch(docs))
    assert active_pool() == (None, 1)
    for a, b in zip(inline, pooled):
        assert a.equals(b)
    assert inline[0].height > 400 and inline[2].height > 10 and inline[3].height >= 8


def test_trimming_the_workers_heap_changes_no_frame(monkeypatch):
    docs = _docs()
    tb = pipeline.tokenise_batch(docs)
    inline = (tb.tokens, pipeline.entities_batch(docs, tb.tokens), pipeline.dates_batch(docs))
    monkeypatch.setenv("AKHBAR_TRIM_HEAP", "1")
    with process_pool(2):
        tb2 = pipeline.tokenise_batch(docs)
        pooled = (tb2.tokens, pipeline.entities_batch(docs, tb2.tokens), pipeline.dates_batch(docs))
    for a, b in zip(inline, pooled):
        assert a.equals(b)


def test_entities_in_slices_equal_one_call(monkeypatch):
    # a worker tags its chunk a few documents at a time (pipeline.ENTITY_SLICE_DOCS): same mentions
    docs = _docs()
    tokens = pipeline.tokenise_batch(docs).tokens
    whole = pipeline._entities_chunk(docs, tokens)
    monkeypatch.setattr(pipeline, "ENTITY_SLICE_DOCS", 2)
    sliced = pipeline._entities_chunk(docs, tokens)
    assert whole.height > 10
    assert sliced.equals(whole)


def _read_docs(n: int | None = None) -> pl.DataFrame:
    """The test texts as the sources stage gives them (every documents column but the three the flow fills)."""
    from akhbar import schemas

    docs = _docs().filter(pl.col("raw_text") != "")
    docs = docs.head(n) if n else docs
    extra = {"source_path": "x.txt", "source": "test", "url": None, "title": None, "published_at": None,
             "published_date_source": "cli", "language": "ar", "encoding": "utf-8", "format": "plain"}
    docs = docs.with_columns(*(pl.lit(v).alias(k) for k, v in extra.items()),
                             pl.col("raw_text").str.len_chars().alias("n_chars"),
                             pl.col("raw_text").map_elements(lambda t: hashlib.sha256(t.encode()).hexdigest(),
                                                             return_dtype=pl.String).alias("doc_id"))
    cols = [c for c in schemas.DOCUMENTS.column_names if c not in ("n_tokens", "run_id", "ingested_at")]
    return docs.select(pl.col(c).cast(schemas.DOCUMENTS.polars_schema[c]) for c in cols)


def _staged(root) -> dict[str, pl.DataFrame]:
    """Every staged table of a warehouse folder, rows in a fixed order."""
    out = {}
    for name in pipeline.BATCH_TABLES:
        files = sorted((root / "staging").rglob(f"{name}/**/*.parquet"))
        frame = pl.concat([pl.read_parquet(f) for f in files], how="vertical") if files else None
        if frame is not None:
            keys = [c for c in ("doc_id", "token_index", "sentence_index", "mention_index", "start_char")
                    if c in frame.columns]
            out[name] = frame.sort(keys)
    return out


def test_held_frames_stay_in_the_workers_and_give_the_same_tables(tmp_path):
    # the flow's path with a pool: workers keep each stage's output; validation and staging run there
    from datetime import datetime, timezone

    from akhbar.storage import Warehouse

    docs = _read_docs()
    at = datetime(2026, 11, 30, tzinfo=timezone.utc)
    tb = pipeline.tokenise_batch(docs)
    local = {"documents": docs, "tokens": tb.tokens, "sentences": tb.sentences,
             "entity_mentions": pipeline.entities_batch(docs, tb.tokens), "date_mentions": pipeline.dates_batch(docs)}
    local_val = pipeline.validate_batch(local, "r1", at)
    pipeline.stage_batch(Warehouse(tmp_path / "a"), "r1", 0, local, at)
    with process_pool(2):
        tb2 = pipeline.tokenise_batch(docs, hold="r1:0")
        held_frames = {"documents": docs, "tokens": tb2.tokens, "sentences": tb2.sentences,
                       "entity_mentions": pipeline.entities_batch(docs, tb2.tokens),
                       "date_mentions": pipeline.dates_batch(docs, hold="r1:0")}
        for name, frame in held_frames.items():
            if name != "documents":
                assert isinstance(frame, pipeline.Held) and frame.chunks == 2
                assert frame.rows == local[name].height
                assert pipeline.fetch(frame).equals(local[name]), name
        held_val = pipeline.validate_batch(held_frames, "r1", at)
        written = pipeline.stage_batch(Warehouse(tmp_path / "b"), "r1", 0, held_frames, at)
        with pytest.raises(KeyError):  # staged: the workers dropped the frames
            pipeline.fetch(held_frames["tokens"])
    assert written == {name: local[name].height for name in pipeline.BATCH_TABLES}
    # folded over chunks as over batches (pipeline.combine_validation): the same rows
    assert held_val.equals(pipeline.combine_validation([local_val], "r1"))
    assert held_val["success"].all() and held_val.height > 40
    a, b = _staged(tmp_path / "a"), _staged(tmp_path / "b")
    assert a.keys() == b.keys() == set(pipeline.BATCH_TABLES)
    for name in a:
        assert a[name].equals(b[name]), name
    assert len(list((tmp_path / "b" / "staging").rglob("tokens/**/*-00000-01.parquet"))) >= 1


def test_a_bad_held_frame_fails_validation():
    # one chunk (pool active, one document): the frames are held in this process, where the test can break one
    from datetime import datetime, timezone

    from akhbar.parallel import held

    docs = _read_docs(1)
    with process_pool(2):
        tb = pipeline.tokenise_batch(docs, hold="k")
        frames = {"documents": docs, "tokens": tb.tokens, "sentences": tb.sentences,
                  "entity_mentions": pipeline.entities_batch(docs, tb.tokens),
                  "date_mentions": pipeline.dates_batch(docs, hold="k")}
        store = held()["k#0"]
        store["tokens"] = store["tokens"].with_columns(
            pl.when(pl.col("token_index") == 3).then(pl.col("start_char") + 1).otherwise(pl.col("start_char"))
            .alias("start_char"))
        val = pipeline.validate_batch(frames, "r", datetime(2026, 11, 30, tzinfo=timezone.utc))
    assert held() == {}  # dropped with the pool
    bad = val.filter(~pl.col("success"))
    assert bad.select("table_name", "expectation").rows() == [("tokens", "expect_column_values_to_be_in_set:_span_matches_text")]
    assert bad["unexpected_count"].to_list() == [1]


def test_workers_start_with_the_jemalloc_setting_and_the_flow_environment_is_restored(monkeypatch):
    import os

    from akhbar.parallel import WORKER_JEMALLOC_CONF, map_chunks

    # Polars (imported here) set _RJEM_MALLOC_CONF to its default; in a worker, Polars prefixes its default
    # to the inherited value, and jemalloc takes the last value of each option
    polars_default = os.environ["_RJEM_MALLOC_CONF"]
    assert polars_default == "dirty_decay_ms:500,muzzy_decay_ms:1000"
    with process_pool(2):
        seen = map_chunks(os.getenv, [("_RJEM_MALLOC_CONF",), ("_RJEM_MALLOC_CONF",)])
    assert seen == [f"{polars_default},{WORKER_JEMALLOC_CONF}"] * 2
    assert seen[0].endswith("dirty_decay_ms:0,muzzy_decay_ms:0")
    assert os.environ["_RJEM_MALLOC_CONF"] == polars_default  # restored
    thp = f"{polars_default},thp:always,metadata_thp:always"  # Polars' own default with POLARS_THP=1
    monkeypatch.setenv("_RJEM_MALLOC_CONF", thp)
    with process_pool(2):
        assert map_chunks(os.getenv, [("_RJEM_MALLOC_CONF",)] * 2)[0].endswith(f"1000,{WORKER_JEMALLOC_CONF}")
    monkeypatch.setenv("_RJEM_MALLOC_CONF", f"{polars_default},dirty_decay_ms:1000")  # the user's value wins
    with process_pool(2):
        assert map_chunks(os.getenv, [("_RJEM_MALLOC_CONF",)] * 2) == [
            f"{polars_default},{polars_default},dirty_decay_ms:1000"] * 2



def test_workers_run_with_raised_gc_thresholds_and_frozen_models():
    import gc

    from akhbar.parallel import WORKER_GC_THRESHOLD, map_chunks

    before = gc.get_threshold()
    with process_pool(2):
        thresholds = map_chunks(gc.get_threshold, [(), ()])
        frozen = map_chunks(gc.get_freeze_count, [(), ()])
    assert thresholds == [WORKER_GC_THRESHOLD] * 2
    assert WORKER_GC_THRESHOLD[0] > 700  # above CPython's default generation-0 threshold
    assert min(frozen) > 10_000  # what the initialiser loaded is frozen (0 without gc.freeze)
    assert gc.get_threshold() == before  # the flow process is left as it was

def _hold_all(docs: pl.DataFrame, key: str) -> dict:
    tb = pipeline.tokenise_batch(docs, hold=key)
    return {"documents": docs, "tokens": tb.tokens, "sentences": tb.sentences,
            "entity_mentions": pipeline.entities_batch(docs, tb.tokens),
            "date_mentions": pipeline.dates_batch(docs, hold=key)}


def test_a_chunk_without_tokens_does_not_fail_the_batch_row_counts():
    # the "tokens/sentences not empty" expectations hold for the batch when any chunk has rows
    from datetime import datetime, timezone

    at = datetime(2026, 11, 30, tzinfo=timezone.utc)
    docs = _read_docs(1)
    tatweel = docs.with_columns(pl.lit("ـــــ").alias("raw_text"), pl.lit(5).cast(pl.Int32).alias("n_chars"),
                                pl.lit("b" * 64).alias("doc_id"))
    counts = "expect_table_row_count_to_be_between"
    with process_pool(2):
        mixed = _hold_all(pl.concat([docs, tatweel]), "m")
        assert mixed["tokens"].chunks == 2
        assert pipeline.fetch(mixed["tokens"]).filter(pl.col("doc_id") == "b" * 64).height == 0
        val = pipeline.validate_batch(mixed, "r", at)
        empty = _hold_all(pl.concat([tatweel, tatweel.with_columns(pl.lit("c" * 64).alias("doc_id"))]), "e")
        val_empty = pipeline.validate_batch(empty, "r", at)
    assert val["success"].all(), val.filter(~pl.col("success"))
    assert val.filter(pl.col("expectation") == counts).height == 3  # documents, sentences, tokens
    bad = val_empty.filter(~pl.col("success")).select("table_name", "expectation").sort("table_name").rows()
    assert bad == [("sentences", counts), ("tokens", counts)]


def test_memory_staging_is_written_by_the_flow_process_and_survives_a_retry(tmp_path, monkeypatch):
    from datetime import datetime, timezone

    from akhbar.storage import Warehouse

    at = datetime(2026, 11, 30, tzinfo=timezone.utc)
    wh = Warehouse(tmp_path / "w", f"memory://akhbar-{tmp_path.name}/parquet")
    assert wh.staging_is_process_local and not Warehouse(tmp_path / "x").staging_is_process_local
    real = Warehouse.stage_batch
    calls = []

    def flaky(self, *args):
        calls.append(args[1])
        if len(calls) == 1:
            raise OSError("disk hiccup")
        return real(self, *args)

    monkeypatch.setattr(Warehouse, "stage_batch", flaky)
    with process_pool(2):
        frames = _hold_all(_read_docs(), "r:0")
        with pytest.raises(OSError):
            pipeline.stage_batch(wh, "r", 0, frames, at)
        written = pipeline.stage_batch(wh, "r", 0, frames, at)  # the retry finds the frames still held
        with pytest.raises(KeyError):
            pipeline.fetch(frames["tokens"])
    assert calls == ["00000", "00000"]
    assert written["tokens"] == frames["tokens"].rows > 400 and written["documents"] == 4
