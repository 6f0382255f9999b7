"""The process pool gives the same frames as running inline, and chunks cover the batch exactly."""

from __future__ import annotations

from datetime import date

import polars as pl

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
